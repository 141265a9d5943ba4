"""The counting-only camera: how many faces are in view, per window of time, and nothing else.

A camera used "for statistics only", in the sense data-protection authorities such as France's
CNIL give it, made concrete: it answers one question, how many faces were in view during each
window of time (one minute by default). It runs a face detector (YuNet, :func:`emolab.zoo.detect`)
and no emotion model; it cuts out no face and keeps no box, no position and no record per frame
or per person. The counter keeps only the aggregates of the window being counted (frames seen,
faces summed over them, the most faces in one frame, when it started) and the closed windows.

Release rule: a closed window's counts are released only if at least ``k`` faces were seen at
once (in one frame) during it, ``k`` = 3 by default. Otherwise its mean and peak are suppressed
(None): only its times and its number of frames are kept.

- ``WindowCounter``: the counter itself, fed one number per frame (``add(count, t)``);
- ``count_faces``: the number of faces YuNet finds in a BGR frame, nothing else;
- ``count_clip``: a sample clip counted without a browser (clip time = frame index / fps);
- ``CountingCamera`` / ``counting_camera()``: the widget; the browser sends downscaled JPEG frames
  as custom-message buffers, the kernel decodes each in memory, counts and drops it, and answers
  with the count alone and, when a window closes, the table of closed windows;
- ``retained_objects``: walks an object and lists every array, bytes, box or per-frame record it
  holds, to check the promise above (the course's tests and the lesson use it).

OpenCV's detector keeps its last input (a resized copy of the last frame) in native memory until
its next call, where Python cannot see it: when a count ends (``count_clip`` returns, the camera
or clip stops), every detector is given a blank frame (:func:`emolab.zoo.blank_detectors`).
"""

from __future__ import annotations

import collections
import logging
import math
import threading
import time
import types
from dataclasses import asdict, dataclass, fields, is_dataclass
from numbers import Integral, Real
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from .. import assets, zoo
from ..errors import EmolabError
from ..private import PrivateText
from ..video import DEFAULT_CLIP, ClipReader, iter_frames
from ..widget_files import widget_module
from .frames import decode_jpeg, encode_jpeg, handle_message, shrink

STATIC = Path(__file__).parent / "static"

DEFAULT_WINDOW_SECONDS = 60.0
DEFAULT_K = 3
SUPPRESSED = "suppressed: fewer than {faces} at once"


# ----- the settings, checked for learners ------------------------------------------------------


