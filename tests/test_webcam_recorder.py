"""The in-memory recorder: bounds, no-face frames, summaries, its Trace, and the trace plot's alt text."""

from __future__ import annotations

import numpy as np
import pytest

from emolab import EMOTIONS, private, video
from emolab.display import Figure
from emolab.video import Trace
from emolab.webcam import Recorder

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
    assert recorder.samples[-1].time - recorder.samples[0].time <= 10
    assert recorder.samples[-1].time == 59.5 and recorder.samples[0].time == 49.5
    assert recorder.duration == pytest.approx(10.5)  # 21 frames of 0.5 s each (see Trace.duration)


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
    for t, (scores, label) in enumerate(
        [(HAPPY, "happy"), (None, ""), (HAPPY, "happy"), (NEUTRAL, "neutral"), (HAPPY, "happy")]
    ):
        recorder.add(scores, label, t=t)
    assert recorder.label_changes() == 2


def test_last_seconds_is_a_trace_of_the_end():
    recorder = Recorder(seconds=100)
    for t in range(20):
        recorder.add(HAPPY, "happy", t=t)
    last = recorder.last(5)
    assert isinstance(last, Trace)
    assert last.times.tolist() == [0, 1, 2, 3, 4, 5] and len(recorder) == 20  # samples 14 to 19


def test_the_trace_is_the_recording_with_its_model_and_source():
    recorder = Recorder(model_name="some model")
    for t, (scores, label) in enumerate([(HAPPY, "happy"), (None, ""), (NEUTRAL, "neutral")]):
        recorder.add(scores, label, t=10 + t)
    trace = recorder.trace()
    assert trace.times.tolist() == [0, 1, 2] and trace.labels == ["happy", "", "neutral"]
    np.testing.assert_array_equal(trace.scores[2], NEUTRAL)
    assert trace.model_name == "some model" and "camera widget" in trace.source
    assert recorder.trace(seconds=1).labels == ["", "neutral"]
    assert recorder.duration == trace.duration == 3.0  # the one definition: three frames of 1 s


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


def shown_figures(monkeypatch) -> list[Figure]:
    shown = []
    monkeypatch.setattr(Figure, "show", lambda figure: shown.append(figure))
    # A recording from the camera is shown through emolab.private (never saved in the notebook).
    monkeypatch.setattr(private, "show", lambda *parts: shown.extend(parts))
    return shown


def test_plot_shows_a_figure_with_computed_alt_text(monkeypatch):
    shown = shown_figures(monkeypatch)
    recorder = Recorder(model_name="some model")
    for t, (scores, label) in enumerate([(HAPPY, "happy"), (NEUTRAL, "neutral"), (None, "")]):
        recorder.add(scores, label, t=t)
    recorder.plot()
    (figure,) = shown
    alt = figure.alt
    assert "some model" in alt and "3 analysed frames" in alt and "a face found in 2" in alt
    assert "changed 1 times" in alt
    assert "some model" in figure.caption and "memory only" in figure.caption
    fig = video.trace_figure(recorder.trace())
    lines = fig.axes[0].get_lines()
    from emolab.display import PALETTE

    assert [line.get_color() for line in lines] == [PALETTE[label] for label in EMOTIONS]
    # readable without colour: seven different dash patterns
    assert len({str(style) for style in video.LINE_STYLES}) == 7
    assert all(line.get_linestyle() not in ("None", "") for line in lines)


def test_plot_of_the_last_seconds_with_a_caption_of_ones_own(monkeypatch):
    shown = shown_figures(monkeypatch)
    recorder = Recorder()
    for t in range(10):
        recorder.add(HAPPY, "happy", t=t)
    recorder.plot(seconds=3, caption="My caption.")
    assert "4 analysed frames" in shown[0].alt and shown[0].caption == "My caption."


def test_empty_recording_plots_a_hint_instead_of_failing(monkeypatch):
    shown = shown_figures(monkeypatch)
    Recorder().plot()
    alt = shown[0].alt
    assert "nothing has been recorded" in alt.lower()
    fig = video.trace_figure(Recorder().trace())
    assert "Nothing recorded yet" in fig.axes[0].texts[0].get_text()


def test_alt_text_is_computed_from_the_data():
    recorder = Recorder()
    for t in range(4):
        recorder.add(NEUTRAL, "neutral", t=t)
    assert "'neutral' in 4" in video.trace_alt(recorder)
    assert video.trace_alt(recorder) == video.trace_alt(recorder.trace())
