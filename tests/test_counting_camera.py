"""The counting-only camera keeps counts and nothing else: proved on the objects, not in words.

After a clip is counted and after the widget is fed frames as the browser sends them, the objects
are walked (``retained_objects``) for pictures, bytes, boxes and per-frame records; the emotion
model is made to fail if called; a subprocess records every file opened for writing; tracemalloc
measures the NumPy memory still held. Then the release rule, on hand-made counts.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tracemalloc
from itertools import islice
from pathlib import Path

import numpy as np
import pytest

from emolab import zoo
from emolab.errors import EmolabError
from emolab.video import DEFAULT_CLIP, iter_frames
from emolab.webcam import CountingCamera, WindowCounter, count_clip, count_faces
from emolab.webcam.counting import KEPT_MEANINGS, retained_objects
from emolab.webcam.frames import decode_jpeg, encode_jpeg

ROOT = Path(__file__).resolve().parents[1]
CLIP_FRAMES = 75  # the sample clip: 3 s at 25 frames a second
FRAME_BYTES = 288 * 360 * 3  # one decoded frame of the sample clip
CAMERA_FRAMES = 7  # fed to the widget; differs from every other length in its object graph
CLIP_REQUESTS = 5


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def clip_jpegs(count: int) -> list[bytes]:
    return [encode_jpeg(frame.bgr) for frame in islice(iter_frames(DEFAULT_CLIP), count)]


@pytest.fixture(scope="module")
def jpegs():
    return clip_jpegs(CAMERA_FRAMES)


@pytest.fixture
def make_camera(monkeypatch):
    def make(**settings):
        sent = []
        camera = CountingCamera(clock=FakeClock(), **settings)
        monkeypatch.setattr(camera, "send", lambda content, buffers=None: sent.append((content, buffers)))
        return camera, sent

    return make


def browser_says(camera, content, buffers=None):
    """Deliver a custom message exactly as ipywidgets does."""
    camera._handle_custom_msg(content, buffers or [])


def feed_camera(camera, jpegs, seconds_apart=0.5):
    browser_says(camera, {"type": "state", "state": "camera_on"})
    for seq, jpeg in enumerate(jpegs, start=1):
        camera._clock.now += seconds_apart
        browser_says(camera, {"type": "frame", "seq": seq}, [jpeg])


def feed_clip(camera, requests=CLIP_REQUESTS):
    browser_says(camera, {"type": "state", "state": "clip_on"})
    for seq in range(1, requests + 1):
        browser_says(camera, {"type": "clip_next", "seq": seq, "max_side": 320})


# ----- 1. what the objects hold ------------------------------------------------------------------


def test_the_walker_finds_what_it_looks_for():
    # Without this, a walker that finds nothing would pass every test below.
    class Boxed:
        def __init__(self):
            self.box = (1, 2, 3, 4)

    assert retained_objects({"a": [np.zeros(3)]})
    assert retained_objects([b"\xff\xd8"]) and retained_objects((memoryview(b"x"),))
    assert retained_objects(Boxed()) and retained_objects([{"boxes": []}])
    assert retained_objects({"per_frame": list(range(9))}, per_frame_length=9)
    assert retained_objects({"per_frame": list(range(9))}, per_frame_length=8) == []


def test_count_clip_keeps_no_picture_box_or_per_frame_record():
    counter = count_clip(window_seconds=1, k=1)
    assert sum(window.frames for window in counter.windows()) == CLIP_FRAMES
    assert retained_objects(counter, per_frame_length=CLIP_FRAMES) == []


def test_the_widget_keeps_no_picture_box_or_per_frame_record(make_camera, jpegs):
    camera, sent = make_camera(window_seconds=1, k=1)
    feed_camera(camera, jpegs)
    assert len(camera.counter.windows()) == 3 and camera.counter.released()
    assert retained_objects(camera, per_frame_length=CAMERA_FRAMES) == []
    feed_clip(camera)
    browser_says(camera, {"type": "state", "state": "off"})
    assert retained_objects(camera, per_frame_length=CLIP_REQUESTS) == []
    assert retained_objects(camera, per_frame_length=CAMERA_FRAMES) == []
    assert camera.last_error == ""


def test_the_browser_gets_the_count_and_the_table_only(make_camera, jpegs):
    camera, sent = make_camera(window_seconds=1, k=1)
    browser_says(camera, {"type": "hello"})
    feed_camera(camera, jpegs)
    counts = [content for content, _ in sent if content["type"] == "count"]
    assert len(counts) == CAMERA_FRAMES
    assert all(isinstance(content["faces"], int) for content in counts)
    assert all(set(content) <= {"type", "seq", "faces", "kernel_ms", "windows"} for content, _ in sent)
    assert all(buffers is None for _, buffers in sent)
    rows = [row for content, _ in sent for row in content.get("windows", [])]
    columns = {"start_s", "end_s", "frames", "mean_faces", "peak_faces", "released"}
    assert rows and all(set(row) == columns for row in rows)


def test_synced_state_holds_settings_only(make_camera, jpegs):
    camera, _ = make_camera(window_seconds=1, k=1)
    before = camera.get_state()
    feed_camera(camera, jpegs)
    assert camera.get_state() == before, "counting must not change the widget's synced state"
    assert str(CAMERA_FRAMES) not in repr(camera) and "browser" in repr(camera)


def test_what_is_kept_describes_every_field():
    counter = WindowCounter(window_seconds=1, k=2)
    assert set(vars(counter)) == set(KEPT_MEANINGS)
    for count, t in ((2, 0.0), (1, 0.5), (0, 1.2)):
        counter.add(count, t)
    kept = counter.what_is_kept()
    assert len(kept) == len(vars(counter)) and not any("not described" in line for line in kept)
    assert "closed windows: 1, each holding only start_s, end_s, frames" in " ".join(kept)
    assert "frames counted in the current window: 1" in kept


# ----- 2. no emotion model -----------------------------------------------------------------------


def test_the_emotion_model_is_never_called(monkeypatch, make_camera, jpegs):
    import deepface.modules.modeling

    import emolab.core

    calls = []

    def emotion_model(*args, **kwargs):
        calls.append(args)
        raise AssertionError("the counting camera called the emotion model")

    for target, name in (
        (emolab.core, "pipeline"),
        (emolab.core, "analyze_frame"),
        (emolab.core, "analyze"),
        (zoo, "pipeline"),
        (deepface.modules.modeling, "build_model"),
    ):
        monkeypatch.setattr(target, name, emotion_model)
    assert count_clip(window_seconds=1, k=1, step=5).released()
    camera, sent = make_camera(window_seconds=1, k=1)
    feed_camera(camera, jpegs)
    feed_clip(camera)
    assert calls == [] and camera.last_error == ""  # the widget would report a failed call
    assert all(isinstance(content["faces"], int) for content, _ in sent)


# ----- 3. nothing written to disk ----------------------------------------------------------------

WRITE_CHECK = r"""
import json, os, sys
from pathlib import Path

