"""Checks for lesson 4, "Who does it fail?".

Every expected value is recomputed when the check runs: from the learner's own audits (their
``deepface_audit`` and ``zoo_audit``), from scipy, or from the package's seeded power
simulation. No model output is written here, and the right letter of a choice whose answer
depends on the data (Questions 3 and 5) is computed from the learner's difference intervals,
so the checks hold for any emotion model. Each question asks for what the lesson did not print:
an interval by age band (the lesson computed one by ethnic group), the widest interval by gender
and age band, a gap by gender, the people needed for a 20-point gap (the lesson's was 10), the
gap by gender with the second pipeline, and a card by gender. Reflection questions are not
checked.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from . import NotYet, as_number, check, matches, require, require_choice, require_close, require_number

DEEPFACE = "DeepFace (Haar + FER2013)"
ZOO = "OpenCV Zoo (YuNet + RAF-DB)"

Q1_BY, Q1_GROUP, Q1_MEASURE = "age band", "35 and over", "missed"
LESSON_BY, LESSON_MEASURE = "ethnic group", "smile_happy"  # the lesson's interval by hand
Q2_BY, Q2_MEASURE = ("gender", "age band"), "neutral_neutral"
Q2_BY_TEXT = " × ".join(Q2_BY)
Q3_BY, Q3_GROUP, Q3_MEASURE = "gender", "female", "smile_happy"
Q4_BASE_RATE, Q4_GAP, Q4_TARGET = 0.5, 0.20, 0.80
LESSON_GAP = 0.10  # the lesson's simulation, whose answer it prints
# A seeded simulation and a search over n: another seed, or another number of simulations,
# moves the answer by a few people (about 4% for a 20-point gap). Within this share of the
# package's seeded answer, a learner's number is as good an answer as the package's.
Q4_TOLERANCE = 0.10
Q6_BY = "gender"


def _audit_class():
    from emolab.audit import Audit

    return Audit


def _is_pipeline(audit, name: str) -> bool:
    """True when ``audit`` was made by the course pipeline ``name`` (told by the sha256s)."""
    from emolab.core import PIPELINES, detector_info, model_info

    settings = PIPELINES[name]
    info = audit.pipeline
    return info.model_sha256 == model_info(settings["model"]).sha256 and (
        detector_info(settings["detector"]).sha256 in info.detector_sha256
    )


def _london_audit(ns: dict, name: str, pipeline: str):
    """The learner's audit ``name``: an Audit of the London Set made with ``pipeline``."""
    audit = require(ns, name, _audit_class())
    if "London" not in audit.people.name:
        raise NotYet(
            f"`{name}` is an audit of the {audit.people.name}; these questions use the London Set. "
            f'Run the cell that makes it: `audit.run_audit(london, "{pipeline}")`.'
        )
    if not _is_pipeline(audit, pipeline):
        raise NotYet(
            f"`{name}` was made with {audit.pipeline.label}, not with the pipeline "
            f'"{pipeline}". Run the cell that makes it: `audit.run_audit(london, "{pipeline}")`.'
        )
    return audit


def _row(table, group: str, measure: str | None = None):
    rows = table[table["group"] == group]
    if measure is not None:
        rows = rows[rows["measure"] == measure]
    return rows.iloc[0]


def _wilson(k: int, n: int) -> tuple[float, float]:
    from scipy.stats import binomtest

    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "−")


# --- Question 1 ------------------------------------------------------------------------------


def _interval_pair(value, name: str) -> tuple[float, float]:
    """(low, high) from a pair of numbers, or from anything with ``low`` and ``high``."""
    if hasattr(value, "low") and hasattr(value, "high"):
        pair = (value.low, value.high)
    elif isinstance(value, (tuple, list, np.ndarray)) and len(value) == 2:
        pair = tuple(value)
    else:
        raise NotYet(
            f"`{name}` should be two numbers, the interval's low and high ends: `(low, high)`, "
            "or scipy's result itself, which has `.low` and `.high`."
        )
    empty = "is the group empty? Look at its `n`."
    low = as_number(pair[0], f"The low end of `{name}`", empty)
    return low, as_number(pair[1], f"The high end of `{name}`", empty)


