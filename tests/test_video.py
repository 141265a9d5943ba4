"""Frames of the GRID clips, traces from any source, and the measures on them."""

from types import SimpleNamespace

import numpy as np
import pytest

from emolab import EMOTIONS, assets
from emolab.video import (
    Trace, analyze_clip, as_trace, firing_frames, flip_rate, iter_frames, label_flips, recording_or_clip,
)
from emolab.webcam.recorder import Recorder

CLIPS = [a.file for a in assets.collection("video")]


def one_hot(label):
    row = np.full(len(EMOTIONS), 0.01)
    row[EMOTIONS.index(label)] = 1 - 0.01 * (len(EMOTIONS) - 1)
    return row


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
    for frame in iter_frames(CLIPS[0]):
        break  # the generator must release its capture without error
    assert frame.index == 0


def test_analyze_clip_with_a_stand_in_analyzer_keeps_no_face_frames():
    labels = ["neutral", "neutral", "fear", None, "fear"]
    calls = iter(labels * 100)

    def analyzer(frame, color, max_detect_side):
        label = next(calls)
        faces = [] if label is None else [SimpleNamespace(box=(0, 0, 10, 10), scores=one_hot(label), top_label=label)]
        return SimpleNamespace(faces=faces)

    trace = analyze_clip(CLIPS[0], step=15, analyzer=analyzer)
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
    seq = [(i / 25, one_hot(label) if label else None)
           for i, label in enumerate(["neutral", "neutral", "fear", None, "fear", "sad", "neutral"])]
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
    with pytest.raises(Exception):
        as_trace([(0.0, [0.5, 0.5])])


def test_a_long_enough_recording_is_used_instead_of_the_clip(capsys):
    recorder = Recorder(seconds=60)
    for i in range(200):
        recorder.add(one_hot("neutral"), "neutral", t=i * 0.04)
    trace = recording_or_clip(recorder, CLIPS[0], seconds=30, min_seconds=5)
    assert "camera widget" in capsys.readouterr().out and "camera widget" in trace.source and len(trace) == 200


def test_an_empty_recording_falls_back_to_the_clip_and_says_so(capsys):
    trace = recording_or_clip(Recorder(seconds=60), CLIPS[1])
    assert trace.source == CLIPS[1]
    assert "instead" in capsys.readouterr().out


def test_trace_duration_of_a_single_frame_is_zero():
    assert Trace(np.array([0.0]), np.zeros((1, 7)), ["angry"]).duration == 0


def test_lesson03_flip_rate_check():
    from emolab.checks import Grader

    trace = as_trace([(i / 25, one_hot(label)) for i, label in enumerate(["neutral", "fear", "fear", "sad"])])
    grader = Grader("03")
    assert grader.check("q4", {"trace_lw": trace, "flip_rate_lw": 2 / trace.duration}).passed
    result = grader.check("q4", {"trace_lw": trace, "flip_rate_lw": 2})
    assert not result.passed and "duration" in result.message
