"""What a CCTV camera does to a face, one change at a time: small, pure, tested functions.

Each degradation takes the whole photo (RGB uint8, ``(height, width, 3)``) and returns the whole
photo as a camera would deliver it, never the 48x48 crop: a lesson degrades the photo, then
detects, as a camera would. Each has one physical parameter a learner can read (pixels, degrees,
a JPEG quality, a share of the light) and a neutral value at which it returns the photo
unchanged (an equal copy). Every function is pure (the input is never modified) and
deterministic: the ones with randomness (shot noise) draw it from ``seed``.

===============  ===========================  ======================================================
name             parameter (unit)             what it does
===============  ===========================  ======================================================
``face_height``  face height (pixels)         the whole photo shrunk so the face is this tall: a
                                              camera with fewer pixels on the face (the output is
                                              smaller than the input)
``blur``         sigma (pixels)               Gaussian blur: a lens out of focus
``motion_blur``  length (pixels)              a sideways smear: someone walking past a slow shutter
``jpeg``         JPEG quality (1 to 100)      compressed as a recorder saves it, decoded again
``low_light``    exposure (share of light)    less light on the sensor: darker, with shot noise
``infrared``     infrared share (0 to 1)      night mode: the picture goes grey, lit by infrared
``pitch``        camera pitch (degrees)       a camera above, looking down (a perspective warp)
``distance``     distance (times farther)     the same frame with the person farther away
``mask``         mask height (share of face)  a face mask drawn over the lower face (simulation)
``sunglasses``   light blocked (share)        dark lenses drawn over the eyes (simulation)
===============  ===========================  ======================================================

:data:`DEGRADATIONS` holds them by name with their parameter, unit, neutral value, default
strengths and a one-line description, so a lesson can loop over them. Three need the face's
position on the clean photo (``box=``, and ``landmarks=`` for the drawn ones): pass
``face.box`` and ``face.landmarks`` of a YuNet result (``emolab.analyze(path, model="raf-db")``).

The mask, the sunglasses, the infrared look and the camera pitch are **simulations**: drawn or
warped pixels, not photos taken that way. A flat photo tilted by a warp is not a head seen from
above (the top of the head and the nose do not move as they would), and a drawn mask has no folds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from .errors import EmolabError

# Bump whenever a change here could change a degraded pixel: it is part of every cached result's
# key (emolab.robustness), so results of older code are never reused.
DEGRADE_VERSION = 1
POISSON_EXACT_BELOW = 50  # mean counts below this are drawn from the Poisson distribution itself
FULL_WELL = 1000  # photo-electrons a sensor pixel collects at full white in the photo's own exposure
INFRARED_WEIGHTS = (0.75, 0.20, 0.05)  # grey from mostly red: skin reflects near-infrared as it does red
MASK_COLOUR = (163, 199, 222)  # a pale blue surgical mask
FRAME_COLOUR = (20, 20, 20)  # the sunglasses' frame
FOCAL_LENGTH_PER_HEIGHT = 1.5  # the pitch warp's pinhole camera: focal length = 1.5 x the photo's height


class DegradationError(EmolabError):
    advice = "Check the strength against emolab.degrade.DEGRADATIONS[name] (its unit and range)."


@dataclass(frozen=True)
class Degradation:
    """One degradation: its function, its parameter (name and unit), the value at which it changes
    nothing, the strengths a lesson tries by default (mild to severe), and what it does."""

    name: str
    function: Callable[..., np.ndarray]
    parameter: str
    unit: str
    neutral: float | None
    strengths: tuple[float, ...]
    description: str
    needs: tuple[str, ...] = ()  # face geometry the function needs: "box", "landmarks"
    simulation: bool = False  # drawn or warped pixels, not a photo taken that way
    changes_size: bool = False

    def __call__(self, rgb: np.ndarray, strength, **kwargs) -> np.ndarray:
        return self.function(rgb, strength, **kwargs)

    def label(self, strength) -> str:
        """The strength in words: "sigma 4 px", "JPEG quality 10", "exposure 0.05"."""
        if strength is None or strength == self.neutral:
            return "clean photo"
        return f"{self.parameter} {strength:g}{'' if self.unit in ('', 'share') else ' ' + self.unit}"


# ---------------------------------------------------------------------------------------------
# Checks shared by every degradation


def _check_image(rgb) -> np.ndarray:
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise DegradationError(
            "A degradation takes an RGB photo as a uint8 array of shape (height, width, 3).",
            "Pass the photo's pixels, e.g. emolab.load_image(path).rgb or analysis.image.",
        )
    return rgb


def _number(name: str, value, low: float, high: float, *, low_open=False, unit="") -> float:
    """``value`` as a float within [low, high] (or (low, high] with ``low_open``), else an error
    that says the range."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    bad = not np.isfinite(number) or number > high or number < low or (low_open and number == low)
    if isinstance(value, bool) or bad:
        bracket = "(" if low_open else "["
        raise DegradationError(
            f"{name} must be a number in {bracket}{low:g}, {high:g}]{' ' + unit if unit else ''}; "
            f"got {value!r}.",
            f"Pick a {name} from that range; emolab.degrade.DEGRADATIONS lists sensible ones.",
        )
    return number