import numpy as np

from emolab import assets, zoo
from emolab.video import DEFAULT_CLIP, iter_frames
from emolab.webcam.counting import CountingCamera, count_clip
from emolab.webcam.frames import encode_jpeg

zoo.detect(np.zeros((64, 64, 3), np.uint8))  # the model file is fetched before the hook starts
assets.fetch(DEFAULT_CLIP)
jpeg = encode_jpeg(next(iter_frames(DEFAULT_CLIP)).bgr)
camera = CountingCamera(window_seconds=1, k=1)
camera.send = lambda content, buffers=None: None
folders = [Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])]

def listing():
    return sorted(
        (str(p), p.stat().st_size, p.stat().st_mtime_ns) for folder in folders for p in folder.rglob("*")
    )

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
writes = []

def record_writes(event, args):
    if event == "open":
        path, mode, flags = args
        if (isinstance(mode, str) and set(mode) & set("wax+")) or (flags or 0) & WRITE_FLAGS:
            writes.append([str(path), mode, flags])

before = listing()
sys.addaudithook(record_writes)
counter = count_clip(window_seconds=1, k=1)
camera._handle_custom_msg({"type": "state", "state": "camera_on"}, [])
for seq in range(1, 6):
    camera._handle_custom_msg({"type": "frame", "seq": seq}, [jpeg])
