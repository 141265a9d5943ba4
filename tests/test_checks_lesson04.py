"""Lesson 4's checks: each passes the worked answer and explains a wrong, missing or `...` one.

The namespaces are built as the exercise notebook builds them, from real audits of the London
Set (the course's DeepFace pipeline and the OpenCV Zoo pipeline, run once for this module), so
the expected answers are computed here with the real models, never written in. Where the real
data give only one of a choice's outcomes (a gap established or not, persisting or not), the
audits are copied with their per-person outcomes changed, so that every outcome is tested and
the right letter is seen to follow the intervals. What the lesson prints for its own inputs (an
ethnic group's interval, a 10-point gap) must fail.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from checking import assert_missing_and_placeholder_say_not_yet, not_yet
from scipy.stats import binomtest

from emolab import audit
from emolab.checks import Grader
from emolab.checks import lesson04 as checks


@pytest.fixture(scope="module")
def grader():
    return Grader("04")


@pytest.fixture(scope="module")
def london():
    return audit.london_set()


@pytest.fixture(scope="module")
def deepface_audit(london):
    return audit.run_audit(london, checks.DEEPFACE)


@pytest.fixture(scope="module")
def zoo_audit(london):
    return audit.run_audit(london, checks.ZOO)


@pytest.fixture(scope="module")
def context(london, deepface_audit, zoo_audit):
    """Everything the exercise notebook defines before the answers."""
    return {"london": london, "deepface_audit": deepface_audit, "zoo_audit": zoo_audit}


def row_of(table, group, measure):
    return table[(table["group"] == group) & (table["measure"] == measure)].iloc[0]


def wilson(k, n):
    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def worked_interval(an_audit):
    row = row_of(an_audit.table("age band"), "35 and over", "missed")
    return wilson(row["k"], row["n"])


def female_gap(an_audit):
    return row_of(an_audit.differences("gender", measures=["smile_happy"]), "female", "smile_happy")


def letter_for(row) -> str:
    return "a" if row["low"] > 0 or row["high"] < 0 else "b"


def persists_letter(first, second) -> str:
    established = (bool(first["excludes zero"]), bool(second["excludes zero"]))
    same = (first["difference"] > 0) == (second["difference"] > 0)
    return {(True, True): "a" if same else "d", (True, False): "b", (False, True): "b"}.get(established, "c")


def with_outcomes(an_audit, **changes):
    """A copy of ``an_audit`` whose per-person outcomes are changed (same people, same pipeline)."""
    observations = an_audit.observations.copy()
    for column, values in changes.items():
        observations[column] = values
    return dataclasses.replace(an_audit, observations=observations, _tables={})


def swapped_genders(an_audit):
    genders = an_audit.observations["gender"].map({"female": "male", "male": "female"})
    return with_outcomes(an_audit, gender=genders)


def no_smile_gap(an_audit):
    """Everyone's smiling photo labelled 'happy': no gap between any groups, the interval a point."""
    return with_outcomes(an_audit, smile_happy=1.0)


# --- every question: missing and `...` answers, and the grader itself ----------------------------

ANSWERS = [
    ("q1", "my_interval"),
    ("q2", "widest_group"),
    ("q3", "gap_answer"),
    ("q4", "people_needed_20"),
    ("q5", "zoo_gap"),
    ("q6", "my_card"),
]


@pytest.mark.parametrize("question, answer", ANSWERS)
def test_missing_and_placeholder_answers_say_not_yet(grader, context, question, answer):
    assert_missing_and_placeholder_say_not_yet(grader, context, question, answer)


def test_missing_audits_say_not_yet(grader):
    for question, _ in ANSWERS:
        result = grader.check(question, {})
        assert not result.passed and "Run the cell" in result.message


def test_the_grader_knows_six_questions_and_never_raises(grader):
    assert set(grader.checks) == {f"q{n}" for n in range(1, 7)}
    odd = {
        "deepface_audit": "audit",
        "zoo_audit": 3,
        "my_interval": "0.1 to 0.2",
        "widest_group": 7,
        "gap_answer": 1,
        "people_needed_20": "lots",
        "zoo_gap": [],
        "persists_answer": None,
        "my_card": "card",
        "card_answer": 2,
    }
    results = grader.check_all(odd)
    assert [r.passed for r in results] == [False] * 6 and all(r.message for r in results)


