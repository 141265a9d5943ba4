"""Lesson 6's checks: each passes the worked answer and explains a wrong, missing or `...` one.

The namespaces are built as the exercise notebook builds them: lesson 3's clips measured with
the real model (cached; a second or so) and the station's inputs, so the expected answers are
computed here with the simulator, never written in. Where the real data give only one outcome,
hand-made rates (``FrameRate.assumed``) and a hand-made measurement give the others.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from checking import assert_missing_and_placeholder_say_not_yet, not_yet

from emolab import station
from emolab.checks import Grader
from emolab.checks import lesson06 as checks
from emolab.core import EMOTIONS

Q3_RANGES = {  # the worked answer's
    "base_rate": (1 / 1_000_000, 1 / 10_000),
    "sensitivity": (0.5, 0.95),
    "seconds_in_view": (3, 30),
    "correlation": (0, 0.9),
    "fps": (10, 30),
    "passengers_per_day": (20_000, 300_000),
    "review_seconds": (10, 120),
    "share_acted_on": (0.1, 1),
}


@pytest.fixture(scope="module")
def grader():
    return Grader("06")


@pytest.fixture(scope="module")
def clips():
    return station.clip_measurement()


@pytest.fixture(scope="module")
def inputs(clips):
    return station.StationInputs(clips.rate())


@pytest.fixture(scope="module")
def q1_inputs(clips):
    return station.StationInputs(
        clips.rate(), passengers_per_day=30_000, seconds_in_view=4, base_rate=1 / 5_000, sensitivity=0.8
    )


def by_hand(i: station.StationInputs) -> float:
    """The worked answer's natural-frequency arithmetic (not the simulator)."""
    each = float(station.expected_alerts(i.rate.value, i.frames, i.rule.frames))
    true_alerts = i.passengers_per_day * i.base_rate * i.sensitivity
    false_alerts = i.passengers_per_day * (1 - i.base_rate) * each
    return true_alerts / (true_alerts + false_alerts)


def ranges_for(inputs):
    return {"rate": (inputs.rate.low, inputs.rate.high), **Q3_RANGES}


def swings_for(inputs, ranges):
    swings = {}
    for name, (low, high) in ranges.items():
        ends = [station.simulate(replace(inputs, **{name: v})).ppv for v in (low, high)]
        small, large = sorted(ends)
        swings[name] = large / small if small > 0 else math.inf
    return swings


def q2_worked(inputs, clips):
    results = {t: station.simulate(inputs.with_rule(clips, threshold=t)) for t in checks.Q2_GRID}
    t = min(t for t, r in results.items() if r.reviewer_hours <= checks.Q2_HOURS)
    return t, results


def q2_namespace(inputs, clips, **answers):
    t, results = q2_worked(inputs, clips)
    return {
        "clips": clips,
        "inputs": inputs,
        "capacity_threshold": t,
        "capacity_frame_rate": results[t].inputs.rate.value,
        "capacity_alerts": results[t].alerts,
        "true_case_chance": "b",
    } | answers


def q3_namespace(inputs, **answers):
    ranges = ranges_for(inputs)
    swings = swings_for(inputs, ranges)
    return {
        "inputs": inputs,
        "q3_ranges": ranges,
        "q3_swings": swings,
        "top_three": sorted(swings, key=swings.get, reverse=True)[:3],
    } | answers


@pytest.fixture(scope="module")
def worked(clips, inputs, q1_inputs):
    return {
        "clips": clips,
        "q1_inputs": q1_inputs,
        "my_ppv": by_hand(q1_inputs),
        **q2_namespace(inputs, clips),
        **q3_namespace(inputs),
    }


# --- every question: missing and `...` answers, and the grader itself ----------------------------

ANSWERS = [
    ("q1", "my_ppv"),
    ("q2", "capacity_threshold"),
    ("q2", "capacity_frame_rate"),
    ("q2", "capacity_alerts"),
    ("q2", "true_case_chance"),
    ("q3", "q3_ranges"),
    ("q3", "q3_swings"),
    ("q3", "top_three"),
]


