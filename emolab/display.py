"""Showing results accessibly: figures with alt text, credits beside every face, safe colours.

A figure is a :class:`Figure`: the picture, its alt text and its caption (the credits and the
name of the model that produced what is shown) in one object, which displays itself as an HTML
``<figure>`` with an ``<img alt=...>`` when it ends a cell. Plain inline matplotlib output has no
alt text. The package's ``*_plot`` functions (``video.trace_plot``, ``composite.scores_plot``, ...)
build complete Figures, so a lesson cell never writes alt text or captions by hand.

Credits come in two forms: a short one under each image (``short_credit``: who, and the licence)
and, once per figure, the full list (``Credit``: the whole credit, the licence with a link, the
file's source), where every credit shared by several images is given once.

Readable at a normal zoom: a figure is shown at its PNG's width (96 dpi: 1 pixel = 1 CSS px)
unless the output area is narrower. ``DISPLAY_WIDTH_PX`` is that output area in JupyterLab in a
1280-pixel-wide browser window (measured: 828 px for an image); figures are drawn at most
``FIGURE_WIDTH_IN`` wide, so that their text (at least ``MIN_TEXT_PT``) is not scaled down there:
``text_sizes_px`` measures it.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure as MatplotlibFigure

from . import private
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
BOX_LABEL_TEXT = "#000000"  # black on the yellow: contrast 15.9:1 (WCAG AA asks 4.5:1)

DPI = 96  # PNG pixels per inch: at 96, one PNG pixel is one CSS pixel when shown at full size
DISPLAY_WIDTH_PX = 828  # widest an image is shown in JupyterLab's output area, 1280 px window
FIGURE_WIDTH_IN = 8.5  # 816 px: a figure this wide is not scaled down in that output area
MIN_TEXT_PT = 9.5  # 12.7 CSS px at full size: the smallest text drawn in a figure
CAPTION_STYLE = "font-size:13px;line-height:1.4"


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


def licence_name(asset: Asset) -> str:
    """The licence's usual short name: "CC BY 4.0", "CC0 1.0"; Flickr's "Attribution License 2.0"
    is CC BY 2.0, its "Attribution-ShareAlike License 2.0" CC BY-SA 2.0."""
    name = re.split(r" \(| - ", asset.license)[0].strip()
    flickr = re.fullmatch(r"Attribution(-ShareAlike)? License (\d\.\d)", name)
    return f"CC BY{'-SA' if flickr[1] else ''} {flickr[2]}" if flickr else name


def licence_url(name: str) -> str | None:
    """The Creative Commons page of a licence named as ``licence_name`` names it (None if unknown)."""
    if name == "CC0 1.0":
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    cc = re.fullmatch(r"CC BY(-NC)?(-SA)? (\d\.\d)", name)
    return (
        f"https://creativecommons.org/licenses/by{(cc[1] or '').lower()}{(cc[2] or '').lower()}/{cc[3]}/"
        if cc
        else None
    )


def licence_note(asset: Asset) -> str:
    """What ``licence_text`` adds to the licence's name (its caveat), or ""."""
    text = licence_text(asset)
    name = asset.license.split(" (")[0]
    return text[len(name) :].strip() if text.startswith(name) and text != name else ""


def short_credit(asset: Asset) -> str:
    """Who made it, in a few words: the credit up to its first parenthesis or semicolon
    ("Lisa DeBruine & Benedict Jones", "Kärkkäinen & Joo, FairFace", "Alyo")."""
    who = re.split(r" \(|;", asset.credit)[0].strip()
    if "MS COCO" in asset.credit and "COCO" not in who:
        who += ", MS COCO"
    return who


def short_credit_line(asset: Asset, number: int | None = None) -> str:
    """The short credit under one image: "Photo 3: Kärkkäinen & Joo, FairFace. Licence: CC BY 4.0."
    ``number`` refers to the figure's full credit list."""
    kind = "Clip" if asset.collection == "video" else "Photo"
    label = f"{kind} {number}" if number is not None else kind
    return f"{label}: {short_credit(asset)}. Licence: {licence_name(asset)}."


