"""Frames of the GRID clips, traces from any source, and the measures on them."""

from types import SimpleNamespace

import numpy as np
import pytest

from emolab import EMOTIONS, assets, video
from emolab.display import Figure
from emolab.errors import EmolabError
from emolab.video import (
    Trace,
    analyze_clip,
    as_trace,
    firing_frames,
    flip_rate,
    iter_frames,
    label_flips,
    recording_or_clip,
    strip_plot,
    trace_plot,
)
from emolab.webcam import record_clip
from emolab.webcam.recorder import Recorder

CLIPS = [a.file for a in assets.collection("video")]


def one_hot(label):
    row = np.full(len(EMOTIONS), 0.01)
    row[EMOTIONS.index(label)] = 1 - 0.01 * (len(EMOTIONS) - 1)
    return row


def stand_in_analyzer(labels):
    """An analyzer that gives each frame the next of ``labels`` (None: no face), without the model."""
    calls = iter(list(labels) * 100)

    def analyzer(frame, color, max_detect_side):
        label = next(calls)
        faces = (
            []
            if label is None
            else [SimpleNamespace(box=(0, 0, 10, 10), scores=one_hot(label), top_label=label)]
        )
        return SimpleNamespace(faces=faces)

    return analyzer


def hand_made(labels, model_name="model M", credit=""):
    trace = as_trace(
        [(i / 25, one_hot(label) if label else None) for i, label in enumerate(labels)], source="hand-made"
    )
    trace.model_name, trace.credit = model_name, credit
    return trace


@pytest.mark.parametrize("clip", CLIPS)
def test_every_frame_of_each_clip_in_order_with_times(clip):
    frames = list(iter_frames(clip))
    assert len(frames) >= 70  # 3-second clips at 25 fps
    assert [f.index for f in frames] == list(range(len(frames)))
    times = np.array([f.time for f in frames])
    assert times[0] == 0 and np.all(np.diff(times) > 0)
    assert times[-1] == pytest.approx((len(frames) - 1) / 25, abs=1e-6)
    assert frames[0].bgr.ndim == 3 and frames[0].bgr.shape[2] == 3


def test_step_and_stopping_early():
    every_fifth = list(iter_frames(CLIPS[0], step=5))
    assert [f.index for f in every_fifth[:3]] == [0, 5, 10]
    frame = next(iter_frames(CLIPS[0]))  # the generator, left unfinished, must release its capture
    assert frame.index == 0


def test_analyze_clip_with_a_stand_in_analyzer_keeps_no_face_frames():
    trace = analyze_clip(
        CLIPS[0], step=15, analyzer=stand_in_analyzer(["neutral", "neutral", "fear", None, "fear"])
    )
    assert trace.scores.shape == (len(trace.times), 7)
    assert np.isnan(trace.scores[3]).all() and trace.labels[3] == ""
    assert trace.labels[:3] == ["neutral", "neutral", "fear"]
    assert trace.source == CLIPS[0] and trace.credit


def test_the_real_model_finds_the_speaker_in_most_frames():
    trace = analyze_clip(CLIPS[0])
    assert trace.faces_found >= 0.9 * len(trace)
    rows = trace.scores[~np.isnan(trace.scores).any(axis=1)]
    np.testing.assert_allclose(rows.sum(axis=1), 1, atol=1e-5)
    assert trace.duration == pytest.approx(len(trace) / 25, abs=0.05)


def test_flips_count_changes_between_frames_with_a_face():
    seq = [
        (i / 25, one_hot(label) if label else None)
        for i, label in enumerate(["neutral", "neutral", "fear", None, "fear", "sad", "neutral"])
    ]
    trace = as_trace(seq)
    assert label_flips(trace) == 3  # neutral->fear, fear->sad, sad->neutral (the gap is skipped)
    assert flip_rate(trace) == pytest.approx(3 / trace.duration)
    fired = firing_frames(trace)
    assert [f.index for f in fired] == [2, 4] and {f.label for f in fired} == {"fear"}


def test_as_trace_accepts_arrays_recorders_and_rejects_bad_rows():
    array = np.stack([one_hot("happy"), one_hot("angry")])
    assert as_trace(array, fps=10).times.tolist() == [0.0, 0.1]
    recorder = Recorder(seconds=60)
    for i in range(5):
        recorder.add(one_hot("surprise"), "surprise", t=i * 0.04)
    recorder.add(None, t=0.2)
    trace = as_trace(recorder)
    assert len(trace) == 6 and trace.labels[-1] == "" and trace.labels[0] == "surprise"
    with pytest.raises(EmolabError, match="7 scores"):
        as_trace([(0.0, [0.5, 0.5])])


