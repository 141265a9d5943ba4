"""A station's day under the alert rule of :mod:`emolab.alerts`: every assumption on the table.

**What goes in** (:class:`StationInputs`): passengers a day; seconds each is in a camera's view and
the frame rate (so frames per passenger); the per-frame chance that the model's scores trip the
rule (:class:`FrameRate`), *measured* from the course's own faces (:func:`clip_measurement`:
lesson 3's talking clips; :func:`london_measurement`: the London Set's neutral studio photos;
:func:`degraded_measurement`: lesson 5's degraded faces), with its interval and n; how strongly
one frame's result carries over to the next (``correlation``: 0 is independent frames, an
assumption; :meth:`Measurement.persistence` measures it from the clips' own runs); the rule
itself (:class:`emolab.alerts.AlertRule`: threshold, ``frames`` in a row); two hypothetical
numbers, the base rate of people who truly need help or intend harm and the chance the system
alerts on them, for which **no study gives any figure** (:data:`NO_STUDY`); the seconds a
reviewer needs per alert; and the share of alerts acted on (someone approached).

**What comes out** (:func:`simulate`, a pure function, a few milliseconds): alerts a day, true
and false, false alarms per true hit, the share of alerts that are real (positive predictive
value), reviewer hours a day, and the people approached; each false-alert figure also at the
ends of the measured rate's interval.

**Exact where it can be.** A passenger's frames are a two-state Markov chain (over / under the
threshold) with stationary over-rate ``p`` and lag-1 correlation ``rho``:
``P(over | over before) = p + rho (1 - p)``, ``P(over | under before) = p (1 - rho)``. ``rho = 0``
is independent frames; ``rho = 1`` is a face that never changes (a still photo: over in every
frame or in none). With independent frames the chance of at least one run of ``k`` over-threshold
frames among ``n`` is the classic recursion for runs of successes (treated in Feller's *An
Introduction to Probability Theory and Its Applications*, vol. 1, ch. XIII on recurrent events;
also Ross, *Introduction to Probability Models*, ch. 3, the exercise on runs of heads):
with ``Q_n`` the chance of no such run, ``Q_n = 1`` for ``n < k``, ``Q_k = 1 - p^k``, and
``Q_n = Q_{n-1} - (1 - p) p^k Q_{n-k-1}`` for ``n > k`` (the first run ends at frame ``n``: frames
``n-k+1..n`` over, frame ``n-k`` under, no run before it). With ``rho > 0`` the same chance comes
from the chain over "current run length" states (0 to k-1, and "alerted"), stepped ``n`` times:
exact under the Markov assumption (finite Markov chain imbedding: Fu & Koutras 1994,
"Distribution theory of runs: a Markov chain approach", *JASA*; runs in a two-state Markov
chain: Hirano & Aki 1993, *Statistica Sinica* 3:313-320). Both recursions are also checked
against a brute-force enumeration of every frame sequence in the tests.
The expected number of alerts (episodes, as :meth:`AlertRule.flags` counts them: a
run raises one alert when it reaches ``k``) is, for ``n >= k``,
``p a^(k-1) + (n - k) (1 - p) b a^(k-1)`` with ``a``, ``b`` the two chances above. Counts a day
are binomial: each passenger independently is (or is not) an innocent person alerted.

**Simulated where it must be.** :func:`monte_carlo` simulates every passenger's frames (seeded)
and counts alerts with :func:`count_flags`, which is tested equal to :meth:`AlertRule.count`;
its tests check it against the closed form. :func:`flagged_by_group` carries the groups' rate
uncertainty (Jeffreys Beta draws, seeded) into the split of false alerts across a crowd.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from . import audit
from .alerts import AlertRule
from .core import EMOTIONS
from .display import PALETTE, Figure, subplots

SEED = audit.SEED
CONFIDENCE = audit.CONFIDENCE
DEFAULT_FPS = 25.0  # as emolab.video.DEFAULT_FPS (the course's clips)
GROUP_DRAWS = 4000
DEFAULT_RULE = AlertRule()  # lesson 3's rule: angry + fear >= 0.5 for 5 frames in a row

NO_STUDY = (
    "No study supports any figure for how often emotion recognition alerts on people who truly "
    "need help or intend harm, nor for how many such people pass a camera: both numbers are "
    'hypothetical. (Facts brief §4.8: the US GAO found that "Available evidence does not support '
    "whether behavioral indicators … can be used to identify persons who may pose a risk to aviation "
    'security" (GAO-14-159).)'
)
INDEPENDENT_FRAMES = (
    "Frames are treated as independent (correlation 0): an assumption. Real frames of one face are "
    "alike from one frame to the next; see Measurement.persistence for a correlation measured from "
    "the clips' own runs."
)
ACTED_ON = (
    "Share acted on: an assumption (no published figure for emotion recognition); a person alerted is "
    "approached at most once, however many alerts they raise. The reviewer is "
    "assumed to have no better way than the system to tell a true case from a false one, so true and "
    "false alerts are acted on alike."
)


class StationError(audit.AuditError):
    advice = "Check the simulator's inputs: rates and shares between 0 and 1, counts not negative."


# ---------------------------------------------------------------------------------------------
# The per-frame rate, measured


@dataclass(frozen=True)
class FrameRate:
    """The chance that one frame's scores are at or above the rule's threshold, as measured.

    ``k`` of ``n`` frames (or photos) over the threshold, from ``people`` people. ``wilson``: the
    Wilson interval treating the ``n`` frames as independent trials (they are not: frames of one
    face are alike); ``by_people``: lesson 4's bootstrap that resamples people with all their
    frames (None for one frame per person, where Wilson is already honest). :attr:`low` and
    :attr:`high` are the wider of the two, which is what the simulator carries forward.
    """

    k: int
    n: int
    people: int
    threshold: float | None
    labels: tuple[str, ...]
    source: str
    wilson: audit.Interval
    by_people: audit.Interval | None = None
    stills: bool = False  # measured on still photos, one per person

    @property
    def estimate(self) -> float:
        return self.k / self.n if self.n else float("nan")

    @property
    def low(self) -> float:
        lows = [self.wilson.low] + ([self.by_people.low] if self.by_people is not None else [])
        return float(np.nanmin(lows)) if self.n else float("nan")

    @property
    def high(self) -> float:
        highs = [self.wilson.high] + ([self.by_people.high] if self.by_people is not None else [])
        return float(np.nanmax(highs)) if self.n else float("nan")

    @property
    def interval_method(self) -> str:
        if self.by_people is None:
            return "Wilson (one frame per person)"
        return "the wider of Wilson over frames and a bootstrap over people (frames of one face are alike)"

    @classmethod
    def assumed(cls, p: float, source: str = "assumed, not measured") -> FrameRate:
        """A rate typed in by hand (no interval): for what-if questions and tests."""
        _check_share("p", p)
        return cls(0, 0, 0, None, (), source, audit.Interval(p, p, p))

    def describe(self) -> str:
        if self.n == 0:
            return f"{self.wilson.estimate:.3%} per frame ({self.source})"
        return (
            f"{self.k} of {self.n} frames over the threshold ({self.estimate:.1%}; 95% interval "
            f"{self.low:.1%} to {self.high:.1%}, {self.interval_method}), {self.people} people: {self.source}"
        )

    @property
    def value(self) -> float:
        return self.wilson.estimate if self.n == 0 else self.estimate


@dataclass(frozen=True)
class Persistence:
    """How strongly a frame's over/under result carries over to the next, measured from runs.

    ``over_after_over`` = P(over | previous over), ``over_after_under`` = P(over | previous under),
    counted over consecutive frames of each person; the lag-1 correlation of a two-state chain is
    their difference (clipped to 0..1 for the simulator). ``runs``: every run of over-threshold
    frames seen, in frames. Differences between people also show up as persistence here (a
    person who is over all the time makes long runs), which is what the simulator needs."""

    over_after_over: float
    over_after_under: float
    transitions: int
    runs: tuple[int, ...]

    @property
    def correlation(self) -> float:
        if math.isnan(self.over_after_over) or math.isnan(self.over_after_under):
            return float("nan")
        return float(min(1.0, max(0.0, self.over_after_over - self.over_after_under)))


@dataclass(frozen=True)
class Measurement:
    """What the model gave some people's faces: per person, one row of 7 scores per frame (NaN
    where no face was found; a still photo is one frame), their groups, and where it came from.
    :meth:`rate` reads the per-frame rate at any rule's threshold, at once."""

    name: str
    people: tuple[str, ...]
    scores: tuple[np.ndarray, ...]
    groups: tuple[dict, ...] = ()
    stills: bool = False  # True: one photo per person (a person standing still)
    model_name: str = ""
    note: str = ""

    def over(self, rule: AlertRule) -> list[np.ndarray]:
        """Per person, which frames are at or above the rule's threshold (no face: not over)."""
        return [rule.above(s) if len(s) else np.zeros(0, dtype=bool) for s in self.scores]

    def rate(self, rule: AlertRule = DEFAULT_RULE, people=None) -> FrameRate:
        over = self.over(rule)
        chosen = range(len(over)) if people is None else [i for i, p in enumerate(self.people) if p in people]
        over = [over[i] for i in chosen]
        k = int(sum(o.sum() for o in over))
        n = int(sum(len(o) for o in over))
        by_people = None
        if any(len(o) > 1 for o in over) and len(over) > 1:
            width = max(len(o) for o in over)
            rows = np.full((len(over), width), np.nan)
            for i, o in enumerate(over):
                rows[i, : len(o)] = o
            by_people = audit.mean_interval(rows)
        return FrameRate(
            k,
            n,
            len(over),
            float(rule.threshold),
            tuple(rule.labels),
            f"{self.name}{' (' + self.model_name + ')' if self.model_name else ''}",
            audit.wilson_interval(k, n),
            by_people,
            self.stills,
        )

    def persistence(self, rule: AlertRule = DEFAULT_RULE) -> Persistence:
        oo = o = uo = u = 0
        runs: list[int] = []
        for seq in self.over(rule):
            seq = seq.astype(int)
            prev, nxt = seq[:-1], seq[1:]
            oo += int((prev & nxt).sum())
            o += int(prev.sum())
            uo += int(((1 - prev) & nxt).sum())
            u += int((1 - prev).sum())
            runs += run_lengths(seq)
        return Persistence(oo / o if o else float("nan"), uo / u if u else float("nan"), o + u, tuple(runs))

    def group_rates(self, rule: AlertRule = DEFAULT_RULE, by: str = "ethnic group") -> dict[str, FrameRate]:
        """The rate per group of ``by`` (the groups each person gave, as recorded), largest first."""
        if not self.groups:
            raise StationError(f"{self.name} records no groups.")
        names: dict[str, list[str]] = {}
        for person, groups in zip(self.people, self.groups, strict=True):
            names.setdefault(groups[by], []).append(person)
        ordered = sorted(names.items(), key=lambda item: (-len(item[1]), item[0]))
        return {group: self.rate(rule, set(members)) for group, members in ordered}


