"""The classifier frame by frame: scores over time, from clips, the webcam, or by hand.

A ``Trace`` is what the classifier said over time: one row of 7 scores per analysed frame
(NaN when no face was found), the top label ("" when no face), the frame times, and which model
said it. Clips (``analyze_clip``), webcam recordings (``Recorder.trace()``) and hand-made score
sequences (``as_trace``) all become Traces, so the same measures (label flips, frames firing a
label), the same alert rule and the same figures (``trace_plot``, ``strip_plot``) apply to all.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from . import assets, private
from .core import EMOTIONS, largest_face
from .display import PALETTE, Figure, caption_lead, credit_line, sentences, subplots
from .errors import EmolabError

FIRING_LABELS = ("fear", "surprise", "angry")
DEFAULT_FPS = 25.0
PAUSE_SECONDS = 1.0  # a longer step between analysed frames is drawn as a break in the lines
DEFAULT_CLIP = "video/grid_bbaf2n.mpg"  # the sample clip of the camera widget and of lesson 2


class ClipError(EmolabError):
    advice = (
        "Check that OpenCV can read the clip (MPEG-1 .mpg); the course's clips are listed by "
        "emolab.assets.collection('video')."
    )


@dataclass(frozen=True)
class VideoFrame:
    index: int
    time: float  # seconds from the start of the clip
    bgr: np.ndarray


@dataclass(repr=False)
class Trace:
    """Scores over time, one row per analysed frame, and what they came from (see the module docstring)."""

    times: np.ndarray  # seconds, shape (n,)
    scores: np.ndarray  # shape (n, 7), EMOTIONS order; NaN rows where no face was found
    labels: list[str]  # top label per frame; "" where no face was found
    source: str = ""  # what was recorded: a clip file, "the camera widget's recording", "hand-made"
    credit: str = ""  # credit line for the person shown, if any
    model_name: str = ""  # the emotion model that gave the scores
    boxes: list = field(default_factory=list)  # face box per frame (None where no face)
    from_camera: bool = False  # from the camera widget: shown live, never saved (emolab.private)

    def __len__(self) -> int:
        return len(self.times)

    def __repr__(self) -> str:
        model = f"; model: {self.model_name}" if self.model_name else ""
        return (
            f"<Trace of {self.source or 'scores'}: {len(self)} frames over {self.duration:.1f} s, "
            f"a face in {self.faces_found}{model}>"
        )

    @property
    def duration(self) -> float:
        """Seconds covered: from the first frame's start to the last frame's end.

        A frame stands for the time until the next one, so 75 frames at 25 frames a second
        cover 3.00 s (the clip's length), not the 2.96 s between the first and last timestamps.
        The last frame is given the median step between frames (webcam frames come unevenly).
        One frame, or none, covers 0 s: there is no step to measure.
        """
        if len(self.times) < 2:
            return 0.0
        step = float(np.median(np.diff(self.times)))
        return float(self.times[-1] - self.times[0] + step)

    @property
    def faces_found(self) -> int:
        return sum(1 for label in self.labels if label)

    def label_counts(self) -> Counter:
        """How often each top label was given (frames without a face are not counted)."""
        return Counter(label for label in self.labels if label)

    def label_changes(self) -> int:
        """How many times the top label differs from the previous frame that had a face."""
        return count_label_changes(self.labels)

    def to_table(self):
        """A pandas DataFrame: time, the 7 scores, top label (empty when no face)."""
        import pandas as pd

        table = pd.DataFrame(self.scores, columns=list(EMOTIONS))
        table.insert(0, "time_s", self.times)
        table["top_label"] = self.labels
        return table


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
    """Run the classifier on every ``step``-th frame of a clip (largest face per frame).

    A course clip (its bytes match the manifest's sha256) run with the course's own classifier
    is analysed once and its numbers kept on disk (:mod:`emolab.analysis_cache`); any other clip,
    or one run with another ``analyzer``, is analysed in memory and never stored.
    """
    from . import analysis_cache, model_info

    def compute():
        return _frame_results(clip, step, max_detect_side, analyzer)

    path, asset = _clip_path(clip)
    if analyzer is None:
        times, rows, labels, boxes = analysis_cache.clip_results(path, step, max_detect_side, compute)
    else:
        times, rows, labels, boxes = compute()
    return Trace(
        np.array(times, dtype=float),
        np.array(rows, dtype=float).reshape(-1, len(EMOTIONS)),
        labels,
        source=asset.file if asset else str(clip),
        credit=credit_line(asset) if asset else "",
        model_name=model_info().short_name,
        boxes=boxes,
    )


def _frame_results(clip, step: int, max_detect_side: int, analyzer) -> tuple[list, list, list, list]:
    """Per analysed frame: its time, the largest face's scores (NaN without a face), label, box."""
    from . import analyze_frame

    analyze_one = analyzer or analyze_frame
    times, rows, labels, boxes = [], [], [], []
    for frame in iter_frames(clip, step):
        face = largest_face(analyze_one(frame.bgr, color="bgr", max_detect_side=max_detect_side).faces)
        times.append(frame.time)
        rows.append(face.scores if face else np.full(len(EMOTIONS), np.nan))
        labels.append(face.top_label if face else "")
        boxes.append(face.box if face else None)
    return times, rows, labels, boxes


def as_trace(data, *, fps: float = DEFAULT_FPS, source: str = "") -> Trace:
    """Turn scores over time into a Trace.

    Accepts a Trace; a recorder (anything with a ``.trace()`` method, such as the webcam
    widget's Recorder); anything with ``.times`` and ``.scores``; an array of shape (n, 7) (times
    then count frames at ``fps``); or a sequence of ``(t, scores)`` pairs with 7 scores each
    (``None`` for a frame without a face).
    """
    if isinstance(data, Trace):
        return data
    if isinstance(data, np.ndarray) and data.ndim == 2:  # before recorders: arrays have a .trace() too
        return _from_arrays(np.arange(len(data)) / fps, data.astype(float), source or "score array")
    if callable(getattr(data, "trace", None)):
        return data.trace()
    if hasattr(data, "times") and hasattr(data, "scores"):
        return _from_arrays(
            np.asarray(data.times, float),
            np.asarray(data.scores, float),
            source or "recording",
            getattr(data, "model_name", ""),
        )
    pairs = list(data)
    times = np.array([float(t) for t, _ in pairs], dtype=float)
    rows = [
        np.full(len(EMOTIONS), np.nan) if s is None else np.asarray(s, float).reshape(-1) for _, s in pairs
    ]
    if any(len(row) != len(EMOTIONS) for row in rows):
        raise EmolabError(f"Each time needs {len(EMOTIONS)} scores, in the order {EMOTIONS}.")
    return _from_arrays(times, np.array(rows).reshape(-1, len(EMOTIONS)), source or "score sequence")


def _from_arrays(times, scores, source, model_name="") -> Trace:
    if scores.ndim != 2 or scores.shape[1] != len(EMOTIONS) or len(times) != len(scores):
        raise EmolabError(f"Expected {len(times)} rows of {len(EMOTIONS)} scores, got shape {scores.shape}.")
    has_face = ~np.isnan(scores).any(axis=1)
    labels = [EMOTIONS[int(np.argmax(row))] if ok else "" for row, ok in zip(scores, has_face, strict=True)]
    return Trace(times, scores, labels, source=source, model_name=model_name)


def recording_or_clip(
    recorder, fallback_clip: str, *, seconds: float = 30.0, min_seconds: float = 5.0
) -> Trace:
    """The last ``seconds`` of a webcam recording, or, if there is too little, a clip instead.

    Prints which one it used, so a trace from a clip is never mistaken for the learner's own.
    ``recorder``: the camera widget's Recorder (``cam.recorder``), a Trace, or None.
    """
    recording = recorder.last(seconds) if recorder is not None and hasattr(recorder, "last") else recorder
    has_data = recording is not None and len(recording) > 0
    trace = as_trace(recording, source="the camera widget's recording") if has_data else None
    if trace is not None and trace.duration >= min_seconds:
        private.show(f"Using the camera widget's recording: {len(trace)} frames over {trace.duration:.1f} s.")
        return trace
    print(
        f"No webcam recording of at least {min_seconds:g} s was found, so this uses the clip "
        f"{fallback_clip} instead: a person reading a sentence to camera, not you."
    )
    return analyze_clip(fallback_clip)


# ---------------------------------------------------------------------------------------------
# Measures


def count_label_changes(labels) -> int:
    """How many times a top label differs from the previous frame's that had a face ("" = no face)."""
    labelled = [label for label in labels if label]
    return sum(1 for before, after in zip(labelled, labelled[1:], strict=False) if before != after)


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
    return [
        Firing(i, float(trace.times[i]), label, float(trace.scores[i, EMOTIONS.index(label)]))
        for i, label in enumerate(trace.labels)
        if label in labels
    ]


def summary(trace) -> str:
    """One line of measured facts about a trace (nothing hand-written); for a camera recording,
    text that is shown but never saved in the notebook (see ``emolab.private``)."""
    trace = as_trace(trace)
    fired = firing_frames(trace)
    counts = {label: sum(1 for f in fired if f.label == label) for label in FIRING_LABELS}
    return _private_if_camera(
        trace,
        f"{trace.source}: {len(trace)} frames over {trace.duration:.1f} s, a face in {trace.faces_found}; "
        f"top label flipped {label_flips(trace)} times ({flip_rate(trace):.1f} per second); "
        + ", ".join(f"'{label}' top in {n}" for label, n in counts.items())
        + " frames.",
    )


def _private_if_camera(trace: Trace, result):
    """Wrap what was computed from a camera recording so it is shown but never saved (an empty
    recording says nothing about anyone: its "nothing recorded yet" stays an ordinary output)."""
    if not trace.from_camera or len(trace) == 0:
        return result
    return private.PrivateFigure(result) if isinstance(result, Figure) else private.PrivateText(result)


# ---------------------------------------------------------------------------------------------
# Figures: ``trace_plot`` and ``strip_plot`` return complete Figures (picture, alt text, caption);
# the ``*_figure`` functions draw the pictures alone.

# Line styles repeat the colour information, so the trace plot reads without colour too.
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)))


