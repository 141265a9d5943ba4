"""Showing results accessibly: figures with alt text, credits beside every face, safe colours.

A figure is a :class:`Figure`: the picture, its alt text and its caption (the credits and the
name of the model that produced what is shown) in one object, which displays itself as an HTML
``<figure>`` with an ``<img alt=...>`` when it ends a cell. Plain inline matplotlib output has no
alt text. The package's ``*_plot`` functions (``video.trace_plot``, ``composite.scores_plot``, ...)
build complete Figures, so a lesson cell never writes alt text or captions by hand.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure as MatplotlibFigure

from .assets import Asset, analyze_assets, asset_for, find_asset

# Okabe & Ito's colour-blind-safe palette, one colour per label (same everywhere in the course).
PALETTE = {
    "angry": "#D55E00",
    "disgust": "#009E73",
    "fear": "#CC79A7",
    "happy": "#E69F00",
    "sad": "#0072B2",
    "surprise": "#56B4E9",
    "neutral": "#000000",
}
BOX_COLOUR = "#F0E442"  # Okabe-Ito yellow: visible on most photos


def licence_text(asset: Asset) -> str:
    if asset.collection == "video":
        return (
            "CC BY 4.0 as other projects cite the corpus's Zenodo record "
            "(doi:10.5281/zenodo.3625687); not checked against the record itself"
        )
    if asset.collection == "fairface":
        return (
            "CC BY 4.0 as declared by the FairFace authors; "
            "the original Flickr photo's own licence may differ"
        )
    return asset.license.split(" (")[0]


def credit_line(asset: Asset) -> str:
    kind = "Clip" if asset.collection == "video" else "Photo"
    return f"{kind}: {asset.credit}. Licence: {licence_text(asset)}."


def model_caption(model) -> str:
    return f"Model: {model.short_name} (weights sha256 {model.sha256[:12]}…), via DeepFace's pipeline."


def subplots(*args, **kwargs):
    """Like plt.subplots, but the figure is not registered with pyplot, so Jupyter never shows
    it on its own (without alt text); wrap it in a Figure to show it."""
    fig = MatplotlibFigure(figsize=kwargs.pop("figsize", None), layout=kwargs.pop("layout", None))
    return fig, fig.subplots(*args, **kwargs)


def figure_html(png: bytes, alt: str, caption: str | None = None) -> str:
    encoded = base64.b64encode(png).decode("ascii")
    caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure class="emolab-figure" style="margin:0 0 1em 0">'
        f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt, quote=True)}" '
        f'style="max-width:100%;height:auto"/>{caption_html}</figure>'
    )


def figure_png(fig, dpi: int = 96) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)  # a no-op for figures made with subplots() above; frees pyplot's ones
    return buffer.getvalue()


def show_html(markup: str, text: str) -> None:
    from IPython.display import display

    display({"text/html": markup, "text/plain": text}, raw=True)


class Figure:
    """A picture, its alt text and its caption; it displays itself when it ends a cell.

    ``picture``: a matplotlib figure (rendered to PNG here, once, and closed) or PNG bytes.
    In JupyterLab it is an HTML ``<figure>`` with ``<img alt=...>`` and ``<figcaption>``; front
    ends without HTML show its plain-text form, which states the alt text and the caption.
    """

    def __init__(self, picture, alt: str, caption: str | None = None):
        if not alt or not alt.strip():
            raise ValueError("Every figure needs alt text describing what it shows.")
        self.png = picture if isinstance(picture, bytes) else figure_png(picture)
        self.alt = alt
        self.caption = caption or ""

    def _repr_html_(self) -> str:
        return figure_html(self.png, self.alt, self.caption)

    def __repr__(self) -> str:
        return f"[Figure: {self.alt}]" + (f"\n{self.caption}" if self.caption else "")

    def show(self) -> None:
        """Display it now: for a figure that does not end its cell (one made in a loop, say)."""
        from IPython.display import display

        display(self)

    def with_caption(self, caption: str) -> Figure:
        return Figure(self.png, self.alt, caption)


def sentences(*parts: str | None) -> str:
    """The non-empty parts of a caption, joined by spaces."""
    return " ".join(part.strip() for part in parts if part and part.strip())


def caption_lead(title: str | None, what: str) -> str:
    """A caption's first sentence: 'Sitting still: the 7 scores over time.', or 'The 7 scores over time.'"""
    return f"{title}: {what}." if title else f"{what[:1].upper()}{what[1:]}."


def show_figure(fig, alt: str, caption: str | None = None) -> None:
    """Display a matplotlib figure with alt text (and credits/model in the caption); close it."""
    Figure(fig, alt, caption).show()


def show_image(rgb: np.ndarray, alt: str, caption: str | None = None, width: float = 4.0) -> None:
    """Display one picture (e.g. a photo or a crop) with alt text and a caption."""
    height = width * rgb.shape[0] / rgb.shape[1]
    fig, ax = subplots(figsize=(width, height))
    ax.imshow(
        rgb,
        cmap="gray" if rgb.ndim == 2 else None,
        interpolation="nearest" if max(rgb.shape[:2]) <= 64 else None,
    )
    ax.axis("off")
    show_figure(fig, alt, caption)


def describe_scores(face, k: int = 3) -> str:
    """'happy 84%, neutral 9%, sad 3%': the k highest probabilities, for alt text and captions."""
    ranked = sorted(face.probabilities.items(), key=lambda item: -item[1])[:k]
    return ", ".join(f"{label} {p:.0%}" for label, p in ranked)