def _pair_matches(got: tuple[float, float], expected: tuple[float, float]) -> bool:
    return matches(got[0], expected[0]) and matches(got[1], expected[1])


def _textbook(k: int, n: int) -> tuple[float, float]:
    rate = k / n
    half = 1.96 * math.sqrt(rate * (1 - rate) / n)
    return rate - half, rate + half


def _lesson_interval(audit) -> tuple[str, tuple[float, float]] | None:
    """The group and interval the lesson computed by hand (smallest readable ethnic group)."""
    from emolab.audit import MIN_PEOPLE

    counts = audit.people.counts(LESSON_BY)
    readable = [g for g, c in counts.items() if c >= MIN_PEOPLE]
    if not readable:
        return None
    group = min(readable, key=counts.get)
    row = _row(audit.table(LESSON_BY), group, LESSON_MEASURE)
    return group, _wilson(row["k"], row["n"])


def _interval_mistake(audit, got: tuple[float, float]) -> str | None:
    """What a wrong interval most likely is instead, if it is one of the usual mistakes."""
    from emolab.audit import WHOLE_SET, measure

    table = audit.table(Q1_BY)
    row = _row(table, Q1_GROUP, Q1_MEASURE)
    k, n = int(row["k"]), int(row["n"])
    mask = (audit.observations[Q1_BY] == Q1_GROUP).to_numpy()
    photos = audit.observations.loc[mask, ["photos missed", "photos"]].sum()
    if int(photos["photos"]) != n and _pair_matches(got, _wilson(photos["photos missed"], photos["photos"])):
        return (
            f"That counts photos: {int(photos['photos missed'])} missed of {int(photos['photos'])} photos. "
            "The audit counts people: a person is missed when the detector found no face in at least "
            "one of their photos. Use the row's `k` and `n`, which count people."
        )
    if _pair_matches(got, _textbook(k, n)):
        return (
            "That is the textbook formula (rate ± 1.96 standard errors), which the lesson showed "
            "going wrong near 0% and 100%. Call scipy: "
            '`binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")`.'
        )
    for _, other in table.iterrows():
        if other["n"] == 0 or measure(other["measure"]).kind != "rate" or np.isnan(other["k"]):
            continue  # nobody counted, a mean, or a group too small to be shown
        if other["group"] == Q1_GROUP and other["measure"] == Q1_MEASURE:
            continue
        if _pair_matches(got, _wilson(other["k"], other["n"])):
            title = measure(other["measure"]).title
            if other["group"] == Q1_GROUP:
                return (
                    f"That is the interval for another measure, '{title}'. This question asks for "
                    f"'{measure(Q1_MEASURE).title}' (`\"{Q1_MEASURE}\"`)."
                )
            who = "the whole set" if other["group"] == WHOLE_SET else f"the group '{other['group']}'"
            if other["measure"] == Q1_MEASURE:
                return f"That is the interval for {who}. This question asks for the group '{Q1_GROUP}'."
    lesson = _lesson_interval(audit)
    if lesson and _pair_matches(got, lesson[1]):
        return (
            f"That is the lesson's interval, for the ethnic group '{lesson[0]}'. This question asks "
            f"for the age band '{Q1_GROUP}' and the measure `\"{Q1_MEASURE}\"`."
        )
    return None