URL = re.compile(r"https?://[^\s;)]+")


def _linked(text: str) -> str:
    """``text`` escaped for HTML, each web address in it a link ("photo on Flickr")."""
    out, last = [], 0
    for match in URL.finditer(text):
        url = match.group(0)
        label = "on Flickr" if "flickr.com" in url else url
        out += [
            html.escape(text[last : match.start()]),
            f'<a href="{html.escape(url)}">{html.escape(label)}</a>',
        ]
        last = match.end()
    return "".join(out) + html.escape(text[last:])


@dataclass(frozen=True)
class Credit:
    """One line of a figure's full credit list: what it credits, the whole credit, the licence
    (with its link and any caveat), where the course's copy of the file comes from, and anything
    else to say about it (``extra``). Images with the same credit and licence share one line
    (see ``merge_credits``)."""

    what: str  # "Photo", "Face, in every panel", "Scene"...
    numbers: tuple[str, ...]  # the images' numbers or names in the figure ("1", "2. station hall")
    credit: str
    licence: str = ""  # "" for a learner's own photo
    note: str = ""  # the licence's caveat, if any
    sources: tuple[str, ...] = ()  # one address per number (or one, with no numbers)
    extra: str = ""  # e.g. "Composite: CC BY-SA 4.0."

    @classmethod
    def of(cls, asset: Asset, what: str | None = None, number=None, extra: str = "") -> Credit:
        what = what or ("Clip" if asset.collection == "video" else "Photo")
        return cls(
            what,
            () if number is None else (str(number),),
            asset.credit,
            licence_name(asset),
            licence_note(asset),
            (asset.url,),
            extra,
        )

    def _label(self) -> str:
        if not self.numbers:
            return self.what
        plural = "s" if len(self.numbers) > 1 and not self.what.endswith("s") else ""
        return f"{self.what}{plural} {', '.join(self.numbers)}"

    def text(self) -> str:
        parts = [f"{self._label()}: {self.credit.rstrip('.')}."]
        if self.licence:
            parts.append(f"Licence: {self.licence}{' ' + self.note if self.note else ''}.")
        if self.sources:
            parts.append(f"File{'s' if len(self.sources) > 1 else ''}: {', '.join(self.sources)}.")
        return " ".join([*parts, self.extra] if self.extra else parts)

    def html(self) -> str:
        esc = html.escape
        parts = [f"<b>{esc(self._label())}</b>: {_linked(self.credit.rstrip('.'))}."]
        if self.licence:
            url = licence_url(self.licence)
            name = f'<a href="{esc(url)}">{esc(self.licence)}</a>' if url else esc(self.licence)
            parts.append(f"Licence: {name}{' ' + esc(self.note) if self.note else ''}.")
        if len(self.sources) == 1:
            parts.append(f'<a href="{esc(self.sources[0])}">File</a>.')
        elif self.sources:
            links = ", ".join(
                f'<a href="{esc(url)}">{esc(number.split(".")[0])}</a>'
                for number, url in zip(self.numbers, self.sources, strict=False)
            )
            parts.append(f"Files: {links}.")
        if self.extra:
            parts.append(esc(self.extra))
        return " ".join(parts)


def merge_credits(credits) -> tuple[Credit, ...]:
    """One line per distinct (kind, credit, licence): the images sharing it are listed together."""
    merged: dict[tuple, Credit] = {}
    for c in credits:
        key = (c.what, c.credit, c.licence, c.note, c.extra)
        old = merged.get(key)
        if old is None:
            merged[key] = c
        elif c.numbers:
            merged[key] = Credit(
                c.what, old.numbers + c.numbers, c.credit, c.licence, c.note, old.sources + c.sources, c.extra
            )
    return tuple(merged.values())


def credits_html(credits) -> str:
    """The full credit list: one line for a single credit, a bulleted list for several."""
    if not credits:
        return ""
    style = "margin-top:0.3em"
    if len(credits) == 1:
        return f'<div class="emolab-credits" style="{style}">Credit: {credits[0].html()}</div>'
    items = "".join(f"<li>{c.html()}</li>" for c in credits)
    return (
        f'<div class="emolab-credits" style="{style}">Credits:'
        f'<ul style="margin:0.2em 0 0 0;padding-left:1.2em">{items}</ul></div>'
    )