def check_window_seconds(value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
        raise EmolabError(
            f"window_seconds must be a number of seconds above 0; got {value!r}.",
            advice="Use for example window_seconds=60 (one minute) or window_seconds=1 for a short clip.",
        )
    return float(value)


def check_k(value) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise EmolabError(
            f"k must be a whole number of faces, 1 or more; got {value!r}.",
            advice="Use for example k=3: a window is released only if 3 faces were seen at once.",
        )
    return int(value)


def check_count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise EmolabError(
            f"add() takes the number of faces in one frame (a whole number, 0 or more); got {value!r}.",
            advice="Pass count_faces(frame), never the frame or its boxes.",
        )
    return int(value)


def check_time(value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise EmolabError(
            f"add() needs the frame's time in seconds; got {value!r}.",
            advice="Pass the time as a number, e.g. frame index / frames per second.",
        )
    return float(value)


# ----- the counter -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CountWindow:
    """One closed window. ``mean_faces`` and ``peak_faces`` are None when it was not released."""

    start_s: float
    end_s: float
    frames: int
    mean_faces: float | None
    peak_faces: int | None
    released: bool


# What each field of a WindowCounter means; what_is_kept() reads the fields themselves.
KEPT_MEANINGS = {
    "window_seconds": "the window length in seconds (a setting)",
    "k": "faces needed at once for a window to be released (a setting)",
    "_closed": "closed windows",
    "_window_start": "when the current window started (seconds)",
    "_frames": "frames counted in the current window",
    "_faces_sum": "faces summed over those frames",
    "_peak_faces": "the most faces found in one frame of the current window",
}


class WindowCounter:
    """Faces counted per window of time, released only when at least ``k`` faces were seen at once.

    Feed it one number per frame with ``add(count, t)``. A window runs from its first frame for
    ``window_seconds``; the first frame at or after its end closes it (``finish`` closes the last
    one). Release rule: a closed window is released when its peak, the most faces found in one
    frame of it, is at least ``k``; otherwise its mean and peak are suppressed (None) and only its
    times and number of frames are kept. See ``what_is_kept()`` for everything it holds.
    """

    def __init__(self, window_seconds: float = DEFAULT_WINDOW_SECONDS, k: int = DEFAULT_K):
        self.window_seconds = check_window_seconds(window_seconds)
        self.k = check_k(k)
        self._closed: list[CountWindow] = []
        self._start_window(None)

    def __repr__(self) -> str:
        return (
            f"<WindowCounter: windows of {self.window_seconds:g} s, k={self.k}; "
            f"{len(self._closed)} closed, {len(self.released())} released>"
        )

    def _start_window(self, start_s: float | None) -> None:
        self._window_start = start_s
        self._frames = 0
        self._faces_sum = 0
        self._peak_faces = 0

    def add(self, count: int, t: float) -> None:
        """Count one frame: ``count`` faces found at ``t`` seconds (times must not go back)."""
        count, t = check_count(count), check_time(t)
        if self._window_start is not None and t < self._window_start:
            raise EmolabError(
                f"Frame times must not go back: {t:g} s comes before this window's start, "
                f"{self._window_start:g} s.",
                advice="Pass times that grow, or make a new WindowCounter.",
            )
        self._close_if_over(t)
        if self._window_start is None:
            self._window_start = t
        self._frames += 1
        self._faces_sum += count
        self._peak_faces = max(self._peak_faces, count)

    def _close_if_over(self, t: float) -> None:
        start = self._window_start
        if start is None or t < start + self.window_seconds:
            return
        self._close(start + self.window_seconds)
        # The next window starts on the grid of whole windows, so a pause leaves no empty window.
        self._start_window(start + math.floor((t - start) / self.window_seconds) * self.window_seconds)

    def finish(self, end_s: float) -> None:
        """Close the current window at ``end_s`` seconds (or at its own end, if sooner)."""
        if self._window_start is not None:
            self._close(min(check_time(end_s), self._window_start + self.window_seconds))
            self._start_window(None)

    def _close(self, end_s: float) -> None:
        if not self._frames:
            return
        released = self._peak_faces >= self.k
        self._closed.append(
            CountWindow(
                start_s=round(self._window_start, 3),
                end_s=round(max(end_s, self._window_start), 3),
                frames=self._frames,
                mean_faces=round(self._faces_sum / self._frames, 3) if released else None,
                peak_faces=self._peak_faces if released else None,
                released=released,
            )
        )

    def windows(self) -> tuple[CountWindow, ...]:
        """Every closed window, released or not, oldest first."""
        return tuple(self._closed)

    def released(self) -> tuple[CountWindow, ...]:
        """The closed windows whose counts were released."""
        return tuple(window for window in self._closed if window.released)

    def rule(self) -> str:
        return (
            f"Faces are counted per window of {self.window_seconds:g} s. A window's counts are released "
            f"only if at least {_faces(self.k)} {'were' if self.k > 1 else 'was'} seen at once (in one "
            f"frame) during it; otherwise they are suppressed and only its times and number of frames "
            "are kept."
        )

    def table(self) -> str:
        """The closed windows as a plain-text table."""
        lines = [self.rule(), ""]
        if not self._closed:
            return "\n".join(lines + ["No window has closed yet."])
        lines.append(f"{'window (s)':<16}{'frames':>7}  {'mean faces':>10}  {'most at once':>12}")
        for window in self._closed:
            span = f"{window.start_s:.1f} to {window.end_s:.1f}"
            if window.released:
                counts = f"{window.mean_faces:>10.2f}  {window.peak_faces:>12d}"
            else:
                counts = SUPPRESSED.format(faces=_faces(self.k))
            lines.append(f"{span:<16}{window.frames:>7}  {counts}")
        return "\n".join(lines)

    def what_is_kept(self) -> list[str]:
        """Everything this object holds, one line per field, read from the fields themselves."""
        return [
            f"{KEPT_MEANINGS.get(name, f'{name} (not described: report this as a bug)')}: {_kept(value)}"
            for name, value in vars(self).items()
        ]


def _faces(number: int) -> str:
    return f"{number} face{'s' if number != 1 else ''}"


def _kept(value) -> str:
    if isinstance(value, list):
        parts = ", ".join(field.name for field in fields(CountWindow))
        return f"{len(value)}, each holding only {parts}"
    return "none yet" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


# ----- counting frames and clips ---------------------------------------------------------------


def count_faces(bgr: np.ndarray) -> int:
    """How many faces YuNet finds in a BGR frame (uint8, height x width x 3). Only the number
    leaves: the detector's rows (boxes, landmarks, scores) are dropped, and nothing is cached."""
    if not isinstance(bgr, np.ndarray) or bgr.ndim != 3 or bgr.shape[2] != 3 or bgr.dtype != np.uint8:
        raise EmolabError(
            f"count_faces needs a BGR picture (uint8, height x width x 3); got {type(bgr).__name__}.",
            advice="Pass a frame as OpenCV gives it, e.g. from emolab.video.iter_frames.",
        )
    return _number_of_faces(shrink(bgr, zoo.YUNET_MAX_SIDE))


def _number_of_faces(bgr: np.ndarray) -> int:
    return len(zoo.detect(bgr))  # the rows are never named: they are freed as this returns


def count_clip(
    clip=DEFAULT_CLIP, *, window_seconds: float = DEFAULT_WINDOW_SECONDS, k: int = DEFAULT_K, step: int = 1
) -> WindowCounter:
    """Count the faces in every ``step``-th frame of a clip, per window of clip time (frame index
    / fps), without a browser. Returns the WindowCounter, its last window closed at the clip's end."""
    if isinstance(step, bool) or not isinstance(step, Integral) or step < 1:
        raise EmolabError(f"step must be a whole number, 1 or more; got {step!r}.", advice="Use step=1.")
    counter = WindowCounter(window_seconds, k)
    previous = last = 0.0
    for frame in iter_frames(clip, step):
        counter.add(count_faces(frame.bgr), frame.time)
        previous, last = last, frame.time
    counter.finish(last + (last - previous))  # the last frame lasts as long as the step before it
    zoo.blank_detectors()
    return counter


# ----- what an object retains ------------------------------------------------------------------

RECORD_TYPES = (list, tuple, dict, set, frozenset, collections.deque)
CODE_TYPES = (
    types.ModuleType,
    type,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    logging.Logger,  # ipywidgets' logger trait: shared by the whole process, holds no data of ours
)
# traitlets' bookkeeping in a widget's __dict__: _trait_values holds the trait values, walked one
# by one instead (see _children); the notifier and validator tables hold callbacks only.
TRAIT_MACHINERY = frozenset({"_trait_values", "_trait_notifiers", "_trait_validators"})
# The comm links the widget to the kernel, and through it to the whole IPython session (history,
# every variable of the notebook): none of it is the widget's data. ``keys`` lists the names of the
# synced traits (fixed by the class; its length would pass for a per-frame record).
SKIPPED_TRAITS = frozenset({"comm", "keys"})


def retained_objects(root, per_frame_length: int | None = None) -> list[str]:
    """Where ``root`` holds what a counting-only camera must not: a NumPy array, bytes, anything
    with a ``box`` or ``boxes`` attribute or key, or (given the number of frames fed) a collection
    with one item per frame. Follows attributes, dataclass fields, traits and collections
    recursively; skips code (modules, classes, functions). Returns [] when nothing is found."""
    found, seen = [], set()
    stack = [("root", root)]
    while stack:
        path, value = stack.pop()
        if id(value) in seen or isinstance(value, CODE_TYPES):
            continue
        seen.add(id(value))
        problem = _retention_problem(value, per_frame_length)
        if problem:
            found.append(f"{path}: {problem}")
        stack.extend(_children(path, value))
    return found


def _retention_problem(value, per_frame_length: int | None) -> str:
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"{type(value).__name__} of {len(value)} bytes"
    if isinstance(value, dict) and ({"box", "boxes"} & set(value)):
        return "a dict with a box"
    if not isinstance(value, (str, dict)) and any(_has_attribute(value, name) for name in ("box", "boxes")):
        return f"a {type(value).__name__} with a box"
    if isinstance(value, RECORD_TYPES) and per_frame_length is not None and len(value) == per_frame_length:
        return f"a {type(value).__name__} with one item per frame ({len(value)})"
    return ""


def _has_attribute(value, name: str) -> bool:
    try:
        return hasattr(value, name)
    except Exception:  # an object whose __getattr__ fails still holds no box
        return False


def _children(path: str, value):
    if isinstance(value, dict):
        return [(f"{path}[{key!r}]", item) for key, item in value.items()] + [
            (f"{path} key", key) for key in value
        ]
    if isinstance(value, RECORD_TYPES):
        return [(f"{path}[{index}]", item) for index, item in enumerate(value)]
    children = []
    if isinstance(value, traitlets.HasTraits):
        names = set(value.trait_names()) - SKIPPED_TRAITS
        children += [(f"{path}.{name}", getattr(value, name)) for name in sorted(names)]
    if is_dataclass(value) and not isinstance(value, type):
        children += [(f"{path}.{field.name}", getattr(value, field.name)) for field in fields(value)]
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict):
        kept = [(name, item) for name, item in attributes.items() if name not in TRAIT_MACHINERY]
        children += [(f"{path}.{name}", item) for name, item in kept]
    return children


# ----- the widget ------------------------------------------------------------------------------

NOTICE = (
    'What happens when you press "Start camera": your browser sends small copies of the camera '
    "picture to this notebook's own Python kernel, which counts the faces in each copy with a face "
    "detector (YuNet) and then drops the copy. No emotion model runs; no face is cut out; no box, "
    "position or per-frame record is kept. Kept, in memory only, until the kernel stops: for the "
    "window being counted, its start, its number of frames, the faces summed over them and the most "
    "faces seen at once; for each closed window, its times, its number of frames and, only when it "
    "is released, its mean and most faces at once. The picture you see is drawn by your browser "
    'alone. Each start begins a new count. "Stop" turns the camera off.'
)

STATE_NAMES = {
    "camera_on": "camera on",
    "clip_on": "sample clip playing",
    "off": "camera off",
    "error": "error",
}


def _clip_credit(asset) -> str:
    from ..display import credit_line

    return credit_line(asset)


class CountingCamera(anywidget.AnyWidget):
    """Live camera (or sample clip) -> the number of faces per frame -> counts per window of time.

    In Python: ``.counter`` (the WindowCounter of the current run), ``.table()``,
    ``.what_is_kept()``, ``.stop()``. The browser gets the count of each frame and the table of
    closed windows, nothing else.
    """

    _esm = widget_module(STATIC / "counting.js")
    _css = STATIC / "counting.css"

    # Small settings only. Frames and counts travel as custom messages, never as state.
    window_seconds = traitlets.Float(DEFAULT_WINDOW_SECONDS).tag(sync=True)
    k = traitlets.Int(DEFAULT_K).tag(sync=True)
    fps_cap = traitlets.Int(10).tag(sync=True)
    max_in_flight = traitlets.Int(2).tag(sync=True)
    watchdog_ms = traitlets.Int(2000).tag(sync=True)  # forget a frame unanswered this long
    silence_stop_ms = traitlets.Int(8000).tag(sync=True)  # camera off if the kernel is silent this long
    send_max_side = traitlets.Int(320).tag(sync=True)
    jpeg_quality = traitlets.Float(0.7).tag(sync=True)
    capture_size = traitlets.List(traitlets.Int(), default_value=[640, 480]).tag(sync=True)
    notice = traitlets.Unicode(NOTICE).tag(sync=True)
    rule = traitlets.Unicode("").tag(sync=True)
    clip_credit = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        *,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        k: int = DEFAULT_K,
        clip: str = DEFAULT_CLIP,
        clock=time.monotonic,
        **settings,
    ):
        counter = WindowCounter(window_seconds, k)
        self._clip_asset = assets.get(clip)
        super().__init__(
            window_seconds=counter.window_seconds,
            k=counter.k,
            rule=counter.rule(),
            clip_credit=_clip_credit(self._clip_asset),
            **settings,
        )
        self.counter = counter
        self.browser_seen = False
        self.browser_state = "not shown"
        self.last_error = ""
        self._clock = clock
        self._source = ""  # "camera" or "clip" while one plays
        self._camera_origin = 0.0  # clock reading when the camera started
        self._clip_frames_read = 0  # the clip's time, in frames, since it started (loops included)
        self._last_seq = 0
        self._clip_reader: ClipReader | None = None
        self._one_message_at_a_time = threading.Lock()
        self._handlers = {
            "hello": self._on_hello,
            "state": self._on_state,
            "frame": self._on_frame,
            "clip_next": self._on_clip_next,
        }
        self.on_msg(self._on_custom_msg)

    def __repr__(self) -> str:
        # The plain-text form is what a notebook run without a browser (nbclient) keeps.
        return (
            "emolab counting camera: no browser has shown this widget, so no camera was started and "
            f"no face was counted (windows of {self.window_seconds:g} s; released when at least "
            f"{_faces(self.k)} are seen at once). count_clip() counts a sample clip without a browser."
        )

    @traitlets.validate("window_seconds")
    def _valid_window_seconds(self, proposal):
        return check_window_seconds(proposal["value"])

    @traitlets.validate("k")
    def _valid_k(self, proposal):
        return check_k(proposal["value"])

    @traitlets.observe("window_seconds", "k")
    def _settings_changed(self, _change) -> None:
        if not hasattr(self, "_one_message_at_a_time"):
            return  # still in __init__, which makes the counter itself
        with self._one_message_at_a_time:
            self._new_count()  # the old windows followed the old rule: start again
            self.rule = self.counter.rule()
            self._send_windows()

    # ----- messages from the browser -------------------------------------------------------

    def _on_custom_msg(self, _widget, content, buffers) -> None:
        handle_message(self, content, buffers, "counting camera")

    def _tell_browser(self, error: Exception, content: dict) -> None:
        self.last_error = f"{type(error).__name__}: {error}"
        if content.get("type") == "clip_next":
            self.send({"type": "clip_error", "text": str(error)})
        else:
            self.send({"type": "count", "seq": content.get("seq", 0), "faces": None, "error": str(error)})

    def _on_hello(self, _content: dict, _buffers) -> None:
        self.browser_seen = True
        self.browser_state = "shown, camera off"
        self._send_windows()

    def _on_state(self, content: dict, _buffers) -> None:
        state = str(content.get("state", ""))
        self.browser_state = STATE_NAMES.get(state, state)
        if state in ("camera_on", "clip_on"):
            self._start_source("camera" if state == "camera_on" else "clip")
        elif state in ("off", "error"):
            self._stop_source()
        if state == "error":
            self.last_error = f"{content.get('error', '')}: {content.get('message', '')}"

    def _start_source(self, source: str) -> None:
        self._new_count()
        self._source = source
        self._camera_origin = self._clock()
        self._clip_frames_read = 0
        self._last_seq = 0
        self._send_windows()

    def _stop_source(self) -> None:
        if self._source:
            self.counter.finish(self._source_time())
            zoo.blank_detectors()
        self._source = ""
        self._send_windows()

    def _on_frame(self, content: dict, buffers: list) -> None:
        started = time.perf_counter()
        seq = int(content.get("seq", 0))
        if seq <= self._last_seq or self._source != "camera":  # overtaken, or sent before a stop
            self.send({"type": "count", "seq": seq, "faces": None, "stale": True})
            return
        self._last_seq = seq
        if not buffers:
            raise EmolabError(
                "A frame message arrived without its picture.", advice="Stop and start the camera again."
            )
        faces = count_faces(decode_jpeg(buffers[0]))  # the decoded frame is dropped here
        self._count("count", seq, faces, self._source_time("camera"), started)

    def _on_clip_next(self, content: dict, _buffers) -> None:
        started = time.perf_counter()
        if self._source != "clip":  # a request sent before a stop
            return
        item = self._open_clip().read()
        if item is None:
            raise EmolabError("The sample clip has no frames OpenCV can read.")
        frame = shrink(item[1], int(content.get("max_side") or self.send_max_side))
        faces = count_faces(frame)
        t = self._source_time("clip")
        self._clip_frames_read += 1
        picture = [encode_jpeg(frame)]  # the licensed clip's own picture, for the browser to show
        self._count("clip_frame", int(content.get("seq", 0)), faces, t, started, picture)

    def _count(self, kind: str, seq: int, faces: int, t: float, started: float, buffers=None) -> None:
        closed_before = len(self.counter.windows())
        self.counter.add(faces, t)
        message = {"type": kind, "seq": seq, "faces": faces}
        if len(self.counter.windows()) != closed_before:
            message["windows"] = self._window_rows()
        message["kernel_ms"] = round((time.perf_counter() - started) * 1000, 2)
        self.send(message, buffers=buffers)

    def _source_time(self, source: str | None = None) -> float:
        """Seconds since the current source started: the clock for the camera, frames / fps for the clip."""
        if (source or self._source) == "clip":
            return self._clip_frames_read / (self._clip_reader.fps if self._clip_reader else 25.0)
        return self._clock() - self._camera_origin

    def _new_count(self) -> None:
        self.counter = WindowCounter(self.window_seconds, self.k)

    def _window_rows(self) -> list[dict]:
        return [asdict(window) for window in self.counter.windows()]

    def _send_windows(self) -> None:
        if self.browser_seen:
            self.send({"type": "windows", "windows": self._window_rows()})

    def _open_clip(self) -> ClipReader:
        if self._clip_reader is None:
            self._clip_reader = ClipReader(assets.fetch(self._clip_asset), loop=True)
        return self._clip_reader

    # ----- for the learner ----------------------------------------------------------------------

    def table(self) -> PrivateText:
        """The closed windows of the current run, as text (shown, not saved in the notebook)."""
        return PrivateText(self.counter.table())

    def what_is_kept(self) -> list[str]:
        """Everything the counter holds, read from its own fields."""
        return self.counter.what_is_kept()

    def stop(self) -> None:
        """Ask the browser to turn the camera (or clip) off. Returns at once."""
        self.send({"type": "stop", "text": "Stopped from Python (cam.stop()). The camera is off."})

    def close(self) -> None:
        reader = getattr(self, "_clip_reader", None)  # absent when __init__ failed part-way
        if reader is not None:
            reader.close()
        super().close()


def counting_camera(**settings) -> CountingCamera:
    """Make the counting-only camera (display it by leaving it last in a cell). ``window_seconds``
    (default 60) and ``k`` (default 3) set the windows and the release rule."""
    return CountingCamera(**settings)