@check("q1")
def wilson_by_hand(ns: dict) -> None:
    audit = _london_audit(ns, "deepface_audit", DEEPFACE)
    got = _interval_pair(require(ns, "my_interval"), "my_interval")
    row = _row(audit.table(Q1_BY), Q1_GROUP, Q1_MEASURE)
    expected = _wilson(row["k"], row["n"])
    if _pair_matches(got, expected):
        return
    if all(1 < g <= 100 for g in got) or (got[0] <= 1 < got[1] <= 100):
        if _pair_matches((got[0] / 100, got[1] / 100), expected):
            raise NotYet("Those are percentages. Give both ends as shares between 0 and 1 (divide by 100).")
    if got[0] > got[1] and _pair_matches((got[1], got[0]), expected):
        raise NotYet("The two ends are swapped: give `(low, high)`, the smaller number first.")
    mistake = _interval_mistake(audit, got)
    if mistake:
        raise NotYet(mistake)
    hint = (
        f'Take the row for \'{Q1_GROUP}\' and `"{Q1_MEASURE}"` from `deepface_audit.table("{Q1_BY}")`, '
        'then `binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")`.'
    )
    require_close(got[0], expected[0], "my_interval[0]", hint)
    require_close(got[1], expected[1], "my_interval[1]", hint)


# --- Question 2 ------------------------------------------------------------------------------


def _widths(audit, by, measure_key: str):
    """Each group's interval width (NaN for a group with no interval), the whole set left out."""
    from emolab.audit import WHOLE_SET

    table = audit.table(by, measures=[measure_key])
    table = table[table["group"] != WHOLE_SET]
    widths = (table["high"] - table["low"]).to_numpy(dtype=float)
    return dict(zip(table["group"], widths, strict=True)), table


def _widest(widths: dict) -> set[str]:
    finite = {g: w for g, w in widths.items() if not np.isnan(w)}
    if not finite:
        return set()
    top = max(finite.values())
    return {g for g, w in finite.items() if w >= top - 1e-9}


def _normalised(name: str) -> str:
    """A group name as typed: any case, "x" or "×" between the parts, any spacing."""
    return " ".join(name.lower().replace("×", " x ").split())


@check("q2")
def widest_interval(ns: dict) -> None:
    from emolab import audit as audit_module
    from emolab.audit import MEASURES, WHOLE_SET, measure

    audit = _london_audit(ns, "deepface_audit", DEEPFACE)
    answer = require(ns, "widest_group", str).strip()
    widths, table = _widths(audit, Q2_BY, Q2_MEASURE)
    by_name = {_normalised(g): g for g in widths}
    if _normalised(answer) == WHOLE_SET:
        raise NotYet(
            "The whole set has the most people, so its interval is the narrowest, not the widest. "
            f"Compare the groups by {Q2_BY_TEXT}."
        )
    if _normalised(answer) not in by_name:
        alone = [a for a in Q2_BY if _normalised(answer) in {_normalised(g) for g in audit.people.counts(a)}]
        where = (
            f" '{answer}' is a group by {alone[0]} alone; this question asks for a combination, {Q2_BY_TEXT}."
            if alone
            else ""
        )
        raise NotYet(
            f"Set `widest_group` to one of the groups by {Q2_BY_TEXT}, spelled as in the table: "
            f"{', '.join(repr(g) for g in widths)}.{where}"
        )
    group = by_name[_normalised(answer)]
    if group in _widest(widths):
        return
    row = _row(table, group)
    if np.isnan(widths[group]):
        if row.get("not shown", False):
            raise NotYet(
                f"'{group}' has fewer than {getattr(audit_module, 'MIN_SHOWN', 3)} people, so the "
                "audit shows no rate and no interval for it, to protect the individuals. Compare "
                "the groups that have one."
            )
        raise NotYet(f"Nobody in '{group}' is counted by this measure, so it has no interval at all.")
    readable = {g: w for g, w in widths.items() if not _row(table, g)["too few"]}
    if group in _widest(readable):
        raise NotYet(
            f"'{group}' has the widest interval among the groups with at least {audit.min_people} "
            "people. The question asks about every group that has an interval, including those "
            'marked "too few people to say": they are shown, with their intervals.'
        )
    for m in MEASURES:
        if m.key != Q2_MEASURE and group in _widest(_widths(audit, Q2_BY, m.key)[0]):
            raise NotYet(
                f"'{group}' has the widest interval for another measure, '{m.title}'. This question "
                f"asks about '{measure(Q2_MEASURE).title}' (`\"{Q2_MEASURE}\"`)."
            )
    raise NotYet(
        f"'{group}' is not the group with the widest interval. For each group take `high - low` in "
        f'`deepface_audit.table({Q2_BY!r}, measures=["{Q2_MEASURE}"])`, leave out the whole set, '
        "and find the largest."
    )


