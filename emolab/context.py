"""The crop is all it gets: a scene, the face crop the detector took, and the 48x48 input.

``pixel_share`` measures how much of a photo the emotion model was given: the share of the
photo's pixels inside each face box, and how many numbers the network actually received
(48 x 48 grey values) against the photo's pixel count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .display import (
    FIGURE_WIDTH_IN,
    Credit,
    Figure,
    draw_box,
    input_picture,
    input_size,
    sentences,
    show_input,
    subplots,
)

NETWORK_SIDE = 48


@dataclass(frozen=True)
class PixelShare:
    image_pixels: int  # width x height of the whole photo
    box_pixels: int  # width x height of the face box
    input_pixels: int  # pixels of the network's input: 48 x 48 (FER2013) or 112 x 112 (RAF-DB)
    input_in_colour: bool = False  # FER2013 models get grey values, the RAF-DB model colour

    @property
    def box_share(self) -> float:
        """Share of the photo's pixels inside the face box (0 to 1)."""
        return self.box_pixels / self.image_pixels

    @property
    def input_share(self) -> float:
        """The network's input (pixels), as a share of the photo's pixel count."""
        return self.input_pixels / self.image_pixels

    def describe(self) -> str:
        return (
            f"The face box holds {self.box_pixels:,} of the photo's {self.image_pixels:,} pixels "
            f"({self.box_share:.2%}); the network received {self.input_pixels:,} {self._what_it_got()}"
        )

    def _what_it_got(self) -> str:
        share = f"{self.input_share:.3%} of the photo's pixel count"
        if self.input_in_colour:
            return f"pixels in colour ({share})."
        return f"grey values ({share}, and no colour)."


def pixel_share(analysis, face_index: int = 0) -> PixelShare:
    """How much of ``analysis.image`` face number ``face_index`` gave the model."""
    if not analysis.faces:
        raise IndexError("No face was found in this photo, so the model was given nothing.")
    height, width = analysis.image.shape[:2]
    _, _, w, h = analysis.faces[face_index].box
    picture = input_picture(analysis.faces[face_index])
    return PixelShare(width * height, w * h, int(np.prod(picture.shape[:2])), picture.ndim == 3)


def pixel_shares(analysis) -> list[PixelShare]:
    return [pixel_share(analysis, i) for i in range(len(analysis.faces))]


def used_share(analysis) -> float:
    """Share of the photo's pixels inside any face box (boxes counted once where they overlap)."""
    used = np.zeros(analysis.image.shape[:2], dtype=bool)
    for face in analysis.faces:
        x, y, w, h = face.box
        used[y : y + h, x : x + w] = True
    return float(used.mean())


def _draw_boxes(axis, analysis) -> None:
    """Each face box, labelled "face 0", "face 1"... in black on a yellow tab (contrast 15.9:1)."""
    for index, face in enumerate(analysis.faces):
        draw_box(axis, face.box, f"face {index}")


def scene_crop_figure(analysis, face_index: int = 0):
    """Three panels: the whole scene with the face boxes, one face's crop, its 48x48 grey input.
    Where the detector found no face, the two right panels say so instead of staying blank."""
    fig, axes = subplots(1, 3, figsize=(FIGURE_WIDTH_IN, 3.4), width_ratios=[2.2, 1, 1], layout="constrained")
    axes[0].imshow(analysis.image)
    _draw_boxes(axes[0], analysis)
    axes[0].set_title(
        f"What the camera saw ({analysis.image.shape[1]}x{analysis.image.shape[0]} pixels)", fontsize=10.5
    )
    if analysis.faces:
        face = analysis.faces[face_index]
        axes[1].imshow(face.crop)
        axes[1].set_title(f"face {face_index}: the crop", fontsize=10.5)
        show_input(axes[2], face)
        axes[2].set_title(f"what the model got\n({input_size(face)})", fontsize=10.5)
    else:
        for axis, text in (
            (axes[1], "no face found:\nno crop"),
            (axes[2], "nothing was given\nto the model"),
        ):
            axis.text(0.5, 0.5, text, ha="center", va="center", fontsize=10.5, transform=axis.transAxes)
    for axis in axes:
        axis.set_axis_off()
    return fig


def scene_crop_alt(analysis, description: str, face_index: int = 0) -> str:
    """Alt text built from the analysis (never hand-written model output)."""
    if not analysis.faces:
        return f"{description} The detector found no face, so nothing was given to the model."
    share = pixel_share(analysis, face_index)
    return (
        f"Three panels. Left: {description.rstrip('.')}, with {len(analysis.faces)} face box(es) drawn. "
        f"Middle: the crop of face {face_index}. Right: the same face as the 48 by 48 grey image "
        f"the model received; the box covers {share.box_share:.2%} of the photo."
    )


def scene_and_crop(analysis, asset=None, *, face_index: int = 0, description: str | None = None) -> Figure:
    """The three panels as a Figure: alt text from the analysis, a caption with the number of
    faces found, the pixel share, the model and the detector, and the photo's credit (``asset``:
    the course photo, if any)."""
    description = description or (asset.alt if asset is not None else "A photo")
    return Figure(
        scene_crop_figure(analysis, face_index),
        scene_crop_alt(analysis, description, face_index),
        _scene_caption(analysis, face_index),
        (Credit.of(asset),) if asset is not None else (),
    )


def _scene_caption(analysis, face_index: int) -> str:
    found = len(analysis.faces)
    share = (
        pixel_share(analysis, face_index).describe()
        if found
        else "The detector found no face in this photo, so the model was given nothing."
    )
    return sentences(
        f"Faces found by the detector: {found}." if found else None,
        share,
        f"Model: {analysis.model.short_name}; detector: {analysis.detector}.",
    )