def credits_text(credits) -> str:
    return "Credits: " + " ".join(c.text() for c in credits) if credits else ""


def model_caption(model, pipeline: str | None = None) -> str:
    """'Model: … (weights sha256 …), via <pipeline>.' (DeepFace's pipeline unless named)."""
    via = pipeline or "DeepFace's pipeline"
    return f"Model: {model.short_name} (weights sha256 {model.sha256[:12]}…), via {via}."


def input_picture(face):
    """What the network received, as a picture (48x48 grey for FER2013, 112x112 colour for RAF-DB)."""
    picture = getattr(face, "input_image", None)
    return face.network_input if picture is None else picture


def input_size(face) -> str:
    height, width = input_picture(face).shape[:2]
    return f"{width}x{height}"


def input_words(face) -> str:
    """'blurry 48 by 48 grey square' or '112 by 112 colour square', for alt text."""
    picture = input_picture(face)
    height, width = picture.shape[:2]
    kind = "colour" if picture.ndim == 3 else "grey"
    return f"{'blurry ' if width <= 64 else ''}{width} by {height} {kind} square"


def show_input(axis, face) -> None:
    picture = input_picture(face)
    grey = {"cmap": "gray", "vmin": 0, "vmax": 1} if picture.ndim == 2 else {}
    axis.imshow(picture, interpolation="nearest", **grey)


def subplots(*args, **kwargs):
    """Like plt.subplots, but the figure is not registered with pyplot, so Jupyter never shows
    it on its own (without alt text); wrap it in a Figure to show it."""
    fig = MatplotlibFigure(figsize=kwargs.pop("figsize", None), layout=kwargs.pop("layout", None))
    return fig, fig.subplots(*args, **kwargs)


def figure_html(png: bytes, alt: str, caption: str | None = None, credits=()) -> str:
    """The ``<figure>``: the image with its alt text; in the ``<figcaption>``, the caption and the
    figure's full credit list."""
    encoded = base64.b64encode(png).decode("ascii")
    caption_html = (
        f"<figcaption>{html.escape(caption or '')}{credits_html(credits)}</figcaption>"
        if caption or credits
        else ""
    )
    return (
        f'<figure class="emolab-figure" style="margin:0 0 1em 0;{CAPTION_STYLE}">'
        f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt, quote=True)}" '
        f'style="max-width:100%;height:auto"/>{caption_html}</figure>'
    )


def figure_png(fig, dpi: int = DPI) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)  # a no-op for figures made with subplots() above; frees pyplot's ones
    return buffer.getvalue()


def show_html(markup: str, text: str) -> None:
    from IPython.display import display

    display({"text/html": markup, "text/plain": text}, raw=True)


class Figure:
    """A picture, its alt text, its caption and its credits; it displays itself when it ends a cell.

    ``picture``: a matplotlib figure (rendered to PNG here, once, and closed) or PNG bytes.
    ``credits``: the full credit list (``Credit`` lines), shown once under the caption.
    In JupyterLab it is an HTML ``<figure>`` with ``<img alt=...>`` and ``<figcaption>``; front
    ends without HTML show its plain-text form, which states the alt text, caption and credits.
    """

    def __init__(self, picture, alt: str, caption: str | None = None, credits=()):
        if not alt or not alt.strip():
            raise ValueError("Every figure needs alt text describing what it shows.")
        self.png = picture if isinstance(picture, bytes) else figure_png(picture)
        self.alt = alt
        self.caption = caption or ""
        self.credits = tuple(credits)

    def _repr_html_(self) -> str:
        return figure_html(self.png, self.alt, self.caption, self.credits)

    def __repr__(self) -> str:
        return "\n".join(filter(None, [f"[Figure: {self.alt}]", self.caption, credits_text(self.credits)]))

    def show(self) -> None:
        """Display it now: for a figure that does not end its cell (one made in a loop, say)."""
        from IPython.display import display

        display(self)

    def with_caption(self, caption: str) -> Figure:
        return Figure(self.png, self.alt, caption, self.credits)