def run_lengths(over) -> list[int]:
    """The lengths of the runs of True in a sequence: [1, 1, 0, 1] -> [2, 1]."""
    runs, current = [], 0
    for hit in over:
        if hit:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    return runs + ([current] if current else [])


def clip_measurement(traces=None) -> Measurement:
    """Lesson 3's talking clips (default: every clip of ``assets.collection("video")``, analysed
    with :func:`emolab.video.analyze_clip`, cached), or any traces (a dict name -> trace)."""
    from .video import as_trace

    if traces is None:
        from . import assets, video

        traces = {a.file: video.analyze_clip(a) for a in assets.collection("video")}
    traces = {name: as_trace(t) for name, t in traces.items()}
    models = {t.model_name for t in traces.values() if t.model_name}
    return Measurement(
        "lesson 3's clips of people reading a sentence to the camera",
        tuple(traces),
        tuple(np.asarray(t.scores, float) for t in traces.values()),
        model_name=", ".join(sorted(models)),
        note="Four people, each filmed once: the frames of one clip are not independent trials.",
    )


def _largest_scores(analysis) -> np.ndarray:
    face = audit._largest(analysis)
    if face is None:
        return np.full((1, len(EMOTIONS)), np.nan)
    probabilities = audit._probabilities(face)
    return np.array([[probabilities[label] for label in EMOTIONS]], dtype=float)


