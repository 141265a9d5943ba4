"""Who does it fail? An audit of the classifier across groups of people, with its uncertainty.

The unit of an audit is the **person**, not the photo. A :class:`PeopleSet` lists people, the
photos of each (for the London Set: one taken when asked for a neutral face, one when asked to
smile) and their groups, and says how those groups were defined: *self-reported* by the London
Set's participants, *guessed by crowd annotators* for FairFace. :func:`run_audit` takes the
analyses of those photos from any pipeline (``(asset, analysis)`` pairs, or a function that
analyses a list of assets) and measures, per group (:data:`MEASURES`): how often the detector
missed a face, how often a posed smile is labelled "happy", how often a posed neutral face is
labelled "neutral", and the score the model gives the negative labels on neutral faces.

Uncertainty (every interval is 95%, and every table says which method made it):

- each rate has a Wilson interval from ``scipy.stats.binomtest(k, n).proportion_ci``
  (:func:`wilson_interval`); every rate counts people, one outcome each, so its trials are
  independent as the Wilson interval assumes;
- a difference between two groups' **rates** has Newcombe's hybrid score interval, built from the
  two groups' Wilson intervals (:func:`rate_difference_interval`). A bootstrap cannot be used
  there: a group in which everyone, or nobody, was counted has nothing to resample, and its
  bootstrap treats its rate as certain;
- a **mean** (the negative score, a continuous value per person), and the difference of two
  means, have a percentile bootstrap interval that resamples **people** with all their photos
  (:func:`mean_interval`, :func:`difference_interval`, seeded), never photos: a person's two
  photos share a face, so resampling photos would treat one person as two independent
  observations and give intervals that are too narrow;
- groups smaller than :data:`MIN_PEOPLE` are shown but marked "too few people to say"; groups
  smaller than :data:`MIN_SHOWN` (1 or 2 people) are listed with their size only: no rate, no
  interval, no difference, no dot, "not shown, to protect the individuals";
- :func:`simulate_power` and :func:`people_needed` ask how many people per group an audit needs,
  with the audit's own interval for a difference of rates.

The people: :func:`london_set` (self-reported groups) and :func:`fairface_set` (annotators'
guesses). An :class:`Audit` gives tables (:meth:`Audit.table`, :meth:`Audit.summary`,
:meth:`Audit.differences`; intersections with ``by=("gender", "ethnic group")``), a plot
(:meth:`Audit.plot`), and a one-page card (:meth:`Audit.card`). :func:`audit_pipelines` runs the
same audit with several pipelines in one call; :func:`compare` and :func:`compare_plot` put them
side by side.

Nothing here ever draws a face: the figures are dots and intervals for groups, and no table
names a photo, so no demographic label is ever put next to an individual face.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from . import assets
from .core import DETECTOR_NAME, EMOTIONS
from .display import PALETTE, Figure, subplots
from .errors import EmolabError

CONFIDENCE = 0.95
SEED = 2012  # the London Set was photographed in 2012; any fixed number would do
BOOTSTRAP_RESAMPLES = 4000
NEGATIVE_LABELS = ("angry", "sad", "fear", "disgust")
TOO_FEW = "too few people to say"
MIN_SHOWN = 3
"""The smallest group (or intersection) whose results the audit shows at all: a group of fewer
people is listed with its size, but with no rate, no interval, no difference and no dot.

Why 3: a group of one person is that person. Its rate (0% or 100%), shown beside the group's
name, is that person's own result next to their ethnic group, gender or age, and in a set as
small as the London Set the group's name may be enough to tell who they are (its one
"east Asian/white" participant). In a group of two, each person can read the other's result off
the group's rate, and a 0% or 100% tells both. From three people on, a rate no longer states one
identifiable person's result. A minimum of 3 is also a common threshold rule in statistical
disclosure control for published tables. Unlike :data:`MIN_PEOPLE`, it cannot be changed by an
argument, since it protects people rather than tuning how findings are read.
"""
NOT_SHOWN = f"fewer than {MIN_SHOWN} people: not shown, to protect the individuals"
EMPTY = "no one in this group"
NOTHING_TO_COUNT = "nothing to count"  # people, but no photo this measure reads (no face found, not posed)
WHOLE_SET = "whole set"

MIN_PEOPLE = 10
"""The smallest group whose numbers the audit reads; smaller groups are shown, marked "too few
people to say".

Why 10: in a group of fewer than 10 people, one person alone moves the group's rate by more
than 10 percentage points, which is the size of the gaps an audit is looking for (see
:func:`people_needed`), and the 95% Wilson interval of a rate near 50% then spans more than
half of the scale (4 of 9 people: 19% to 73%). The rule keeps the numbers on show, so nobody
can hide a group by dropping it; it only stops anyone reading a finding into them. It is a
convention, not a law of statistics: change it with ``run_audit(..., min_people=...)``.
"""

# What a learner sees for the manifest's values (participants' own categories, spelled as they were
# recorded, with the underscore gone); nothing is merged or renamed beyond that.
ETHNIC_GROUP_NAMES = {
    "white": "white",
    "black": "black",
    "west_asian": "west Asian",
    "east_asian": "east Asian",
    "east_asian/white": "east Asian/white",
}

LONDON_CONSENT = (
    'The participants consented to their photos being used "to illustrate research" '
    "(Face Research Lab London Set, DeBruine & Jones 2017, CC BY 4.0)."
)
SELF_REPORTED = "self-reported by each participant (age, gender and ethnic group)"
ANNOTATOR_GUESSES = (
    "guessed from the photo by FairFace's crowd annotators (gender and age band); not self-report: "
    "nobody asked the people shown"
)
FAIRFACE_CONSENT = (
    "Public Flickr photos gathered by the FairFace authors (CC BY 4.0 as they declare it); no consent "
    "of the people shown to this use is recorded, and the photos were not taken for this purpose."
)

# The card's fixed "What this cannot show" section: the same words for every audit.
CANNOT_SHOW = (
    "It cannot show what anyone felt. It measures what a model says about a face (in the London "
    'Set, a face made on instruction: "neutral", "smile"), never an inner state.',
    "The categories are social, and self-reported at best: the groups people put themselves in "
    "(or, in FairFace, the groups annotators put them in). Other categories would divide the same "
    "people differently, and a group's number says nothing about any one person in it.",
    "These people are not the people on a station platform. Numbers from these photos say little "
    "about faces caught on CCTV, at other ages, in other light, or about people whose faces move "
    "differently.",
    "A fair classifier of a flawed construct is still a classifier of a flawed construct. Equal "
    "numbers across groups would not show that a face tells what a person feels.",
)


class AuditError(EmolabError):
    advice = "Pass (asset, analysis) pairs for the people's photos, or a function that analyses assets."


# ---------------------------------------------------------------------------------------------
# Who is audited


@dataclass(frozen=True)
class Person:
    """One person: an id, their groups (attribute -> value) and their photos (condition -> asset)."""

    person_id: str
    groups: Mapping[str, str]
    photos: Mapping[str, assets.Asset]


@dataclass(frozen=True)
class PeopleSet:
    """The people an audit is about, and how their groups were defined (carried into every
    table, plot and card)."""

    name: str
    people: tuple[Person, ...]
    groups_defined_by: str
    consent: str
    credit: str
    photographed: str  # how the photos came about

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for p in self.people for a in p.groups))

    @property
    def photos(self) -> list[assets.Asset]:
        return [asset for p in self.people for asset in p.photos.values()]

    def counts(self, by: str) -> dict[str, int]:
        """How many people in each group of ``by``, largest group first."""
        counts: dict[str, int] = {}
        for person in self.people:
            counts[person.groups[by]] = counts.get(person.groups[by], 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def age_band(age: str) -> str:
    """The London Set's self-reported age in three bands ("not reported" where it is blank)."""
    if not age.strip():
        return "not reported"
    years = int(age)
    return "under 25" if years < 25 else "25 to 34" if years < 35 else "35 and over"