def _box(box) -> tuple[float, float, float, float]:
    if box is None:
        raise DegradationError(
            "This degradation needs where the face is on the clean photo (box=).",
            "Pass box=face.box of the clean photo's analysis, e.g. emolab.analyze(path).largest_face.box.",
        )
    x, y, w, h = (float(v) for v in box)
    if w <= 0 or h <= 0:
        raise DegradationError(f"The face box {tuple(box)} has no area.", "Pass a detected face's box.")
    return x, y, w, h


def _landmarks(landmarks, box) -> np.ndarray:
    """YuNet's five points (right eye, left eye, nose tip, right and left mouth corners, as the
    person sees them), or, without them, the usual places of those points in YuNet's box."""
    if landmarks is not None:
        points = np.asarray(landmarks, dtype=np.float64)
        if points.shape != (5, 2) or not np.isfinite(points).all():
            raise DegradationError(
                f"landmarks must be YuNet's 5 points, shape (5, 2); got shape {points.shape}.",
                "Pass face.landmarks from a YuNet result (emolab.analyze(path, model='raf-db')).",
            )
        return points
    x, y, w, h = _box(box)
    # where the points sit in a YuNet box on average (the OpenCV Zoo's 112x112 template, whose
    # points fill a face box the same way): eyes 38% down, nose 55%, mouth corners 75%
    relative = np.array([[0.32, 0.38], [0.68, 0.38], [0.50, 0.55], [0.36, 0.75], [0.64, 0.75]])
    return np.column_stack([x + relative[:, 0] * w, y + relative[:, 1] * h])


def _geometry(landmarks, box):
    """Eye centres, eye distance, mouth centre, face width and chin height, in pixels."""
    points = _landmarks(landmarks, box)
    right_eye, left_eye, nose, mouth_r, mouth_l = points
    eye_distance = float(np.hypot(*(left_eye - right_eye))) or 1.0
    eye_mid = (right_eye + left_eye) / 2
    mouth_mid = (mouth_r + mouth_l) / 2
    if box is not None:
        x, y, w, h = _box(box)
        chin = y + h
        half_width = w / 2
    else:
        chin = mouth_mid[1] + 0.75 * (mouth_mid[1] - nose[1]) + 0.25 * eye_distance
        half_width = 1.05 * eye_distance
    return right_eye, left_eye, nose, eye_mid, mouth_mid, eye_distance, float(chin), float(half_width)


# ---------------------------------------------------------------------------------------------
# The degradations


def face_height(rgb: np.ndarray, height_px, *, box=None, seed: int = 0) -> np.ndarray:
    """The whole photo shrunk so that the face (``box``, on this photo) is ``height_px`` pixels
    tall: what a camera with fewer pixels on the face records. ``cv2.INTER_AREA`` averages the
    pixels each new pixel covers, as a sensor's larger pixels collect light.

    **The output is smaller than the input** (both sides scaled by ``height_px / box height``,
    at least 1 pixel). ``height_px=None``, or the box's own height, returns the photo unchanged;
    a face cannot be made taller than the photo shows it. ``seed`` is unused (no randomness).
    """
    rgb = _check_image(rgb)
    _, _, _, h = _box(box)
    if height_px is None:
        return rgb.copy()
    target = _number("face height", height_px, 1, h, unit="pixels (at most the face's own height)")
    if target == h:
        return rgb.copy()
    scale = target / h
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def blur(rgb: np.ndarray, sigma_px, *, seed: int = 0) -> np.ndarray:
    """Gaussian blur with standard deviation ``sigma_px`` pixels (0: unchanged): a lens out of
    focus, or a face too far for the lens. The London photos' faces are about 600 pixels tall."""
    rgb = _check_image(rgb)
    sigma = _number("sigma", sigma_px, 0, 500, unit="pixels")
    if sigma == 0:
        return rgb.copy()
    return cv2.GaussianBlur(rgb, (0, 0), sigmaX=sigma, sigmaY=sigma, borderType=cv2.BORDER_REFLECT)