@pytest.mark.parametrize("question, answer", ANSWERS)
def test_missing_and_placeholder_answers_say_not_yet(grader, worked, question, answer):
    without = {name: value for name, value in worked.items() if name != answer}
    assert_missing_and_placeholder_say_not_yet(grader, without, question, answer)


def test_missing_inputs_say_not_yet(grader):
    for question in ("q1", "q2", "q3"):
        result = grader.check(question, {})
        assert not result.passed and "Run the cell" in result.message


def test_the_grader_knows_three_questions_and_never_raises(grader, worked):
    assert set(grader.checks) == {"q1", "q2", "q3"}
    odd = {
        "q1_inputs": "station",
        "inputs": worked["inputs"],
        "clips": worked["clips"],
        "my_ppv": [],
        "capacity_threshold": None,
        "q3_ranges": {"rate": "wide"},
    }
    results = grader.check_all(odd)
    assert [r.passed for r in results] == [False] * 3 and all(r.message for r in results)


def test_the_worked_answers_pass_the_grader_and_their_rounding(grader, worked):
    results = grader.check_all(worked)
    assert all(r.passed for r in results), [r for r in results if not r.passed]
    for rounding in (lambda x: round(x, 2), lambda x: float(f"{x:.2g}"), lambda x: float(f"{x:.3g}")):
        rounded = {
            **worked,
            "my_ppv": rounding(worked["my_ppv"])
            if worked["my_ppv"] >= 0.01
            else float(f"{worked['my_ppv']:.2g}"),
            "capacity_frame_rate": rounding(worked["capacity_frame_rate"]),
            "capacity_alerts": rounding(worked["capacity_alerts"]),
            "q3_swings": {n: v if math.isinf(v) else rounding(v) for n, v in worked["q3_swings"].items()},
        }
        results = grader.check_all(rounded)
        assert all(r.passed for r in results), [r for r in results if not r.passed]


# --- significant figures ---------------------------------------------------------------------


def test_two_significant_figures_pass_and_one_does_not():
    assert checks.figures_given(0.00034) == 2 and checks.figures_given(0.0003) == 1
    assert checks.figures_given(540.0) == 2 and checks.figures_given(1 / 3) > 10
    assert checks.close_enough(0.00034, 0.0003412) and checks.close_enough(0.0003412, 0.0003412)
    assert checks.close_enough(0.0003409, 0.0003412)  # a hand count from printed inputs
    assert not checks.close_enough(0.0003, 0.0003412) and not checks.close_enough(0.0, 0.0003412)
    assert checks.close_enough(0.23, 0.2267) and checks.close_enough(540, 539.86)
    assert checks.close_enough(0.05, 0.0456)  # two decimals, as in the other lessons
    assert not checks.close_enough(0.036, 0.0456) and not checks.close_enough(0.45, 0.0456)
    assert checks.close_enough(math.inf, math.inf) and not checks.close_enough(1e9, math.inf)
    for got in (0.0003, 0.0):
        message = not_yet(lambda ns, g=got: checks.require_figures(g, 0.0003412, "x", "hint"), {})
        assert "rounded too far" in message and "significant figures" in message
    assert "hint" in not_yet(lambda ns: checks.require_figures(0.02, 0.0003412, "x", "hint"), {})


# --- q1: the share of alerts that are real, by hand ------------------------------------------------


def test_q1_passes_the_hand_count_and_the_simulator(q1_inputs):
    result = station.simulate(q1_inputs)
    assert by_hand(q1_inputs) == pytest.approx(result.ppv, rel=1e-9)
    for got in (result.ppv, float(f"{result.ppv:.2g}"), float(f"{result.ppv:.3g}"), np.float64(result.ppv)):
        checks.share_of_alerts_that_are_real({"q1_inputs": q1_inputs, "my_ppv": got})


def q1_mistakes(i):
    r = station.simulate(i)
    people, b, s = i.passengers_per_day, i.base_rate, i.sensitivity
    t, f = r.true_alerts, r.false_alerts
    innocent = people * (1 - b)
    return {
        "percentage": (100 * r.ppv, "percentage"),
        "sensitivity": (s, "`sensitivity`"),
        "false share": (1 - r.ppv, "false alarms"),
        "false per true": (f / t, "false alarms per true alert"),
        "odds": (t / f, "odds"),
        "people": (t / (t + innocent * r.alert_chance), "not their alerts"),
        "one passenger": (t / (t + (1 - b) * r.alerts_per_innocent), "of one passenger"),
        "true cases as innocent": (t / (t + people * b * r.alerts_per_innocent), "among the true cases"),
        "all alerted": (people * b / (people * b + f), "every true case as alerted"),
        "base rate": (b, "base rate"),
    }