def london_measurement(analyzed=None, condition: str = "neutral") -> Measurement:
    """The London Set's photos taken when asked for a neutral face (``condition``), one per
    person, with their self-reported groups. ``analyzed``: as :func:`emolab.audit.run_audit`
    takes it (pairs, a function, a pipeline name; default: the course's DeepFace pipeline)."""
    people = audit.london_set()
    chosen = [p for p in people.people if condition in p.photos]
    subset = replace(people, people=tuple(chosen))
    photos_only = replace(
        subset, people=tuple(replace(p, photos={condition: p.photos[condition]}) for p in chosen)
    )
    by_file = audit._analyses_by_file(photos_only, analyzed)
    model = ""
    try:
        model = audit.pipeline_of(by_file.values()).model_short_name
    except (audit.AuditError, AttributeError):
        pass
    return Measurement(
        f"London Set photos taken when asked for a {condition} face (studio light, one per person)",
        tuple(p.person_id for p in chosen),
        tuple(_largest_scores(by_file[p.photos[condition].file]) for p in chosen),
        tuple(dict(p.groups) for p in chosen),
        stills=True,
        model_name=model,
        note=f"Groups {audit.SELF_REPORTED}. A still photo is one frame of a person standing still.",
    )


def degraded_measurement(sweep, degradation: str, strength=None, pipeline: str | None = None, analyze=None):
    """The faces of a lesson 5 :class:`emolab.robustness.Sweep` under one degradation's setting
    (``strength=None``: the clean photos), analysed again from the cache with ``pipeline``
    (default: the sweep's first). A lost face counts as a frame under the threshold, as in
    :meth:`AlertRule.above`. ``analyze``: a function (asset, degradation, strength, pipeline) ->
    analysis, for tests; default :func:`emolab.robustness.analyze_degraded` (cached by the sweep),
    placed by YuNet's face on the clean photo as the sweep placed it."""
    from . import assets, robustness

    pipeline = pipeline or sweep.pipelines[0]
    obs = sweep.observations
    part = obs[(obs["degradation"] == degradation) & (obs["pipeline"] == pipeline)]
    part = part[part["step"] == 0] if strength is None else part[part["strength"] == strength]
    if part.empty:
        raise StationError(
            f"The sweep has no {degradation} at {strength} with {pipeline}.",
            f"Its plan: {sweep.plan}; its pipelines: {', '.join(sweep.pipelines)}.",
        )
    if analyze is None:

        def analyze(asset, name, value, pipe):
            if value is None:
                return assets.analyze_assets([asset], progress=False, **robustness._pipeline(pipe))[0]
            box, landmarks = robustness.face_geometry(asset) or (None, None)  # cached by the sweep
            return robustness.analyze_degraded(
                asset, name, value, pipeline=pipe, box=box, landmarks=landmarks
            )

    by_file = {a.file: a for a in assets.collection("london")}
    scores = [
        _largest_scores(analyze(by_file[file], degradation, strength, pipeline)) for file in part["file"]
    ]
    conditions = ", ".join(sorted(set(part["condition"])))
    setting = "clean photo" if strength is None else f"{degradation} at {strength}"
    return Measurement(
        f"lesson 5's faces ({conditions} photos), {setting}",
        tuple(part["person"]),
        tuple(scores),
        stills=True,
        model_name=pipeline,
        note="One photo per person; a lost face counts as under the threshold.",
    )


# ---------------------------------------------------------------------------------------------
# The closed form


def frames_in_view(seconds: float, fps: float) -> int:
    return int(round(seconds * fps))


def _chain(p, rho):
    p = np.asarray(p, dtype=float)
    return p + rho * (1 - p), p * (1 - rho)  # P(over | over before), P(over | under before)


def no_run_probability_independent(p, n: int, k: int):
    """Feller's recursion (see the module docstring): the chance of no run of ``k`` over-threshold
    frames among ``n`` independent frames, each over with chance ``p`` (numbers or arrays)."""
    p = np.asarray(p, dtype=float)
    if k > n:
        return np.ones_like(p)
    q = [np.ones_like(p)] * k  # Q_0 .. Q_{k-1}
    q.append(1 - p**k)  # Q_k
    step = (1 - p) * p**k
    for m in range(k + 1, n + 1):
        q.append(q[m - 1] - step * q[m - k - 1])
    return np.clip(q[n], 0.0, 1.0)


def alert_probability(p, n: int, k: int, rho: float = 0.0):
    """The chance that a passenger with per-frame chance ``p`` and ``n`` frames in view makes at
    least one run of ``k`` frames in a row over the threshold (at least one alert). ``rho``: the
    frames' lag-1 correlation (0: independent, Feller's recursion; above 0: the Markov chain over
    run lengths)."""
    p = np.asarray(p, dtype=float)
    if k < 1:
        raise StationError("k (frames in a row) must be at least 1.")
    if not 0 <= rho <= 1:
        raise StationError(f"The correlation must be between 0 and 1, not {rho}.")
    if n < k or n <= 0:
        return np.zeros_like(p)
    if rho == 0:
        return 1 - no_run_probability_independent(p, n, k)
    a, b = _chain(p, rho)
    dist = np.zeros(p.shape + (k,))  # probability of each current run length 0..k-1, not yet alerted
    dist[..., 0] = 1 - p
    alerted = np.zeros_like(p)
    if k == 1:
        alerted = p.copy()
    else:
        dist[..., 1] = p
    for _ in range(n - 1):
        over = np.concatenate([(dist[..., 0] * b)[..., None], dist[..., 1:] * a[..., None]], axis=-1)
        under = dist[..., 0] * (1 - b) + dist[..., 1:].sum(axis=-1) * (1 - a)
        alerted = alerted + over[..., -1]
        dist = np.concatenate([under[..., None], over[..., :-1]], axis=-1)
    return np.clip(alerted, 0.0, 1.0)