def test_a_long_enough_recording_is_used_instead_of_the_clip(capsys):
    recorder = Recorder(seconds=60)
    for i in range(200):
        recorder.add(one_hot("neutral"), "neutral", t=i * 0.04)
    trace = recording_or_clip(recorder, CLIPS[0], seconds=30, min_seconds=5)
    assert (
        "camera widget" in capsys.readouterr().out and "camera widget" in trace.source and len(trace) == 200
    )


def test_an_empty_recording_falls_back_to_the_clip_and_says_so(capsys):
    trace = recording_or_clip(Recorder(seconds=60), CLIPS[1])
    assert trace.source == CLIPS[1]
    assert "instead" in capsys.readouterr().out


def test_trace_duration_of_a_single_frame_is_zero():
    assert Trace(np.array([0.0]), np.zeros((1, 7)), ["angry"]).duration == 0


def test_duration_counts_every_frame_for_its_step():
    trace = as_trace(np.tile(one_hot("happy"), (75, 1)), fps=25)
    assert trace.duration == pytest.approx(3.0)  # 75 frames at 25 fps: the clip's length, not 74/25
    uneven = as_trace([(0.0, one_hot("sad")), (0.5, one_hot("sad")), (1.0, None), (2.0, one_hot("sad"))])
    assert uneven.duration == pytest.approx(2.5)  # the last frame gets the median step, 0.5 s


def test_a_trace_counts_its_labels_and_changes_and_says_what_it_is():
    trace = hand_made(["happy", "happy", None, "sad", "happy"])
    assert trace.label_counts() == {"happy": 3, "sad": 1}
    assert trace.label_changes() == 2
    assert repr(trace) == "<Trace of hand-made: 5 frames over 0.2 s, a face in 4; model: model M>"
    table = trace.to_table()
    assert list(table.columns) == ["time_s", *EMOTIONS, "top_label"] and table["top_label"].tolist()[2] == ""


def test_trace_plot_names_the_traces_model_and_credits_its_person():
    trace = hand_made(["happy", "sad", "sad"], credit="Clip: A. Person. Licence: CC BY 4.0.")
    figure = trace_plot(trace, title="Sitting still")
    assert isinstance(figure, Figure) and figure.png.startswith(b"\x89PNG")
    assert figure.alt == video.trace_alt(trace) and "3 analysed frames" in figure.alt
    assert figure.caption == (
        "Sitting still: the 7 scores given by model M over time for hand-made. "
        "Clip: A. Person. Licence: CC BY 4.0."
    )
    assert trace_plot(trace).caption.startswith("The 7 scores given by model M over time for hand-made.")


def test_trace_plot_of_nothing_says_so():
    figure = trace_plot(Recorder(model_name="model M"))
    assert figure.alt.startswith("Empty trace plot") and "model M" in figure.caption


def test_strip_plot_shows_frames_with_the_labels_of_the_same_frames():
    labels = ["happy", "sad", None, "fear", "angry", "neutral"]
    trace = analyze_clip(CLIPS[0], step=5, analyzer=stand_in_analyzer(labels))
    figure = strip_plot(trace, count=4)
    picks = np.linspace(0, len(trace) - 1, 4).round().astype(int)
    for i in picks:
        assert f"{trace.times[i]:.2f} s: {trace.labels[i] or 'no face'}" in figure.alt
    assert "Licence:" in figure.caption and trace.model_name in figure.caption and CLIPS[0] in figure.caption
    fig = video.strip_figure(CLIPS[0], trace, count=4)
    titles = [axis.get_title() for axis in fig.axes]
    assert titles == [
        f"{trace.times[i]:.2f} s\n" + (f"{trace.labels[i]} 0.94" if trace.labels[i] else "no face")
        for i in picks
    ]


def test_strip_plot_of_a_recording_explains_there_are_no_frames():
    with pytest.raises(EmolabError, match="made from a clip"):
        strip_plot(hand_made(["happy", "sad"]))


def test_record_clip_gives_the_clips_trace_with_its_credit():
    trace = record_clip(CLIPS[0], analyzer=stand_in_analyzer(["happy", None]))
    assert isinstance(trace, Trace) and trace.source == CLIPS[0] and "Licence:" in trace.credit
    assert trace.labels[:3] == ["happy", "", "happy"] and trace.label_counts()["happy"] == trace.faces_found
    assert f"{trace.duration:.1f}" == "3.0" and trace.model_name
