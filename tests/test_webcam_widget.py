"""The camera widget's Python side: message handling, back-pressure bookkeeping, no frames in state.

Most tests drive the widget with the same messages the browser sends, and a stand-in analyser
that counts calls; one test runs the real ``emolab.analyze_frame`` on a frame of the GRID clip.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from emolab import EMOTIONS, assets
from emolab.video import ClipReader
from emolab.webcam import CameraWidget
from emolab.webcam.frames import decode_jpeg, encode_jpeg
from emolab.webcam.widget import NOT_SEEN_TEXT

CLIP = "video/grid_bbaf2n.mpg"


@dataclass
class FakeFace:
    box: tuple
    scores: np.ndarray

    @property
    def top_label(self):
        return EMOTIONS[int(np.argmax(self.scores))]

    @property
    def top_probability(self):
        return float(np.max(self.scores))


@dataclass
class FakeAnalysis:
    faces: list


class CountingAnalyzer:
    """Finds one face in every frame, with 'happy' scores; remembers what it was given."""

    def __init__(self, faces=1):
        self.calls = []
        self.faces = faces

    def __call__(self, frame, color, max_detect_side):
        self.calls.append((frame.shape, color, max_detect_side))
        scores = np.array([0.05, 0.0, 0.05, 0.7, 0.1, 0.05, 0.05])
        return FakeAnalysis([FakeFace((10, 20, 30, 40), scores) for _ in range(self.faces)])


@pytest.fixture
def sent():
    return []


@pytest.fixture
def make_widget(sent, monkeypatch):
    def make(analyzer=None, **settings):
        widget = CameraWidget(analyzer=analyzer or CountingAnalyzer(), model_name="test model", **settings)
        monkeypatch.setattr(widget, "send", lambda content, buffers=None: sent.append((content, buffers)))
        return widget

    return make


def browser_says(widget, content, buffers=None):
    """Deliver a custom message exactly as ipywidgets does."""
    widget._handle_custom_msg(content, buffers or [])


def jpeg_frame(width=320, height=240, value=128):
    return encode_jpeg(np.full((height, width, 3), value, np.uint8))


def test_frame_is_analysed_and_answered_with_boxes_and_scores(make_widget, sent):
    analyzer = CountingAnalyzer()
    widget = make_widget(analyzer, max_detect_side=240)
    browser_says(widget, {"type": "frame", "seq": 1, "rtt_ms": None}, [jpeg_frame()])
    assert analyzer.calls == [((240, 320, 3), "bgr", 240)]
    ((answer, buffers),) = sent
    assert answer["type"] == "result" and answer["seq"] == 1
    assert (answer["width"], answer["height"]) == (320, 240)
    face = answer["faces"][0]
    assert face["box"] == [10, 20, 30, 40] and face["top_label"] == "happy"
    assert len(face["probabilities"]) == 7 and abs(sum(face["probabilities"]) - 1) < 1e-3
    assert answer["kernel_ms"] >= 0 and not buffers
    json.dumps(answer)  # plain JSON only


def test_answers_carry_no_picture_and_state_holds_no_frames(make_widget, sent):
    widget = make_widget()
    for seq in range(1, 30):
        browser_says(widget, {"type": "frame", "seq": seq}, [jpeg_frame()])
    assert all(not buffers for _, buffers in sent)
    state = widget.get_state()
    assert not any(isinstance(value, (bytes, bytearray, memoryview)) for value in state.values())
    assert len(json.dumps({k: v for k, v in state.items() if not k.startswith("_")})) < 10_000


def test_recorder_gets_one_sample_per_analysed_frame(make_widget):
    widget = make_widget(CountingAnalyzer(faces=2))
    for seq in (1, 2, 3):
        browser_says(widget, {"type": "frame", "seq": seq}, [jpeg_frame()])
    assert len(widget.recorder) == 3
    assert widget.recorder.labels == ["happy"] * 3


def test_frame_without_face_is_recorded_as_no_face(make_widget, sent):
    widget = make_widget(CountingAnalyzer(faces=0))
    browser_says(widget, {"type": "frame", "seq": 1}, [jpeg_frame()])
    assert sent[0][0]["faces"] == []
    assert widget.recorder.labels == [""] and np.isnan(widget.recorder.scores).all()


def test_stale_frame_is_answered_without_analysis(make_widget, sent):
    analyzer = CountingAnalyzer()
    widget = make_widget(analyzer)
    browser_says(widget, {"type": "frame", "seq": 5}, [jpeg_frame()])
    browser_says(widget, {"type": "frame", "seq": 4}, [jpeg_frame()])  # overtaken by 5
    assert len(analyzer.calls) == 1
    assert sent[1][0] == {"type": "result", "seq": 4, "width": 1, "height": 1, "faces": [], "stale": True}
    assert widget.stats()["frames_stale"] == 1


def test_new_camera_session_restarts_sequence_numbers(make_widget):
    analyzer = CountingAnalyzer()
    widget = make_widget(analyzer)
    browser_says(widget, {"type": "frame", "seq": 9}, [jpeg_frame()])
    browser_says(widget, {"type": "state", "state": "camera_on"})
    browser_says(widget, {"type": "frame", "seq": 1}, [jpeg_frame()])
    assert len(analyzer.calls) == 2


def test_corrupt_frame_is_answered_and_the_loop_goes_on(make_widget, sent):
    widget = make_widget()
    browser_says(widget, {"type": "frame", "seq": 1}, [b"not a jpeg"])
    browser_says(widget, {"type": "frame", "seq": 2}, [])
    browser_says(widget, {"type": "frame", "seq": 3}, [jpeg_frame()])
    assert [answer["seq"] for answer, _ in sent] == [1, 2, 3]
    assert "not a JPEG" in sent[0][0]["error"] and "without its picture" in sent[1][0]["error"]
    assert sent[2][0]["faces"] and "error" not in sent[2][0]
    assert widget.stats()["frames_failed"] == 2 and widget.stats()["frames_analysed"] == 1


def test_analyser_crash_does_not_escape_into_the_kernel(make_widget, sent):
    def broken(frame, color, max_detect_side):
        raise RuntimeError("model exploded")

    widget = make_widget(broken)
    browser_says(widget, {"type": "frame", "seq": 1}, [jpeg_frame()])
    assert sent[0][0]["error"] == "model exploded"
    assert "model exploded" in widget.report() or not widget.browser_seen


def test_foreign_messages_are_ignored(make_widget, sent):
    widget = make_widget()
    browser_says(widget, {"kind": "anywidget-command", "name": "x", "msg": {}})
    browser_says(widget, {"type": "something else"})
    browser_says(widget, "not a dict")
    assert sent == []


def test_browser_measurements_are_kept_bounded(make_widget):
    widget = make_widget()
    for seq in range(1, 2501):
        widget._loop.arrived({"rtt_ms": float(seq), "encode_ms": 5.0})
        widget._loop.answered(seq, 10.0, True)
    summary = widget.stats()
    assert len(widget._loop.rtt_ms) == 2000 and len(widget._loop.kernel_ms) == 2000
    assert summary["rtt_ms_median"] == pytest.approx(1500.5) and summary["kernel_ms_p90"] == 10.0


def test_negative_or_missing_browser_timings_are_not_recorded(make_widget):
    widget = make_widget()
    widget._loop.arrived({"rtt_ms": None, "encode_ms": -1})
    widget._loop.arrived({"rtt_ms": "12"})
    assert not widget._loop.rtt_ms and not widget._loop.encode_ms


def test_snapshot_becomes_one_rgb_array_with_the_exact_pixels(make_widget, sent):
    widget = make_widget()
    rgba = np.zeros((4, 6, 4), np.uint8)
    rgba[..., 0], rgba[..., 1], rgba[..., 2], rgba[..., 3] = 10, 20, 30, 255
    rgba[1, 2] = (200, 100, 50, 255)
    browser_says(widget, {"type": "snapshot", "width": 6, "height": 4}, [memoryview(rgba.tobytes())])
    assert widget.snapshot.shape == (4, 6, 3) and widget.snapshot.dtype == np.uint8
    assert tuple(widget.snapshot[1, 2]) == (200, 100, 50) and tuple(widget.snapshot[0, 0]) == (10, 20, 30)
    assert sent[0][0]["type"] == "notice"


def test_snapshot_with_wrong_size_is_refused_clearly(make_widget, sent):
    widget = make_widget()
    browser_says(widget, {"type": "snapshot", "width": 6, "height": 4}, [b"\0" * 10])
    assert widget.snapshot is None
    assert "should have 96 bytes" in widget.last_error


def test_clip_frames_come_from_the_licensed_clip_and_loop(make_widget, sent):
    widget = make_widget()
    frames = sum(1 for _ in ClipReader(assets.fetch(CLIP), loop=False).frames())
    for seq in range(1, frames + 3):
        browser_says(widget, {"type": "clip_next", "seq": seq, "max_side": 200})
    indices = [answer["frame_index"] for answer, _ in sent]
    assert indices[:frames] == list(range(frames)) and indices[frames:] == [0, 1]
    answer, buffers = sent[0]
    picture = decode_jpeg(buffers[0])
    assert answer["type"] == "clip_frame" and max(picture.shape[:2]) == 200
    assert (answer["width"], answer["height"]) == (picture.shape[1], picture.shape[0])


def test_clip_credit_is_shown_with_the_clip(make_widget):
    widget = make_widget()
    assert "GRID" in widget.clip_credit and "Cooke" in widget.clip_credit


def test_hello_and_state_messages_feed_the_report(make_widget):
    widget = make_widget()
    assert widget.report() == NOT_SEEN_TEXT
    browser_says(widget, {"type": "hello", "secure": False})
    browser_says(
        widget, {"type": "state", "state": "error", "error": "NotAllowedError", "message": "Allow it"}
    )
    report = widget.report()
    assert "error" in report and "NotAllowedError" in report and "ssh tunnel" in report


def test_stop_from_python_sends_a_stop_message_and_returns_at_once(make_widget, sent):
    widget = make_widget()
    widget.stop()
    assert sent[0][0]["type"] == "stop"


def test_stop_says_whether_anything_was_playing(make_widget, sent):
    widget = make_widget()
    widget.stop()  # as "Run all" does, before anyone pressed a button
    assert "while nothing was playing" in sent[-1][0]["text"]
    browser_says(widget, {"type": "hello", "secure": True})
    browser_says(widget, {"type": "state", "state": "camera_on"})
    widget.stop()
    assert sent[-1][0]["text"].startswith("Stopped from Python")


def test_report_of_a_seen_widget_is_shown_but_not_saved(make_widget):
    from emolab.private import PrivateText

    widget = make_widget()
    browser_says(widget, {"type": "hello", "secure": True})
    assert isinstance(widget.report(), PrivateText)


def test_plain_text_form_says_no_browser_showed_it(make_widget):
    widget = make_widget()
    data, _ = widget._repr_mimebundle_()
    assert "no browser has shown this widget" in data["text/plain"]


def test_real_model_labels_the_face_in_a_clip_frame(sent, monkeypatch):
    widget = CameraWidget()
    monkeypatch.setattr(widget, "send", lambda content, buffers=None: sent.append((content, buffers)))
    _, frame = ClipReader(assets.fetch(CLIP), loop=False).read()
    frame = cv2.resize(frame, (320, 256))
    browser_says(widget, {"type": "frame", "seq": 1}, [encode_jpeg(frame, 90)])
    answer = sent[0][0]
    assert len(answer["faces"]) == 1
    face = answer["faces"][0]
    assert face["top_label"] in EMOTIONS and abs(sum(face["probabilities"]) - 1) < 1e-3
    x, y, w, h = face["box"]
    assert 0 <= x < 320 and 0 <= y < 256 and w > 40 and h > 40
    assert widget.model_name and widget.recorder.model_name == widget.model_name


def test_messages_arriving_on_two_threads_are_handled_one_at_a_time(make_widget):
    # ipykernel 7 can hand a widget's messages to the main shell thread and to a subshell thread
    # at once; two threads reading one clip crashed the kernel. Handlers must never overlap.
    busy, overlaps = threading.Lock(), []

    def slow_analyzer(frame, color, max_detect_side):
        if not busy.acquire(blocking=False):
            overlaps.append(True)
            return SimpleNamespace(faces=[])
        time.sleep(0.01)
        busy.release()
        return SimpleNamespace(faces=[])

    widget = make_widget(slow_analyzer)
    threads = [
        threading.Thread(
            target=lambda: [browser_says(widget, {"type": "clip_next", "seq": i}) for i in range(10)]
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [] and widget.stats()["frames_analysed"] == 40
