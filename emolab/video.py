"""The classifier frame by frame: talking faces from the GRID clips, and recordings.

A ``Trace`` is what the classifier said over time: one row of 7 scores per analysed frame
(NaN when no face was found), the top label ("" when no face), and the frame times. Clips,
webcam recordings and hand-made score sequences all become Traces, so the same measures
(label flips, frames firing a label) and the same alert rule apply to all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from . import assets
from .core import EMOTIONS, largest_face
from .errors import EmolabError

FIRING_LABELS = ("fear", "surprise", "angry")
DEFAULT_FPS = 25.0


class ClipError(EmolabError):
    advice = ("Check that OpenCV can read the clip (MPEG-1 .mpg); the course's clips are listed by "
              "emolab.assets.collection('video').")


@dataclass(frozen=True)
class VideoFrame:
    index: int
    time: float  # seconds from the start of the clip
    bgr: np.ndarray


@dataclass
class Trace:
    times: np.ndarray  # seconds, shape (n,)
    scores: np.ndarray  # shape (n, 7), EMOTIONS order; NaN rows where no face was found
    labels: list[str]  # top label per frame; "" where no face was found
    source: str = ""  # what was recorded: a clip file, "your webcam", "hand-made"
    credit: str = ""  # credit line for the person shown, if any
    model_name: str = ""
    boxes: list = field(default_factory=list)  # face box per frame (None where no face)

    def __len__(self) -> int:
        return len(self.times)

    @property
    def duration(self) -> float:
        """Seconds covered: from the first frame's start to the last frame's end."""
        if len(self.times) < 2:
            return 0.0
        step = float(np.median(np.diff(self.times)))
        return float(self.times[-1] - self.times[0] + step)

    @property
    def faces_found(self) -> int:
        return sum(1 for label in self.labels if label)


def _clip_path(clip) -> tuple[Path, assets.Asset | None]:
    if isinstance(clip, (str, assets.Asset)) and not Path(str(clip)).is_file():
        asset = assets.get(clip)
        return assets.fetch(asset), asset
    return Path(clip), None


class ClipReader:
    """Frames of a video file, decoded on demand with OpenCV, optionally looping. Nothing is written."""

    def __init__(self, path: str | Path, loop: bool = True):
        self.path = str(path)
        self.loop = loop
        self._capture = None
        self.fps = DEFAULT_FPS
        self.index = -1

    def _open(self):
        capture = cv2.VideoCapture(self.path)
        if not capture.isOpened():
            raise ClipError(f"OpenCV could not open the clip {Path(self.path).name}.")
        fps = capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and math.isfinite(fps) and fps > 0 else DEFAULT_FPS
        self.index = -1
        return capture

    def read(self) -> tuple[int, np.ndarray] | None:
        """(frame index, BGR frame); at the end of the clip start again (loop) or return None."""
        if self._capture is None:
            self._capture = self._open()
        ok, frame = self._capture.read()
        if not ok and self.loop and self.index >= 0:
            self.close()
            self._capture = self._open()
            ok, frame = self._capture.read()
        if not ok:
            return None
        self.index += 1
        return self.index, frame

    def frames(self):
        """Every frame once: yields (time in seconds, BGR frame). Needs ``loop=False``."""
        if self.loop:
            raise ValueError("frames() reads a clip once: make the reader with loop=False.")
        while (item := self.read()) is not None:
            index, frame = item
            yield index / self.fps, frame

    def close(self):
        if self._capture is not None:
            self._capture.release()
        self._capture = None


def iter_frames(clip, step: int = 1):
    """Yield every ``step``-th frame of a clip as a VideoFrame (BGR), with its time in seconds.

    ``clip``: a course asset ("video/grid_bbaf2n.mpg") or a path. The capture is released
    even if the loop stops early.
    """
    path, _ = _clip_path(clip)
    reader = ClipReader(path, loop=False)
    try:
        for index, (time, frame) in enumerate(reader.frames()):
            if index % step == 0:
                yield VideoFrame(index, time, frame)
    finally:
        reader.close()


def analyze_clip(clip, *, step: int = 1, max_detect_side: int = 320, analyzer=None) -> Trace:
    """Run the classifier on every ``step``-th frame of a clip (largest face per frame)."""
    from . import analyze_frame, model_info

    analyse = analyzer or analyze_frame
    times, rows, labels, boxes = [], [], [], []
    for frame in iter_frames(clip, step):
        face = largest_face(analyse(frame.bgr, color="bgr", max_detect_side=max_detect_side).faces)
        times.append(frame.time)
        rows.append(face.scores if face else np.full(len(EMOTIONS), np.nan))
        labels.append(face.top_label if face else "")
        boxes.append(face.box if face else None)
    _, asset = _clip_path(clip)
    return Trace(np.array(times, dtype=float), np.array(rows, dtype=float).reshape(-1, len(EMOTIONS)), labels,
                 source=asset.file if asset else str(clip), credit=_credit(asset),
                 model_name=model_info().short_name, boxes=boxes)


def _credit(asset) -> str:
    if asset is None:
        return ""
    from .display import credit_line

    return credit_line(asset)


def as_trace(data, *, fps: float = DEFAULT_FPS, source: str = "") -> Trace:
    """Turn scores over time into a Trace.

    Accepts a Trace; anything with ``.times`` and ``.scores`` (the webcam widget's Recorder);
    an array of shape (n, 7) (times then count frames at ``fps``); or a sequence of
    ``(t, scores)`` pairs with 7 scores each (``None`` for a frame without a face).
    """
    if isinstance(data, Trace):
        return data
    if hasattr(data, "times") and hasattr(data, "scores"):
        return _from_arrays(np.asarray(data.times, float), np.asarray(data.scores, float),
                            source or "recording", getattr(data, "model_name", ""))
    if isinstance(data, np.ndarray) and data.ndim == 2:
        return _from_arrays(np.arange(len(data)) / fps, data.astype(float), source or "score array")
    pairs = list(data)
    times = np.array([float(t) for t, _ in pairs], dtype=float)
    rows = [np.full(len(EMOTIONS), np.nan) if s is None else np.asarray(s, float).reshape(-1) for _, s in pairs]
    if any(len(row) != len(EMOTIONS) for row in rows):
        raise EmolabError(f"Each time needs {len(EMOTIONS)} scores, in the order {EMOTIONS}.")
    return _from_arrays(times, np.array(rows).reshape(-1, len(EMOTIONS)), source or "score sequence")


def _from_arrays(times, scores, source, model_name="") -> Trace:
    if scores.ndim != 2 or scores.shape[1] != len(EMOTIONS) or len(times) != len(scores):
        raise EmolabError(f"Expected {len(times)} rows of {len(EMOTIONS)} scores, got shape {scores.shape}.")
    has_face = ~np.isnan(scores).any(axis=1)
    labels = [EMOTIONS[int(np.argmax(row))] if ok else "" for row, ok in zip(scores, has_face)]
    return Trace(times, scores, labels, source=source, model_name=model_name)


def recording_or_clip(recorder, fallback_clip: str, *, seconds: float = 30.0, min_seconds: float = 5.0) -> Trace:
    """The last ``seconds`` of a webcam recording, or, if there is too little, a clip instead.

    Prints which one it used, so a trace from a clip is never mistaken for the learner's own.
    """
    recording = recorder.last(seconds) if recorder is not None and hasattr(recorder, "last") else recorder
    has_data = recording is not None and len(recording) > 0
    trace = as_trace(recording, source="the camera widget's recording") if has_data else None
    if trace is not None and trace.duration >= min_seconds:
        print(f"Using the camera widget's recording: {len(trace)} frames over {trace.duration:.1f} s.")
        return trace
    print(f"No webcam recording of at least {min_seconds:g} s was found, so this uses the clip "
          f"{fallback_clip} instead: a person reading a sentence to camera, not you.")
    return analyze_clip(fallback_clip)


# ---------------------------------------------------------------------------------------------
# Measures


def count_label_changes(labels) -> int:
    """How many times a top label differs from the previous frame's that had a face ("" = no face)."""
    labelled = [label for label in labels if label]
    return sum(1 for before, after in zip(labelled, labelled[1:]) if before != after)


def label_flips(trace) -> int:
    """How many times the top label differs from the previous frame with a face."""
    return count_label_changes(as_trace(trace).labels)


def flip_rate(trace) -> float:
    """Top-label flips per second of the trace."""
    trace = as_trace(trace)
    return label_flips(trace) / trace.duration if trace.duration else 0.0


@dataclass(frozen=True)
class Firing:
    index: int
    time: float
    label: str
    probability: float


def firing_frames(trace, labels=FIRING_LABELS) -> list[Firing]:
    """Frames whose top label is one of ``labels`` (by default fear, surprise, angry)."""
    trace = as_trace(trace)
    return [Firing(i, float(trace.times[i]), label, float(trace.scores[i, EMOTIONS.index(label)]))
            for i, label in enumerate(trace.labels) if label in labels]


def summary(trace) -> str:
    """One line of measured facts about a trace (nothing hand-written)."""
    trace = as_trace(trace)
    fired = firing_frames(trace)
    counts = {label: sum(1 for f in fired if f.label == label) for label in FIRING_LABELS}
    return (f"{trace.source}: {len(trace)} frames over {trace.duration:.1f} s, a face in {trace.faces_found}; "
            f"top label flipped {label_flips(trace)} times ({flip_rate(trace):.1f} per second); "
            + ", ".join(f"'{label}' top in {n}" for label, n in counts.items()) + " frames.")


# ---------------------------------------------------------------------------------------------
# Figures (display them with emolab.display.show_figure, which needs alt text)


def strip_figure(clip, trace: Trace, count: int = 8):
    """``count`` evenly spaced frames of a clip, each with the model's top label and its score."""
    from .display import subplots

    wanted = set(np.linspace(0, len(trace) - 1, count).round().astype(int).tolist())
    frames = [f for f in iter_frames(clip) if f.index in wanted]
    fig, axes = subplots(1, len(frames), figsize=(1.6 * len(frames), 2.3), layout="constrained")
    for axis, frame in zip(np.atleast_1d(axes), frames):
        axis.imshow(frame.bgr[:, :, ::-1])
        label = trace.labels[frame.index]
        text = f"{label} {np.nanmax(trace.scores[frame.index]):.2f}" if label else "no face"
        axis.set_title(f"{frame.time:.2f} s\n{text}", fontsize=9)
        axis.set_axis_off()
    fig.suptitle(f"Top label per frame ({trace.model_name})", fontsize=10)
    return fig


def strip_alt(trace: Trace, count: int = 8) -> str:
    indices = np.linspace(0, len(trace) - 1, count).round().astype(int)
    parts = [f"{trace.times[i]:.2f} s: {trace.labels[i] or 'no face'}" for i in indices]
    return (f"A row of {count} frames from the clip {trace.source}, a person reading a sentence to camera, "
            f"each titled with its time and the model's top label: " + "; ".join(parts) + ".")


def trace_figure(trace: Trace):
    """The 7 scores over time and the top label (the webcam lesson's plot, for any Trace)."""
    from .webcam.plots import trace_figure as _figure

    return _figure(trace.times, trace.scores, trace.labels, trace.model_name)


def trace_alt(trace: Trace) -> str:
    counts = {label: trace.labels.count(label) for label in EMOTIONS if label in trace.labels}
    common = ", ".join(f"'{k}' in {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:3])
    return (f"Line plot of the 7 emotion scores over {trace.duration:.1f} s for {trace.source} "
            f"({len(trace)} frames), with a strip of the top label per frame below. Most frequent top labels: "
            f"{common or 'none'} frames; the top label changed {label_flips(trace)} times.")
