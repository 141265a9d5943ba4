"""Put the same face into different surroundings (the Aviezer paradigm, done with pixels).

A face (a London Set photo, or a learner's own snapshot) is cut out of its photo, scaled so
the detector's face box is ``FACE_BOX_PX`` pixels tall, and placed in the foreground of a scene
cropped to ``CANVAS``. Every composite of one face therefore carries exactly the same face
pixels: only the surroundings differ.

The rectangle around the face (the detector's box plus a small margin) is copied unchanged,
with no blending, because that rectangle is what the detector crops for the model. Outside it,
the person is cut from the studio background with GrabCut and feathered into the scene. The
price is that a little of the studio's grey wall can show beside the jaw or temples.

The composite's licence is worked out from its parts (``composite_licence``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from . import assets
from .core import EMOTIONS, analyze, model_info
from .display import (
    FIGURE_WIDTH_IN,
    PALETTE,
    Credit,
    Figure,
    caption_lead,
    credit_line,
    merge_credits,
    sentences,
    show_input,
    subplots,
)
from .errors import EmolabError
from .images import load_image

CANVAS = (560, 420)  # width, height: small enough that the detector runs at full size
FACE_BOX_PX = 120  # face box height in the composite: a person close to the camera
KEPT_MARGIN = 0.02  # extra share of the box kept intact: the detector's box moves by a few pixels
FEATHER_SIGMA = 1.5  # pixels of soft edge where the person meets the scene
OWN_PHOTO = "your own photo"

# Where the person stands in each course scene (0 = left edge, 1 = right edge).
SCENE_X = {
    "scenes/metro_platform_dc_cc0.jpg": 0.62,
    "scenes/union_station_hall_dc.jpg": 0.5,
    "scenes/coco_084284_office_desk_lamp.jpg": 0.72,
    "scenes/coco_516008_desk_laptop.jpg": 0.3,
    "scenes/coco_408805_office_kitchenette.jpg": 0.5,
    "scenes/coco_252639_street_bus.jpg": 0.72,
    "context/coco_000790_family_birthday_table.jpg": 0.5,
    "context/coco_234748_man_on_phone_by_car.jpg": 0.3,
}

# Short names for the scenes, used in tables, polls and captions.
SCENE_NAMES = {
    "scenes/metro_platform_dc_cc0.jpg": "metro platform",
    "scenes/union_station_hall_dc.jpg": "station hall",
    "scenes/coco_084284_office_desk_lamp.jpg": "office desk",
    "scenes/coco_516008_desk_laptop.jpg": "desk with laptop",
    "scenes/coco_408805_office_kitchenette.jpg": "office kitchen",
    "scenes/coco_252639_street_bus.jpg": "street with a bus",
    "context/coco_000790_family_birthday_table.jpg": "birthday table",
    "context/coco_234748_man_on_phone_by_car.jpg": "street by a car",
}

# The scenes lesson 3 uses: metro platform, station hall, office, birthday table, street.
LESSON_SCENES = (
    "scenes/metro_platform_dc_cc0.jpg",
    "scenes/union_station_hall_dc.jpg",
    "scenes/coco_084284_office_desk_lamp.jpg",
    "context/coco_000790_family_birthday_table.jpg",
    "scenes/coco_252639_street_bus.jpg",
)


class CompositeError(EmolabError):
    advice = "Use a photo with one clear, frontal face, larger than about 80 pixels."


class LicenceError(EmolabError):
    advice = "Use parts whose licences allow adaptations (CC0, CC BY or CC BY-SA)."


# ---------------------------------------------------------------------------------------------
# Licences


@dataclass(frozen=True)
class Terms:
    """What one part's licence asks of a composite made with it."""

    text: str
    kind: str  # "CC0", "BY", "BY-SA" or "own"
    version: str = ""
    non_commercial: bool = False


