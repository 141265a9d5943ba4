"""Record the classifier's scores on a licensed sample clip, kernel-side, without a browser.

This is what the lesson's exercises use: it needs no camera and gives the same kind of trace as
the live widget, with time taken from the clip's own frame numbers.
"""

from __future__ import annotations

from ..video import analyze_clip
from .recorder import Recorder

DEFAULT_CLIP = "video/grid_bbaf2n.mpg"


def record_clip(clip: str = DEFAULT_CLIP, *, max_detect_side: int = 320, analyzer=None) -> Recorder:
    """Analyse every frame of a sample clip once; return the Recorder of scores over time."""
    trace = analyze_clip(clip, max_detect_side=max_detect_side, analyzer=analyzer)
    recorder = Recorder(seconds=max(1.0, trace.duration + 1.0), max_samples=len(trace) + 1,
                        model_name=trace.model_name)
    for t, scores, label in zip(trace.times, trace.scores, trace.labels):
        recorder.add(scores if label else None, label, t=t)
    return recorder