def expected_alerts(p, n: int, k: int, rho: float = 0.0):
    """Expected alerts (episodes) a passenger raises in ``n`` frames: a run raises one alert when it
    reaches ``k`` frames; ``p a^(k-1) + (n-k)(1-p) b a^(k-1)`` for ``n >= k``, else 0."""
    p = np.asarray(p, dtype=float)
    if n < k or n <= 0:
        return np.zeros_like(p)
    a, b = _chain(p, rho)
    return p * a ** (k - 1) + (n - k) * (1 - p) * b * a ** (k - 1)


# ---------------------------------------------------------------------------------------------
# The simulator


def _check_share(name: str, value: float) -> None:
    if not 0 <= value <= 1 or math.isnan(value):
        raise StationError(f"{name} must be between 0 and 1, not {value}.")


@dataclass(frozen=True)
class StationInputs:
    """Every input of the simulator, with its origin in the comment (see the module docstring)."""

    rate: FrameRate  # measured: per-frame chance of being over the rule's threshold
    rule: AlertRule = DEFAULT_RULE  # lesson 3's rule: threshold and frames in a row
    passengers_per_day: int = 100_000  # assumption (lesson 3's figure)
    seconds_in_view: float = 10.0  # assumption: seconds each passenger's face is in a camera's view
    fps: float = DEFAULT_FPS  # frames a second the camera gives (the course's clips: 25)
    correlation: float = 0.0  # assumption: 0 = independent frames; measure it with Measurement.persistence
    base_rate: float = 1 / 100_000  # HYPOTHETICAL (no study): people who truly need help or intend harm
    sensitivity: float = 0.9  # HYPOTHETICAL (no study): chance the system alerts on such a person
    review_seconds: float = 30.0  # assumption: a reviewer's time per alert
    share_acted_on: float = 0.5  # assumption: share of alerts after which someone is approached

    def __post_init__(self):
        if isinstance(self.rate, (int, float)):
            object.__setattr__(self, "rate", FrameRate.assumed(float(self.rate)))
        for name in ("base_rate", "sensitivity", "share_acted_on", "correlation"):
            _check_share(name, getattr(self, name))
        if min(self.passengers_per_day, self.seconds_in_view, self.fps, self.review_seconds) < 0:
            raise StationError("Passengers, seconds, frame rate and review time cannot be negative.")
        t = self.rate.threshold
        if (
            t is not None
            and not math.isclose(t, self.rule.threshold)
            or (self.rate.labels and tuple(self.rate.labels) != tuple(self.rule.labels))
        ):
            raise StationError(
                f"The rate was measured at threshold {t} on {' + '.join(self.rate.labels)}, but the rule "
                f"uses {self.rule.threshold} on {' + '.join(self.rule.labels)}.",
                "Measure the rate again with the rule: measurement.rate(rule).",
            )

    @property
    def frames(self) -> int:
        return frames_in_view(self.seconds_in_view, self.fps)

    def with_rule(self, measurement: Measurement, **rule_changes) -> StationInputs:
        """The same inputs with the rule changed and the rate measured again at its threshold
        (what a threshold slider needs)."""
        rule = replace(self.rule, **rule_changes)
        return replace(self, rule=rule, rate=measurement.rate(rule))