def london_set() -> PeopleSet:
    """The Face Research Lab London Set: 102 adults, a neutral and a smiling photo each, with
    self-reported gender, ethnic group and age (grouped by :func:`age_band`)."""
    by_person: dict[str, dict] = {}
    for asset in assets.collection("london"):
        entry = by_person.setdefault(asset.subject_id, {"asset": asset, "photos": {}})
        entry["photos"][asset.condition] = asset
    people = tuple(
        Person(
            person_id,
            {
                "gender": entry["asset"].gender,
                "ethnic group": ETHNIC_GROUP_NAMES.get(entry["asset"].ethnicity, entry["asset"].ethnicity),
                "age band": age_band(entry["asset"].age),
            },
            dict(sorted(entry["photos"].items())),
        )
        for person_id, entry in sorted(by_person.items())
    )
    return PeopleSet(
        name="Face Research Lab London Set",
        people=people,
        groups_defined_by=SELF_REPORTED,
        consent=LONDON_CONSENT,
        credit=(
            "Lisa DeBruine & Benedict Jones (2017), Face Research Lab London Set, figshare, "
            "doi:10.6084/m9.figshare.5047666.v5, CC BY 4.0"
        ),
        photographed=(
            "photos taken in a lab session in London in 2012, each person once asked for a neutral "
            "face and once asked to smile"
        ),
    )


_FAIRFACE_LABELS = re.compile(r"annotator labels: age ([^,]+), gender (\w+)", re.IGNORECASE)


def fairface_set() -> PeopleSet:
    """FairFace's photos in the course: one photo of each person, found on Flickr, with the
    gender and age band that FairFace's crowd annotators guessed. No one was asked to pose, so
    only the detector's miss rate applies; the other measures come out empty."""
    people = []
    for asset in assets.collection("fairface"):
        found = _FAIRFACE_LABELS.search(asset.context)
        if found is None:
            raise AuditError(f"{asset.file}: no FairFace annotator labels in its manifest entry.")
        age, gender = found.group(1).strip(), found.group(2).strip().lower()
        people.append(
            Person(
                asset.name.rsplit(".", 1)[0],
                {"gender (guessed)": gender, "age band (guessed)": age},
                {"as found": asset},
            )
        )
    return PeopleSet(
        name="FairFace (the course's sample)",
        people=tuple(people),
        groups_defined_by=ANNOTATOR_GUESSES,
        consent=FAIRFACE_CONSENT,
        credit="Kärkkäinen & Joo, FairFace (WACV 2021); original Flickr photographers not recorded",
        photographed="photos found on Flickr (YFCC-100M), one per person, taken for other purposes",
    )


# ---------------------------------------------------------------------------------------------
# What is measured


@dataclass(frozen=True)
class Measure:
    key: str
    title: str  # a few words, for tables and plot panels
    description: str  # one sentence: what is counted, of whom
    kind: str  # "rate" (a share of people, Wilson interval) or "mean" (bootstrap interval)
    condition: str | None  # the photo it reads ("smiling", "neutral"), or None: every photo
    colour: str


MEASURES = (
    Measure(
        "missed",
        "face missed by the detector",
        "the share of people for whom the detector found no face in at least one of their photos",
        "rate",
        None,
        PALETTE["neutral"],
    ),
    Measure(
        "smile_happy",
        "posed smile labelled 'happy'",
        "the share of people whose photo taken when asked to smile got the top label 'happy' "
        "(among those whose smiling photo had a face found)",
        "rate",
        "smiling",
        PALETTE["happy"],
    ),
    Measure(
        "neutral_neutral",
        "neutral face labelled 'neutral'",
        "the share of people whose photo taken when asked for a neutral face got the top label "
        "'neutral' (among those whose neutral photo had a face found)",
        "rate",
        "neutral",
        PALETTE["sad"],
    ),
    Measure(
        "negative_on_neutral",
        "negative score on the neutral face",
        "the mean, over people, of the total score the model gives the negative labels (angry, sad, "
        "fear, disgust) on the photo taken when asked for a neutral face (0 to 1)",
        "mean",
        "neutral",
        PALETTE["angry"],
    ),
)
_MEASURES = {m.key: m for m in MEASURES}


def measure(key: str) -> Measure:
    if key not in _MEASURES:
        raise AuditError(f"No measure called '{key}'.", f"Use one of: {', '.join(_MEASURES)}.")
    return _MEASURES[key]


# ---------------------------------------------------------------------------------------------
# Intervals

# How each interval is made, as the tables' "interval" columns say it.
RATE_METHOD = "Wilson (scipy)"
RATE_DIFFERENCE_METHOD = "Newcombe hybrid score, from the two groups' Wilson intervals"
MEAN_METHOD = "bootstrap over people"


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        """True when the whole interval lies on one side of zero (a difference is established)."""
        return bool(self.low > 0 or self.high < 0)

    @property
    def width(self) -> float:
        return self.high - self.low


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> Interval:
    """k of n people, with the Wilson score interval from scipy (NaN for an empty group)."""
    from scipy.stats import binomtest

    k, n = int(k), int(n)
    if n == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    if not 0 <= k <= n:
        raise AuditError(f"k = {k} is not between 0 and n = {n}.")
    ci = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return Interval(k / n, float(ci.low), float(ci.high))


def _newcombe(p1, l1, u1, p2, l2, u2):
    """Newcombe's method 10 from two rates and their Wilson bounds (numbers or arrays)."""
    difference = p1 - p2
    low = difference - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return difference, low, high


def rate_difference_interval(
    k_a: int, n_a: int, k_b: int, n_b: int, confidence: float = CONFIDENCE
) -> Interval:
    """Group a's rate minus group b's (k_a of n_a people minus k_b of n_b), with Newcombe's
    hybrid score interval (Newcombe 1998, Statistics in Medicine 17:873-890, "method 10").

    With each group's rate p and Wilson interval (l, u) from :func:`wilson_interval` (scipy):
    ``low = (p_a - p_b) - sqrt((p_a - l_a)^2 + (u_b - p_b)^2)`` and
    ``high = (p_a - p_b) + sqrt((u_a - p_a)^2 + (p_b - l_b)^2)``.

    Why this interval for a difference of rates: every rate in the audit counts people, one
    outcome each, so the two groups are independent binomial counts, the case the method is
    made for. Each side's uncertainty comes from its own Wilson interval, which stays wide when a
    group is at 0% or 100% (13 of 13 people fit any true rate from about 77% to 100%); a
    percentile bootstrap has nothing to resample in such a group, treats its rate as certain,
    and so gives a difference interval that is far too narrow, and can call a gap established
    that the data cannot support. Newcombe's comparison of eleven methods found this one's
    coverage close to 95% on average, small groups and rates near 0 or 1 included (for a given
    pair of small groups it can be a few points off, as for any interval of whole counts: see
    :func:`simulate_power`). Newcombe's own example:
    56 of 70 minus 48 of 80 is 0.2000, 95% interval 0.0524 to 0.3339.

    Why not a library: statsmodels has the same interval
    (``confint_proportions_2indep(..., method="newcomb")``, and gives the same numbers), but
    its wheel is about 12 MB to download and about 42 MB installed (version 0.15), with patsy
    besides, for one formula of two lines on top of scipy's Wilson interval, which the course
    already installs and calls. The formula is tested against Newcombe's published values.

    NaN when either group is empty. A group of one has an interval (a wide one), but the audit
    shows nothing for groups under :data:`MIN_SHOWN` people.
    """
    a, b = wilson_interval(k_a, n_a, confidence), wilson_interval(k_b, n_b, confidence)
    if int(n_a) == 0 or int(n_b) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    difference, low, high = _newcombe(a.estimate, a.low, a.high, b.estimate, b.low, b.high)
    return Interval(float(difference), float(low), float(high))