def trace_plot(trace, title: str | None = None) -> Figure:
    """The 7 scores and the top label over time, with alt text and a caption naming the model and
    crediting the person shown. ``trace``: a Trace or anything :func:`as_trace` accepts (such as
    ``cam.recorder``); ``title``: a few words that start the caption, such as "Sitting still".
    For a camera recording the figure is shown but never saved in the notebook."""
    trace = as_trace(trace)
    what = f"the 7 scores{_given_by(trace)} over time for {trace.source or 'these scores'}"
    caption = sentences(caption_lead(title, what), gap_note(trace), trace.credit)
    return _private_if_camera(trace, Figure(trace_figure(trace), trace_alt(trace), caption))


def gap_note(trace: Trace) -> str:
    """Why the lines have gaps: frames without a face, and pauses between analysed frames."""
    missing = len(trace) - trace.faces_found
    notes = []
    if missing:
        notes.append(f"{missing} of {len(trace)} frames had no face the detector could find")
    pauses = int(np.sum(np.diff(trace.times) > PAUSE_SECONDS)) if len(trace) > 1 else 0
    if pauses:
        notes.append(
            f"{pauses} pause(s) of more than {PAUSE_SECONDS:g} s between analysed frames (camera stopped, "
            "kernel busy with another cell, or the browser tab in the background)"
        )
    return f"Gaps in the lines: {'; '.join(notes)}." if notes else ""