@dataclass(frozen=True)
class Result:
    """A day at the station (see :func:`simulate`). Alerts are episodes, as ``AlertRule`` counts
    them; ``*_low``/``*_high``: the same figure at the ends of the measured rate's interval."""

    inputs: StationInputs
    frames: int
    alert_chance: float  # chance an innocent passenger raises at least one alert
    alerts_per_innocent: float  # expected alerts an innocent passenger raises
    true_cases: float
    true_alerts: float
    false_alerts: float
    innocent_people_alerted: float
    innocent_people_day_range: tuple[float, float]  # 95% of days (binomial), rate as measured
    false_alerts_low: float
    false_alerts_high: float
    notes: tuple[str, ...] = field(default=())

    @property
    def alerts(self) -> float:
        return self.true_alerts + self.false_alerts

    @property
    def false_per_true(self) -> float:
        if self.true_alerts == 0:
            return math.inf if self.false_alerts > 0 else float("nan")
        return self.false_alerts / self.true_alerts

    @property
    def ppv(self) -> float:
        """Positive predictive value: the share of alerts that are about a true case."""
        return self.true_alerts / self.alerts if self.alerts else float("nan")

    def _ppv_at(self, false_alerts: float) -> float:
        total = self.true_alerts + false_alerts
        return self.true_alerts / total if total else float("nan")

    @property
    def ppv_range(self) -> tuple[float, float]:
        return self._ppv_at(self.false_alerts_high), self._ppv_at(self.false_alerts_low)

    @property
    def reviewer_hours(self) -> float:
        return self.alerts * self.inputs.review_seconds / 3600

    @property
    def reviewer_hours_range(self) -> tuple[float, float]:
        s = self.inputs.review_seconds / 3600
        return (self.true_alerts + self.false_alerts_low) * s, (self.true_alerts + self.false_alerts_high) * s

    @property
    def approached(self) -> float:
        """People approached a day: people alerted (not alerts: one person can raise several)
        times the share acted on; a person is approached at most once (an assumption)."""
        return self.approached_innocent + self.approached_true

    @property
    def approached_innocent(self) -> float:
        return self.innocent_people_alerted * self.inputs.share_acted_on

    @property
    def approached_true(self) -> float:
        return self.true_alerts * self.inputs.share_acted_on

    def per(self, passengers: int = 100_000) -> dict:
        """The day's counts for ``passengers`` passengers (the frequency tree's numbers)."""
        scale = passengers / self.inputs.passengers_per_day if self.inputs.passengers_per_day else 0.0
        return {
            "passengers": passengers,
            "true cases": self.true_cases * scale,
            "everyone else": (self.inputs.passengers_per_day - self.true_cases) * scale,
            "true alerts": self.true_alerts * scale,
            "true cases missed": (self.true_cases - self.true_alerts) * scale,
            "innocent people alerted": self.innocent_people_alerted * scale,
            "false alerts": self.false_alerts * scale,
            "innocent people not alerted": (
                self.inputs.passengers_per_day - self.true_cases - self.innocent_people_alerted
            )
            * scale,
        }

    def table(self):
        """Every output and every input, with where it comes from (a DataFrame)."""
        import pandas as pd

        i = self.inputs
        rows = [
            ("input", "passengers a day", f"{i.passengers_per_day:,}", "assumption"),
            ("input", "seconds in view", f"{i.seconds_in_view:g}", "assumption"),
            ("input", "frames a second", f"{i.fps:g}", "camera"),
            ("input", "frames per passenger", f"{self.frames}", "seconds × frames a second"),
            ("input", "per-frame chance over the threshold", i.rate.describe(), "measured"),
            ("input", "alert rule", i.rule.describe(), "lesson 3"),
            ("input", "correlation of frames", f"{i.correlation:.2f}", "assumption or measured"),
            (
                "input",
                "people who truly need help or intend harm",
                f"1 in {_one_in(i.base_rate)}",
                "HYPOTHETICAL",
            ),
            ("input", "chance the system alerts on them", f"{i.sensitivity:.0%}", "HYPOTHETICAL"),
            ("input", "seconds a reviewer needs per alert", f"{i.review_seconds:g}", "assumption"),
            ("input", "share of alerts acted on", f"{i.share_acted_on:.0%}", "assumption"),
            ("output", "chance an innocent passenger is alerted", f"{self.alert_chance:.3%}", ""),
            ("output", "alerts a day", f"{self.alerts:,.1f}", ""),
            ("output", "true alerts a day", f"{self.true_alerts:,.2f}", ""),
            (
                "output",
                "false alerts a day",
                f"{self.false_alerts:,.1f} ({self.false_alerts_low:,.1f} to {self.false_alerts_high:,.1f})",
                "range: the rate's interval",
            ),
            ("output", "false alarms per true hit", _number(self.false_per_true), ""),
            ("output", "share of alerts that are real (PPV)", _percent(self.ppv), ""),
            ("output", "reviewer hours a day", f"{self.reviewer_hours:,.1f}", ""),
            ("output", "people approached a day", f"{self.approached:,.1f}", ""),
            ("output", "of them, innocent", f"{self.approached_innocent:,.1f}", ""),
        ]
        return pd.DataFrame(rows, columns=["kind", "quantity", "value", "origin"])

    def explain(self) -> str:
        i = self.inputs
        lo, hi = self.innocent_people_day_range
        ppv_lo, ppv_hi = self.ppv_range
        lines = [
            f"{i.passengers_per_day:,} passengers a day, each in view {i.seconds_in_view:g} s at {i.fps:g} "
            f"frames a second = {self.frames} frames. Rule: {i.rule.describe()}",
            f"Per-frame chance over the threshold (measured): {i.rate.describe()}.",
            f"Chance an innocent passenger raises at least one alert: {self.alert_chance:.3%} "
            f"({self.alerts_per_innocent:.4f} alerts each, on average).",
            f"False alerts a day: about {self.false_alerts:,.0f} ({self.false_alerts_low:,.0f} to "
            f"{self.false_alerts_high:,.0f} across the rate's interval); innocent people alerted: about "
            f"{self.innocent_people_alerted:,.0f} (95% of days between {lo:,.0f} and {hi:,.0f}).",
            f"Hypothetical: 1 in {_one_in(i.base_rate)} passengers truly needs help or intends harm "
            f"({self.true_cases:,.1f} a day) and the system alerts on {i.sensitivity:.0%} of them "
            f"({self.true_alerts:,.1f} true alerts a day).",
            f"False alarms per true hit: {_number(self.false_per_true)}. Share of alerts that are real: "
            f"{_percent(self.ppv)} ({_percent(ppv_lo)} to {_percent(ppv_hi)}).",
            f"Reviewer time: {self.reviewer_hours:,.1f} hours a day at {i.review_seconds:g} s an alert. "
            f"People approached ({i.share_acted_on:.0%} of the people alerted, an assumption): "
            f"{self.approached:,.0f}, "
            f"of whom {self.approached_innocent:,.0f} innocent.",
            *self.notes,
        ]
        return "\n".join(lines)


def _one_in(share: float) -> str:
    return "none" if share == 0 else f"{1 / share:,.0f}"


def _number(x: float) -> str:
    return "no true hits" if math.isinf(x) else "n/a" if math.isnan(x) else f"{x:,.0f}"


def _percent(x: float) -> str:
    if math.isnan(x):
        return "n/a (no alerts)"
    return f"{x:.4%}" if x < 0.01 else f"{x:.1%}"


def simulate(inputs: StationInputs) -> Result:
    """A day at the station in closed form (pure and fast: a few milliseconds, for sliders)."""
    n, k = inputs.frames, inputs.rule.frames
    rate = inputs.rate
    ps = np.array([rate.value, rate.low if rate.n else rate.value, rate.high if rate.n else rate.value])
    ps = np.nan_to_num(ps, nan=0.0)
    chance = alert_probability(ps, n, k, inputs.correlation)
    each = expected_alerts(ps, n, k, inputs.correlation)
    people = inputs.passengers_per_day
    innocent = people * (1 - inputs.base_rate)
    true_cases = people * inputs.base_rate
    alerted_share = (1 - inputs.base_rate) * float(chance[0])
    notes = [NO_STUDY, ACTED_ON]
    if inputs.correlation == 0:
        notes.append(INDEPENDENT_FRAMES)
    if rate.stills and inputs.correlation < 1:
        notes.append(
            "The rate was measured on still photos, one per person. Correlation 1 reads it as faces that "
            "stay as photographed all the time in view; below 1, frames are fresh draws at that rate."
        )
    if k > n:
        notes.append(f"The rule needs {k} frames in a row but a passenger is in view for {n}: no alert.")
    if rate.n and rate.people < audit.MIN_PEOPLE:
        notes.append(
            f"The rate comes from {rate.people} people: {audit.TOO_FEW} how it holds for a station's crowd."
        )
    return Result(
        inputs=inputs,
        frames=n,
        alert_chance=float(chance[0]),
        alerts_per_innocent=float(each[0]),
        true_cases=true_cases,
        true_alerts=true_cases * inputs.sensitivity,
        false_alerts=innocent * float(each[0]),
        innocent_people_alerted=innocent * float(chance[0]),
        innocent_people_day_range=_binomial_range(people, alerted_share),
        false_alerts_low=innocent * float(each[1]),
        false_alerts_high=innocent * float(each[2]),
        notes=tuple(notes),
    )


