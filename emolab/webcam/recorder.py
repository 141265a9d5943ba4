"""An in-memory, bounded recording of the classifier's 7 scores and top label over time.

The recorder keeps at most ``max_samples`` samples and drops samples older than ``seconds``
before the newest one, so a camera left running for an hour uses no more memory than one left
running for a minute. Nothing is written to disk; ``clear()`` forgets everything.
A sample is one analysed frame: its time, the 7 scores of the largest face (NaN when no face was
found) and that face's top label ("" when no face).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass

import numpy as np

from ..core import EMOTIONS


@dataclass(frozen=True)
class Sample:
    time: float  # seconds, on the recorder's clock
    scores: tuple[float, ...]  # 7 values in EMOTIONS order; NaN when no face
    top_label: str  # "" when no face


NO_FACE = tuple([float("nan")] * len(EMOTIONS))


class Recorder:
    """Bounded recording of scores over time (see the module docstring)."""

    def __init__(self, seconds: float = 120.0, max_samples: int = 6000, clock=time.monotonic, model_name: str = ""):
        if seconds <= 0 or max_samples <= 0:
            raise ValueError("seconds and max_samples must be positive")
        self.seconds = float(seconds)
        self.max_samples = int(max_samples)
        self.model_name = model_name
        self._clock = clock
        self._samples: deque[Sample] = deque(maxlen=self.max_samples)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._samples)

    def __repr__(self) -> str:
        return f"<Recorder: {len(self)} samples over {self.duration:.1f} s, keeps the last {self.seconds:g} s>"

    def add(self, scores=None, top_label: str = "", t: float | None = None) -> None:
        """Record one analysed frame; ``scores=None`` means no face was found."""
        values = NO_FACE if scores is None else tuple(float(v) for v in np.asarray(scores).reshape(-1))
        if len(values) != len(EMOTIONS):
            raise ValueError(f"expected {len(EMOTIONS)} scores in the order {EMOTIONS}, got {len(values)}")
        sample = Sample(self._clock() if t is None else float(t), values, top_label if scores is not None else "")
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

    @property
    def times(self) -> np.ndarray:
        """Seconds since the first kept sample."""
        samples = self.samples
        start = samples[0].time if samples else 0.0
        return np.array([s.time - start for s in samples], dtype=float)

    @property
    def scores(self) -> np.ndarray:
        """Array (n, 7) in EMOTIONS order; rows of NaN for frames without a face."""
        return np.array([s.scores for s in self.samples], dtype=float).reshape(-1, len(EMOTIONS))

    @property
    def labels(self) -> list[str]:
        return [s.top_label for s in self.samples]

    @property
    def duration(self) -> float:
        samples = self.samples
        return samples[-1].time - samples[0].time if len(samples) > 1 else 0.0

    def label_counts(self) -> Counter:
        """How often each top label was given (frames without a face are not counted)."""
        return Counter(label for label in self.labels if label)

    def label_changes(self) -> int:
        """How many times the top label differs from the previous frame that had a face."""
        from ..video import count_label_changes

        return count_label_changes(self.labels)

    def to_table(self):
        """A pandas DataFrame: time, the 7 scores, top label (empty when no face)."""
        import pandas as pd

        table = pd.DataFrame(self.scores, columns=list(EMOTIONS))
        table.insert(0, "time_s", self.times)
        table["top_label"] = self.labels
        return table

    def last(self, seconds: float) -> "Recorder":
        """A copy holding only the last ``seconds`` of this recording."""
        copy = Recorder(self.seconds, self.max_samples, self._clock, self.model_name)
        samples = self.samples
        if samples:
            newest = samples[-1].time
            copy._samples.extend(s for s in samples if newest - s.time <= seconds)
        return copy

    def figure(self, seconds: float | None = None):
        """A matplotlib figure: the 7 scores over time and the top label (see ``plot``)."""
        from .plots import trace_figure

        recording = self.last(seconds) if seconds else self
        return trace_figure(recording.times, recording.scores, recording.labels, self.model_name)

    def plot(self, seconds: float | None = None, caption: str | None = None) -> None:
        """Show the trace with alt text (through ``emolab.display.show_figure``)."""
        from emolab.display import show_figure

        from .plots import trace_alt_text

        recording = self.last(seconds) if seconds else self
        fig = recording.figure()
        if caption is None and self.model_name:
            caption = f"Model: {self.model_name}. Scores are kept in memory only."
        show_figure(fig, alt=trace_alt_text(recording), caption=caption)