def strip_plot(trace, count: int = 8, title: str | None = None) -> Figure:
    """``count`` evenly spaced frames of the clip a trace was made from, each titled with its time
    and the model's top label, with alt text and a caption naming the model and crediting the person."""
    clip = _clip_of(trace)
    what = f"{len(_strip_picks(trace, count))} frames of {clip}, each with its top label{_given_by(trace)}"
    return Figure(
        strip_figure(clip, trace, count),
        strip_alt(trace, count),
        sentences(caption_lead(title, what), trace.credit),
    )


def _given_by(trace: Trace) -> str:
    return f" given by {trace.model_name}" if trace.model_name else ""


def _clip_of(trace: Trace) -> str:
    """The clip a trace was made from; an error for a recording or hand-made scores (no frames kept)."""
    if trace.source and (
        Path(trace.source).is_file() or trace.source in {a.file for a in assets.collection("video")}
    ):
        return trace.source
    raise ClipError(
        f"A strip of frames needs a trace made from a clip (video.analyze_clip); this one is from "
        f"{trace.source or 'hand-made scores'}, whose frames were not kept.",
        "Use video.trace_plot(trace) to see its scores over time instead.",
    )


def _strip_picks(trace: Trace, count: int) -> list[int]:
    """Up to ``count`` evenly spaced frame numbers of the trace."""
    return sorted(set(np.linspace(0, len(trace) - 1, count).round().astype(int).tolist()))


def strip_figure(clip, trace: Trace, count: int = 8):
    """``count`` evenly spaced frames of a clip, each with the model's top label and its score."""
    wanted = {float(trace.times[i]): i for i in _strip_picks(trace, count)}  # found by time: any ``step``
    frames = [(wanted[f.time], f) for f in iter_frames(clip) if f.time in wanted]
    fig, axes = subplots(1, len(frames), figsize=(1.6 * len(frames), 2.3), layout="constrained")
    for axis, (i, frame) in zip(np.atleast_1d(axes), frames, strict=True):
        axis.imshow(frame.bgr[:, :, ::-1])
        label = trace.labels[i]
        text = f"{label} {np.nanmax(trace.scores[i]):.2f}" if label else "no face"
        axis.set_title(f"{frame.time:.2f} s\n{text}", fontsize=9)
        axis.set_axis_off()
    fig.suptitle(f"Top label per frame ({trace.model_name})", fontsize=10)
    return fig