def test_the_worked_answers_pass_the_grader(grader, context, deepface_audit, zoo_audit):
    answers = {
        **context,
        "my_interval": worked_interval(deepface_audit),
        "widest_group": widest_of(widths_of(deepface_audit)[0]),
        "gap_answer": letter_for(female_gap(deepface_audit)),
        "people_needed_20": audit.people_needed(base_rate=0.5, gap=0.2, target=0.8).n_per_group,
        "zoo_gap": float(female_gap(zoo_audit)["difference"]),
        "persists_answer": persists_letter(female_gap(deepface_audit), female_gap(zoo_audit)),
        "my_card": zoo_audit.card("gender"),
        "card_answer": "b",
    }
    results = grader.check_all(answers)
    assert all(r.passed for r in results), [r for r in results if not r.passed]


def test_an_audit_of_the_wrong_pipeline_or_people_is_named(deepface_audit, zoo_audit):
    message = not_yet(checks.wilson_by_hand, {"deepface_audit": zoo_audit, "my_interval": (0, 1)})
    assert "not with the pipeline" in message and checks.DEEPFACE in message
    message = not_yet(
        checks.gap_with_the_second_pipeline,
        {"deepface_audit": deepface_audit, "zoo_audit": deepface_audit, "zoo_gap": 0.1},
    )
    assert "not with the pipeline" in message and checks.ZOO in message
    assert "Audit" in not_yet(checks.wilson_by_hand, {"deepface_audit": "audit", "my_interval": (0, 1)})


# --- q1: a Wilson interval by hand, by age band ----------------------------------------------------


def test_q1_passes_the_worked_answer_in_any_form_and_its_rounding(deepface_audit):
    low, high = worked_interval(deepface_audit)
    row = row_of(deepface_audit.table("age band"), "35 and over", "missed")
    assert (low, high) == pytest.approx((row["low"], row["high"]))  # the audit's own interval
    ns = {"deepface_audit": deepface_audit}
    scipy_result = binomtest(int(row["k"]), int(row["n"])).proportion_ci(method="wilson")
    for answer in ((low, high), [low, high], scipy_result, (round(low, 2), round(high, 2))):
        checks.wilson_by_hand({**ns, "my_interval": answer})
    rounded = (round(low, 1), round(high, 1))
    if rounded != (low, high):
        assert "rounded too far" in not_yet(checks.wilson_by_hand, {**ns, "my_interval": rounded})


def test_q1_explains_common_mistakes(deepface_audit):
    low, high = worked_interval(deepface_audit)
    row = row_of(deepface_audit.table("age band"), "35 and over", "missed")
    k, n = int(row["k"]), int(row["n"])
    rate, half = k / n, 1.96 * math.sqrt(k / n * (1 - k / n) / n)
    mask = deepface_audit.observations["age band"] == "35 and over"
    photos = deepface_audit.observations.loc[mask, ["photos missed", "photos"]].sum()
    cases = {
        "percentages": (100 * low, 100 * high),
        "swapped": (high, low),
        "counts photos": wilson(photos["photos missed"], photos["photos"]),
        "textbook formula": (rate - half, rate + half),
    }
    if low == 0:
        cases.pop("swapped")  # (high, 0) is not an interval turned round
    for expected_words, wrong in cases.items():
        message = not_yet(checks.wilson_by_hand, {"deepface_audit": deepface_audit, "my_interval": wrong})
        assert expected_words in message, (expected_words, message)
    message = not_yet(
        checks.wilson_by_hand, {"deepface_audit": deepface_audit, "my_interval": (low, high + 0.1)}
    )
    assert "not what the data give" in message
    assert "two numbers" in not_yet(
        checks.wilson_by_hand, {"deepface_audit": deepface_audit, "my_interval": 0.1}
    )
    assert "a number" in not_yet(
        checks.wilson_by_hand, {"deepface_audit": deepface_audit, "my_interval": ("0", "0.2")}
    )