def motion_blur(rgb: np.ndarray, length_px, *, seed: int = 0) -> np.ndarray:
    """A horizontal smear ``length_px`` pixels long (0: unchanged): the face moved sideways that
    far while the shutter was open (someone walking across the frame). A box filter along a line."""
    rgb = _check_image(rgb)
    length = _number("length", length_px, 0, 2000, unit="pixels")
    if length < 1:
        if length == 0:
            return rgb.copy()
        raise DegradationError(
            f"A motion blur shorter than 1 pixel ({length:g}) moves nothing.",
            "Use 0 (no motion) or a length of at least 1 pixel.",
        )
    size = int(round(length))
    kernel = np.full((1, size), 1.0 / size, dtype=np.float32)
    return cv2.filter2D(rgb, -1, kernel, borderType=cv2.BORDER_REFLECT)


def jpeg(rgb: np.ndarray, quality, *, seed: int = 0) -> np.ndarray:
    """Encoded as JPEG at ``quality`` (1 to 100: a recorder's setting; CCTV often records at
    low quality to save disk) and decoded again, in memory with OpenCV. ``quality=None``: not
    compressed again (unchanged; even quality 100 changes a few pixel values)."""
    rgb = _check_image(rgb)
    if quality is None:
        return rgb.copy()
    value = _number("JPEG quality", quality, 1, 100)
    if value != int(value):
        raise DegradationError(f"JPEG quality is a whole number; got {quality!r}.", "Use 1 to 100.")
    ok, encoded = cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(value)])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 image
        raise DegradationError("OpenCV could not encode the photo as JPEG.")
    return np.ascontiguousarray(cv2.imdecode(encoded, cv2.IMREAD_COLOR)[:, :, ::-1])


SRGB_TO_LINEAR = np.array(
    [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in np.arange(256) / 255.0]
)  # sRGB value 0-255 -> linear light 0-1 (IEC 61966-2-1)


def srgb_of_counts(full_well: int) -> np.ndarray:
    """sRGB value (0-255) of each photo-electron count 0..full_well (full_well = white)."""
    linear = np.arange(full_well + 1) / full_well
    values = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.clip(np.round(values * 255.0), 0, 255).astype(np.uint8)


def low_light(rgb: np.ndarray, exposure, *, seed: int = 0) -> np.ndarray:
    """The sensor gets ``exposure`` times the light of the photo (1: unchanged; 0.1: a tenth).

    In linear light (sRGB decoded), each pixel's expected count of photo-electrons is
    ``exposure x value x FULL_WELL`` (1000 at full white); the count is drawn from a Poisson
    distribution (shot noise: light arrives in photons), seeded by ``seed``, and encoded back to
    sRGB. Counts with a mean of :data:`POISSON_EXACT_BELOW` or more are drawn from the normal
    distribution with the same mean and variance (the Poisson's own limit; faster on a whole
    photo, and indistinguishable after rounding to 8 bits). No gain is applied, so
    less light gives a darker picture, and a noisier one: shot noise grows as the square root of
    the light, so the signal-to-noise ratio falls as light does. The photo's own exposure (1) is
    taken as noise-free.
    """
    rgb = _check_image(rgb)
    factor = _number("exposure", exposure, 0, 1, low_open=True, unit="(share of the photo's light)")
    if factor == 1:
        return rgb.copy()
    rng = np.random.default_rng(seed)
    means = SRGB_TO_LINEAR * (factor * FULL_WELL)  # the expected count of each of the 256 sRGB values
    values = rgb.ravel()
    counts = np.empty(values.shape, dtype=np.int64)
    few = means[values] < POISSON_EXACT_BELOW
    counts[few] = rng.poisson(means[values[few]])
    many = means[values[~few]]  # a Poisson count with a large mean is a normal one (mean = variance)
    counts[~few] = np.round(many + np.sqrt(many) * rng.standard_normal(many.shape))
    counts = counts.reshape(rgb.shape)
    return srgb_of_counts(FULL_WELL)[np.clip(counts, 0, FULL_WELL)]