def sentences(*parts: str | None) -> str:
    """The non-empty parts of a caption, joined by spaces."""
    return " ".join(part.strip() for part in parts if part and part.strip())


def caption_lead(title: str | None, what: str) -> str:
    """A caption's first sentence: 'Sitting still: the 7 scores over time.', or 'The 7 scores over time.'"""
    return f"{title}: {what}." if title else f"{what[:1].upper()}{what[1:]}."


def show_figure(fig, alt: str, caption: str | None = None, credits=()) -> None:
    """Display a matplotlib figure with alt text, a caption (the model) and credits; close it."""
    Figure(fig, alt, caption, credits).show()


def contrast_ratio(colour_a, colour_b) -> float:
    """WCAG 2 contrast ratio of two colours (any matplotlib colour): 1 (none) to 21 (black on white)."""
    from matplotlib.colors import to_rgb

    def luminance(colour) -> float:
        channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    light, dark = sorted((luminance(colour_a), luminance(colour_b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_sizes_px(fig, shown_width: float = DISPLAY_WIDTH_PX) -> list[tuple[str, float]]:
    """Each text drawn in a matplotlib figure, with its font size in CSS pixels when the figure's
    PNG is shown at most ``shown_width`` pixels wide (it is scaled down if it is wider)."""
    from matplotlib.text import Text

    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=DPI, bbox_inches="tight")
    width = int.from_bytes(png.getvalue()[16:20], "big")  # the PNG header's width
    scale = min(1.0, shown_width / width)
    hidden = {  # tick labels of axes switched off are not drawn
        id(text)
        for ax in fig.axes
        if not ax.axison
        for text in (*ax.xaxis.findobj(Text), *ax.yaxis.findobj(Text))
    }
    return [
        (text.get_text(), text.get_fontsize() * DPI / 72 * scale)
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip() and id(text) not in hidden
    ]


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


def draw_box(ax, box, label: str | None = None, fontsize: float = MIN_TEXT_PT + 0.5) -> None:
    """A face box: Okabe-Ito yellow with a thin black edge (visible on light and dark photos);
    its label, if any, in black on a yellow tab (contrast 15.9:1)."""
    from matplotlib.patches import Rectangle

    x, y, w, h = box
    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor=BOX_COLOUR, linewidth=2.5))
    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor="black", linewidth=0.8))
    if label:
        ax.text(
            x,
            y - 4,
            label,
            color=BOX_LABEL_TEXT,
            fontsize=fontsize,
            va="bottom",
            bbox={"facecolor": BOX_COLOUR, "edgecolor": "black", "linewidth": 0.8, "pad": 2},
        )