def parse_licence(text: str) -> Terms:
    """Read a licence string as written in the manifest ("CC BY-SA 4.0", "Attribution License 2.0")."""
    lowered = text.lower()
    version = (re.search(r"(\d\.\d)", text) or [None, ""])[1]
    if lowered == OWN_PHOTO:
        return Terms(text, "own")
    if "noderiv" in lowered or re.search(r"\bnd\b", lowered):
        raise LicenceError(f"'{text}' does not allow adaptations, so it cannot be part of a composite.")
    non_commercial = "noncommercial" in lowered or bool(re.search(r"\bnc\b", lowered))
    if "cc0" in lowered or "public domain" in lowered:
        return Terms(text, "CC0", version)
    if "sharealike" in lowered or "by-sa" in lowered:
        return Terms(text, "BY-SA", version, non_commercial)
    if "attribution" in lowered or re.search(r"\bcc by\b", lowered):
        return Terms(text, "BY", version, non_commercial)
    raise LicenceError(
        f"Cannot tell what the licence '{text}' allows.",
        "Check the licence by hand before using this part in a composite.",
    )


@dataclass(frozen=True)
class CompositeLicence:
    license: str  # e.g. "CC BY-SA 4.0"
    reason: str  # one plain sentence saying why


def composite_licence(part_licences) -> CompositeLicence:
    """The licence of a composite, from the licences of its parts.

    Any CC BY-SA part makes the composite CC BY-SA (at the newest BY-SA version among the parts:
    BY-SA 2.0 and later allow a later version). Otherwise any CC BY part makes it CC BY, and
    all-CC0 parts leave it free of conditions. A learner's own photo adds no licence terms.
    """
    terms = [parse_licence(text) for text in part_licences]
    licensed = [t for t in terms if t.kind != "own"]
    nc = "-NC" if any(t.non_commercial for t in licensed) else ""
    has_own_photo = len(licensed) < len(terms)
    own_note = " Your own photo is yours: share the composite only if you choose to." if has_own_photo else ""
    for kind, why in (
        ("BY-SA", "a part is share-alike (CC BY-SA), so the composite must be too"),
        ("BY", "a part asks for attribution (CC BY), so the composite does too"),
    ):
        versions = [t.version for t in licensed if t.kind == kind and t.version]
        if any(t.kind == kind for t in licensed):
            version = max(versions, key=float) if versions else ""
            name = f"CC BY{nc}{'-SA' if kind == 'BY-SA' else ''} {version}".strip()
            return CompositeLicence(name, f"{name}: {why}; credit every part.{own_note}")
    if licensed:
        return CompositeLicence("CC0 1.0", f"CC0 1.0: every part is CC0, so no conditions apply.{own_note}")
    return CompositeLicence(OWN_PHOTO, "Every part is your own photo." + own_note)


# ---------------------------------------------------------------------------------------------
# The person layer: the face cut from its photo, once, at the size used in every scene


@dataclass
class PersonLayer:
    rgb: np.ndarray  # the cut-out, RGB uint8
    alpha: np.ndarray  # float32 in [0, 1]; exactly 1 where ``kept`` is True
    face_box: tuple[int, int, int, int]  # the face box in the layer's pixels
    kept: np.ndarray  # bool mask: the face pixels copied without blending
    source: assets.Asset | None  # None for a learner's snapshot


def _face_rgb(face) -> tuple[np.ndarray, assets.Asset | None]:
    if isinstance(face, np.ndarray):
        if face.ndim != 3 or face.shape[2] != 3:
            raise CompositeError("A snapshot must be an RGB array of shape (height, width, 3).")
        return face, None
    asset = assets.get(face)
    return load_image(assets.fetch(asset)).rgb, asset


def _largest_face_box(rgb: np.ndarray) -> tuple[int, int, int, int]:
    face = analyze(rgb, color="rgb").largest_face
    if face is None:
        raise CompositeError("No face was found in the photo to place in the scenes.")
    return face.box


def _cut_window(box, shape) -> tuple[int, int, int, int]:
    """Head-and-shoulders window around a face box: room for hair above, shoulders below."""
    x, y, w, h = box
    height, width = shape[:2]
    x0, x1 = max(0, int(x - 0.9 * w)), min(width, int(x + 1.9 * w))
    y0, y1 = max(0, int(y - 0.7 * h)), min(height, int(y + 2.6 * h))
    return x0, y0, x1, y1