def infrared(rgb: np.ndarray, share, *, seed: int = 0) -> np.ndarray:
    """Night mode, simulated: the picture mixed towards an infrared-style grey, ``share`` of the
    way (0: the colour photo unchanged; 1: grey only, as a camera lit by its own infrared LEDs).

    The grey is mostly the red channel (weights :data:`INFRARED_WEIGHTS`), because skin reflects
    near-infrared much as it reflects red: the face looks paler and smoother than in ordinary
    greyscale, lips and cheeks lose their colour. A simulation: real infrared also lightens dark
    irises and some fabrics, which no channel mix can show.
    """
    rgb = _check_image(rgb)
    mix = _number("infrared share", share, 0, 1)
    if mix == 0:
        return rgb.copy()
    grey = rgb.astype(np.float64) @ np.array(INFRARED_WEIGHTS)
    mixed = (1 - mix) * rgb.astype(np.float64) + mix * grey[:, :, None]
    return np.clip(np.round(mixed), 0, 255).astype(np.uint8)


def pitch_matrix(shape, degrees: float) -> np.ndarray:
    """The 3x3 homography of :func:`pitch`: the photo's plane turned ``degrees`` about its
    horizontal centre line (top towards the camera), seen by a pinhole camera whose focal length
    is :data:`FOCAL_LENGTH_PER_HEIGHT` times the photo's height; the centre stays in place."""
    height, width = shape[:2]
    cx, cy = width / 2, height / 2
    f = FOCAL_LENGTH_PER_HEIGHT * height
    theta = np.radians(degrees)
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)
    x, y = corners[:, 0] - cx, corners[:, 1] - cy
    depth = f + y * np.sin(theta)  # the top (y < 0) comes nearer the camera
    u = f * x / depth + cx
    v = f * y * np.cos(theta) / depth + cy
    return cv2.getPerspectiveTransform(corners.astype(np.float32), np.column_stack([u, v]).astype(np.float32))


def pitch(rgb: np.ndarray, degrees, *, seed: int = 0) -> np.ndarray:
    """A camera mounted above, looking down at ``degrees`` (0: straight on, unchanged; CCTV in a
    street or station is often mounted 20 to 45 degrees above the face), simulated by a
    perspective warp of the whole photo (:func:`pitch_matrix`): the face is shortened from top to
    bottom and its upper part is drawn larger than the chin. A simulation: the photo is flat, so
    the nose does not hide the mouth as on a real head seen from above. The photo keeps its size;
    the uncovered border takes the photo's border colour (the median of its edge pixels)."""
    rgb = _check_image(rgb)
    angle = _number("camera pitch", degrees, 0, 80, unit="degrees")
    if angle == 0:
        return rgb.copy()
    matrix = pitch_matrix(rgb.shape, angle)
    return cv2.warpPerspective(
        rgb,
        matrix,
        (rgb.shape[1], rgb.shape[0]),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=tuple(int(v) for v in _border_colour(rgb)),
    )


def _border_colour(rgb: np.ndarray) -> np.ndarray:
    """The median colour of the photo's edge pixels (the London Set's grey backdrop)."""
    edges = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    return np.median(edges, axis=0).round().astype(np.uint8)


def distance(rgb: np.ndarray, times_farther, *, seed: int = 0) -> np.ndarray:
    """The same camera frame with the person ``times_farther`` times farther away (1: unchanged):
    the photo shrunk by that factor (``cv2.INTER_AREA``) and pasted in the middle of a frame the
    photo's own size, filled with the photo's border colour (the median of its edge pixels). The
    face gets as many times smaller while the frame does not: a small face in a wide frame, as
    CCTV sees most faces. Detectors that scan a reduced copy of a large frame then miss it."""
    rgb = _check_image(rgb)
    factor = _number("distance", times_farther, 1, 200, unit="(times farther)")
    if factor == 1:
        return rgb.copy()
    height, width = rgb.shape[:2]
    small = cv2.resize(
        rgb,
        (max(1, round(width / factor)), max(1, round(height / factor))),
        interpolation=cv2.INTER_AREA,
    )
    frame = np.empty_like(rgb)
    frame[:] = _border_colour(rgb)
    top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    frame[top : top + small.shape[0], left : left + small.shape[1]] = small
    return frame