def _binomial_range(n: int, p: float) -> tuple[float, float]:
    """The middle 95% of a Binomial(n, p) count (normal approximation with its mean and sd,
    clipped at 0 and n: fast, and close when n p (1 - p) is more than about 10)."""
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    return max(0.0, mean - 1.96 * sd), min(float(n), mean + 1.96 * sd)


# ---------------------------------------------------------------------------------------------
# The Monte Carlo check


def flags_for(over, k: int) -> np.ndarray:
    """Alerts per row of a boolean (rows, frames) array, counted as :meth:`AlertRule.flags`
    counts them: one alert each time a run of over-threshold frames reaches ``k``."""
    over = np.atleast_2d(np.asarray(over, dtype=bool))
    run = np.zeros(over.shape[0], dtype=np.int64)
    flags = np.zeros(over.shape[0], dtype=np.int64)
    for column in over.T:
        run = (run + 1) * column
        flags += run == k
    return flags


count_flags = flags_for  # the same function, under the name the brief uses


@dataclass(frozen=True)
class MonteCarloResult:
    days: int
    seed: int
    innocent: int
    innocent_people_alerted: int
    false_alerts: int
    true_cases: int
    true_alerts: int

    @property
    def alert_chance(self) -> float:
        return self.innocent_people_alerted / self.innocent if self.innocent else float("nan")

    @property
    def alerts_per_innocent(self) -> float:
        return self.false_alerts / self.innocent if self.innocent else float("nan")


def monte_carlo(inputs: StationInputs, *, days: int = 1, seed: int = SEED, batch: int = 200_000):
    """Simulate every passenger of ``days`` days frame by frame (seeded): who is a true case and
    whether the system alerts on them (the hypothetical numbers), and each innocent passenger's
    frames as the Markov chain of the module docstring, counted with :func:`flags_for`."""
    rng = np.random.default_rng(seed)
    n, k = inputs.frames, inputs.rule.frames
    p = float(np.nan_to_num(inputs.rate.value))
    a, b = (float(x) for x in _chain(p, inputs.correlation))
    total = inputs.passengers_per_day * days
    true_cases = int(rng.binomial(total, inputs.base_rate))
    true_alerts = int(rng.binomial(true_cases, inputs.sensitivity))
    innocent = total - true_cases
    alerted = alerts = 0
    remaining = innocent
    while remaining > 0 and n > 0:
        size = min(batch, remaining)
        remaining -= size
        over = rng.random(size) < p
        run = over.astype(np.int64)
        flags = (run == k).astype(np.int64)
        for _ in range(n - 1):
            chance = np.where(over, a, b)
            over = rng.random(size) < chance
            run = (run + 1) * over
            flags += run == k
        alerted += int((flags > 0).sum())
        alerts += int(flags.sum())
    return MonteCarloResult(days, seed, innocent, alerted, alerts, true_cases, true_alerts)


# ---------------------------------------------------------------------------------------------
# Who gets flagged


def _as_rate(value) -> FrameRate:
    if isinstance(value, FrameRate):
        return value
    k, n = (int(v) for v in value)
    return FrameRate(k, n, n, None, (), "given as k of n", audit.wilson_interval(k, n))


def flagged_by_group(
    inputs: StationInputs,
    group_rates: dict,
    shares: dict,
    *,
    draws: int = GROUP_DRAWS,
    seed: int = SEED,
):
    """How a crowd's false alerts split across groups whose rates differ.

    ``group_rates``: group -> :class:`FrameRate` (such as :meth:`Measurement.group_rates`) or
    ``(k, n)``; ``shares``: group -> share of the crowd (summing to 1). Each group's alerts a day
    are ``passengers × share × (1 - base rate) × expected alerts per passenger`` at its rate. The
    uncertainty: each draw takes every group's rate from its Jeffreys posterior
    ``Beta(k + 1/2, n - k + 1/2)`` (seeded), and the table gives the middle 95% of the draws.
    Frames of one face are not independent, so ``n`` should count people (one photo each), as
    the London Set's neutral photos do. Groups of fewer than :data:`emolab.audit.MIN_PEOPLE`
    people are marked "too few people to say"; of fewer than :data:`emolab.audit.MIN_SHOWN`,
    nothing but n is shown (they still count in the crowd's total). A DataFrame, one row per group.
    """
    import pandas as pd

    rates = {g: _as_rate(r) for g, r in group_rates.items()}
    missing = set(shares) ^ set(rates)
    if missing:
        raise StationError(f"Groups with a share but no rate, or a rate but no share: {sorted(missing)}.")
    total_share = sum(shares.values())
    if not math.isclose(total_share, 1.0, abs_tol=1e-6) or min(shares.values()) < 0:
        raise StationError(f"The crowd's shares must be at least 0 and add up to 1, not {total_share:.4f}.")
    groups = list(rates)
    rng = np.random.default_rng(seed)
    n, k = inputs.frames, inputs.rule.frames
    draws_p = np.stack(
        [rng.beta(rates[g].k + 0.5, rates[g].n - rates[g].k + 0.5, size=draws) for g in groups]
    )
    point = np.array([rates[g].estimate for g in groups])
    crowd = np.array([shares[g] for g in groups])[:, None]
    innocent = inputs.passengers_per_day * (1 - inputs.base_rate)
    per_day = innocent * crowd * expected_alerts(draws_p, n, k, inputs.correlation)
    per_day_point = innocent * crowd[:, 0] * expected_alerts(point, n, k, inputs.correlation)
    totals = per_day.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        split = np.where(totals > 0, per_day / totals, np.nan)
        split_point = per_day_point / per_day_point.sum() if per_day_point.sum() > 0 else point * np.nan
    rows = []
    for i, g in enumerate(groups):
        r = rates[g]
        hidden = 0 < r.n < audit.MIN_SHOWN
        too_few = r.n < audit.MIN_PEOPLE
        values = {
            "rate": r.estimate,
            "false alerts a day": per_day_point[i],
            "low": np.nanpercentile(per_day[i], 2.5),
            "high": np.nanpercentile(per_day[i], 97.5),
            "share of false alerts": split_point[i],
            "share low": np.nanpercentile(split[i], 2.5) if np.isfinite(split[i]).any() else np.nan,
            "share high": np.nanpercentile(split[i], 97.5) if np.isfinite(split[i]).any() else np.nan,
        }
        if hidden:
            values = dict.fromkeys(values, np.nan)
        rows.append(
            {
                "group": g,
                "crowd share": shares[g],
                "n": r.n,
                "k": None if hidden else r.k,
                **values,
                "alerts per crowd share": values["share of false alerts"] / shares[g]
                if shares[g]
                else np.nan,
                "note": audit.NOT_SHOWN if hidden else audit.TOO_FEW if too_few else "",
            }
        )
    table = pd.DataFrame(rows)
    table.attrs.update(
        interval=(
            f"middle 95% of {draws} draws of each group's rate from Beta(k + 1/2, n - k + 1/2), seed {seed}"
        ),
        small=[g for g in groups if rates[g].n < audit.MIN_PEOPLE],
    )
    return table


