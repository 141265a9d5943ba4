"""The trace plot of a recording: 7 scores and the top label against time, with alt text."""

from __future__ import annotations

import numpy as np

from ..core import EMOTIONS

# Line styles repeat the colour information, so the plot reads without colour too.
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)))


def _palette() -> dict[str, str]:
    from emolab.display import PALETTE

    return PALETTE


def trace_figure(times: np.ndarray, scores: np.ndarray, labels: list[str], model_name: str = ""):
    """Two panels sharing the time axis: the 7 scores (top) and the top label (bottom)."""
    from emolab.display import subplots

    fig, (top, bottom) = subplots(2, 1, figsize=(9, 5.5), sharex=True, height_ratios=[3, 2], layout="constrained")
    if len(times) == 0:
        _draw_empty(top, bottom)
        return fig
    _draw_scores(top, times, scores)
    _draw_labels(bottom, times, labels)
    title = "Scores over time" + (f" ({model_name})" if model_name else "")
    top.set_title(title)
    return fig


def _draw_empty(top, bottom) -> None:
    top.text(0.5, 0.5, "Nothing recorded yet: start the camera or the sample clip, then run this cell again.",
             ha="center", va="center", wrap=True, transform=top.transAxes)
    for axis in (top, bottom):
        axis.set_xticks([])
        axis.set_yticks([])


def _draw_scores(axis, times, scores) -> None:
    palette = _palette()
    for index, label in enumerate(EMOTIONS):
        axis.plot(times, scores[:, index], color=palette[label], linestyle=LINE_STYLES[index], linewidth=1.8, label=label)
    axis.set_ylim(0, 1)
    axis.set_ylabel("score (0 to 1)")
    axis.legend(ncols=4, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.04), frameon=False)
    axis.grid(alpha=0.3)


def _draw_labels(axis, times, labels) -> None:
    palette = _palette()
    rows = {label: index for index, label in enumerate(EMOTIONS)}
    for label in EMOTIONS:
        chosen = [t for t, top in zip(times, labels) if top == label]
        axis.scatter(chosen, [rows[label]] * len(chosen), color=palette[label], marker="|", s=120)
    no_face = [t for t, top in zip(times, labels) if not top]
    axis.scatter(no_face, [-1] * len(no_face), color="#000000", marker="x", s=20)
    axis.set_yticks(range(-1, len(EMOTIONS)), ["no face", *EMOTIONS])
    axis.set_ylim(-1.5, len(EMOTIONS) - 0.5)
    axis.set_ylabel("top label")
    axis.set_xlabel("time (s)")
    axis.grid(alpha=0.3, axis="x")


def trace_alt_text(recording) -> str:
    """Alt text computed from the recording itself (no model output is written by hand)."""
    n = len(recording)
    if n == 0:
        return "Empty trace plot: nothing has been recorded yet."
    counts = recording.label_counts()
    with_face = sum(counts.values())
    common = ", ".join(f"'{label}' in {count}" for label, count in counts.most_common(3)) or "none"
    model = f" by {recording.model_name}" if recording.model_name else ""
    return (
        f"Line plot of the 7 emotion scores given{model} over {recording.duration:.1f} seconds "
        f"({n} analysed frames, a face found in {with_face}), with a strip below showing the top label of "
        f"each frame. Most frequent top labels: {common} frames. The top label changed "
        f"{recording.label_changes()} times."
    )