def _scaled_polygon(points: np.ndarray) -> np.ndarray:
    return np.round(points * 16).astype(np.int32)  # cv2's shift=4: sub-pixel corners


def mask(rgb: np.ndarray, height, *, box=None, landmarks=None, seed: int = 0) -> np.ndarray:
    """A face mask drawn over the lower face, up to ``height`` of the way from the chin to the
    eyes (0: no mask, unchanged; 0.5: the mouth and chin; 0.85: over the nose, as a surgical
    mask is worn; 1: up to the eyes). A **simulation**: a flat pale-blue shape, as wide as the face,
    placed from the face's landmarks (YuNet's five points, ``landmarks=``) and box (``box=``: its
    bottom is the chin); with the box alone, the landmarks' usual places in it are used."""
    rgb = _check_image(rgb)
    share = _number("mask height", height, 0, 1, unit="(share of chin-to-eyes)")
    if share == 0:
        return rgb.copy()
    _, _, _, eye_mid, mouth_mid, eye_distance, chin, half_width = _geometry(landmarks, box)
    centre_x = float(mouth_mid[0])
    top = chin - share * (chin - float(eye_mid[1]))
    # a rounded shape: straight top edge, sides curving in to the chin
    ys = np.linspace(top, chin, 24)
    t = (ys - top) / max(chin - top, 1e-6)
    half = half_width * np.sqrt(np.clip(1 - np.clip(t - 0.35, 0, None) ** 2 / 0.65**2 * 0.85, 0, 1))
    outline = np.concatenate(
        [np.column_stack([centre_x - half, ys]), np.column_stack([centre_x + half, ys])[::-1]]
    )
    out = rgb.copy()
    cv2.fillPoly(out, [_scaled_polygon(outline)], MASK_COLOUR, lineType=cv2.LINE_AA, shift=4)
    return out


def sunglasses(rgb: np.ndarray, blocked, *, box=None, landmarks=None, seed: int = 0) -> np.ndarray:
    """Sunglasses drawn over the eyes whose lenses block ``blocked`` of the light (0: no
    sunglasses, unchanged; 0.85: typical dark sunglasses, which let 8 to 18% through; 1: opaque).
    A **simulation**: two elliptical lenses centred on the eyes (YuNet's landmarks, ``landmarks=``;
    else their usual places in ``box=``), each 0.9 x 0.6 of the distance between the eyes, with
    a dark frame and bridge."""
    rgb = _check_image(rgb)
    share = _number("light blocked", blocked, 0, 1, unit="(share of the light)")
    if share == 0:
        return rgb.copy()
    right_eye, left_eye, *_, eye_distance, _, _ = _geometry(landmarks, box)
    angle = float(np.degrees(np.arctan2(*(left_eye - right_eye)[::-1])))
    axes = (0.45 * eye_distance, 0.30 * eye_distance)
    lenses = np.zeros(rgb.shape[:2], dtype=np.uint8)
    for eye in (right_eye, left_eye):
        centre = tuple(int(round(v * 16)) for v in eye)
        size = tuple(int(round(v * 16)) for v in axes)
        cv2.ellipse(lenses, centre, size, angle, 0, 360, 255, -1, cv2.LINE_AA, 4)
    alpha = (lenses.astype(np.float64) / 255.0)[:, :, None] * share
    out = np.round(rgb.astype(np.float64) * (1 - alpha)).astype(np.uint8)
    thickness = max(1, int(round(0.06 * eye_distance)))
    for eye in (right_eye, left_eye):
        centre = tuple(int(round(v * 16)) for v in eye)
        size = tuple(int(round(v * 16)) for v in axes)
        cv2.ellipse(out, centre, size, angle, 0, 360, FRAME_COLOUR, thickness, cv2.LINE_AA, 4)
    direction = (left_eye - right_eye) / eye_distance
    start, end = right_eye + direction * axes[0], left_eye - direction * axes[0]
    cv2.line(
        out,
        tuple(int(round(v * 16)) for v in start),
        tuple(int(round(v * 16)) for v in end),
        FRAME_COLOUR,
        thickness,
        cv2.LINE_AA,
        4,
    )
    return out