def crowd_shares_like(measurement: Measurement, by: str = "ethnic group") -> dict[str, float]:
    """A crowd made like the measured people: each group's share of them (an assumption: a
    station's crowd is not the London Set)."""
    counts: dict[str, int] = {}
    for groups in measurement.groups:
        counts[groups[by]] = counts.get(groups[by], 0) + 1
    total = sum(counts.values())
    return {g: c / total for g, c in sorted(counts.items(), key=lambda item: -item[1])}


# ---------------------------------------------------------------------------------------------
# What a camera does


def camera_scenarios(inputs: StationInputs, rates: dict) -> dict[str, Result]:
    """The same crowd with the per-frame rate of each setting (name -> FrameRate, such as the
    clean and a degraded setting from :func:`degraded_measurement`)."""
    return {name: simulate(replace(inputs, rate=rate)) for name, rate in rates.items()}


def scenario_table(results: dict[str, Result]):
    import pandas as pd

    rows = []
    for name, r in results.items():
        rows.append(
            {
                "setting": name,
                "per-frame rate": r.inputs.rate.value,
                "rate low": r.inputs.rate.low,
                "rate high": r.inputs.rate.high,
                "n": r.inputs.rate.n,
                "false alerts a day": r.false_alerts,
                "false low": r.false_alerts_low,
                "false high": r.false_alerts_high,
                "PPV": r.ppv,
                "reviewer hours": r.reviewer_hours,
                "approached": r.approached,
            }
        )
    # Whole alerts and people, tenths of an hour: digits beyond these are noise, and a narrower
    # table fits JupyterLab's output area without a scroll bar the keyboard cannot reach.
    table = pd.DataFrame(rows).round(
        {"false alerts a day": 1, "false low": 1, "false high": 1, "reviewer hours": 1, "approached": 1}
    )
    table.attrs["note"] = NO_STUDY  # the PPV rests on the two hypothetical numbers
    return table


# ---------------------------------------------------------------------------------------------
# Figures

TRUE_COLOUR = PALETTE["sad"]  # blue
FALSE_COLOUR = PALETTE["angry"]  # vermilion
OTHER_COLOUR = "#FFFFFF"
FONT_PT = 10


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 or x == 0 else f"{x:,.1f}" if x >= 1 else f"{x:,.2f}"


def tree_figure(result: Result, title: str | None = None, passengers: int = 100_000):
    """A frequency tree of ``passengers`` passengers: who they are, who is alerted, alerts."""
    counts = result.per(passengers)
    fig, ax = subplots(figsize=(8.2, 4.6), layout="constrained")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.axis("off")
    boxes = {
        "root": (50, 88, f"{passengers:,} passengers", OTHER_COLOUR, None),
        "true": (
            22,
            58,
            f"{_fmt(counts['true cases'])} truly need help\nor intend harm (HYPOTHETICAL)",
            OTHER_COLOUR,
            None,
        ),
        "rest": (74, 58, f"{_fmt(counts['everyone else'])} everyone else", OTHER_COLOUR, None),
        "hit": (10, 22, f"TRUE ALERT\n{_fmt(counts['true alerts'])} alerted", TRUE_COLOUR, ""),
        "miss": (34, 22, f"{_fmt(counts['true cases missed'])}\nnot alerted", OTHER_COLOUR, None),
        "false": (
            62,
            22,
            f"FALSE ALERT\n{_fmt(counts['innocent people alerted'])} people\n"
            f"({_fmt(counts['false alerts'])} alerts)",
            FALSE_COLOUR,
            "///",
        ),
        "quiet": (88, 22, f"{_fmt(counts['innocent people not alerted'])}\nnot alerted", OTHER_COLOUR, None),
    }
    for parent, child in (
        ("root", "true"),
        ("root", "rest"),
        ("true", "hit"),
        ("true", "miss"),
        ("rest", "false"),
        ("rest", "quiet"),
    ):
        (x0, y0, *_), (x1, y1, *_) = boxes[parent], boxes[child]
        ax.annotate("", (x1, y1 + 7), (x0, y0 - 7), arrowprops={"arrowstyle": "->", "color": "#555555"})
    for x, y, text, colour, hatch in boxes.values():
        style = {"ha": "center", "va": "center", "fontsize": FONT_PT}
        if hatch is not None:  # an alert: a thick ring in its colour (hatched: false), label on white
            ring = {
                "boxstyle": "round,pad=1.0",
                "facecolor": colour,
                "edgecolor": "black",
                "hatch": hatch or None,
            }
            ax.text(x, y, text, color=(0, 0, 0, 0), bbox=ring, **style)
        ax.text(
            x,
            y,
            text,
            color="black",
            fontweight="bold" if hatch is not None else "normal",
            bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "black"},
            **style,
        )
    ppv = result.ppv
    ax.text(
        50,
        3,
        f"Of every {_fmt(counts['true alerts'] + counts['false alerts'])} alerts, "
        f"{_fmt(counts['true alerts'])} are about a true case: {_percent(ppv)}.",
        ha="center",
        fontsize=FONT_PT + 1,
    )
    ax.set_title(title or "Where the alerts come from", fontsize=FONT_PT + 2)
    return fig