def draw_box(ax, box, label: str | None = None) -> None:
    from matplotlib.patches import Rectangle

    x, y, w, h = box
    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor=BOX_COLOUR, linewidth=2.5))
    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor="black", linewidth=0.8))
    if label:
        ax.text(
            x,
            y - 4,
            label,
            color="black",
            fontsize=9,
            va="bottom",
            bbox={"facecolor": BOX_COLOUR, "edgecolor": "none", "pad": 1.5},
        )


def probability_bars(ax, face, title: str | None = None) -> None:
    """The 7 probabilities as horizontal bars, in the fixed label order, Okabe-Ito colours."""
    labels = list(face.probabilities)
    values = [face.probabilities[label] for label in labels]
    ax.barh(labels, values, color=[PALETTE[label] for label in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability the model gives each label")
    for i, value in enumerate(values):
        inside = value > 0.8  # a long bar: write the number inside it, in white
        ax.text(
            value - 0.02 if inside else value + 0.02,
            i,
            f"{value:.0%}",
            va="center",
            fontsize=8,
            ha="right" if inside else "left",
            color="white" if inside else "black",
        )
    if title:
        ax.set_title(title, fontsize=10)


def show_pipeline(analysis, asset: Asset | None = None, face_index: int = 0) -> None:
    """The four steps for one face: the detected box, the crop, the 48x48 grey input, the output."""
    caption = " ".join(filter(None, [credit_line(asset) if asset else None, model_caption(analysis.model)]))
    if not analysis.faces:
        fig, ax = subplots(figsize=(4, 4))
        ax.imshow(analysis.image)
        ax.axis("off")
        ax.set_title("no face found")
        show_figure(fig, "The photo, with no face box: the detector found no face.", caption)
        return
    face = analysis.faces[face_index]
    fig, axes = subplots(
        1, 4, figsize=(15, 3.8), layout="constrained", gridspec_kw={"width_ratios": [1, 1, 1, 1.7]}
    )
    axes[0].imshow(analysis.image)
    draw_box(axes[0], face.box)
    axes[0].set_title("1. detected face")
    axes[1].imshow(face.crop)
    axes[1].set_title("2. aligned crop")
    axes[2].imshow(face.network_input, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    axes[2].set_title("3. network input (48x48)")
    for ax in axes[:3]:
        ax.axis("off")
    probability_bars(axes[3], face, f"4. output of {analysis.model.short_name}")
    x, y, w, h = face.box
    alt = (
        f"Four panels. 1: the photo with a box around the detected face at x={x}, y={y}, "
        f"{w} by {h} pixels. 2: the face cut out and rotated level. 3: the same face as a blurry "
        f"48 by 48 grey square, the only thing the network receives. 4: a bar chart of the "
        f"model's seven probabilities; highest: {describe_scores(face)}."
    )
    show_figure(fig, alt, caption)


def show_gallery(items, columns: int = 4, thumb: int = 220) -> None:
    """A grid of photos, each with its box, the model's top label, and its credit underneath.

    ``items``: (asset, analysis) pairs. The model's output is phrased as the model's, never as
    what the person feels.
    """
    cells = []
    for asset, analysis in items:
        fig, ax = subplots(
            figsize=(thumb / 96, thumb / 96 * analysis.image.shape[0] / analysis.image.shape[1])
        )
        ax.imshow(analysis.image)
        ax.axis("off")
        for face in analysis.faces:
            draw_box(ax, face.box)
        if analysis.faces:
            said = "; ".join(
                f"model's top label '{f.top_label}' ({f.top_probability:.0%})" for f in analysis.faces
            )
        else:
            said = "no face found by the detector"
        alt = f"{asset.alt} Box drawn around each detected face."
        caption = f"{said}. {credit_line(asset)}"
        cells.append(f'<div style="width:{thumb}px">{figure_html(figure_png(fig), alt, caption)}</div>')
    markup = (
        f'<div class="emolab-gallery" style="display:grid;grid-template-columns:repeat({columns},{thumb}px);'
        f'gap:12px;font-size:11px">{"".join(cells)}</div>'
        f'<p style="font-size:11px">{html.escape(model_caption(items[0][1].model))}</p>'
    )
    show_html(markup, f"[Gallery of {len(cells)} photos with the model's top labels and credits]")


def show_result(analysis) -> None:
    """Show an exercise answer's analysis step by step, or say plainly why there is nothing yet."""
    from .core import Analysis

    if analysis is Ellipsis:
        print("Nothing to show yet: replace the `...` in the cell above with your answer and run it.")
        return
    if not isinstance(analysis, Analysis):
        print(
            f"Nothing to show: expected the result of emolab.analyze(...), got a {type(analysis).__name__}."
        )
        return
    show_pipeline(analysis, asset_for(analysis))
    print(f"Faces found by the detector: {len(analysis.faces)}   (model: {analysis.model.short_name})")
    for note in analysis.notes:
        print("Note:", note)


def show_missed(file) -> None:
    """Show a course photo with the detector's result, or say why it cannot be shown yet."""
    if file is Ellipsis:
        print("Nothing to show yet: replace the `...` in the cell above with a file name and run it.")
        return
    asset = find_asset(file) if isinstance(file, (str, Path)) else None
    if asset is None or asset.collection == "video":
        print(f"{file!r} is not one of the course's photos; look at emolab.assets.catalog().")
        return
    analysis = analyze_assets([asset], progress=False)[0]
    show_pipeline(analysis, asset)
    print(f"{asset.file}: faces found by the detector: {len(analysis.faces)}")
    for note in analysis.notes:
        print("Note:", note)
