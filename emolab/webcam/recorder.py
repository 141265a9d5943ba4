"""An in-memory, bounded recording of the classifier's 7 scores and top label over time.

The recorder keeps at most ``max_samples`` samples and drops samples older than ``seconds``
before the newest one, so a camera left running for an hour uses no more memory than one left
running for a minute. Nothing is written to disk; ``clear()`` forgets everything.
A sample is one analysed frame: its time, the 7 scores of the largest face (NaN when no face was
found) and that face's top label ("" when no face).

What was recorded is read as a :class:`emolab.video.Trace` (``trace()``, ``last(seconds)``), so
recordings and clips share one set of measures and one plot.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass

import numpy as np

from ..core import EMOTIONS
from ..display import sentences
from ..private import PrivateText
from ..video import Trace, trace_plot

NO_FACE = tuple([float("nan")] * len(EMOTIONS))
RECORDING = "the camera widget's recording"
MEMORY_NOTE = "Scores are kept in memory only."


@dataclass(frozen=True)
class Sample:
    time: float  # seconds, on the recorder's clock
    scores: tuple[float, ...]  # 7 values in EMOTIONS order; NaN when no face
    top_label: str  # "" when no face


class Recorder:
    """Bounded recording of scores over time (see the module docstring)."""

    def __init__(
        self,
        seconds: float = 120.0,
        max_samples: int = 6000,
        clock=time.monotonic,
        model_name: str = "",
        source: str = RECORDING,
        from_camera: bool = True,
    ):
        if seconds <= 0 or max_samples <= 0:
            raise ValueError("seconds and max_samples must be positive")
        self.seconds = float(seconds)
        self.max_samples = int(max_samples)
        self.model_name = model_name
        self.source = source
        self.from_camera = from_camera  # what it records is shown live, never saved (emolab.private)
        self._clock = clock
        self._samples: deque[Sample] = deque(maxlen=self.max_samples)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._samples)

    def __repr__(self) -> str:
        return (
            f"<Recorder: {len(self)} samples over {self.duration:.1f} s, keeps the last {self.seconds:g} s>"
        )

    def add(self, scores=None, top_label: str = "", t: float | None = None) -> None:
        """Record one analysed frame; ``scores=None`` means no face was found."""
        values = NO_FACE if scores is None else tuple(float(v) for v in np.asarray(scores).reshape(-1))
        if len(values) != len(EMOTIONS):
            raise ValueError(f"expected {len(EMOTIONS)} scores in the order {EMOTIONS}, got {len(values)}")
        sample = Sample(
            self._clock() if t is None else float(t), values, top_label if scores is not None else ""
        )
        with self._lock:
            self._samples.append(sample)
            self._drop_old(sample.time)

    def add_face(self, face, t: float | None = None) -> None:
        """Record a Face (or None for a frame without a face)."""
        if face is None:
            self.add(None, t=t)
        else:
            self.add(face.scores, face.top_label, t=t)

    def _drop_old(self, newest: float) -> None:
        while self._samples and newest - self._samples[0].time > self.seconds:
            self._samples.popleft()

    def clear(self) -> None:
        with self._lock:
            self._samples.clear()

    @property
    def samples(self) -> list[Sample]:
        with self._lock:
            return list(self._samples)

    def trace(self, seconds: float | None = None) -> Trace:
        """The recording (or only its last ``seconds``) as a Trace, timed from its first sample."""
        samples = self.samples
        if seconds is not None and samples:
            samples = [s for s in samples if samples[-1].time - s.time <= seconds]
        start = samples[0].time if samples else 0.0
        return Trace(
            np.array([s.time - start for s in samples], dtype=float),
            np.array([s.scores for s in samples], dtype=float).reshape(-1, len(EMOTIONS)),
            [s.top_label for s in samples],
            source=self.source,
            model_name=self.model_name,
            from_camera=self.from_camera,
        )

    def last(self, seconds: float) -> Trace:
        """The last ``seconds`` of the recording, as a Trace."""
        return self.trace(seconds)

    def summarise(self, seconds: float = 20) -> str:
        """Top labels and label changes in the last ``seconds``: shown, never saved in the notebook."""
        recent = self.last(seconds)
        counts = recent.label_counts()
        if not counts:  # says nothing about anyone: an ordinary output
            return f"Nothing recorded in the last {seconds:g} s: start the camera (or the sample clip) first."
        frames = sum(counts.values())
        shares = ", ".join(f"{label} {count / frames:.0%}" for label, count in counts.most_common())
        model = f" ({self.model_name})" if self.model_name else ""
        text = (
            f"{frames} frames with a face over {recent.duration:.1f} s{model}.\n"
            f"Top labels: {shares}. The top label changed {recent.label_changes()} times."
        )
        return PrivateText(text) if self.from_camera else text

    def plot(self, seconds: float | None = None, caption: str | None = None) -> None:
        """Show the trace plot of the recording (or of its last ``seconds``) now.

        The same as ``video.trace_plot(recorder.trace(seconds))``, with a note that the scores
        stay in memory; ``caption`` replaces the caption.
        """
        figure = trace_plot(self.trace(seconds or None))
        figure.with_caption(caption or sentences(figure.caption, MEMORY_NOTE)).show()

    # Shorthands for the same names on ``trace()``.

    @property
    def times(self) -> np.ndarray:
        """Seconds since the first kept sample."""
        return self.trace().times

    @property
    def scores(self) -> np.ndarray:
        """Array (n, 7) in EMOTIONS order; rows of NaN for frames without a face."""
        return self.trace().scores

    @property
    def labels(self) -> list[str]:
        return self.trace().labels

    @property
    def duration(self) -> float:
        return self.trace().duration

    def label_counts(self) -> Counter:
        return self.trace().label_counts()

    def label_changes(self) -> int:
        return self.trace().label_changes()

    def to_table(self):
        return self.trace().to_table()