def tree_alt(result: Result, passengers: int = 100_000) -> str:
    c = result.per(passengers)
    i = result.inputs
    return (
        f"Frequency tree of {passengers:,} passengers. {_fmt(c['true cases'])} truly need help or "
        "intend harm "
        f"(a hypothetical number, 1 in {_one_in(i.base_rate)}); of them {_fmt(c['true alerts'])} are alerted "
        f"(TRUE ALERT, in a solid blue frame) and {_fmt(c['true cases missed'])} are not. Of the other "
        f"{_fmt(c['everyone else'])}, {_fmt(c['innocent people alerted'])} people are alerted "
        f"(FALSE ALERT, in a hatched vermilion frame), raising {_fmt(c['false alerts'])} alerts, and "
        f"{_fmt(c['innocent people not alerted'])} are not. Share of alerts that are real: "
        f"{_percent(result.ppv)}; "
        f"false alarms per true hit: {_number(result.false_per_true)}. Per-frame rate {i.rate.value:.2%}, "
        f"{result.frames} frames per passenger, {i.rule.describe()}"
    )


def tree_caption(result: Result) -> str:
    i = result.inputs
    frames = "independent (an assumption)" if i.correlation == 0 else f"correlated ({i.correlation:.2f})"
    return (
        f"Counts per 100,000 passengers, in closed form (emolab.station.simulate). Per-frame rate: "
        f"{i.rate.describe()}. Frames {frames}. "
        f"{NO_STUDY}"
    )


def tree_plot(result: Result, title: str | None = None, passengers: int = 100_000) -> Figure:
    """The scenario as a natural-frequency tree (a Figure: picture, alt text with every number,
    caption with the measured rate and the hypothetical numbers flagged)."""
    return Figure(tree_figure(result, title, passengers), tree_alt(result, passengers), tree_caption(result))


def group_split_figure(table):
    shown = table[table["note"] != audit.NOT_SHOWN]
    fig, ax = subplots(figsize=(8.2, 0.7 * len(shown) + 1.8), layout="constrained")
    for y, (_, row) in enumerate(shown.iterrows()):
        ax.plot(
            [row["crowd share"] * 100],
            [y - 0.15],
            marker="s",
            color=PALETTE["neutral"],
            linestyle="none",
            label="share of the crowd" if y == 0 else None,
        )
        if not np.isnan(row["share low"]):
            ax.plot(
                [row["share low"] * 100, row["share high"] * 100],
                [y + 0.15] * 2,
                color=FALSE_COLOUR,
                linewidth=2,
            )
        ax.plot(
            [row["share of false alerts"] * 100],
            [y + 0.15],
            marker="o",
            color=FALSE_COLOUR,
            linestyle="none",
            markerfacecolor="white" if row["note"] else FALSE_COLOUR,
            label="share of false alerts (95% range)" if y == 0 else None,
        )
        ax.annotate(
            f"n = {row['n']}" + (f"\n{row['note']}" if row["note"] else ""),
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=FONT_PT,
        )
    ax.set_yticks(range(len(shown)), list(shown["group"]))
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% (squares: crowd; circles: false alerts)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), fontsize=FONT_PT, frameon=False, ncol=2)
    ax.grid(axis="x", alpha=0.3)
    return fig


def group_split_plot(table) -> Figure:
    """Each group's share of the crowd (square) beside its share of the false alerts (circle,
    with its 95% range; hollow when the group is too small to say)."""
    parts = []
    for _, row in table.iterrows():
        if row["note"] == audit.NOT_SHOWN:
            parts.append(f"{row['group']}: {audit.NOT_SHOWN} (n = {row['n']})")
            continue
        parts.append(
            f"{row['group']}: {row['crowd share']:.0%} of the crowd, "
            f"{row['share of false alerts']:.0%} of false alerts "
            f"(95% range {row['share low']:.0%} to {row['share high']:.0%}), n = {row['n']}"
            + (f", {row['note']}" if row["note"] else "")
        )
    alt = (
        "Dot plot by group of the share of the crowd and the share of false alerts. " + "; ".join(parts) + "."
    )
    caption = (
        f"Ranges: {table.attrs.get('interval', '')}. A group's rate measured on few people is a wide guess; "
        "the crowd's shares are an assumption. The split does not depend on the hypothetical number "
        "of true cases, which only takes them out of the crowd."
    )
    return Figure(group_split_figure(table), alt, caption)


__all__ = [
    "ACTED_ON",
    "NO_STUDY",
    "FrameRate",
    "Measurement",
    "MonteCarloResult",
    "Persistence",
    "Result",
    "StationInputs",
    "alert_probability",
    "camera_scenarios",
    "clip_measurement",
    "count_flags",
    "crowd_shares_like",
    "degraded_measurement",
    "expected_alerts",
    "flagged_by_group",
    "flags_for",
    "frames_in_view",
    "group_split_plot",
    "london_measurement",
    "monte_carlo",
    "no_run_probability_independent",
    "run_lengths",
    "scenario_table",
    "simulate",
    "tree_plot",
]
