"""Lesson 6's station explorer without a browser: moving a slider (a trait) recomputes the summary
and the figure as emolab.station.simulate does; the plain-text and static forms."""

import time
from dataclasses import replace

import numpy as np
import pytest

from emolab import EMOTIONS, station, station_explorer
from emolab.alerts import AlertRule
from emolab.station import FrameRate, StationInputs, simulate
from emolab.video import as_trace

PNG = b"\x89PNG\r\n\x1a\n"


def trace_at(values):
    rows = np.zeros((len(values), 7))
    for row, value in zip(rows, values, strict=True):
        row[EMOTIONS.index("angry")] = row[EMOTIONS.index("fear")] = value / 2
        row[EMOTIONS.index("neutral")] = 1 - value
    return as_trace(rows)


def measurement():
    """Two hand-made clips: 'a' over 0.5 in 4 of 10 frames and over 0.7 in 2; 'b' never over 0.3."""
    return station.clip_measurement(
        {"a": trace_at([0.1] * 6 + [0.6, 0.6, 0.8, 0.8]), "b": trace_at([0.2] * 10)}
    )


def assumed(p=0.01, **changes):
    return StationInputs(FrameRate.assumed(p), **changes)


def test_the_explorer_starts_at_the_inputs_and_agrees_with_simulate():
    inputs = assumed(0.01, passengers_per_day=50_000, base_rate=1e-4, rule=AlertRule(frames=3))
    widget = station_explorer.explorer(inputs)
    assert (widget.passengers, widget.frames, widget.threshold) == (50_000, 3, 0.5)
    assert widget.inputs == inputs
    expected = simulate(inputs)
    assert widget.result == expected
    assert widget.summary == station_explorer.summary_rows(expected)
    assert widget.figure.startswith(PNG) and widget.alt == station.tree_alt(expected)
    assert widget.figure == station_explorer.tree_png(expected)
    assert "hypothetical" in widget.caption.lower() or station.NO_STUDY in widget.caption
    assert widget.hypothetical == "hypothetical: no study supports any figure"


@pytest.mark.parametrize(
    ("trait", "value", "field"),
    [
        ("passengers", 1_000_000, "passengers_per_day"),
        ("seconds", 3.0, "seconds_in_view"),
        ("base_rate", 1 / 100, "base_rate"),
        ("sensitivity", 0.25, "sensitivity"),
        ("review_seconds", 120.0, "review_seconds"),
    ],
)
def test_moving_a_slider_recomputes_as_simulate_does(trait, value, field):
    inputs = assumed(0.3)
    widget = station_explorer.explorer(inputs)
    before_png, before = widget.figure, widget.summary
    setattr(widget, trait, value)  # what the browser sends when a slider moves
    expected = simulate(replace(inputs, **{field: value}))
    assert widget.result == expected
    assert widget.summary == station_explorer.summary_rows(expected) != before
    assert widget.headline == station_explorer.headline(expected)
    assert widget.figure.startswith(PNG) and widget.figure != before_png


def test_frames_in_a_row_changes_the_rule_and_the_alerts():
    inputs = assumed(0.05)
    widget = station_explorer.explorer(inputs)
    widget.frames = 2
    expected = simulate(replace(inputs, rule=AlertRule(frames=2)))
    assert widget.result == expected
    assert expected.false_alerts > simulate(inputs).false_alerts  # fewer frames needed: more alerts
    assert ["alert rule", AlertRule(frames=2).describe()] in widget.summary


def test_the_threshold_measures_the_rate_again_with_a_measurement():
    m = measurement()
    inputs = StationInputs(m.rate(AlertRule(frames=2)), rule=AlertRule(frames=2))
    widget = station_explorer.explorer(inputs, m)
    assert widget.inputs.rate.k == 4 and widget.inputs.rate.n == 20
    widget.threshold = 0.7
    expected = simulate(inputs.with_rule(m, threshold=0.7))
    assert widget.inputs.rate.k == 2 and widget.inputs.rate.threshold == 0.7
    assert widget.result == expected
    assert widget.summary == station_explorer.summary_rows(expected)
    widget.threshold = 0.9  # nothing is over 0.9: no false alerts at all
    assert widget.result.false_alerts == 0
    assert "measured again" in widget.threshold_note


def test_without_a_measurement_the_threshold_keeps_the_rate_and_says_so():
    widget = station_explorer.explorer(assumed(0.01))
    before = widget.result.false_alerts
    widget.threshold = 0.8
    assert widget.inputs.rule.threshold == 0.8 and widget.inputs.rate.value == 0.01
    assert widget.result.false_alerts == before
    assert "does not change it" in widget.threshold_note


def test_a_measured_rate_without_its_measurement_is_kept_and_labelled():
    rate = measurement().rate(AlertRule())
    widget = station_explorer.explorer(StationInputs(rate))
    widget.threshold = 0.7
    assert widget.inputs.rate.value == rate.value
    assert "measured at 0.50" in widget.inputs.rate.source


def test_slider_steps_include_the_inputs_own_values():
    widget = station_explorer.explorer(assumed(0.01, passengers_per_day=123_456, base_rate=1 / 3_000))
    assert 123_456 in widget.passengers_choices and 1 / 3_000 in widget.base_rate_choices
    assert widget.base_rate_choices[0] == 1 / 1_000_000 and widget.base_rate_choices[-1] == 1 / 100
    assert widget.passengers_choices == sorted(widget.passengers_choices)


def test_the_plain_text_form_has_every_output_and_flags_the_hypothetical():
    widget = station_explorer.explorer(assumed(0.01))
    text = repr(widget)
    for quantity in (
        "true alerts a day",
        "false alerts a day",
        "false alarms per true hit",
        "(PPV)",
        "reviewer hours a day",
        "people approached a day",
    ):
        assert quantity in text
    assert "hypothetical: no study supports any figure" in text and station.NO_STUDY in text
    widget.review_seconds = 60.0
    assert "at 60 s an alert" in repr(widget)


def test_explore_prints_a_fixed_summary_and_a_figure_first(capsys, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    widget = station_explorer.explore(assumed(0.01))
    out = capsys.readouterr().out
    assert "a fixed summary" in out and station_explorer.summary_text(widget.result) in out
    assert len(shown) == 1 and shown[0].png == widget.figure and shown[0].alt == widget.alt
    assert isinstance(widget, station_explorer.StationExplorer)


def test_redraw_time_is_measured():
    """Printed, not asserted (speed is measured in benchmarks/): the brief asks for < 0.5 s."""
    m = measurement()
    widget = station_explorer.explorer(StationInputs(m.rate(AlertRule()), rule=AlertRule()), m)
    times = []
    for threshold in (0.3, 0.4, 0.6, 0.7, 0.8):
        started = time.perf_counter()
        widget.threshold = threshold
        times.append(time.perf_counter() - started)
        assert widget.redraw_seconds <= times[-1]
    print(f"station explorer redraw: median {sorted(times)[2] * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