@pytest.mark.parametrize("mistake", list(q1_mistakes(station.StationInputs(0.2))))
def test_q1_explains_common_mistakes(q1_inputs, mistake):
    q1_explains(q1_inputs, mistake)


@pytest.mark.parametrize("mistake", list(q1_mistakes(station.StationInputs(0.2))))
def test_q1_explains_common_mistakes_where_alerts_are_often_real(mistake):
    i = station.StationInputs(
        station.FrameRate.assumed(0.05), passengers_per_day=20_000, base_rate=1 / 2_000, sensitivity=0.7
    )
    assert 0.05 < station.simulate(i).ppv < 0.95
    q1_explains(i, mistake)


def q1_explains(q1_inputs, mistake):
    mistakes = q1_mistakes(q1_inputs)
    value, words = mistakes[mistake]
    ppv = station.simulate(q1_inputs).ppv
    if any(checks.close_enough(value, v) for m, (v, _) in mistakes.items() if m != mistake):
        words = ""  # two mistakes give the same number here: either message will do
    if checks.close_enough(value, ppv):  # the odds of a tiny share are the share, to 2 figures
        checks.share_of_alerts_that_are_real({"q1_inputs": q1_inputs, "my_ppv": value})
        return
    message = not_yet(checks.share_of_alerts_that_are_real, {"q1_inputs": q1_inputs, "my_ppv": value})
    assert words in message, message


def test_q1_names_forgetting_the_innocent_count_when_it_shows():
    i = station.StationInputs(
        station.FrameRate.assumed(0.2), passengers_per_day=10_000, base_rate=0.2, sensitivity=0.9
    )
    r = station.simulate(i)
    wrong = r.true_alerts / (r.true_alerts + i.passengers_per_day * r.alerts_per_innocent)
    assert not checks.close_enough(wrong, r.ppv)
    message = not_yet(checks.share_of_alerts_that_are_real, {"q1_inputs": i, "my_ppv": wrong})
    assert "(1 − base rate) × passengers" in message and "every passenger as innocent" in message
    checks.share_of_alerts_that_are_real({"q1_inputs": i, "my_ppv": by_hand(i)})


def test_q1_says_what_to_count_and_when_there_are_no_alerts(q1_inputs):
    message = not_yet(checks.share_of_alerts_that_are_real, {"q1_inputs": q1_inputs, "my_ppv": 0.77})
    assert (
        "not what the simulator gives" in message and "true alerts / (true alerts + false alerts)" in message
    )
    none = station.StationInputs(station.FrameRate.assumed(0.0), base_rate=0.0)
    message = not_yet(checks.share_of_alerts_that_are_real, {"q1_inputs": none, "my_ppv": 0.5})
    assert "no alerts at all" in message
    assert "StationInputs" in not_yet(checks.share_of_alerts_that_are_real, {"q1_inputs": 3, "my_ppv": 0.5})


# --- q2: a threshold the reviewers can keep up with ------------------------------------------------


def test_q2_recomputes_the_lowest_threshold_that_fits(inputs, clips):
    t, results = q2_worked(inputs, clips)
    assert t in checks.Q2_GRID and results[t].reviewer_hours <= checks.Q2_HOURS
    assert all(results[u].reviewer_hours > checks.Q2_HOURS for u in checks.Q2_GRID if u < t)
    for got in (t, 0.5 + 0.05 * checks.Q2_GRID.index(t), np.float64(t)):  # float noise from arange
        checks.threshold_for_review_capacity(q2_namespace(inputs, clips, capacity_threshold=got))