def test_q1_says_when_the_ends_are_swapped(deepface_audit):
    band = deepface_audit.observations["age band"]
    missed = [float(i % 3 == 0) for i in range(len(band))]  # made up: some of everyone missed
    made_up = with_outcomes(deepface_audit, missed=missed)
    low, high = worked_interval(made_up)
    assert 0 < low < high
    checks.wilson_by_hand({"deepface_audit": made_up, "my_interval": (low, high)})
    assert "swapped" in not_yet(
        checks.wilson_by_hand, {"deepface_audit": made_up, "my_interval": (high, low)}
    )


def test_q1_names_the_wrong_group_measure_or_the_lessons_interval(deepface_audit):
    table, right = deepface_audit.table("age band"), worked_interval(deepface_audit)
    wrong = {
        "the group 'under 25'": row_of(table, "under 25", "missed"),
        "the whole set": row_of(table, audit.WHOLE_SET, "missed"),
        "another measure": row_of(table, "35 and over", "neutral_neutral"),
    }
    for expected_words, row in wrong.items():
        interval = wilson(row["k"], row["n"])
        if interval == pytest.approx(right):
            continue  # the same count gives the same interval: nothing to tell apart
        message = not_yet(checks.wilson_by_hand, {"deepface_audit": deepface_audit, "my_interval": interval})
        assert expected_words in message, (expected_words, message)
    lesson = row_of(deepface_audit.table("ethnic group"), "west Asian", "smile_happy")
    printed = tuple(round(x, 3) for x in wilson(lesson["k"], lesson["n"]))  # as the lesson prints it
    message = not_yet(checks.wilson_by_hand, {"deepface_audit": deepface_audit, "my_interval": printed})
    assert "lesson's interval" in message and "west Asian" in message


# --- q2: the widest interval ----------------------------------------------------------------------

Q2_BY = ("gender", "age band")


def widths_of(an_audit, measure="neutral_neutral"):
    table = an_audit.table(Q2_BY, measures=[measure])
    table = table[table["group"] != audit.WHOLE_SET]
    return dict(zip(table["group"], table["high"] - table["low"], strict=True)), table


def widest_of(widths):
    return max((g for g in widths if not math.isnan(widths[g])), key=widths.get)


def test_q2_passes_the_widest_group_however_it_is_typed(deepface_audit):
    widest = widest_of(widths_of(deepface_audit)[0])
    typed = widest.replace("×", "x")
    for answer in (widest, widest.upper(), f" {widest} ", typed):
        checks.widest_interval({"deepface_audit": deepface_audit, "widest_group": answer})


def test_q2_explains_common_mistakes(deepface_audit):
    widths, table = widths_of(deepface_audit)
    widest = widest_of(widths)
    ns = {"deepface_audit": deepface_audit}
    assert "narrowest" in not_yet(checks.widest_interval, {**ns, "widest_group": "whole set"})
    message = not_yet(checks.widest_interval, {**ns, "widest_group": "35 and over"})
    assert "by age band alone" in message and "female × 35 and over" in message
    assert "spelled as in the table" in not_yet(checks.widest_interval, {**ns, "widest_group": "old"})
    hidden = [g for g in widths if row_of(table, g, "neutral_neutral")["not shown"]]
    assert hidden, "the London Set has groups of 1 or 2 people by gender × age band"
    message = not_yet(checks.widest_interval, {**ns, "widest_group": hidden[0]})
    assert "to protect the individuals" in message
    readable = {g: w for g, w in widths.items() if not row_of(table, g, "neutral_neutral")["too few"]}
    widest_readable = widest_of(readable)
    if widths[widest_readable] < widths[widest]:
        message = not_yet(checks.widest_interval, {**ns, "widest_group": widest_readable})
        assert "including those" in message
    narrowest = min((g for g in widths if not math.isnan(widths[g])), key=widths.get)
    if widths[narrowest] < widths[widest]:
        not_yet(checks.widest_interval, {**ns, "widest_group": narrowest})


def alternate(mask):
    """Made-up outcomes for the people in ``mask``: 0, 1, 0, 1, ... (a rate of about a half)."""
    return [float(i % 2) for i in range(int(mask.sum()))]