DEGRADATIONS: dict[str, Degradation] = {
    d.name: d
    for d in (
        Degradation(
            "face_height",
            face_height,
            "face height",
            "px",
            None,
            (120, 64, 48, 32, 24, 20, 16, 12),
            "The whole photo shrunk so the face is this many pixels tall: fewer camera pixels on the face.",
            needs=("box",),
            changes_size=True,
        ),
        Degradation(
            "blur",
            blur,
            "sigma",
            "px",
            0,
            (4, 8, 16, 32),
            "Gaussian blur this many pixels wide (sigma): a lens out of focus.",
        ),
        Degradation(
            "motion_blur",
            motion_blur,
            "length",
            "px",
            0,
            (16, 32, 64, 128),
            "A sideways smear this many pixels long: someone walking past during the exposure.",
        ),
        Degradation(
            "jpeg",
            jpeg,
            "JPEG quality",
            "",
            None,
            (50, 20, 10, 5, 2),
            "Saved as a JPEG at this quality (100 best, 1 worst), as a recorder compresses video.",
        ),
        Degradation(
            "low_light",
            low_light,
            "exposure",
            "share",
            1,
            (0.3, 0.1, 0.03, 0.01),
            "This share of the photo's light reaches the sensor: darker, with shot noise.",
        ),
        Degradation(
            "infrared",
            infrared,
            "infrared share",
            "share",
            0,
            (0.5, 1.0),
            "Night mode, simulated: the picture mixed towards an infrared-style grey (1: grey only).",
            simulation=True,
        ),
        Degradation(
            "pitch",
            pitch,
            "camera pitch",
            "degrees",
            0,
            (15, 30, 45, 60),
            "A camera above looking down at this angle, simulated by tilting the photo in perspective.",
            simulation=True,
        ),
        Degradation(
            "distance",
            distance,
            "distance",
            "times farther",
            1,
            (2, 4, 8, 16),
            "The same frame with the person this many times farther away: a small face in a wide frame.",
        ),
        Degradation(
            "mask",
            mask,
            "mask height",
            "share",
            0,
            (0.5, 0.85, 1.0),
            "A face mask drawn over the lower face, this share of the way from chin to eyes (simulation).",
            needs=("box", "landmarks"),
            simulation=True,
        ),
        Degradation(
            "sunglasses",
            sunglasses,
            "light blocked",
            "share",
            0,
            (0.5, 0.85, 1.0),
            "Sunglasses drawn over the eyes, their lenses blocking this share of the light (simulation).",
            needs=("box", "landmarks"),
            simulation=True,
        ),
    )
}


def get(name: str) -> Degradation:
    """The degradation called ``name`` (a key of :data:`DEGRADATIONS`)."""
    if isinstance(name, Degradation):
        return name
    if name not in DEGRADATIONS:
        raise DegradationError(
            f"There is no degradation called {name!r}.", f"Use one of: {', '.join(DEGRADATIONS)}."
        )
    return DEGRADATIONS[name]


def apply(
    name: str,
    rgb: np.ndarray,
    strength,
    *,
    seed: int = 0,
    box: Sequence[float] | None = None,
    landmarks=None,
) -> np.ndarray:
    """Degradation ``name`` at ``strength``, given the face's ``box`` and ``landmarks`` on the clean
    photo where it needs them (others ignore them)."""
    degradation = get(name)
    kwargs = {"seed": seed}
    if "box" in degradation.needs:
        kwargs["box"] = box
    if "landmarks" in degradation.needs:
        kwargs["landmarks"] = landmarks
    return degradation.function(rgb, strength, **kwargs)


def table():
    """The registry as a table: name, parameter, unit, neutral value, default strengths, what it does."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "degradation": d.name,
                "parameter": d.parameter,
                "unit": d.unit,
                "no change at": "none" if d.neutral is None else f"{d.neutral:g}",
                "default strengths": ", ".join(f"{s:g}" for s in d.strengths),
                "simulation": "yes" if d.simulation else "",
                "what it does": d.description,
            }
            for d in DEGRADATIONS.values()
        ]
    ).set_index("degradation")