def hand_measurement(over_share_at: dict[float, float], frames: int = 200) -> station.Measurement:
    """One person whose angry + fear sum is above each threshold in the given share of frames."""
    levels = sorted(over_share_at)
    signal = np.zeros(frames)
    for level in levels:
        signal[: int(over_share_at[level] * frames)] = level + 0.001
    rng = np.random.default_rng(0)
    signal = rng.permutation(signal)
    scores = np.zeros((frames, len(EMOTIONS)))
    scores[:, EMOTIONS.index("angry")] = signal
    return station.Measurement("hand-made", ("p1",), (scores,))


@pytest.fixture(scope="module")
def hand():
    """A measurement where 0.50 and 0.55 need too many hours and 0.60 fits."""
    clips = hand_measurement({0.5: 0.6, 0.55: 0.5, 0.6: 0.3, 0.7: 0.01})
    inputs = station.StationInputs(clips.rate(), passengers_per_day=1_000)
    t, results = q2_worked(inputs, clips)
    assert t == 0.6 and results[0.55].reviewer_hours > checks.Q2_HOURS
    return clips, inputs, results


def q2_message(clips, inputs, **answers):
    return not_yet(checks.threshold_for_review_capacity, q2_namespace(inputs, clips, **answers))


def test_q2_explains_a_wrong_threshold(hand):
    clips, inputs, results = hand
    message = q2_message(clips, inputs, capacity_threshold=0.55)
    assert "more than the 8" in message and "lowest threshold that fits" in message
    message = q2_message(clips, inputs, capacity_threshold=0.7)
    assert "fits" in message and "lower threshold on the grid fits too" in message
    assert "percentage" in q2_message(clips, inputs, capacity_threshold=60)
    assert "not on the grid" in q2_message(clips, inputs, capacity_threshold=0.62)


def test_q2_explains_a_wrong_rate_and_wrong_alerts(hand):
    clips, inputs, results = hand
    chosen = results[0.6]
    assert "percentage" in q2_message(clips, inputs, capacity_frame_rate=100 * chosen.inputs.rate.value)
    assert "per passenger" in q2_message(clips, inputs, capacity_frame_rate=chosen.alert_chance)
    message = q2_message(clips, inputs, capacity_frame_rate=results[0.5].inputs.rate.value)
    assert "threshold of 0.50" in message and "your threshold, 0.60" in message
    message = q2_message(clips, inputs, capacity_frame_rate=0.42)
    assert "not what the simulator gives" in message and "with_rule" in message
    assert "people alerted" in q2_message(clips, inputs, capacity_alerts=chosen.innocent_people_alerted)
    assert "hours" in q2_message(clips, inputs, capacity_alerts=chosen.reviewer_hours)
    message = q2_message(clips, inputs, capacity_alerts=results[0.55].alerts)
    assert "threshold of 0.55" in message
    message = q2_message(clips, inputs, capacity_alerts=float(f"{chosen.alerts:.1g}") * 3)
    assert "not what the simulator gives" in message


def test_q2_names_false_alerts_only(hand):
    clips, _, _ = hand
    inputs = station.StationInputs(clips.rate(), passengers_per_day=1_000, base_rate=0.05)
    t, results = q2_worked(inputs, clips)
    chosen = results[t]
    assert not checks.close_enough(chosen.false_alerts, chosen.alerts)
    message = q2_message(clips, inputs, capacity_alerts=chosen.false_alerts)
    assert "false alerts only" in message


@pytest.mark.parametrize("letter", ["a", "c", "d"])
def test_q2_choice_teaches_every_wrong_option(inputs, clips, letter):
    message = not_yet(
        checks.threshold_for_review_capacity, q2_namespace(inputs, clips, true_case_chance=letter)
    )
    assert message.startswith(f"Not ({letter}).") and "threshold" in message
    checks.threshold_for_review_capacity(q2_namespace(inputs, clips, true_case_chance="(B)"))


def test_q2_says_when_nothing_on_the_grid_fits(hand):
    clips, inputs, _ = hand
    tiny = replace(inputs, review_seconds=1e9)
    message = not_yet(checks.threshold_for_review_capacity, q2_namespace(inputs, clips) | {"inputs": tiny})
    assert "No threshold on the grid" in message


# --- q3: the three assumptions that matter most ----------------------------------------------------