camera._handle_custom_msg({"type": "state", "state": "clip_on"}, [])
for seq in range(1, 6):
    camera._handle_custom_msg({"type": "clip_next", "seq": seq}, [])
camera._handle_custom_msg({"type": "state", "state": "off"}, [])
during_the_run = list(writes)
open(os.devnull, "w").close()  # the hook's own check: this write must be recorded
print(json.dumps({
    "writes": during_the_run,
    "hook_works": writes[len(during_the_run):] != [],
    "same_files": listing() == before,
    "released": len(counter.released()),
    "error": camera.last_error,
}))
"""


def test_nothing_is_written_to_disk(tmp_path, offline_dir):
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "EMOLAB_OFFLINE_DIR": str(offline_dir),
        "EMOLAB_CACHE_DIR": str(home / "emolab-cache"),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",  # an import inside the run must not write a .pyc
    }
    result = subprocess.run(
        [sys.executable, "-c", WRITE_CHECK], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["released"] == 3 and report["error"] == "", report  # it did count
    assert report["hook_works"] and report["writes"] == [], report["writes"]
    assert report["same_files"], "a file appeared or changed in HOME or TMPDIR"


# ----- 4. no frame left in memory ----------------------------------------------------------------


def numpy_bytes_held_after(action) -> int:
    """Bytes of NumPy array data allocated during ``action`` and still held after it (and a gc)."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = action()
        gc.collect()
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    numpy_only = snapshot.filter_traces([tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)])
    held = sum(stat.size for stat in numpy_only.statistics("filename"))
    del kept
    return held


def test_no_frame_stays_in_memory(make_camera, jpegs):
    camera, _ = make_camera(window_seconds=1, k=1)
    count_clip(window_seconds=1, k=1, step=25)  # warm-up: the detector is made once per process
    feed_camera(camera, jpegs[:1])

    def count_everything():
        counter = count_clip(window_seconds=1, k=1)
        feed_camera(camera, jpegs)
        feed_clip(camera)
        return counter, camera

    assert numpy_bytes_held_after(count_everything) < FRAME_BYTES
    # The measure itself sees a frame that is kept:
    assert numpy_bytes_held_after(lambda: decode_jpeg(jpegs[0])) >= FRAME_BYTES


# ----- 5. the release rule -----------------------------------------------------------------------


def test_windows_with_fewer_than_k_faces_at_once_release_nothing():
    counter = WindowCounter(window_seconds=10, k=3)
    for count, t in ((1, 0), (2, 1), (2, 2)):  # 5 faces in all, but never 3 at once
        counter.add(count, t)
    for count, t in ((0, 10), (3, 11), (1, 12)):
        counter.add(count, t)
    counter.finish(20)
    hidden, shown = counter.windows()
    assert (hidden.released, hidden.mean_faces, hidden.peak_faces, hidden.frames) == (False, None, None, 3)
    assert (shown.released, shown.peak_faces, shown.frames) == (True, 3, 3)
    assert shown.mean_faces == pytest.approx(4 / 3, abs=1e-3)
    assert counter.released() == (shown,)
    assert "suppressed: fewer than 3 faces at once" in counter.table()
    assert "at least 3 faces" in counter.rule()