def _grabcut_mask(rgb: np.ndarray, face_box) -> np.ndarray:
    """Foreground (person) mask, seeded by where a head and shoulders must be."""
    fx, fy, fw, fh = face_box
    centre = fx + fw // 2
    seeds = np.full(rgb.shape[:2], cv2.GC_PR_BGD, np.uint8)
    cv2.ellipse(
        seeds, (centre, fy + int(0.4 * fh)), (int(0.7 * fw), int(0.95 * fh)), 0, 0, 360, cv2.GC_PR_FGD, -1
    )
    seeds[fy + fh :, :] = cv2.GC_PR_FGD
    seeds[: max(1, fy - fh // 2), :] = cv2.GC_BGD
    seeds[: fy + fh, : max(1, fx - int(0.6 * fw))] = cv2.GC_BGD
    seeds[: fy + fh, fx + fw + int(0.6 * fw) :] = cv2.GC_BGD
    cv2.ellipse(seeds, (centre, fy + fh // 2), (int(0.38 * fw), int(0.48 * fh)), 0, 0, 360, cv2.GC_FGD, -1)
    cv2.setRNGSeed(0)  # GrabCut's k-means start is random: fix it so a face is cut the same way each time
    cv2.grabCut(
        np.ascontiguousarray(rgb[:, :, ::-1]),
        seeds,
        None,
        np.zeros((1, 65)),
        np.zeros((1, 65)),
        5,
        cv2.GC_INIT_WITH_MASK,
    )
    person = np.isin(seeds, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(person)
    if count > 1:
        person = (labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))).astype(np.uint8)
    return cv2.morphologyEx(person, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8)).astype(np.float32)


def person_layer(face, face_box_px: int = FACE_BOX_PX, keep: str = "box") -> PersonLayer:
    """Cut a face (asset, file name or RGB array) out of its photo at the composite's scale.

    ``keep="box"``: the whole face box is copied unchanged (the model's crop is the same in
    every scene). ``keep="centre"``: only an oval in the middle of the box is; the box's corners
    are blended, so a little of each scene enters the model's crop.
    """
    rgb, source = _face_rgb(face)
    box = _largest_face_box(rgb)
    x0, y0, x1, y1 = _cut_window(box, rgb.shape)
    scale = face_box_px / box[3]
    window = rgb[y0:y1, x0:x1]
    size = (max(1, round(window.shape[1] * scale)), max(1, round(window.shape[0] * scale)))
    cut = cv2.resize(window, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    fx, fy = round((box[0] - x0) * scale), round((box[1] - y0) * scale)
    face_box = (fx, fy, round(box[2] * scale), round(box[3] * scale))
    alpha = cv2.GaussianBlur(_grabcut_mask(cut, face_box), (0, 0), FEATHER_SIGMA)
    kept = _kept_mask(
        alpha.shape, _kept_rectangle(face_box, alpha.shape) if keep == "box" else face_box, keep
    )
    alpha[kept] = 1.0
    return PersonLayer(cut, alpha, face_box, kept, source)


def _kept_mask(shape, rect, keep: str) -> np.ndarray:
    x, y, w, h = rect
    mask = np.zeros(shape, np.uint8)
    if keep == "box":
        mask[y : y + h, x : x + w] = 1
    elif keep == "centre":
        cv2.ellipse(mask, (x + w // 2, y + h // 2), (int(0.42 * w), int(0.5 * h)), 0, 0, 360, 1, -1)
    else:
        raise ValueError("keep must be 'box' or 'centre'")
    return mask.astype(bool)


def _kept_rectangle(face_box, shape) -> tuple[int, int, int, int]:
    fx, fy, fw, fh = face_box
    margin = max(2, round(KEPT_MARGIN * fw))
    x0, y0 = max(0, fx - margin), max(0, fy - margin)
    x1, y1 = min(shape[1], fx + fw + margin), min(shape[0], fy + fh + margin)
    return x0, y0, x1 - x0, y1 - y0


# ---------------------------------------------------------------------------------------------
# Scenes and composites


def fit_scene(rgb: np.ndarray, size: tuple[int, int] = CANVAS) -> np.ndarray:
    """Scale a scene to cover ``size`` (width, height) and crop its centre."""
    width, height = size
    scale = max(width / rgb.shape[1], height / rgb.shape[0])
    resized = cv2.resize(
        rgb,
        (max(width, round(rgb.shape[1] * scale)), max(height, round(rgb.shape[0] * scale))),
        interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC,
    )
    top, left = (resized.shape[0] - height) // 2, (resized.shape[1] - width) // 2
    return resized[top : top + height, left : left + width].copy()


@dataclass
class Composite:
    image: np.ndarray  # RGB uint8, CANVAS-sized
    face_box: tuple[int, int, int, int]  # where the face's box landed
    kept: np.ndarray  # bool mask (canvas-sized): pixels copied unchanged from the face photo
    face: assets.Asset | None  # None: a learner's snapshot
    scene: assets.Asset
    licence: CompositeLicence
    credits: list[str] = field(default_factory=list)

    @property
    def scene_name(self) -> str:
        return SCENE_NAMES.get(self.scene.file, self.scene.name)

    @property
    def alt(self) -> str:
        person = self.face.alt if self.face else "Your snapshot"
        return (
            f"Composite photo: {person.rstrip('.')}, placed in the foreground of this scene: {self.scene.alt}"
        )

    def credit_text(self) -> str:
        """All parts' credits and the composite's licence, for a caption next to the image."""
        return (
            f"Composite made with emolab. {' '.join(self.credits)} Composite licence: {self.licence.reason}"
        )


def _credit(asset: assets.Asset | None, role: str) -> str:
    return f"{role}: your own snapshot (not saved)." if asset is None else f"{role} – {credit_line(asset)}"


def place(layer: PersonLayer, scene_rgb: np.ndarray, x_fraction: float = 0.5):
    """Blend the person layer into a canvas-sized scene, standing at the bottom edge.

    Returns the composite (RGB uint8), where the face box landed, and the canvas mask of the
    pixels copied unchanged.
    """
    out = scene_rgb.copy()
    height, width = out.shape[:2]
    lh, lw = layer.rgb.shape[:2]
    fx, fy, fw, fh = layer.face_box
    left = int(np.clip(round(x_fraction * width - (fx + fw / 2)), -fx, width - fx - fw))
    top = height - lh  # the layer's bottom edge (shoulders) on the scene's bottom edge
    if top + fy < 0:
        raise CompositeError(
            "The face is too large for the scene at this size.", "Use a smaller face_box_px."
        )
    # The part of the layer that falls inside the scene.
    sx0, sy0 = max(0, -left), max(0, -top)
    sx1, sy1 = min(lw, width - left), min(lh, height - top)
    region = out[top + sy0 : top + sy1, left + sx0 : left + sx1].astype(np.float32)
    alpha = layer.alpha[sy0:sy1, sx0:sx1, None]
    person = layer.rgb[sy0:sy1, sx0:sx1].astype(np.float32)
    blended = alpha * person + (1 - alpha) * region + 0.5  # + 0.5: round, so alpha 1 copies exactly
    out[top + sy0 : top + sy1, left + sx0 : left + sx1] = np.clip(blended, 0, 255).astype(np.uint8)
    kept = np.zeros(out.shape[:2], bool)
    kept[top + sy0 : top + sy1, left + sx0 : left + sx1] = layer.kept[sy0:sy1, sx0:sx1]
    return out, (left + fx, top + fy, fw, fh), kept


def compose(face, scene, *, layer: PersonLayer | None = None, x_fraction: float | None = None) -> Composite:
    """One composite: ``face`` (asset, file name or RGB snapshot) in ``scene`` (asset or file name)."""
    scene_asset = assets.get(scene)
    layer = layer or person_layer(face)
    scene_rgb = fit_scene(load_image(assets.fetch(scene_asset)).rgb)
    x = SCENE_X.get(scene_asset.file, 0.5) if x_fraction is None else x_fraction
    image, face_box, kept = place(layer, scene_rgb, x)
    face_licence = layer.source.license if layer.source else OWN_PHOTO
    return Composite(
        image,
        face_box,
        kept,
        layer.source,
        scene_asset,
        composite_licence([face_licence, scene_asset.license]),
        [_credit(layer.source, "Face"), _credit(scene_asset, "Scene")],
    )


def compose_all(face, scenes=LESSON_SCENES, keep: str = "box") -> list[Composite]:
    """The same face in each scene; the face is cut out once, so its pixels are identical in all."""
    layer = person_layer(face, keep=keep)
    return [compose(face, scene, layer=layer) for scene in scenes]


# ---------------------------------------------------------------------------------------------
# The model on the composites


def _overlap(a, b) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    return inter / float(a[2] * a[3] + b[2] * b[3] - inter)


def placed_face(composite: Composite, analysis):
    """The detected face that is the placed one (other faces in a scene are ignored), or None."""
    best = max(analysis.faces, key=lambda f: _overlap(f.box, composite.face_box), default=None)
    return best if best is not None and _overlap(best.box, composite.face_box) > 0.5 else None


def analyze_composites(composites) -> list:
    """The model's result for the placed face in each composite (None where it was not found)."""
    return [placed_face(c, analyze(c.image, color="rgb")) for c in composites]


def scores_table(composites, faces):
    """One row per scene: the 7 probabilities, the top label, and where the box was found
    relative to where the face was placed (dx, dy, and the box's size).

    The table also carries, in ``table.attrs``, the name of the model that gave the scores
    ("model"), the composites' licences ("licences") and their parts' credits ("credits"), for
    :func:`scores_plot`.
    """
    import pandas as pd

    rows = {}
    for c, f in zip(composites, faces, strict=True):
        if f is None:
            rows[c.scene_name] = {label: float("nan") for label in EMOTIONS} | {"top label": "no face found"}
            continue
        rows[c.scene_name] = dict(f.probabilities) | {
            "top label": f.top_label,
            "box dx": f.box[0] - c.face_box[0],
            "box dy": f.box[1] - c.face_box[1],
            "box size": f.box[2],
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs.update(
        model=model_info().short_name,
        licences=composites_caption(composites),
        credits=composites_credits(composites),
    )
    return table


def largest_change(table) -> tuple[float, str]:
    """The largest change of any one probability across scenes, and which label it was."""

    spread = table[list(EMOTIONS)].max() - table[list(EMOTIONS)].min()
    return float(spread.max()), str(spread.idxmax())


# ---------------------------------------------------------------------------------------------
# Figures: the ``*_plot`` functions return complete Figures (picture, alt text, caption with the
# model and the composites' licences, and the full credit list of their parts, once); the
# ``*_figure`` functions draw the pictures alone.


def composites_plot(composites, title: str | None = None) -> Figure:
    """The composites in a grid, titled by scene only (no model output), credited part by part.
    ``title``: a few words that start the caption, such as "The neutral photo"."""
    what = f"the same face in {len(composites)} scenes"
    return Figure(
        composites_figure(composites),
        composites_alt(composites),
        sentences(caption_lead(title, what), composites_caption(composites)),
        composites_credits(composites),
    )


def scores_plot(table, title: str | None = None) -> Figure:
    """Each scene's 7 probabilities side by side, for a table made by :func:`scores_table`
    (which records the model's name, the composites' licences and their parts' credits)."""
    model = table.attrs.get("model") or model_info().short_name
    what = f"the 7 probabilities given by {model} for the same face in {len(table)} scenes"
    return Figure(
        scores_figure(table, model),
        scores_alt(table, model),
        sentences(caption_lead(title, what), table.attrs.get("licences")),
        table.attrs.get("credits", ()),
    )


def inputs_plot(composites, faces, title: str | None = None) -> Figure:
    """What the model actually received in each scene: the 48x48 grey inputs side by side.
    ``faces``: the placed face in each composite, as :func:`analyze_composites` returns them."""
    what = "the grey 48 by 48 inputs the emotion network received, one per scene"
    return Figure(
        inputs_figure(composites, faces),
        inputs_alt(composites, faces),
        sentences(caption_lead(title, what), composites_caption(composites)),
        composites_credits(composites),
    )


def composites_figure(composites, columns: int = 3):
    """The composites in a grid, titled by scene only (no model output)."""
    rows = -(-len(composites) // columns)
    fig, axes = subplots(rows, columns, figsize=(FIGURE_WIDTH_IN, 2.45 * rows), layout="constrained")
    for axis in np.atleast_1d(axes).ravel():
        axis.set_axis_off()
    for number, (axis, c) in enumerate(zip(np.atleast_1d(axes).ravel(), composites, strict=False), start=1):
        axis.imshow(c.image)
        axis.set_title(f"{number}. {c.scene_name}", fontsize=10.5)
    return fig


def composites_caption(composites) -> str:
    """How the composites were made and licensed; each one's licence is in its scene's credit
    line (:func:`composites_credits`)."""
    return "Composites made with emolab (a CC BY-SA part makes a composite CC BY-SA)."


def composites_credits(composites) -> tuple[Credit, ...]:
    """The full credits of the composites' parts, each given once: the face (the same in every
    panel), then each scene, named by its panel's number and name, with the composite's licence."""
    credits = []
    for number, c in enumerate(composites, start=1):
        if c.face is None:
            credits.append(Credit("Face, in every panel", (), "your own snapshot (not saved)"))
        else:
            credits.append(Credit.of(c.face, "Face, in every panel"))
        credits.append(
            Credit.of(c.scene, "Scene", f"{number}. {c.scene_name}", f"Composite: {c.licence.license}.")
        )
    return merge_credits(credits)


def composites_alt(composites) -> str:
    person = composites[0].face.alt if composites[0].face else "the learner's snapshot"
    scenes = ", ".join(f"{i}. {c.scene_name}" for i, c in enumerate(composites, start=1))
    return (
        f"{len(composites)} composite photos, each showing the same person ({person.rstrip('.')}) "
        f"placed in the foreground of a different scene: {scenes}."
    )


def scores_figure(table, model_name: str):
    """Grouped bars: each scene's 7 probabilities side by side."""
    fig, axis = subplots(figsize=(FIGURE_WIDTH_IN, 3.8), layout="constrained")
    width = 0.8 / len(EMOTIONS)
    positions = np.arange(len(table))
    for i, label in enumerate(EMOTIONS):
        axis.bar(positions + (i - 3) * width, table[label], width, label=label, color=PALETTE[label])
    axis.set_xticks(positions, table.index)
    axis.tick_params(labelsize=10)
    axis.set_ylim(0, 1)
    axis.set_ylabel("probability", fontsize=10)
    axis.set_title(f"Same face, different scenes: the 7 probabilities ({model_name})", fontsize=11)
    axis.legend(ncols=4, fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
    return fig


def scores_alt(table, model_name: str) -> str:
    change, label = largest_change(table)
    tops = "; ".join(f"{scene}: {row['top label']}" for scene, row in table.iterrows())
    return (
        f"Grouped bar chart of the 7 probabilities given by {model_name} for the same face in "
        f"{len(table)} scenes. Top labels: {tops}. The largest change of any probability across "
        f"scenes is {change:.3f} ({label})."
    )


def inputs_figure(composites, faces):
    """What the model actually received in each scene: the 48x48 grey inputs side by side."""
    width = min(FIGURE_WIDTH_IN, 1.65 * len(faces))
    fig, axes = subplots(1, len(faces), figsize=(width, 2.2), layout="constrained")
    for axis, c, f in zip(np.atleast_1d(axes), composites, faces, strict=True):
        axis.set_axis_off()
        axis.set_title(c.scene_name, fontsize=10.5)
        if f is not None:
            show_input(axis, f)
    return fig


def inputs_alt(composites, faces) -> str:
    """Alt text for :func:`inputs_figure`: which scenes gave an input, and how many differ."""
    inputs = [f.network_input for f in faces if f is not None]
    missing = [c.scene_name for c, f in zip(composites, faces, strict=True) if f is None]
    scenes = ", ".join(c.scene_name for c in composites)
    text = (
        f"{len(composites)} panels, one per scene ({scenes}), each showing the small grey 48 by 48 face "
        f"image the model received; no scene is visible in them. "
    )
    if inputs:
        distinct = len({array.tobytes() for array in inputs})
        text += (
            f"All {len(inputs)} inputs are identical, pixel for pixel."
            if distinct == 1
            else f"The {len(inputs)} inputs come in {distinct} different versions."
        )
    if missing:
        text += f" Blank panel where no face was found: {', '.join(missing)}."
    return text