# --- Question 3 ------------------------------------------------------------------------------


def _gap(audit):
    """The Q3 difference (women minus everyone else) as an Interval-like row."""
    return _row(audit.differences(Q3_BY, measures=[Q3_MEASURE]), Q3_GROUP, Q3_MEASURE)


def _established(row) -> bool:
    return bool(row["excludes zero"]) and not np.isnan(row["low"])


def _reads(row) -> str:
    return f"from {_signed(row['low'])} to {_signed(row['high'])}"


@check("q3")
def gap_established(ns: dict) -> None:
    audit = _london_audit(ns, "deepface_audit", DEEPFACE)
    row = _gap(audit)
    established = _established(row)
    interval = _reads(row)
    side = "above" if row["low"] > 0 else "below"
    feedback = {
        "a": (
            f"Read the difference interval: it runs {interval}, so it includes zero. These data "
            "cannot tell a gap from chance: the gap is not established."
        ),
        "b": (
            f"Read the difference interval: it runs {interval}, wholly {side} zero. A gap is "
            "established for these people, these photos and this pipeline."
        ),
        "c": (
            "An interval that includes zero never shows that two groups are treated alike: it shows "
            "that these data cannot tell (lesson section 4.2), and with about 50 people per group only "
            f"a large gap could be seen (section 5). Check the interval too: it runs {interval}."
        ),
        "d": (
            "Two groups' rates almost always differ a little, by chance alone. Whether a gap is "
            f"established depends on the difference's interval, which runs {interval}, not on the "
            "two rates being different numbers."
        ),
    }
    correct = "a" if established else "b"
    del feedback[correct]
    require_choice(ns, "gap_answer", correct, feedback)


# --- Question 4 ------------------------------------------------------------------------------


@cache
def _people_needed(gap: float) -> int:
    from emolab.audit import people_needed

    return people_needed(base_rate=Q4_BASE_RATE, gap=gap, target=Q4_TARGET).n_per_group


def _near(got: float, expected: float) -> bool:
    return abs(got - expected) <= max(2, Q4_TOLERANCE * expected)


@check("q4")
def people_for_a_larger_gap(ns: dict) -> None:
    from emolab.audit import PowerResult

    value = require(ns, "people_needed_20")
    if isinstance(value, PowerResult):
        raise NotYet(
            "That is the whole result of `people_needed`. Store the number of people in it: `.n_per_group`."
        )
    got = require_number(ns, "people_needed_20")
    expected = _people_needed(Q4_GAP)
    if 0 < got <= 1:
        raise NotYet(
            "That is a share, such as the power, not a number of people. Store `.n_per_group` from "
            "the result of `audit.people_needed`."
        )
    if got != int(got):
        raise NotYet(f"`people_needed_20` is {got}: a number of people is a whole number.")
    if _near(got, expected):
        return
    if _near(got, 2 * expected):
        raise NotYet(
            "That counts both groups together. The question asks for the people in each group "
            "(`.n_per_group`)."
        )
    if _near(got, _people_needed(LESSON_GAP)):
        raise NotYet(
            "That is about the lesson's answer, for a gap of 10 percentage points. This question's "
            f"gap is {Q4_GAP * 100:.0f} points: `gap={Q4_GAP}`."
        )
    raise NotYet(
        f"{got:g} people per group is far from what the simulation gives. Call "
        f"`audit.people_needed(base_rate={Q4_BASE_RATE}, gap={Q4_GAP}, target={Q4_TARGET})` and store "
        "its `.n_per_group`."
    )


# --- Question 5 ------------------------------------------------------------------------------


def _persists_letter(first, second) -> str:
    a, b = _established(first), _established(second)
    if a and b:
        return "a" if np.sign(first["difference"]) == np.sign(second["difference"]) else "d"
    return "b" if a != b else "c"