def _wilson_bounds(k, n, confidence: float = CONFIDENCE):
    """Wilson bounds for arrays of k of n: the formula of scipy's ``proportion_ci(method="wilson")``
    (without continuity correction), line for line, vectorised (one scipy call takes about a
    millisecond; the power simulation needs millions). Tested equal to scipy's."""
    from scipy.special import ndtri

    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    z = ndtri(0.5 + 0.5 * confidence)
    p = k / n
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    delta = z / denom * np.sqrt(4 * n * p * (1 - p) + z**2)
    low = np.where(k == 0, 0.0, center - delta)
    high = np.where(k == n, 1.0, center + delta)
    return p, low, high


def _newcombe_bounds(k_a, n_a, k_b, n_b, confidence: float = CONFIDENCE):
    """(low, high) of :func:`rate_difference_interval` for arrays of counts, all at once."""
    _, low, high = _newcombe(*_wilson_bounds(k_a, n_a, confidence), *_wilson_bounds(k_b, n_b, confidence))
    return low, high


def _per_person(values) -> np.ndarray:
    """Values as a (people, photos) float array; a 1-D input is one value per person."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise AuditError("Give one value per person, or one row of photo values per person.")
    return array


def _group_statistic(rows: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The mean over every photo of the people picked by ``index`` (last axis: the people)."""
    taken = rows[index]  # (..., people, photos)
    taken = taken.reshape(*index.shape[:-1], -1)
    return np.nanmean(taken, axis=-1)