def test_q2_follows_the_rate_as_well_as_the_size(deepface_audit):
    """Made-up outcomes, same people: the men aged 35 and over all 'neutral' (a narrow interval),
    the women about half (a wide one); for the smile, the other way round."""
    people = deepface_audit.observations
    older = people["age band"] == "35 and over"
    women, men = older & (people["gender"] == "female"), older & (people["gender"] == "male")
    neutral, smile = people["neutral_neutral"].copy(), people["smile_happy"].copy()
    neutral[men], neutral[women] = 1.0, alternate(women)
    smile[women], smile[men] = 1.0, alternate(men)
    made_up = with_outcomes(deepface_audit, neutral_neutral=neutral, smile_happy=smile)
    ns = {"deepface_audit": made_up}
    checks.widest_interval({**ns, "widest_group": "female × 35 and over"})
    assert widest_of(widths_of(made_up, "smile_happy")[0]) == "male × 35 and over"
    message = not_yet(checks.widest_interval, {**ns, "widest_group": "male × 35 and over"})
    assert "another measure" in message


# --- q3: is a gap established? ---------------------------------------------------------------------


def test_q3_passes_the_letter_the_interval_gives(deepface_audit):
    letter = letter_for(female_gap(deepface_audit))
    for answer in (letter, letter.upper(), f"({letter})"):
        checks.gap_established({"deepface_audit": deepface_audit, "gap_answer": answer})


@pytest.mark.parametrize("made_up", [False, True], ids=["real audit", "no gap at all"])
def test_q3_every_wrong_option_gets_its_own_feedback(deepface_audit, made_up):
    an_audit = no_smile_gap(deepface_audit) if made_up else deepface_audit
    right = letter_for(female_gap(an_audit))
    if made_up:
        assert right == "b"
    teaches = {
        "a": "so it includes zero",
        "b": "wholly",
        "c": "never shows that two groups are treated alike",
        "d": "by chance alone",
    }
    for letter, words in teaches.items():
        if letter == right:
            continue
        message = not_yet(checks.gap_established, {"deepface_audit": an_audit, "gap_answer": letter})
        assert message.startswith(f"Not ({letter}).") and words in message, message
    assert "one letter" in not_yet(checks.gap_established, {"deepface_audit": an_audit, "gap_answer": "e"})


def test_q3_right_letter_follows_the_interval_when_the_genders_swap(deepface_audit):
    swapped = swapped_genders(deepface_audit)
    row, original = female_gap(swapped), female_gap(deepface_audit)
    assert row["difference"] == pytest.approx(-original["difference"])
    checks.gap_established({"deepface_audit": swapped, "gap_answer": letter_for(row)})


# --- q4: people needed for a 20-point gap ----------------------------------------------------------


@pytest.fixture(scope="module")
def needed():
    return audit.people_needed(base_rate=0.5, gap=0.2, target=0.8)


def test_q4_passes_the_seeded_answer_and_other_seeds(needed):
    n = needed.n_per_group
    for answer in (n, float(n), n + 2, n - 2):
        checks.people_for_a_larger_gap({"people_needed_20": answer})
    other_seed = audit.people_needed(base_rate=0.5, gap=0.2, target=0.8, seed=7).n_per_group
    checks.people_for_a_larger_gap({"people_needed_20": other_seed})


def test_q4_explains_common_mistakes(needed):
    n = needed.n_per_group
    lesson = audit.people_needed(base_rate=0.5, gap=0.1, target=0.8).n_per_group
    cases = {
        "both groups together": 2 * n,
        "10 percentage points": lesson,
        "a share": needed.power,
        "whole number": n + 0.5,
        "far from": n // 2,
    }
    for expected_words, wrong in cases.items():
        message = not_yet(checks.people_for_a_larger_gap, {"people_needed_20": wrong})
        assert expected_words in message, (expected_words, message)
    assert ".n_per_group" in not_yet(checks.people_for_a_larger_gap, {"people_needed_20": needed})
    assert "text" in not_yet(checks.people_for_a_larger_gap, {"people_needed_20": str(n)})


# --- q5: the same gap with the second pipeline -----------------------------------------------------


def q5(deepface, zoo, gap=None, letter=None):
    gap = float(female_gap(zoo)["difference"]) if gap is None else gap
    letter = letter or persists_letter(female_gap(deepface), female_gap(zoo))
    return {"deepface_audit": deepface, "zoo_audit": zoo, "zoo_gap": gap, "persists_answer": letter}