def probability_bars(ax, face, title: str | None = None) -> None:
    """The 7 probabilities as horizontal bars, in the fixed label order, Okabe-Ito colours."""
    labels = list(face.probabilities)
    values = [face.probabilities[label] for label in labels]
    ax.barh(labels, values, color=[PALETTE[label] for label in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability the model gives each label", fontsize=10)
    ax.tick_params(labelsize=10)
    for i, value in enumerate(values):
        inside = value > 0.8  # a long bar: write the number inside it, in white
        ax.text(
            value - 0.02 if inside else value + 0.02,
            i,
            f"{value:.0%}",
            va="center",
            fontsize=10,
            ha="right" if inside else "left",
            color="white" if inside else "black",
        )
    if title:
        ax.set_title(title, fontsize=11)


def pipeline_figure(analysis, face_index: int = 0):
    """The four steps for one face, drawn: the photo with the detected box, the aligned crop and
    the 48x48 grey input in a row, and the model's 7 probabilities under them, full width."""
    face = analysis.faces[face_index]
    fig, axes = subplots(2, 3, figsize=(FIGURE_WIDTH_IN, 5.6), layout="constrained", height_ratios=[1.15, 1])
    bars = fig.add_subplot(axes[1, 0].get_gridspec()[1, :])
    for ax in axes[1]:
        ax.remove()
    photo, crop, network = axes[0]
    photo.imshow(analysis.image)
    draw_box(photo, face.box)
    photo.set_title("1. detected face", fontsize=11)
    crop.imshow(face.crop)
    crop.set_title("2. aligned crop", fontsize=11)
    show_input(network, face)
    network.set_title(f"3. network input ({input_size(face)})", fontsize=11)
    for ax in axes[0]:
        ax.axis("off")
    probability_bars(bars, face, f"4. output of {analysis.model.short_name}")
    return fig


def show_pipeline(analysis, asset: Asset | None = None, face_index: int = 0) -> None:
    """The four steps for one face: the detected box, the crop, the 48x48 grey input, the output."""
    pipeline_plot(analysis, asset, face_index).show()


def pipeline_plot(analysis, asset: Asset | None = None, face_index: int = 0) -> Figure:
    """:func:`show_pipeline`'s figure, with alt text, the model's name and the photo's credit."""
    caption = model_caption(analysis.model, getattr(analysis, "pipeline", None))
    credits = (Credit.of(asset),) if asset else ()
    if not analysis.faces:
        fig, ax = subplots(figsize=(4, 4))
        ax.imshow(analysis.image)
        ax.axis("off")
        ax.set_title("no face found", fontsize=11)
        return Figure(fig, "The photo, with no face box: the detector found no face.", caption, credits)
    face = analysis.faces[face_index]
    x, y, w, h = face.box
    alt = (
        f"Four panels. 1: the photo with a box around the detected face at x={x}, y={y}, "
        f"{w} by {h} pixels. 2: the face cut out and rotated level. 3: the same face as a "
        f"{input_words(face)}, the only thing the network receives. 4: a bar chart of the "
        f"model's seven probabilities; highest: {describe_scores(face)}."
    )
    return Figure(pipeline_figure(analysis, face_index), alt, caption, credits)


def gallery_cell(number: int, asset: Asset, analysis, thumb: int) -> str:
    """One photo of the gallery: its box(es), then the model's top label and a short credit."""
    fig, ax = subplots(figsize=(thumb / DPI, thumb / DPI * analysis.image.shape[0] / analysis.image.shape[1]))
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
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
    alt = f"Photo {number}. {asset.alt} Box drawn around each detected face."
    return figure_html(figure_png(fig), alt, f"{said}. {short_credit_line(asset, number)}")


def show_gallery(items, columns: int = 4, thumb: int = 190) -> None:
    """A grid of photos, each with its box, the model's top label and a short credit underneath
    ("Photo 3: ... Licence: ..."); under the grid, the full credits, each given once.

    ``items``: (asset, analysis) pairs. The model's output is phrased as the model's, never as
    what the person feels. ``columns``: at most this many photos a row (fewer if the output area
    is narrow).
    """
    cells = "".join(
        f"<div>{gallery_cell(number, asset, analysis, thumb)}</div>"
        for number, (asset, analysis) in enumerate(items, start=1)
    )
    credits = merge_credits(Credit.of(asset, number=n) for n, (asset, _) in enumerate(items, start=1))
    caption = model_caption(items[0][1].model, getattr(items[0][1], "pipeline", None))
    markup = (
        f'<div class="emolab-gallery" style="display:grid;gap:12px;max-width:{columns * (thumb + 20)}px;'
        f'grid-template-columns:repeat(auto-fill,minmax({thumb}px,1fr))">{cells}</div>'
        f'<div style="{CAPTION_STYLE}">{html.escape(caption)}'
        f"{credits_html(credits)}</div>"
    )
    text = f"[Gallery of {len(items)} photos with the model's top labels]\n{credits_text(credits)}"
    show_html(markup, text)


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
    asset = asset_for(analysis)
    lines = [f"Faces found by the detector: {len(analysis.faces)}   (model: {analysis.model.short_name})"]
    lines += [f"Note: {note}" for note in analysis.notes]
    # A course photo's result is an ordinary output; a photo of the learner's own is shown,
    # never saved in the notebook.
    private.show(pipeline_plot(analysis, asset), *lines, saved=asset is not None)


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