def strip_alt(trace: Trace, count: int = 8) -> str:
    picks = _strip_picks(trace, count)
    parts = [f"{trace.times[i]:.2f} s: {trace.labels[i] or 'no face'}" for i in picks]
    return (
        f"A row of {len(picks)} frames from the clip {trace.source}, a person reading a sentence to camera, "
        f"each titled with its time and the model's top label: " + "; ".join(parts) + "."
    )


def trace_figure(trace: Trace):
    """Two panels sharing the time axis: the 7 scores (top) and the top label per frame (bottom)."""
    trace = as_trace(trace)
    fig, (top, bottom) = subplots(
        2, 1, figsize=(9, 5.5), sharex=True, height_ratios=[3, 2], layout="constrained"
    )
    if len(trace) == 0:
        _draw_empty(top, bottom)
        return fig
    _draw_scores(top, trace.times, trace.scores)
    _draw_labels(bottom, trace.times, trace.labels)
    top.set_title("Scores over time" + (f" ({trace.model_name})" if trace.model_name else ""))
    return fig


def _draw_empty(top, bottom) -> None:
    top.text(
        0.5,
        0.5,
        "Nothing recorded yet: start the camera or the sample clip, then run this cell again.",
        ha="center",
        va="center",
        wrap=True,
        transform=top.transAxes,
    )
    for axis in (top, bottom):
        axis.set_xticks([])
        axis.set_yticks([])


def _with_breaks_at_pauses(times, scores):
    """A NaN row after each pause, so matplotlib breaks the lines there instead of bridging them."""
    pauses = np.flatnonzero(np.diff(times) > PAUSE_SECONDS)
    if not len(pauses):
        return times, scores
    gap_times = times[pauses] + PAUSE_SECONDS / 2
    return (
        np.insert(times, pauses + 1, gap_times),
        np.insert(scores, pauses + 1, np.full(len(EMOTIONS), np.nan), axis=0),
    )


def _draw_scores(axis, times, scores) -> None:
    times, scores = _with_breaks_at_pauses(times, scores)
    for index, label in enumerate(EMOTIONS):
        axis.plot(
            times,
            scores[:, index],
            color=PALETTE[label],
            linestyle=LINE_STYLES[index],
            linewidth=1.8,
            label=label,
        )
    axis.set_ylim(0, 1)
    axis.set_ylabel("score (0 to 1)")
    axis.legend(ncols=4, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.04), frameon=False)
    axis.grid(alpha=0.3)


def _draw_labels(axis, times, labels) -> None:
    rows = {label: index for index, label in enumerate(EMOTIONS)}
    for label in EMOTIONS:
        chosen = [t for t, top in zip(times, labels, strict=True) if top == label]
        axis.scatter(chosen, [rows[label]] * len(chosen), color=PALETTE[label], marker="|", s=120)
    no_face = [t for t, top in zip(times, labels, strict=True) if not top]
    axis.scatter(no_face, [-1] * len(no_face), color="#000000", marker="x", s=20)
    axis.set_yticks(range(-1, len(EMOTIONS)), ["no face", *EMOTIONS])
    axis.set_ylim(-1.5, len(EMOTIONS) - 0.5)
    axis.set_ylabel("top label")
    axis.set_xlabel("time (s)")
    axis.grid(alpha=0.3, axis="x")


def trace_alt(trace) -> str:
    """Alt text for :func:`trace_figure`, computed from the trace (no model output written by hand)."""
    trace = as_trace(trace)
    if len(trace) == 0:
        return "Empty trace plot: nothing has been recorded yet."
    common = ", ".join(f"'{label}' in {n}" for label, n in trace.label_counts().most_common(3)) or "none"
    model = f" by {trace.model_name}" if trace.model_name else ""
    source = f" for {trace.source}" if trace.source else ""
    return (
        f"Line plot of the 7 emotion scores given{model} over {trace.duration:.1f} seconds{source} "
        f"({len(trace)} analysed frames, a face found in {trace.faces_found}), with a strip below showing "
        f"the top label of each frame. Most frequent top labels: {common} frames. "
        f"The top label changed {trace.label_changes()} times."
    )
