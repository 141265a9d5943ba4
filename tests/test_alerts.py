"""The alert rule on hand-made score sequences, where the right answer is known by construction."""

import numpy as np
import pytest

from emolab import EMOTIONS
from emolab.alerts import AlertRule, flag_table, people_flagged, scale_to_station, threshold_explorer
from emolab.video import as_trace


def sequence(angry_plus_fear):
    """One frame per value: angry and fear share the value, the rest fills up to 1; None = no face."""
    rows = []
    for value in angry_plus_fear:
        if value is None:
            rows.append(np.full(7, np.nan))
            continue
        row = np.zeros(7)
        row[EMOTIONS.index("angry")] = row[EMOTIONS.index("fear")] = value / 2
        row[EMOTIONS.index("neutral")] = 1 - value
        rows.append(row)
    return as_trace(np.array(rows))


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
    traces = {"calm": sequence([0.1] * 10), "busy": sequence([0.9] * 4 + [0.0] + [0.9] * 4)}
    table = flag_table(traces, [0.5, 0.95], frames=3)
    assert table.loc["busy"].tolist() == [2, 0] and table.loc["calm"].tolist() == [0, 0]
    assert people_flagged(RULE, traces.values()) == 1


def test_scaling_to_a_station_is_plain_proportion():
    estimate = scale_to_station(flags=1, people=4, passengers=100_000)
    assert estimate.flagged_per_day == 25_000
    assert "25,000" in estimate.explain() and "Illustrative" in estimate.explain()
    with pytest.raises(ValueError):
        scale_to_station(1, 0)


def test_threshold_explorer_builds_without_a_browser():
    box = threshold_explorer({"calm": sequence([0.1] * 10)}, RULE)
    assert len(box.children) == 2


def test_lesson03_flag_count_check_recomputes_from_the_traces():
    from emolab.checks import Grader

    traces = {"a": sequence([0.9] * 6), "b": sequence([0.4] * 6)}
    right = {t: sum(AlertRule(("angry", "fear"), t, 5).count(tr) for tr in traces.values()) for t in (0.3, 0.5, 0.7)}
    grader = Grader("03")
    assert grader.check("q5", {"clip_traces": traces, "flag_counts": right}).passed
    wrong = {**right, 0.3: right[0.3] + 1}
    assert not grader.check("q5", {"clip_traces": traces, "flag_counts": wrong}).passed
    assert not grader.check("q5", {"clip_traces": traces, "flag_counts": ...}).passed
