"""The alert rule on hand-made score sequences, where the right answer is known by construction."""

import pytest
from handmade import angry_fear_scores

from emolab import EMOTIONS
from emolab.alerts import (
    AlertRule,
    StationEstimate,
    flag_table,
    people_flagged,
    scale_to_station,
    threshold_explorer,
)
from emolab.video import as_trace


def sequence(angry_plus_fear):
    """One frame per value: angry and fear share the value, the rest fills up to 1; None = no face."""
    return as_trace(angry_fear_scores(angry_plus_fear))


RULE = AlertRule(("angry", "fear"), threshold=0.5, frames=3)


def test_exactly_k_frames_above_flags_once_and_k_minus_one_does_not():
    assert RULE.count(sequence([0.1, 0.6, 0.6, 0.6, 0.1])) == 1
    assert RULE.count(sequence([0.1, 0.6, 0.6, 0.1, 0.6])) == 0


def test_a_long_run_is_one_flag_and_a_new_run_is_another():
    flags = RULE.flags(sequence([0.9] * 10 + [0.0] + [0.9] * 3))
    assert [(f.start, f.fired) for f in flags] == [(0, 2), (11, 13)]
    assert flags[0].time == pytest.approx(2 / 25)


def test_the_threshold_is_inclusive_and_a_missing_face_breaks_a_run():
    assert RULE.count(sequence([0.5, 0.5, 0.5])) == 1
    assert RULE.count(sequence([0.6, 0.6, None, 0.6, 0.6])) == 0


def test_the_chosen_labels_are_added_up():
    trace = sequence([0.6] * 3)
    assert AlertRule(("angry",), 0.5, 3).count(trace) == 0  # angry alone is 0.3
    assert AlertRule(("angry", "fear", "neutral"), 0.99, 3).count(trace) == 1


def test_still_photos_and_bad_parameters():
    probs = {label: 0.0 for label in EMOTIONS} | {"angry": 0.3, "fear": 0.25, "neutral": 0.45}
    assert RULE.flags_still(probs) and not AlertRule(threshold=0.6).flags_still(probs)
    with pytest.raises(ValueError):
        AlertRule(("rage",))
    with pytest.raises(ValueError):
        AlertRule(frames=0)
    assert "angry + fear >= 0.50 for 3 consecutive frames" in RULE.describe()


def test_flag_table_and_people_flagged():
    traces = {"low": sequence([0.1] * 10), "high": sequence([0.9] * 4 + [0.0] + [0.9] * 4)}
    table = flag_table(traces, [0.5, 0.95], frames=3)
    assert table.loc["high"].tolist() == [2, 0] and table.loc["low"].tolist() == [0, 0]
    assert people_flagged(RULE, traces.values()) == 1


def test_station_estimate_by_hand():
    # 5 flags in 12 s of face time = 5/12 flags a second; 10 s in view x 100,000 passengers
    estimate = StationEstimate(
        flags=5, seconds_observed=12.0, people=4, people_flagged=1, seconds_on_camera=10, passengers=100_000
    )
    assert estimate.flags_per_second == pytest.approx(5 / 12)
    assert estimate.flags_per_day == pytest.approx(5 / 12 * 10 * 100_000)  # 416,666.7
    text = estimate.explain()
    for shown in (
        "5 flag episode(s) in 12.0 s of face time",
        "from 4 people (1 of them flagged at least once)",
        "in a camera's view for 10 s",
        "about 416,667 flags a day",
        "not a person",
        "Illustrative",
    ):
        assert shown in text, shown
    twice_as_long = StationEstimate(5, 12.0, 4, 1, seconds_on_camera=20, passengers=100_000)
    assert twice_as_long.flags_per_day == pytest.approx(2 * estimate.flags_per_day)


def test_scale_to_station_counts_flags_not_people_and_face_time_not_frames():
    # "high": 9 frames = 0.36 s, 2 flags (two runs of 3); "low": 10 frames = 0.4 s, no flag;
    # "half": 10 frames, 5 without a face = 0.2 s of face time, 1 flag
    traces = {
        "high": sequence([0.9] * 4 + [0.0] + [0.9] * 4),
        "low": sequence([0.1] * 10),
        "half": sequence([None] * 5 + [0.9] * 5),
    }
    estimate = scale_to_station(RULE, traces, seconds_on_camera=5, passengers=1_000)
    assert (estimate.flags, estimate.people, estimate.people_flagged) == (3, 3, 2)
    assert estimate.seconds_observed == pytest.approx(0.36 + 0.4 + 0.2)
    assert estimate.flags_per_day == pytest.approx(3 / 0.96 * 5 * 1_000)
    assert scale_to_station(RULE, list(traces.values()), seconds_on_camera=5, passengers=1_000) == estimate


def test_scale_to_station_with_no_flags_and_with_no_face_time():
    low = scale_to_station(RULE, [sequence([0.1] * 25)], seconds_on_camera=10)
    assert low.flags == 0 and low.flags_per_day == 0 and "about 0 flags a day" in low.explain()
    assert scale_to_station(RULE, [sequence([0.9] * 25)], seconds_on_camera=0).flags_per_day == 0
    with pytest.raises(ValueError, match="No face time"):
        scale_to_station(RULE, [sequence([None] * 10)], seconds_on_camera=10)
    with pytest.raises(ValueError, match="No face time"):
        scale_to_station(RULE, [], seconds_on_camera=10)
    with pytest.raises(ValueError, match="negative"):
        scale_to_station(RULE, [sequence([0.1] * 10)], seconds_on_camera=-1)
    with pytest.raises(TypeError):
        scale_to_station(RULE, [sequence([0.1] * 10)])  # the time on camera must be stated


def test_threshold_explorer_builds_without_a_browser(capsys):
    traces = {"low": sequence([0.1] * 10), "high": sequence([0.9] * 10)}
    explorer = threshold_explorer(traces, RULE, seconds_on_camera=10)
    shown = capsys.readouterr().out
    assert "a fixed table" in shown and "threshold 0.90" in shown  # what a saved notebook keeps
    assert explorer.threshold == 0.5 and explorer.frames == 3
    assert explorer.rows == [["low", 0], ["high", 1]]
    assert explorer.rule == RULE.describe()
    assert "1 flag episode(s)" in explorer.estimate


def test_threshold_explorer_recomputes_when_a_slider_moves():
    traces = {"low": sequence([0.1] * 10), "mid": sequence([0.6] * 10)}
    explorer = threshold_explorer(traces, RULE, seconds_on_camera=10)
    assert explorer.rows == [["low", 0], ["mid", 1]]
    explorer.threshold = 0.65  # what the browser sends when the slider moves
    assert explorer.rows == [["low", 0], ["mid", 0]] and "0.65" in explorer.rule
    explorer.frames = 11  # longer than the traces: nothing can flag
    assert "11 consecutive frames" in explorer.rule
    assert "low: 0 flag(s)" in repr(explorer)  # the plain-text form a headless run keeps