PERSISTS_OPTIONS = {
    "a": "established with both pipelines, in the same direction",
    "b": "established with one pipeline only",
    "c": "established with neither pipeline",
    "d": "established with both pipelines, in opposite directions",
}


@check("q5")
def gap_with_the_second_pipeline(ns: dict) -> None:
    deepface = _london_audit(ns, "deepface_audit", DEEPFACE)
    zoo = _london_audit(ns, "zoo_audit", ZOO)
    got = require_number(ns, "zoo_gap")
    zoo_row, deepface_row = _gap(zoo), _gap(deepface)
    expected = float(zoo_row["difference"])
    if not matches(got, expected):
        if 1 < abs(got) <= 100 and matches(got / 100, expected):
            raise NotYet(
                "That is in percentage points. Give the difference as a share, between −1 and 1 "
                "(divide by 100)."
            )
        if expected != 0 and matches(got, -expected):
            raise NotYet(
                "The sign is the wrong way round: that is men minus women. Give the row for "
                f"'{Q3_GROUP}' (women minus everyone else), as in Question 3."
            )
        if matches(got, float(deepface_row["difference"])):
            raise NotYet(
                "That is the gap with the DeepFace pipeline, from Question 3. Take the same row from "
                "`zoo_audit.differences(...)`, the second pipeline's audit."
            )
        zoo_rate = _row(zoo.table(Q3_BY, measures=[Q3_MEASURE]), Q3_GROUP)["estimate"]
        if matches(got, float(zoo_rate)):
            raise NotYet(
                "That is the women's rate, not the difference between women and everyone else: "
                "take the `difference` column of `zoo_audit.differences(...)`."
            )
        require_close(
            got,
            expected,
            "zoo_gap",
            f"Take the row for '{Q3_GROUP}' from `zoo_audit.differences(\"{Q3_BY}\", "
            f'measures=["{Q3_MEASURE}"])` and its `difference` column.',
        )
    correct = _persists_letter(deepface_row, zoo_row)
    readings = (
        f"With DeepFace the interval runs {_reads(deepface_row)}; with the OpenCV Zoo pipeline, "
        f"{_reads(zoo_row)}. An interval that excludes zero lies wholly on one side of it."
    )
    feedback = {
        letter: f"It is not {text}. {readings}"
        for letter, text in PERSISTS_OPTIONS.items()
        if letter != correct
    }
    require_choice(ns, "persists_answer", correct, feedback)


# --- Question 6 ------------------------------------------------------------------------------

CARD_FEEDBACK = {
    "a": (
        '"Fair" is not something an audit of about a hundred people can establish. An interval that '
        "includes zero says the data cannot tell, not that there is no gap; and the card's own "
        '"What this cannot show" section lists what lies beyond it.'
    ),
    "c": (
        "The card counts the labels a model gave to faces made on request. It cannot show what anyone "
        'felt: that is the first item of its "What this cannot show" section.'
    ),
    "d": (
        "These people were photographed in one studio, in London, looking at the camera. The card says "
        "nothing about other people, other cameras, other light or moving faces on a platform."
    ),
}


@check("q6")
def audit_card_claims(ns: dict) -> None:
    from emolab.audit import AuditCard

    card = require(ns, "my_card", AuditCard)
    zoo = _london_audit(ns, "zoo_audit", ZOO)
    title = card.markdown.splitlines()[0] if card.markdown else ""
    if not title.rstrip().endswith(f"by {Q6_BY}"):
        raise NotYet(f'Make the card by {Q6_BY}: `zoo_audit.card("{Q6_BY}")`.')
    if title != zoo.card(Q6_BY).markdown.splitlines()[0]:
        raise NotYet(
            f"That card is of another audit. Make it from the second pipeline's audit: "
            f'`zoo_audit.card("{Q6_BY}")`.'
        )
    require_choice(ns, "card_answer", "b", CARD_FEEDBACK)