def test_q5_passes_the_worked_answer_and_its_rounding(deepface_audit, zoo_audit):
    gap = float(female_gap(zoo_audit)["difference"])
    checks.gap_with_the_second_pipeline(q5(deepface_audit, zoo_audit))
    checks.gap_with_the_second_pipeline(q5(deepface_audit, zoo_audit, gap=round(gap, 2)))
    if round(gap, 1) != gap:
        message = not_yet(checks.gap_with_the_second_pipeline, q5(deepface_audit, zoo_audit, round(gap, 1)))
        assert "rounded too far" in message


def test_q5_explains_common_mistakes(deepface_audit, zoo_audit):
    gap = float(female_gap(zoo_audit)["difference"])
    women = row_of(zoo_audit.table("gender", measures=["smile_happy"]), "female", "smile_happy")
    cases = {
        "percentage points": 100 * gap,
        "wrong way round": -gap,
        "DeepFace pipeline": float(female_gap(deepface_audit)["difference"]),
        "women's rate": float(women["estimate"]),
        "not what the data give": gap + 0.37,
    }
    for expected_words, wrong in cases.items():
        if expected_words != "not what the data give" and math.isclose(wrong, gap):
            continue
        message = not_yet(checks.gap_with_the_second_pipeline, q5(deepface_audit, zoo_audit, gap=wrong))
        assert expected_words in message, (expected_words, message)


@pytest.mark.parametrize(
    "change, expected",
    [
        (None, None),  # the real audits: whatever they give
        ("swap genders in the second audit", "d"),
        ("no gap in the second audit", "b"),
        ("no gap in either audit", "c"),
    ],
)
def test_q5_right_letter_follows_both_intervals(deepface_audit, zoo_audit, change, expected):
    first, second = deepface_audit, zoo_audit
    if change == "swap genders in the second audit":
        second = swapped_genders(zoo_audit)
    elif change == "no gap in the second audit":
        second = no_smile_gap(zoo_audit)
    elif change == "no gap in either audit":
        first, second = no_smile_gap(deepface_audit), no_smile_gap(zoo_audit)
    right = persists_letter(female_gap(first), female_gap(second))
    both_real = all(bool(female_gap(a)["excludes zero"]) for a in (deepface_audit, zoo_audit))
    if expected == "c" or (expected and both_real):
        assert right == expected
    checks.gap_with_the_second_pipeline(q5(first, second))
    for letter in "abcd":
        if letter == right:
            continue
        message = not_yet(checks.gap_with_the_second_pipeline, q5(first, second, letter=letter))
        assert message.startswith(f"Not ({letter}).") and "With DeepFace the interval runs" in message


# --- q6: an audit card of your own -----------------------------------------------------------------


@pytest.fixture(scope="module")
def card(zoo_audit):
    return zoo_audit.card("gender")


def test_q6_passes_the_card_and_b(zoo_audit, card):
    checks.audit_card_claims({"zoo_audit": zoo_audit, "my_card": card, "card_answer": "b"})


def test_q6_wants_the_second_pipelines_card_by_gender(deepface_audit, zoo_audit, card):
    ns = {"zoo_audit": zoo_audit, "card_answer": "b"}
    assert "by gender" in not_yet(checks.audit_card_claims, {**ns, "my_card": zoo_audit.card("ethnic group")})
    message = not_yet(checks.audit_card_claims, {**ns, "my_card": deepface_audit.card("gender")})
    assert "another audit" in message
    assert "AuditCard" in not_yet(checks.audit_card_claims, {**ns, "my_card": card.markdown})


@pytest.mark.parametrize(
    "letter, teaches",
    [("a", "cannot tell, not that there is no gap"), ("c", "what anyone felt"), ("d", "one studio")],
)
def test_q6_every_wrong_option_gets_its_own_feedback(zoo_audit, card, letter, teaches):
    ns = {"zoo_audit": zoo_audit, "my_card": card, "card_answer": letter}
    message = not_yet(checks.audit_card_claims, ns)
    assert teaches in message and message.startswith(f"Not ({letter}).")
    others = set(checks.CARD_FEEDBACK) - {letter}
    assert all(checks.CARD_FEEDBACK[o] not in message for o in others)