def _bootstrap(samples, statistic, *, confidence: float, n_resamples: int, seed: int):
    from scipy.stats import DegenerateDataWarning, bootstrap

    with warnings.catch_warnings():
        # all-equal groups (0% or 100%) are "degenerate" to scipy; the percentile method still
        # gives an interval (a collapsed one), which difference_interval's docstring explains
        warnings.simplefilter("ignore", DegenerateDataWarning)
        result = bootstrap(
            samples,
            statistic,
            vectorized=True,
            paired=False,
            confidence_level=confidence,
            n_resamples=n_resamples,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def mean_interval(
    values,
    *,
    confidence: float = CONFIDENCE,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = SEED,
) -> Interval:
    """The mean of per-person values (one value, or one row of photo values, per person), with a
    percentile bootstrap interval over people. NaN interval for fewer than 2 people."""
    rows = _per_person(values)
    rows = rows[~np.all(np.isnan(rows), axis=1)]
    if len(rows) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    estimate = float(_group_statistic(rows, np.arange(len(rows))))
    if len(rows) < 2:
        return Interval(estimate, float("nan"), float("nan"))
    low, high = _bootstrap(
        (np.arange(len(rows)),),
        lambda i, axis=-1: _group_statistic(rows, i),
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
    )
    return Interval(estimate, low, high)


def difference_interval(
    a,
    b,
    *,
    confidence: float = CONFIDENCE,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = SEED,
) -> Interval:
    """Group a's mean minus group b's, with a percentile bootstrap interval that resamples people.

    For means of continuous per-person values, such as the negative score on the neutral face:
    for a difference of two **rates** (shares of people) use :func:`rate_difference_interval`,
    as the audit does. ``a`` and ``b``: one value per person, or one row per person holding the
    values of each of their photos (NaN where a photo does not count). Each resample draws people
    with replacement within each group and keeps all of a drawn person's photos together; the
    statistic is the mean over the drawn photos. This is ``scipy.stats.bootstrap`` with the
    percentile method applied to the people's row numbers (the BCa method returns NaN when a
    group's values are all equal).

    Why not for rates: a group whose values are all equal (a rate of 0% or 100%) has nothing to
    resample, so the bootstrap treats its value as certain, and when both groups are so the
    interval collapses to a point. For a continuous score that is rare and visible; for a rate
    it happens in every small group where everyone, or nobody, was counted, and the interval
    is then far too narrow. NaN interval when a group has fewer than 2 people.
    """
    rows_a, rows_b = (_per_person(x) for x in (a, b))
    rows_a = rows_a[~np.all(np.isnan(rows_a), axis=1)]
    rows_b = rows_b[~np.all(np.isnan(rows_b), axis=1)]
    if len(rows_a) == 0 or len(rows_b) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    estimate = float(
        _group_statistic(rows_a, np.arange(len(rows_a))) - _group_statistic(rows_b, np.arange(len(rows_b)))
    )
    if len(rows_a) < 2 or len(rows_b) < 2:
        return Interval(estimate, float("nan"), float("nan"))

    def difference(index_a, index_b, axis=-1):
        return _group_statistic(rows_a, index_a) - _group_statistic(rows_b, index_b)

    low, high = _bootstrap(
        (np.arange(len(rows_a)), np.arange(len(rows_b))),
        difference,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
    )
    return Interval(estimate, low, high)


# ---------------------------------------------------------------------------------------------
# How many people an audit needs


def simulate_power(
    base_rate: float = 0.5,
    gap: float = 0.10,
    n_per_group: int = 13,
    *,
    n_other: int | None = None,
    simulations: int = 2000,
    resamples: int = 400,
    confidence: float = CONFIDENCE,
    seed: int = SEED,
) -> float:
    """The chance that an audit of two groups of ``n_per_group`` people, whose true rates are
    ``base_rate`` and ``base_rate + gap``, gives a difference interval that excludes zero.
    ``n_other``: the second group's size, if it differs (such as 13 people against the other 89).

    Each of ``simulations`` made-up audits draws the two groups' counts of people, then computes
    the same interval as the real audit for a difference of rates: Newcombe's hybrid score
    interval (:func:`rate_difference_interval`). It is a formula, so every made-up audit gets
    its exact interval, all of them at once. With ``gap=0`` it is the rate of false alarms, close
    to 5% for a 95% interval: counts of people are whole numbers, so for small groups it steps
    up and down with n (at a 50% rate, exactly 4.2% for 10 people per group, 7.6% for 13, 4.3%
    for 20, 5.6% for 100). Seeded: the same arguments always give the same answer.
    ``resamples`` is no longer used (the simulation once bootstrapped each made-up audit); it
    is kept so that existing calls still work.
    """
    if not 0 <= base_rate <= 1 or not 0 <= base_rate + gap <= 1:
        raise AuditError("base_rate and base_rate + gap must both be between 0 and 1.")
    n = int(n_per_group)
    n_b = n if n_other is None else int(n_other)
    if min(n, n_b) < 1:
        raise AuditError("Each group needs at least 1 person.")
    rng = np.random.default_rng(seed)
    k_a = rng.binomial(n, base_rate, size=simulations)
    k_b = rng.binomial(n_b, base_rate + gap, size=simulations)
    low, high = _newcombe_bounds(k_b, n_b, k_a, n, confidence)
    return float(np.mean((low > 0) | (high < 0)))


@dataclass(frozen=True)
class PowerResult:
    n_per_group: int  # the smallest n (to within the search's step) with the target power
    power: float  # the simulated power at that n
    target: float
    base_rate: float
    gap: float
    tried: dict  # n -> simulated power, every n the search tried


def people_needed(
    base_rate: float = 0.5,
    gap: float = 0.10,
    target: float = 0.80,
    *,
    simulations: int = 2000,
    resamples: int = 400,
    max_n: int = 20000,
    seed: int = SEED,
) -> PowerResult:
    """The people per group that give a ``target`` chance (80%) that the difference interval
    (Newcombe's, as in the audit) excludes zero, for a true gap of ``gap``: doubling n from 10
    until the target is reached, then halving the step. Simulated (:func:`simulate_power`), so
    the answer varies by a few percent with the seed. ``resamples`` is no longer used."""
    if gap == 0:
        raise AuditError("With no true gap, no number of people gives power: the answer is 'never'.")
    tried: dict[int, float] = {}

    def power(n: int) -> float:
        if n not in tried:
            tried[n] = simulate_power(
                base_rate, gap, n, simulations=simulations, resamples=resamples, seed=seed
            )
        return tried[n]

    high = 10
    while power(high) < target:
        if high >= max_n:
            raise AuditError(f"Even {max_n} people per group do not reach {target:.0%} power.")
        high = min(2 * high, max_n)
    low = high // 2 if high > 10 else 1
    while high - low > max(1, high // 50):
        middle = (low + high) // 2
        if power(middle) >= target:
            high = middle
        else:
            low = middle
    return PowerResult(high, tried[high], target, base_rate, gap, dict(sorted(tried.items())))


def power_table(
    base_rate: float = 0.5,
    gap: float = 0.10,
    sizes=(9, 13, 25, 50, 100, 200, 400, 800),
    *,
    simulations: int = 2000,
    resamples: int = 400,
    seed: int = SEED,
):
    """Simulated power for several group sizes (a DataFrame: people per group, power), with the
    audit's interval for a difference of rates (:func:`simulate_power`; ``resamples`` is no
    longer used)."""
    import pandas as pd

    rows = [
        {
            "people per group": int(n),
            "power": simulate_power(
                base_rate, gap, n, simulations=simulations, resamples=resamples, seed=seed
            ),
        }
        for n in sizes
    ]
    table = pd.DataFrame(rows)
    table.attrs.update(base_rate=base_rate, gap=gap, interval=RATE_DIFFERENCE_METHOD)
    return table


# ---------------------------------------------------------------------------------------------
# Pipelines


@dataclass(frozen=True)
class PipelineInfo:
    """Which detector and emotion model produced the analyses, by name and sha256."""

    model_name: str
    model_short_name: str
    model_sha256: str
    detector: str  # the detector as it ran in this pipeline (``Analysis.detector``)
    detector_short_name: str
    detector_sha256: tuple[str, ...]  # the detector's files (Haar: face cascade, eye cascade)

    @property
    def label(self) -> str:
        return f"{self.model_short_name} + {self.detector_short_name}"


def _detector_name(analysis) -> str:
    detector = getattr(analysis, "detector", "")
    return detector if isinstance(detector, str) else str(getattr(detector, "name", detector))


def _detector_short_name(analysis) -> str:
    info = getattr(analysis, "detector_info", None)
    if info is not None and getattr(info, "short_name", ""):
        return info.short_name
    name = _detector_name(analysis)
    return "Haar cascade" if name == DETECTOR_NAME else name.split(" (")[0]


def _detector_hashes(analysis) -> tuple[str, ...]:
    """The detector's file sha256s, as the analysis records them (``detector_info``); the
    Haar pipeline's eye cascade, which aligns the face, is added from the course's pins."""
    hashes = []
    for holder in (getattr(analysis, "detector_info", None), getattr(analysis, "detector", None), analysis):
        value = getattr(holder, "detector_sha256", None) or getattr(holder, "sha256", None)
        if holder is not None and value and not isinstance(holder, str):
            hashes = [value] if isinstance(value, str) else list(value)
            break
    if _detector_name(analysis) == DETECTOR_NAME:
        cascades = [m.sha256 for m in assets.HAAR_CASCADES.values()]
        hashes = hashes or cascades[:1]
        hashes += [h for h in cascades[1:] if h not in hashes]
    return tuple(hashes)


def pipeline_of(analyses) -> PipelineInfo:
    """The pipeline that made ``analyses``; an error if they came from more than one."""
    infos = set()
    for analysis in analyses:
        model = analysis.model
        infos.add(
            PipelineInfo(
                str(model.name),
                str(getattr(model, "short_name", model.name)),
                str(model.sha256),
                _detector_name(analysis),
                _detector_short_name(analysis),
                _detector_hashes(analysis),
            )
        )
    if len(infos) != 1:
        raise AuditError(
            f"The analyses come from {len(infos)} pipelines; an audit reads one at a time.",
            "Audit each pipeline separately, then put the audits side by side with audit.compare().",
        )
    return infos.pop()


def pipeline_names() -> tuple[str, ...]:
    """The pipelines the course can run by name (``emolab.core.PIPELINES``)."""
    from . import core

    return tuple(getattr(core, "PIPELINES", {}))


def _named_pipeline(name: str):
    """A function that analyses assets with the pipeline ``core.PIPELINES[name]``."""
    from . import core

    pipelines = getattr(core, "PIPELINES", {})
    if name not in pipelines:
        raise AuditError(f"No pipeline called '{name}'.", f"Use one of: {', '.join(pipelines) or 'none'}.")
    settings = dict(pipelines[name])

    def analyze(photos):
        return assets.analyze_assets(photos, **settings)

    return analyze


def _largest(analysis):
    if hasattr(analysis, "largest_face"):
        return analysis.largest_face
    return max(analysis.faces, key=lambda f: f.box[2] * f.box[3], default=None)


def _probabilities(face) -> Mapping[str, float]:
    if hasattr(face, "probabilities"):
        return face.probabilities
    return dict(zip(EMOTIONS, face.scores, strict=True))


def person_outcomes(photos: Mapping[str, object]) -> dict[str, float]:
    """One person's outcomes from the analyses of their photos (condition -> analysis).

    NaN where a measure does not apply: no photo of that condition, or no face found in it.
    """
    found = {condition: _largest(a) for condition, a in photos.items()}
    outcomes = {
        "photos": len(photos),
        "photos missed": sum(face is None for face in found.values()),
    }
    outcomes["missed"] = float(outcomes["photos missed"] > 0) if photos else float("nan")
    for key, condition, label in (
        ("smile_happy", "smiling", "happy"),
        ("neutral_neutral", "neutral", "neutral"),
    ):
        face = found.get(condition)
        outcomes[key] = float(_top_label(face) == label) if face is not None else float("nan")
    face = found.get("neutral")
    if face is None:
        outcomes["negative_on_neutral"] = float("nan")
    else:
        probabilities = _probabilities(face)
        missing = [label for label in NEGATIVE_LABELS if label not in probabilities]
        if missing:
            raise AuditError(f"The model's labels lack {', '.join(missing)}; the audit needs them.")
        outcomes["negative_on_neutral"] = float(sum(probabilities[label] for label in NEGATIVE_LABELS))
    return outcomes


def _top_label(face) -> str:
    if hasattr(face, "top_label"):
        return face.top_label
    probabilities = _probabilities(face)
    return max(probabilities, key=probabilities.get)


def _analyses_by_file(people: PeopleSet, analyzed) -> dict[str, object]:
    """Every photo's analysis, keyed by asset file, from pairs or from an analysing function."""
    photos = people.photos
    if analyzed is None:
        analyzed = assets.analyze_assets
    if isinstance(analyzed, str):
        analyzed = _named_pipeline(analyzed)
    if callable(analyzed):
        results = list(analyzed(photos))
        if len(results) != len(photos):
            raise AuditError(
                f"The analysing function returned {len(results)} results for {len(photos)} photos."
            )
        pairs = zip(photos, results, strict=True)
    else:
        pairs = analyzed
    by_file = {}
    for asset, analysis in pairs:
        by_file[asset.file if isinstance(asset, assets.Asset) else str(asset)] = analysis
    missing = [a.file for a in photos if a.file not in by_file]
    if missing:
        raise AuditError(
            f"{len(missing)} of the {len(photos)} photos have no analysis (for example {missing[0]}).",
            "Analyse every photo of the people set: audit.run_audit(people, analyzed=assets.analyze_assets).",
        )
    return by_file


# ---------------------------------------------------------------------------------------------
# The audit


@dataclass
class Audit:
    """An audit's per-person outcomes, and the tables, plot and card made from them.

    ``observations``: one row per person (their groups and outcomes; no photo names), indexed by
    person. Rates and intervals are computed on demand and kept.
    """

    people: PeopleSet
    pipeline: PipelineInfo
    observations: object  # pandas DataFrame
    min_people: int = MIN_PEOPLE
    confidence: float = CONFIDENCE
    n_resamples: int = BOOTSTRAP_RESAMPLES
    seed: int = SEED
    _tables: dict = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return (
            f"Audit of {len(self.observations)} people ({self.people.name}; groups "
            f"{self.people.groups_defined_by.split(' (')[0]}) with {self.pipeline.label}"
        )

    def _by(self, by):
        """``by`` as a table key: an attribute, or a tuple of them (default: :attr:`default_by`)."""
        if not by:
            return self.default_by
        return by if isinstance(by, str) else tuple(by)

    @cached_property
    def default_by(self) -> str:
        return "ethnic group" if "ethnic group" in self.people.attributes else self.people.attributes[0]

    def _groups(self, by) -> list[tuple[str, object]]:
        """(group name, boolean mask over people) for ``by``: one attribute or a tuple of them
        (an intersection), every combination listed, including empty ones."""
        attributes = (by,) if isinstance(by, str) else tuple(by)
        for attribute in attributes:
            if attribute not in self.observations.columns:
                raise AuditError(
                    f"No group attribute called '{attribute}'.",
                    f"Use one of: {', '.join(self.people.attributes)}.",
                )
        orders = [list(self.people.counts(a)) for a in attributes]
        combos = [()]
        for order in orders:
            combos = [c + (value,) for c in combos for value in order]
        groups = []
        for combo in combos:
            mask = np.ones(len(self.observations), dtype=bool)
            for attribute, value in zip(attributes, combo, strict=True):
                mask &= (self.observations[attribute] == value).to_numpy()
            groups.append((" × ".join(combo), mask))
        groups.sort(key=lambda g: -int(g[1].sum()))  # largest first, stable within equal sizes
        return groups

    def _row(self, group: str, people: int, m: Measure, values: np.ndarray) -> dict:
        valid = values[~np.isnan(values)]
        n = len(valid)
        hidden = people < MIN_SHOWN
        if hidden:
            k, interval, method = None, Interval(float("nan"), float("nan"), float("nan")), "not shown"
        elif m.kind == "rate":
            k = int(valid.sum())
            interval = wilson_interval(k, n, self.confidence)
            method = RATE_METHOD
        else:
            k = None
            interval = mean_interval(
                valid, confidence=self.confidence, n_resamples=self.n_resamples, seed=self.seed
            )
            method = MEAN_METHOD
        if hidden and people > 0:
            note = NOT_SHOWN
        elif n == 0:
            note = EMPTY if people == 0 else NOTHING_TO_COUNT
        else:
            note = TOO_FEW if (n < self.min_people and group != WHOLE_SET) else ""
        return {
            "group": group,
            "measure": m.key,
            "people": people,
            "n": n,
            "k": k,
            "estimate": interval.estimate,
            "low": interval.low,
            "high": interval.high,
            "interval": method,
            "too few": bool(n < self.min_people) and group != WHOLE_SET,
            "not shown": bool(hidden and people > 0),
            "note": note,
        }

    def table(self, by=None, measures=None):
        """Per group and measure: people in the group, n (people the measure counts), k, the
        rate or mean, its interval, how the interval was made (``interval``: Wilson for a rate,
        bootstrap over people for a mean), the "too few" mark, and ``not shown`` for groups of
        fewer than :data:`MIN_SHOWN` people, whose k, rate and interval are left empty; a
        "whole set" row first. ``by``: an attribute, or a tuple for intersections such as
        ``("gender", "ethnic group")``. A long (tidy) DataFrame; :meth:`summary` is the wide one."""
        import pandas as pd

        by = self._by(by)
        keys = tuple(m.key for m in self._measures(measures))
        cache_key = ("table", by, keys)
        if cache_key not in self._tables:
            rows = []
            everyone = np.ones(len(self.observations), dtype=bool)
            for group, mask in [(WHOLE_SET, everyone), *self._groups(by)]:
                for m in self._measures(measures):
                    values = self.observations.loc[mask, m.key].to_numpy(dtype=float)
                    rows.append(self._row(group, int(mask.sum()), m, values))
            table = pd.DataFrame(rows)
            table.attrs.update(self._attrs(by))
            self._tables[cache_key] = table
        return self._tables[cache_key]

    def _measures(self, measures) -> list[Measure]:
        if measures is None:
            return list(MEASURES)
        return [
            measure(m) if isinstance(m, str) else m
            for m in ([measures] if isinstance(measures, str) else measures)
        ]

    def _attrs(self, by) -> dict:
        return {
            "by": by if isinstance(by, str) else " × ".join(by),
            "people set": self.people.name,
            "groups defined by": self.people.groups_defined_by,
            "model": self.pipeline.model_short_name,
            "detector": self.pipeline.detector,
            "confidence": self.confidence,
            "min people": self.min_people,
        }

    def summary(self, by=None, measures=None):
        """The table as text, one row per group and one column per measure, each cell
        "41% (30% to 52%), n = 69", with the "too few people to say" mark where it applies, and
        only the group's size for a group of fewer than :data:`MIN_SHOWN` people."""
        import pandas as pd

        long = self.table(by, measures)
        columns = {}
        for m in self._measures(measures):
            part = long[long["measure"] == m.key].set_index("group")
            columns[m.title] = [format_cell(row, m) for _, row in part.iterrows()]
            index = list(part.index)
        people = long.drop_duplicates("group").set_index("group")["people"]
        table = pd.DataFrame(columns, index=index)
        table.insert(0, "people", [int(people[g]) for g in index])
        table.index.name = long.attrs["by"]
        table.attrs.update(long.attrs)
        return table

    def differences(self, by=None, measures=None, reference: str = "rest"):
        """Each group minus everyone else (``reference="rest"``) or minus one named group: the
        difference, its interval, how it was made (``interval``: Newcombe's hybrid score interval
        for a difference of rates, see :func:`rate_difference_interval`; a seeded bootstrap over
        people for a difference of means), both n, and whether the interval excludes zero. No
        difference is given where either side has fewer than :data:`MIN_SHOWN` people."""
        import pandas as pd

        by = self._by(by)
        keys = tuple(m.key for m in self._measures(measures))
        cache_key = ("differences", by, keys, reference)
        if cache_key in self._tables:
            return self._tables[cache_key]
        groups = self._groups(by)
        named = dict(groups)
        if reference != "rest" and reference not in named:
            raise AuditError(f"No group called '{reference}'.", f"Use one of: {', '.join(named)}, or 'rest'.")
        rows = []
        nan = Interval(float("nan"), float("nan"), float("nan"))
        for group, mask in groups:
            if group == reference:
                continue
            other = ~mask if reference == "rest" else named[reference]
            hidden = 0 < min(int(mask.sum()), int(other.sum())) < MIN_SHOWN
            for m in self._measures(measures):
                a = self.observations.loc[mask, m.key].to_numpy(dtype=float)
                b = self.observations.loc[other, m.key].to_numpy(dtype=float)
                a, b = a[~np.isnan(a)], b[~np.isnan(b)]
                if hidden:
                    interval, method = nan, "not shown"
                elif m.kind == "rate":
                    interval = rate_difference_interval(
                        int(a.sum()), len(a), int(b.sum()), len(b), self.confidence
                    )
                    method = RATE_DIFFERENCE_METHOD
                else:
                    interval = difference_interval(
                        a, b, confidence=self.confidence, n_resamples=self.n_resamples, seed=self.seed
                    )
                    method = MEAN_METHOD
                too_few = min(len(a), len(b)) < self.min_people
                if hidden:
                    note = NOT_SHOWN
                elif len(a) == 0:
                    note = EMPTY if not mask.any() else NOTHING_TO_COUNT
                else:
                    note = TOO_FEW if too_few else ""
                rows.append(
                    {
                        "group": group,
                        "compared with": "everyone else" if reference == "rest" else reference,
                        "measure": m.key,
                        "n": len(a),
                        "n compared": len(b),
                        "difference": interval.estimate,
                        "low": interval.low,
                        "high": interval.high,
                        "interval": method,
                        "excludes zero": interval.excludes_zero,
                        "too few": too_few or hidden,
                        "not shown": hidden,
                        "note": note,
                    }
                )
        table = pd.DataFrame(rows)
        table.attrs.update(
            self._attrs(by),
            interval=f"rates: {RATE_DIFFERENCE_METHOD}; means: percentile {MEAN_METHOD}",
            seed=self.seed,
        )
        self._tables[cache_key] = table
        return table

    def plot(self, by=None, measures=None) -> Figure:
        """The audit's figure (see :func:`audit_plot`), drawn once per ``by`` and measures."""
        key = ("plot", self._by(by), tuple(m.key for m in self._measures(measures)))
        if key not in self._tables:
            self._tables[key] = audit_plot(self, by, measures)
        return self._tables[key]

    def card(self, by=None) -> AuditCard:
        return audit_card(self, by)


def run_audit(
    people: PeopleSet | None = None,
    analyzed=None,
    *,
    min_people: int = MIN_PEOPLE,
    confidence: float = CONFIDENCE,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = SEED,
) -> Audit:
    """Audit a pipeline on a set of people (default: the London Set).

    ``analyzed``: the analyses of the people's photos, as ``(asset, analysis)`` pairs (any
    pipeline's: each analysis needs ``faces``, each face ``box`` and ``probabilities`` or
    ``scores``, and ``model`` and ``detector`` naming what made it); or a function that takes a
    list of assets and returns their analyses in order; or the name of one of the course's
    pipelines (:func:`pipeline_names`, such as ``"OpenCV Zoo (YuNet + RAF-DB)"``). Default: the
    course's DeepFace pipeline (:func:`emolab.assets.analyze_assets`, cached on disk, with a
    progress bar).
    """
    import pandas as pd

    people = people or london_set()
    by_file = _analyses_by_file(people, analyzed)
    info = pipeline_of(by_file[a.file] for a in people.photos)
    rows = []
    for person in people.people:
        outcomes = person_outcomes({c: by_file[a.file] for c, a in person.photos.items()})
        rows.append({"person": person.person_id, **person.groups, **outcomes})
    observations = pd.DataFrame(rows).set_index("person")
    return Audit(people, info, observations, min_people, confidence, n_resamples, seed)


def audit_pipelines(pipelines=None, people: PeopleSet | None = None, **options) -> list[Audit]:
    """The same audit with several pipelines, one call: ``pipelines`` are names (default: every
    one in :func:`pipeline_names`), functions that analyse, or lists of pairs, as
    :func:`run_audit` takes them. Put the results side by side with :func:`compare` and
    :func:`compare_plot`."""
    people = people or london_set()
    return [run_audit(people, p, **options) for p in (pipelines or pipeline_names())]


# ---------------------------------------------------------------------------------------------
# Formatting


def format_value(value: float, m: Measure) -> str:
    if np.isnan(value):
        return "n/a"
    return f"{value:.0%}" if m.kind == "rate" else f"{value:.2f}"


def format_cell(row, m: Measure) -> str:
    """'41% (30% to 52%), n = 69', marked when the group is too small or empty; only the size
    of a group of fewer than :data:`MIN_SHOWN` people."""
    if row.get("not shown", False):
        return f"{NOT_SHOWN} (n = {row['n']})"
    if row["n"] == 0:
        return f"{EMPTY if row['people'] == 0 else NOTHING_TO_COUNT} (n = 0)"
    counted = f", {int(row['k'])} of {row['n']}" if m.kind == "rate" else f", n = {row['n']}"
    interval = (
        f" ({format_value(row['low'], m)} to {format_value(row['high'], m)})"
        if not np.isnan(row["low"])
        else " (no interval)"
    )
    text = f"{format_value(row['estimate'], m)}{interval}{counted}"
    return f"{text}; {TOO_FEW}" if row["too few"] else text


# ---------------------------------------------------------------------------------------------
# Figures: ``audit_plot`` and ``compare_plot`` return complete Figures; the ``*_figure``
# functions draw the pictures alone. They draw dots and intervals for groups, never a face.

MARKERS = ("o", "s", "^", "D")
LINE_STYLES = ("--", ":", "-.", (0, (5, 1)))  # each pipeline's whole-set line in compare_plot
FONT_PT = 10  # the smallest text in the figures (display.MIN_TEXT_PT is 9.5)
FIGURE_WIDTH_IN = 7.4  # narrow enough to be shown unscaled in JupyterLab (display.FIGURE_WIDTH_IN)
PIPELINE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")  # Okabe-Ito, from PALETTE's colours


def _draw_measure(
    axis,
    part,
    m: Measure,
    whole,
    *,
    colour,
    marker="o",
    offset=0.0,
    label=None,
    line_colour="#000000",
    line_style="--",
    line_label=None,
    note_too_few=True,
):
    """One panel: a dot and interval per group (top to bottom), n beside each, the whole set's
    value as a dashed line. Too-few groups: hollow dots and the words; empty groups, and groups
    of fewer than :data:`MIN_SHOWN` people: words only, no dot."""
    scale = 100 if m.kind == "rate" else 1
    labelled = False
    for i, (_, row) in enumerate(part.iterrows()):
        y = i + offset
        if row.get("not shown", False) or row["n"] == 0:
            words = (
                f"not shown: fewer than {MIN_SHOWN} people (n = {row['n']})"  # short: fits the panel
                if row.get("not shown", False)
                else f"{EMPTY if row['people'] == 0 else NOTHING_TO_COUNT} (n = 0)"
            )
            axis.text(
                0.02,
                y,
                words,
                transform=axis.get_yaxis_transform(),
                va="center",
                fontsize=FONT_PT,
                style="italic",
            )
            continue
        value = row["estimate"] * scale
        if not np.isnan(row["low"]):
            axis.plot(
                [row["low"] * scale, row["high"] * scale],
                [y, y],
                color=colour,
                linewidth=2,
                solid_capstyle="butt",
                clip_on=False,
            )
        axis.plot(
            [value],
            [y],
            marker=marker,
            markersize=7,
            color=colour,
            markerfacecolor="white" if row["too few"] else colour,
            markeredgewidth=1.8,
            linestyle="none",
            label=None if labelled else label,
            clip_on=False,
            zorder=3,
        )
        labelled = True
        note = f"n = {row['n']}" + (f"\n{TOO_FEW}" if row["too few"] and note_too_few else "")
        axis.annotate(
            note,
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(10, 0),
            textcoords="offset points",
            va="center",
            fontsize=FONT_PT,
        )
    if not np.isnan(whole["estimate"]):
        axis.axvline(
            whole["estimate"] * scale,
            color=line_colour,
            linestyle=line_style,
            linewidth=1.2,
            label=line_label,
        )
    axis.set_xlim(0, 100 if m.kind == "rate" else 1)
    axis.set_xlabel("% of people" if m.kind == "rate" else "mean score (0 to 1)")


def audit_figure(audit: Audit, by=None, measures=None):
    """One panel per measure; in each, a dot and 95% interval per group, n beside it."""
    measures = audit._measures(measures)
    long = audit.table(by, measures)
    groups = [g for g in dict.fromkeys(long["group"]) if g != WHOLE_SET]
    fig, axes = subplots(
        len(measures),
        1,
        figsize=(FIGURE_WIDTH_IN, 0.5 * len(measures) * (len(groups) + 2.6)),
        layout="constrained",
    )
    for axis, m in zip(np.atleast_1d(axes), measures, strict=True):
        part = long[(long["measure"] == m.key) & (long["group"] != WHOLE_SET)]
        whole = long[(long["measure"] == m.key) & (long["group"] == WHOLE_SET)].iloc[0]
        _draw_measure(axis, part, m, whole, colour=m.colour)
        axis.set_yticks(range(len(groups)), groups)
        axis.set_ylim(len(groups) - 0.5, -0.5)
        axis.set_title(
            f"{m.title}: whole set {format_value(whole['estimate'], m)} (dashed line, n = {whole['n']})",
            fontsize=FONT_PT + 1,
            loc="left",
        )
        axis.grid(axis="x", alpha=0.3)
    fig.suptitle(
        f"{long.attrs['people set']}, by {long.attrs['by']} ({_defined_short(audit.people)})\n"
        f"{audit.pipeline.label}",
        fontsize=FONT_PT + 1,
    )
    return fig


def _defined_short(people: PeopleSet) -> str:
    return people.groups_defined_by.split(" (")[0].split(";")[0]


def _alt_groups(part, m: Measure) -> str:
    pieces = []
    for _, row in part.iterrows():
        if row.get("not shown", False):
            pieces.append(f"{row['group']}: {NOT_SHOWN}, n = {row['n']}")
            continue
        if row["n"] == 0:
            pieces.append(f"{row['group']}: {EMPTY if row['people'] == 0 else NOTHING_TO_COUNT}")
            continue
        interval = (
            f", 95% interval {format_value(row['low'], m)} to {format_value(row['high'], m)}"
            if not np.isnan(row["low"])
            else ", no interval"
        )
        mark = f", {TOO_FEW}" if row["too few"] else ""
        pieces.append(f"{row['group']} {format_value(row['estimate'], m)}{interval}, n = {row['n']}{mark}")
    return "; ".join(pieces)


def audit_alt(audit: Audit, by=None, measures=None) -> str:
    """Alt text for :func:`audit_figure`: every number the figure shows."""
    long = audit.table(by, audit._measures(measures))
    parts = [
        f"Dot plot, one panel per measure, of the {audit.pipeline.label} pipeline on the "
        f"{long.attrs['people set']} by {long.attrs['by']} (groups {_defined_short(audit.people)}): "
        "each group's value as a dot with its 95% interval as a line (rates: Wilson; means: "
        "bootstrap over people), n printed beside it, and the whole set's value as a dashed line; "
        f"groups of fewer than {MIN_SHOWN} people have no dot."
    ]
    for m in audit._measures(measures):
        part = long[(long["measure"] == m.key) & (long["group"] != WHOLE_SET)]
        whole = long[(long["measure"] == m.key) & (long["group"] == WHOLE_SET)].iloc[0]
        parts.append(
            f"{m.title[:1].upper()}{m.title[1:]}: whole set {format_value(whole['estimate'], m)} "
            f"(n = {whole['n']}); {_alt_groups(part, m)}."
        )
    return " ".join(parts)


def audit_caption(audit: Audit, by=None) -> str:
    long = audit.table(by)
    return (
        f"Each group's value with its 95% interval (rates: Wilson; means: bootstrap over people), "
        f"n = people counted. Groups: {audit.people.groups_defined_by}. Hollow dots: fewer than "
        f"{audit.min_people} people, {TOO_FEW}. No dot: {NOT_SHOWN}. "
        f"Model: {audit.pipeline.model_short_name} (weights "
        f"sha256 {audit.pipeline.model_sha256[:12]}…); detector: {audit.pipeline.detector}. "
        f"People: {audit.people.credit}. No face is shown: the audit reports groups, never a "
        f"person ({long.attrs['people set']})."
    )


def audit_plot(audit: Audit, by=None, measures=None) -> Figure:
    """The audit as a figure: per measure, a dot and 95% interval per group with n beside it and
    the whole set as a reference line; alt text states every number; the caption names the
    groups' origin, the model and the detector."""
    return Figure(audit_figure(audit, by, measures), audit_alt(audit, by, measures), audit_caption(audit, by))


def compare(audits, by=None, measures=None):
    """Several pipelines' audits of the same people side by side: one row per group and
    measure, for each pipeline the value, its interval, how the interval was made and n (a
    DataFrame); nothing but n for groups of fewer than :data:`MIN_SHOWN` people."""
    import pandas as pd

    audits = list(audits)
    _same_people(audits)
    by = audits[0]._by(by)
    frames = []
    for a in audits:
        columns = ["group", "measure", "n", "estimate", "low", "high", "interval", "too few", "not shown"]
        part = a.table(by, measures)[columns].copy()
        part.insert(0, "pipeline", a.pipeline.label)
        frames.append(part)
    table = pd.concat(frames, ignore_index=True)
    table.attrs.update(audits[0]._attrs(by), model=[a.pipeline.model_short_name for a in audits])
    return table


def _same_people(audits) -> None:
    if not audits:
        raise AuditError("Give at least one audit.")
    ids = {tuple(a.observations.index) for a in audits}
    if len(ids) != 1:
        raise AuditError("These audits are of different people; compare audits of the same people set.")


def compare_figure(audits, by=None, measure_key: str = "smile_happy"):
    audits = list(audits)
    m = measure(measure_key)
    by = audits[0]._by(by)
    groups = [g for g in dict.fromkeys(audits[0].table(by, [m])["group"]) if g != WHOLE_SET]
    fig, axis = subplots(
        figsize=(FIGURE_WIDTH_IN, 0.55 * len(groups) * len(audits) + 2.2), layout="constrained"
    )
    spread = 0.22 if len(audits) > 1 else 0
    for j, a in enumerate(audits):
        long = a.table(by, [m])
        part = long[long["group"] != WHOLE_SET]
        whole = long[long["group"] == WHOLE_SET].iloc[0]
        offset = (j - (len(audits) - 1) / 2) * spread
        colour = PIPELINE_COLOURS[j % len(PIPELINE_COLOURS)]
        _draw_measure(
            axis,
            part,
            m,
            whole,
            colour=colour,
            marker=MARKERS[j % len(MARKERS)],
            offset=offset,
            label=a.pipeline.label,
            line_colour=colour,
            line_style=LINE_STYLES[j % len(LINE_STYLES)],
            line_label=f"{a.pipeline.label}: whole set",
            note_too_few=False,
        )
    too_few, hidden = set(), set()
    for a in audits:
        long = a.table(by, [m])
        too_few |= set(long[long["too few"]]["group"])
        hidden |= set(long[long["not shown"]]["group"])
    axis.set_yticks(
        range(len(groups)),
        [f"{g}\n(not shown)" if g in hidden else f"{g}\n({TOO_FEW})" if g in too_few else g for g in groups],
    )
    axis.set_ylim(len(groups) - 0.5, -0.5)
    axis.set_title(
        f"{m.title}, by {by if isinstance(by, str) else ' × '.join(by)}: {len(audits)} pipelines",
        fontsize=FONT_PT + 1,
    )
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=FONT_PT, frameon=False)
    axis.grid(axis="x", alpha=0.3)
    return fig


def compare_plot(audits, by=None, measure_key: str = "smile_happy") -> Figure:
    """One measure, every pipeline: per group a dot and interval for each pipeline (its own
    colour and marker shape), n beside each; dashed lines: each pipeline's whole set."""
    audits = list(audits)
    _same_people(audits)
    m = measure(measure_key)
    by = audits[0]._by(by)
    pieces = []
    for a in audits:
        long = a.table(by, [m])
        part = long[long["group"] != WHOLE_SET]
        whole = long[long["group"] == WHOLE_SET].iloc[0]
        pieces.append(
            f"{a.pipeline.label} (marker {MARKERS[audits.index(a) % len(MARKERS)]!r}): whole set "
            f"{format_value(whole['estimate'], m)} (n = {whole['n']}); {_alt_groups(part, m)}."
        )
    alt = (
        f"Dot plot comparing {len(audits)} pipelines on '{m.title}' for the {audits[0].people.name} "
        f"by {by if isinstance(by, str) else ' × '.join(by)} (groups {_defined_short(audits[0].people)}), "
        "each group's value with its 95% interval and n. " + " ".join(pieces)
    )
    models = "; ".join(
        f"{a.pipeline.label}: weights sha256 {a.pipeline.model_sha256[:12]}…, detector {a.pipeline.detector}"
        for a in audits
    )
    caption = (
        f"The same people, two pipelines: a gap that changes with the model is a finding about the model. "
        f"Groups: {audits[0].people.groups_defined_by}. Hollow markers: {TOO_FEW}. No marker: "
        f"{NOT_SHOWN}. Each pipeline's whole "
        f"set is a vertical line in its colour and dash pattern. {models}."
    )
    return Figure(compare_figure(audits, by, measure_key), alt, caption)


# ---------------------------------------------------------------------------------------------
# The audit card


@dataclass
class AuditCard:
    """A one-page summary of an audit; shows itself in a notebook (HTML), or as Markdown text."""

    html: str
    markdown: str

    def _repr_html_(self) -> str:
        return self.html

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown


def _html_table(table, index_name: str) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [index_name, *table.columns])
    body = "".join(
        "<tr>"
        + f"<th>{html.escape(str(i))}</th>"
        + "".join(f"<td>{html.escape(str(v))}</td>" for v in row)
        + "</tr>"
        for i, row in zip(table.index, table.to_numpy(), strict=True)
    )
    return f'<table style="font-size:11px"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _markdown_table(table, index_name: str) -> str:
    lines = ["| " + " | ".join([index_name, *map(str, table.columns)]) + " |"]
    lines.append("|" + "---|" * (len(table.columns) + 1))
    for i, row in zip(table.index, table.to_numpy(), strict=True):
        lines.append("| " + " | ".join([str(i), *map(str, row)]) + " |")
    return "\n".join(lines)


