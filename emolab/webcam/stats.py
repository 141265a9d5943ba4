"""Bookkeeping of the camera loop on the kernel side: what arrived, what was answered, how fast.

All histories are bounded deques, so a long session uses constant memory.
"""

from __future__ import annotations

import time
from collections import deque

import numpy as np

HISTORY = 2000


def _median_p90(values) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    data = np.asarray(values, dtype=float)
    return float(np.median(data)), float(np.percentile(data, 90))


class LoopStats:
    """Counts and timings of frames sent by the browser and answered by the kernel."""

    def __init__(self, clock=time.monotonic, history: int = HISTORY):
        self._clock = clock
        self.frames_analysed = 0
        self.frames_with_face = 0
        self.frames_stale = 0
        self.frames_failed = 0
        self.last_seq = 0
        self.kernel_ms: deque[float] = deque(maxlen=history)
        self.rtt_ms: deque[float] = deque(maxlen=history)
        self.encode_ms: deque[float] = deque(maxlen=history)
        self.answer_times: deque[float] = deque(maxlen=history)

    def is_stale(self, seq: int) -> bool:
        """A frame older than one already answered (it overtook nothing): skip it."""
        return seq <= self.last_seq

    def arrived(self, content: dict) -> None:
        """Take the browser's measurements that ride along with each frame message."""
        for key, history in (("rtt_ms", self.rtt_ms), ("encode_ms", self.encode_ms)):
            value = content.get(key)
            if isinstance(value, (int, float)) and value >= 0:
                history.append(float(value))

    def stale(self) -> None:
        self.frames_stale += 1

    def failed(self) -> None:
        self.frames_failed += 1

    def answered(self, seq: int, kernel_ms: float, had_face: bool) -> None:
        self.last_seq = max(self.last_seq, seq)
        self.frames_analysed += 1
        self.frames_with_face += int(had_face)
        self.kernel_ms.append(kernel_ms)
        self.answer_times.append(self._clock())

    def restart(self) -> None:
        """A new camera or clip session: sequence numbers start again from 1."""
        self.last_seq = 0

    def fps(self, window: float = 5.0) -> float | None:
        """Frames answered per second over the last ``window`` seconds of answers."""
        times = list(self.answer_times)
        if len(times) < 2:
            return None
        recent = [t for t in times if times[-1] - t <= window]
        span = recent[-1] - recent[0]
        return (len(recent) - 1) / span if span > 0 else None

    def summary(self) -> dict:
        kernel = _median_p90(self.kernel_ms)
        rtt = _median_p90(self.rtt_ms)
        encode = _median_p90(self.encode_ms)
        return {
            "frames_analysed": self.frames_analysed,
            "frames_with_face": self.frames_with_face,
            "frames_stale": self.frames_stale,
            "frames_failed": self.frames_failed,
            "fps": self.fps(),
            "kernel_ms_median": kernel[0],
            "kernel_ms_p90": kernel[1],
            "rtt_ms_median": rtt[0],
            "rtt_ms_p90": rtt[1],
            "encode_ms_median": encode[0],
            "encode_ms_p90": encode[1],
        }
