"""The in-memory recorder: bounds, no-face frames, summaries, and the trace plot's alt text."""

from __future__ import annotations

import numpy as np
import pytest

from emolab import EMOTIONS
from emolab.webcam import Recorder
from emolab.webcam import plots

HAPPY = [0.05, 0.0, 0.05, 0.7, 0.1, 0.05, 0.05]
NEUTRAL = [0.05, 0.0, 0.05, 0.1, 0.1, 0.05, 0.65]


def test_keeps_at_most_max_samples():
    recorder = Recorder(seconds=1e9, max_samples=50)
    for t in range(500):
        recorder.add(HAPPY, "happy", t=t)
    assert len(recorder) == 50
    assert recorder.samples[0].time == 450


def test_drops_samples_older_than_the_window():
    recorder = Recorder(seconds=10, max_samples=10_000)
    for t in np.arange(0, 60, 0.5):
        recorder.add(HAPPY, "happy", t=t)
    assert recorder.duration <= 10
    assert recorder.samples[-1].time == 59.5 and recorder.samples[0].time == 49.5


def test_memory_does_not_grow_with_running_time():
    recorder = Recorder(seconds=5, max_samples=100)
    for t in range(100_000):
        recorder.add(HAPPY, "happy", t=t * 0.04)
    assert len(recorder) <= 100


def test_no_face_is_a_row_of_nan_and_an_empty_label():
    recorder = Recorder()
    recorder.add(None, t=0)
    recorder.add(HAPPY, "happy", t=1)
    assert np.isnan(recorder.scores[0]).all() and recorder.labels == ["", "happy"]
    assert recorder.label_counts() == {"happy": 1}


def test_wrong_number_of_scores_is_refused():
    with pytest.raises(ValueError, match="expected 7 scores"):
        Recorder().add([0.5, 0.5], "happy")


def test_label_changes_skip_frames_without_a_face():
    recorder = Recorder()
    for t, (scores, label) in enumerate([(HAPPY, "happy"), (None, ""), (HAPPY, "happy"), (NEUTRAL, "neutral"),
                                         (HAPPY, "happy")]):
        recorder.add(scores, label, t=t)
    assert recorder.label_changes() == 2


def test_last_seconds_is_a_copy_of_the_end():
    recorder = Recorder(seconds=100)
    for t in range(20):
        recorder.add(HAPPY, "happy", t=t)
    last = recorder.last(5)
    assert [s.time for s in last.samples] == [14, 15, 16, 17, 18, 19] and len(recorder) == 20


def test_times_start_at_zero_and_table_has_every_column():
    recorder = Recorder()
    recorder.add(HAPPY, "happy", t=100.0)
    recorder.add(NEUTRAL, "neutral", t=100.5)
    assert list(recorder.times) == [0.0, 0.5]
    table = recorder.to_table()
    assert list(table.columns) == ["time_s", *EMOTIONS, "top_label"]


def test_clear_forgets_everything():
    recorder = Recorder()
    recorder.add(HAPPY, "happy")
    recorder.clear()
    assert len(recorder) == 0 and recorder.duration == 0


def test_plot_goes_through_show_figure_with_computed_alt_text(monkeypatch):
    shown = []
    monkeypatch.setattr("emolab.display.show_figure", lambda fig, alt, caption=None: shown.append((fig, alt)))
    recorder = Recorder(model_name="some model")
    for t, (scores, label) in enumerate([(HAPPY, "happy"), (NEUTRAL, "neutral"), (None, "")]):
        recorder.add(scores, label, t=t)
    recorder.plot()
    (fig, alt), = shown
    assert "some model" in alt and "3 analysed frames" in alt and "a face found in 2" in alt
    assert "changed 1 times" in alt
    lines = fig.axes[0].get_lines()
    from emolab.display import PALETTE
    assert [line.get_color() for line in lines] == [PALETTE[label] for label in EMOTIONS]
    # readable without colour: seven different dash patterns
    assert len({str(style) for style in plots.LINE_STYLES}) == 7
    assert all(line.get_linestyle() not in ("None", "") for line in lines)


def test_empty_recording_plots_a_hint_instead_of_failing(monkeypatch):
    shown = []
    monkeypatch.setattr("emolab.display.show_figure", lambda fig, alt, caption=None: shown.append((fig, alt)))
    Recorder().plot()
    fig, alt = shown[0]
    assert "nothing has been recorded" in alt.lower()
    assert "Nothing recorded yet" in fig.axes[0].texts[0].get_text()


def test_alt_text_is_computed_from_the_data():
    recorder = Recorder()
    for t in range(4):
        recorder.add(NEUTRAL, "neutral", t=t)
    assert "'neutral' in 4" in plots.trace_alt_text(recorder)