def _signed(value: float, m: Measure) -> str:
    text = f"{value * 100:+.0f}" if m.kind == "rate" else f"{value:+.2f}"
    return text.replace("+", "").replace("-", "") if float(text) == 0 else text.replace("-", "−")


def differences_summary(audit: Audit, by=None):
    """The differences from everyone else as text, one row per group and one column per measure:
    "+7 points (−14 to +27)", marked where the interval excludes zero or the group is too small;
    no number for a group of fewer than :data:`MIN_SHOWN` people.
    The table's ``attrs["intervals"]`` and ``attrs["excluding zero"]`` count the intervals, for
    the reminder that about 1 in 20 excludes zero by chance alone."""
    import pandas as pd

    diffs = audit.differences(by)
    columns: dict[str, dict[str, str]] = {}
    for _, row in diffs.iterrows():
        m = measure(row["measure"])
        unit = " points" if m.kind == "rate" else ""
        if row["not shown"]:
            cell = f"{NOT_SHOWN} (n = {row['n']})"
        elif row["n"] == 0:
            cell = EMPTY
        elif np.isnan(row["low"]):
            cell = f"{_signed(row['difference'], m)}{unit} (no interval); {TOO_FEW}"
        else:
            low, high = _signed(row["low"], m), _signed(row["high"], m)
            cell = f"{_signed(row['difference'], m)}{unit} ({low} to {high})"
            if row["too few"]:
                cell += f"; {TOO_FEW}"
            elif row["excludes zero"]:
                cell += "; excludes zero"
        columns.setdefault(m.title, {})[row["group"]] = cell
    table = pd.DataFrame(columns)
    table.index.name = diffs.attrs.get("by", "group")
    readable = diffs[~diffs["too few"] & diffs["low"].notna()]
    table.attrs.update(
        diffs.attrs, intervals=len(readable), **{"excluding zero": int(readable["excludes zero"].sum())}
    )
    return table