def test_windows_close_on_time():
    counter = WindowCounter(window_seconds=10, k=1)
    counter.add(1, 0.0)
    counter.add(1, 9.99)
    assert counter.windows() == ()
    counter.add(1, 10.0)
    assert [(w.start_s, w.end_s, w.frames) for w in counter.windows()] == [(0.0, 10.0, 2)]
    counter.add(2, 35.0)  # a pause: no empty windows, and the next one starts on the 10 s grid
    counter.finish(100.0)
    assert [(w.start_s, w.end_s, w.frames) for w in counter.windows()] == [
        (0.0, 10.0, 2),
        (10.0, 20.0, 1),
        (30.0, 40.0, 1),
    ]


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: WindowCounter(k=0), "k=3"),
        (lambda: WindowCounter(k=2.5), "k=3"),
        (lambda: WindowCounter(window_seconds=0), "window_seconds=60"),
        (lambda: WindowCounter(window_seconds=-1), "window_seconds=60"),
        (lambda: WindowCounter(window_seconds=float("nan")), "window_seconds=60"),
        (lambda: WindowCounter().add(1.5, 0), "count_faces(frame)"),
        (lambda: WindowCounter().add(np.zeros((3, 3)), 0), "count_faces(frame)"),
        (lambda: WindowCounter().add(True, 0), "count_faces(frame)"),
        (lambda: CountingCamera(k=0), "k=3"),
        (lambda: count_faces([[0, 0, 0]]), "OpenCV"),
    ],
)
def test_bad_arguments_say_what_to_do(make, expected):
    with pytest.raises(EmolabError) as error:
        make()
    assert expected in error.value.advice


def test_times_going_back_are_refused():
    counter = WindowCounter(window_seconds=10)
    counter.add(1, 20.0)
    with pytest.raises(EmolabError, match="must not go back"):
        counter.add(1, 5.0)


def test_changing_k_starts_a_new_count(make_camera, jpegs):
    camera, _ = make_camera(window_seconds=1, k=1)
    feed_camera(camera, jpegs)
    assert camera.counter.windows()
    camera.k = 2
    assert camera.counter.k == 2 and camera.counter.windows() == () and "at least 2 faces" in camera.rule
    with pytest.raises(EmolabError):
        camera.window_seconds = 0


# ----- 6. the sample clip ------------------------------------------------------------------------


def test_the_sample_clip_shows_a_face_in_most_frames():
    with_a_face = [count_faces(frame.bgr) >= 1 for frame in iter_frames(DEFAULT_CLIP)]
    assert len(with_a_face) == CLIP_FRAMES and sum(with_a_face) >= 0.8 * CLIP_FRAMES


def test_one_person_is_never_released_with_k_3_and_is_with_k_1():
    assert count_clip(window_seconds=1, k=3).released() == ()
    released = count_clip(window_seconds=1, k=1).released()
    assert released and all(window.peak_faces >= 1 for window in released)


def test_frames_sent_before_a_stop_are_not_counted(make_camera, jpegs):
    camera, sent = make_camera(window_seconds=1, k=1)
    feed_camera(camera, jpegs[:2])
    browser_says(camera, {"type": "state", "state": "off"})
    windows = camera.counter.windows()
    browser_says(camera, {"type": "frame", "seq": 3}, [jpegs[2]])
    assert camera.counter.windows() == windows and vars(camera.counter)["_frames"] == 0
    assert sent[-1][0]["faces"] is None


def test_no_detector_keeps_the_last_real_frame_after_a_count(monkeypatch):
    """OpenCV keeps a detector's last input natively; after a count, each has seen a blank frame."""
    from emolab import zoo

    seen = []
    original = zoo.blank_detectors
    monkeypatch.setattr(zoo, "blank_detectors", lambda: (seen.append(True), original())[1])
    count_clip(window_seconds=1, k=1)
    assert seen == [True]
    with zoo.yunet() as detector:  # the detector count_clip used, back in the pool
        assert tuple(detector.getInputSize()) == (zoo.YUNET_MIN_SIDE, zoo.YUNET_MIN_SIDE)