def test_q3_recomputes_the_swings(inputs):
    ns = q3_namespace(inputs)
    for name, (low, high) in ns["q3_ranges"].items():
        assert checks.ppv_swing(inputs, name, low, high) == pytest.approx(ns["q3_swings"][name])
    for name in ("passengers_per_day", "review_seconds", "share_acted_on"):
        assert ns["q3_swings"][name] == pytest.approx(1.0)  # they do not move the PPV
    checks.assumptions_that_matter_most(ns)
    checks.assumptions_that_matter_most({**ns, "top_three": tuple(ns["top_three"])})


def test_q3_checks_the_ranges(inputs):
    ns = q3_namespace(inputs)

    def message(ranges):
        return not_yet(checks.assumptions_that_matter_most, {**ns, "q3_ranges": ranges})

    assert "not an input of the simulator" in message({**ns["q3_ranges"], "crowd": (1, 2)})
    assert "lower first" in message({**ns["q3_ranges"], "fps": (30, 10)})
    assert "two numbers" in message({**ns["q3_ranges"], "fps": 25})
    assert "cannot be used" in message({**ns["q3_ranges"], "sensitivity": (0.5, 1.5)})
    few = {n: ns["q3_ranges"][n] for n in ("rate", "base_rate", "sensitivity")}
    assert "at least 5" in message(few)


def test_q3_checks_the_swings(inputs):
    ns = q3_namespace(inputs)
    swings = ns["q3_swings"]

    def message(**changed):
        return not_yet(checks.assumptions_that_matter_most, {**ns, "q3_swings": {**swings, **changed}})

    assert "upside down" in message(base_rate=1 / swings["base_rate"])
    assert "but the simulator gives" in message(sensitivity=swings["sensitivity"] + 1)
    del_one = {n: v for n, v in swings.items() if n != "fps"}
    m = not_yet(checks.assumptions_that_matter_most, {**ns, "q3_swings": del_one})
    assert "missing: fps" in m
    m = not_yet(checks.assumptions_that_matter_most, {**ns, "q3_swings": {**swings, "rule": 2.0}})
    assert "not in `q3_ranges`: rule" in m
    assert "should be a number" in message(fps="three")


def test_q3_wants_the_list_to_follow_from_the_analysis(inputs):
    ns = q3_namespace(inputs)
    swings = ns["q3_swings"]
    ranked = sorted(swings, key=swings.get, reverse=True)
    wrong = [ranked[0], ranked[1], ranked[-1]]
    message = not_yet(checks.assumptions_that_matter_most, {**ns, "top_three": wrong})
    assert repr(ranked[2]) in message and "your judgement" in message
    # the same list passes when the learner's ranges make it the top three
    ranges = {**ns["q3_ranges"], ranked[-1]: (1, 1_000)} if ranked[-1] == "fps" else None
    if ranges is not None:
        new = swings_for(inputs, ranges)
        if sorted(new, key=new.get, reverse=True)[:3] == sorted(wrong, key=new.get, reverse=True):
            checks.assumptions_that_matter_most(
                {**ns, "q3_ranges": ranges, "q3_swings": new, "top_three": wrong}
            )
    for bad in (["rate", "rate", "fps"], ["rate", "fps"], "rate fps base_rate", [1, 2, 3]):
        message = not_yet(checks.assumptions_that_matter_most, {**ns, "top_three": bad})
        assert "three different names" in message or "should be a" in message
    few = {n: ns["q3_ranges"][n] for n in ranked[:5]}
    ns_few = {**ns, "q3_ranges": few, "q3_swings": {n: swings[n] for n in few}}
    message = not_yet(checks.assumptions_that_matter_most, {**ns_few, "top_three": [*ranked[:2], ranked[6]]})
    assert "has no range in `q3_ranges`" in message


def test_q3_says_when_a_range_leaves_no_alerts(inputs):
    no_alerts = replace(inputs, rate=station.FrameRate.assumed(0.0))
    ranges = {"sensitivity": (0.0, 0.9), **{n: Q3_RANGES[n] for n in list(Q3_RANGES)[2:6]}}
    swings = {n: 1.0 for n in ranges}
    message = not_yet(
        checks.assumptions_that_matter_most,
        {"inputs": no_alerts, "q3_ranges": ranges, "q3_swings": swings, "top_three": list(ranges)[:3]},
    )
    assert "no alerts at all" in message