def audit_card(audit: Audit, by=None) -> AuditCard:
    """One page: what was measured, on whom (consent, how groups were defined), the rates with
    intervals and n, the intersections' sizes, the differences, the plot, the model and detector
    by name and sha256, and what the audit cannot show."""
    by = audit._by(by)
    people, pipe = audit.people, audit.pipeline
    summary = audit.summary(by)
    figure = audit.plot(by)
    intersection = _intersection_counts(audit)
    differences = differences_summary(audit, by)
    chance = (
        f"{differences.attrs['excluding zero']} of the {differences.attrs['intervals']} intervals for groups "
        f"of at least {audit.min_people} people exclude zero. Even with no true gap anywhere, about 1 "
        f"interval in 20 would exclude zero by chance, so one such interval among many is weak evidence."
    )
    measured = [f"{m.title}: {m.description}." for m in MEASURES]
    method = (
        "Rates: 95% Wilson intervals (scipy.stats.binomtest(k, n).proportion_ci(method='wilson')); every "
        "rate counts people, one outcome each. Differences of rates: Newcombe's hybrid score interval "
        "(Newcombe 1998, method 10), built from the two groups' Wilson intervals, which stays honest "
        "when a group's rate is 0% or 100%, where a bootstrap would have nothing to resample. Means "
        "(negative score) and their differences: 95% percentile bootstrap, resampling people (with "
        f"both their photos), {audit.n_resamples} resamples, seed {audit.seed}. Groups under "
        f"{audit.min_people} people are shown but marked '{TOO_FEW}'. Groups of fewer than "
        f"{MIN_SHOWN} people are listed with their size only: {NOT_SHOWN}."
    )
    whom = [
        f"{len(audit.observations)} people, {int(audit.observations['photos'].sum())} photos: "
        f"{people.photographed}.",
        f"Groups: {people.groups_defined_by}.",
        f"Consent: {people.consent}",
        f"Credit: {people.credit}.",
    ]
    hashes = ", ".join(pipe.detector_sha256) or "not recorded"
    models = [
        f"Emotion model: {pipe.model_name}; weights sha256 {pipe.model_sha256}.",
        f"Face detector: {pipe.detector}; sha256 {hashes}.",
    ]
    title = f"Audit card: {pipe.label} on the {people.name}, by {summary.index.name}"

    def html_list(items):
        return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"

    card_html = (
        f'<div class="emolab-audit-card" style="max-width:60em;border:1px solid #999;padding:0.8em">'
        f"<h3>{html.escape(title)}</h3>"
        f"<h4>What was measured</h4>{html_list(measured)}<p>{html.escape(method)}</p>"
        f"<h4>On whom</h4>{html_list(whom)}"
        f"<h4>Models and detectors</h4>{html_list(models)}"
        f"<h4>Results</h4>{_html_table(summary, summary.index.name)}"
        f"{figure._repr_html_()}"
        f"<h4>Differences from everyone else</h4>{_html_table(differences, differences.index.name)}"
        f"<p>{html.escape(chance)}</p>"
        f"<h4>Intersections (gender × ethnic group): people in each</h4>"
        f"<p>{html.escape(intersection)}</p>"
        f"<h4>What this cannot show</h4>{html_list(CANNOT_SHOW)}"
        "</div>"
    )

    def md_list(items):
        return "\n".join(f"- {i}" for i in items)

    card_markdown = "\n\n".join(
        [
            f"### {title}",
            "#### What was measured\n" + md_list(measured) + "\n\n" + method,
            "#### On whom\n" + md_list(whom),
            "#### Models and detectors\n" + md_list(models),
            "#### Results\n" + _markdown_table(summary, summary.index.name),
            f"[Figure: {figure.alt}]",
            "#### Differences from everyone else\n"
            + _markdown_table(differences, differences.index.name)
            + "\n\n"
            + chance,
            "#### Intersections (gender × ethnic group): people in each\n" + intersection,
            "#### What this cannot show\n" + md_list(CANNOT_SHOW),
        ]
    )
    return AuditCard(card_html, card_markdown)


def _intersection_counts(audit: Audit) -> str:
    attributes = [a for a in ("gender", "ethnic group") if a in audit.people.attributes]
    if len(attributes) < 2:
        attributes = list(audit.people.attributes[:2])
    if len(attributes) < 2:
        return "only one group attribute: no intersections"
    groups = audit._groups(tuple(attributes))
    return "; ".join(f"{g}: {int(mask.sum())}" for g, mask in groups) + "."
