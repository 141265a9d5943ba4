"""Record the classifier's scores on a licensed sample clip, kernel-side, without a browser.

This is what the lesson's exercises use: it needs no camera and gives the same kind of trace as
the live widget (a :class:`emolab.video.Trace`), with time taken from the clip's own frame numbers.
"""

from __future__ import annotations

from ..video import DEFAULT_CLIP, Trace, analyze_clip


def record_clip(clip: str = DEFAULT_CLIP, *, max_detect_side: int = 320, analyzer=None) -> Trace:
    """Analyse every frame of a sample clip once: the scores over time, with the clip's credit."""
    return analyze_clip(clip, max_detect_side=max_detect_side, analyzer=analyzer)
