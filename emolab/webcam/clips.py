"""Record the classifier's scores on a licensed sample clip, kernel-side, without a browser.

This is what the lesson's exercises use: it needs no camera and gives the same kind of trace as
the live widget, with time taken from the clip's own frame numbers.
"""

from __future__ import annotations

from .. import assets
from .frames import ClipReader, largest_face
from .recorder import Recorder

DEFAULT_CLIP = "video/grid_bbaf2n.mpg"


def record_clip(clip: str = DEFAULT_CLIP, *, max_detect_side: int = 320, analyzer=None) -> Recorder:
    """Analyse every frame of a sample clip once; return the Recorder of scores over time."""
    from .. import analyze_frame, model_info

    analyse = analyzer or analyze_frame
    reader = ClipReader(assets.fetch(clip), loop=False)
    frames = list(reader.frames())
    reader.close()
    recorder = Recorder(seconds=max(1.0, len(frames) / reader.fps + 1.0), max_samples=len(frames) + 1,
                        model_name=model_info().short_name)
    for t, frame in frames:
        analysis = analyse(frame, color="bgr", max_detect_side=max_detect_side)
        recorder.add_face(largest_face(analysis.faces), t=t)
    return recorder
