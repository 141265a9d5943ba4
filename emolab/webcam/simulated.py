"""A simulated camera: one consented course photo, played as a webcam would deliver it.

For classrooms without webcams. :class:`SimulatedCamera` turns one London Set photo (participants
consented to their photos being used "to illustrate research": ``emolab.audit.LONDON_CONSENT``;
CC BY 4.0, credited on the trace, its figures and the widget)
into a short seeded "recording" of three phases at :data:`FPS` frames a second:

1. **still face**: the same photo in every frame. Only what a camera adds changes: the sensor's
   shot noise (light arrives in photons, so each pixel's count of photo-electrons is a Poisson
   draw: the model of :func:`emolab.degrade.low_light`, with :data:`emolab.degrade.FULL_WELL`
   electrons at full white, applied here at the photo's own exposure too), a sway of a fraction
   of a pixel (a person holding still moves by a millimetre or so; at this frame size a pixel on
   the face is about 1.5 mm), 8-bit rounding, and JPEG compression at the quality the camera
   widget's browser side sends camera frames (70).
2. **dimming light**: the same, while the light falls from the photo's own to
   :data:`MIN_EXPOSURE` of it, geometrically (:func:`emolab.degrade.low_light`: darker and
   relatively noisier, no automatic gain).
3. **turning head**: the same at full light, while the photo is warped in perspective as if
   turned about its vertical centre line, to one side (up to :data:`MAX_YAW` degrees) and back,
   then to the other side and back (:func:`yaw`, which is :func:`emolab.degrade.pitch` applied
   sideways). **A simulation**: a 2-D warp of a flat photo is not a turning head. The nose does
   not move across the cheek, the far side of the face is never hidden, and the ears do not
   move; what changes is only the perspective of a flat picture.

Each frame is a pure function of the settings, the frame's number and the seed
(:meth:`SimulatedCamera.frame`), so the widget can make frame ``i`` when the browser asks for it
and :func:`record_simulation` gives the same frames kernel-side. :func:`record_simulation`
analyses every frame with the fast frame path (through :func:`emolab.analyze_many`, threaded) and
returns a :class:`SimulatedTrace`: a :class:`emolab.video.Trace` that also knows each frame's
phase, exposure and yaw. Its source says it is a simulation; it is not camera data
(``from_camera=False``), so its results are ordinary outputs a notebook may save. The results for
a course photo with the course's own classifier are kept in the analysis cache with the
simulation's settings in the key (:mod:`emolab.analysis_cache`), as lesson 5 keeps degraded photos.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import cv2
import numpy as np

from .. import assets, degrade
from ..core import EMOTIONS, largest_face
from ..errors import EmolabError
from ..video import Trace

PHOTO = "london/neutral/001_03.jpg"  # the course's recurring face (lessons 1 and 3), posed neutral
SEED = 2026
FPS = 10.0
FRAME_SIZE = (320, 240)  # width, height: what the camera widget analyses (send_max_side 320)
PHASES = ("still face", "dimming light", "turning head")
PHASE_SECONDS = (3.0, 3.0, 3.0)
MIN_EXPOSURE = 0.02  # the light at the end of the dimming phase, as a share of the photo's
MAX_YAW = 50.0  # degrees, at the furthest point of the turn (degrade.pitch allows up to 80)
SWAY_PX = 0.5  # standard deviation of the sway, in frame pixels (under a millimetre on the face)
SWAY_MEMORY = 0.8  # how much of the last frame's offset the next keeps (a slow wander, not jitter)
JPEG_QUALITY = 70  # the camera widget's browser side sends camera frames at quality 0.7
DETECT_SIDE = 240  # the camera widget's own max_detect_side: the widget and the Trace agree frame by frame
SIMULATION_VERSION = 1  # bump whenever a change here could change a frame: part of the cache key


class SimulationError(EmolabError):
    advice = "Use a course photo (emolab.assets.collection('london')) and positive phase lengths."


def _seed_for(seed: int, *parts: int) -> int:
    """A seed for one frame (or one stream) drawn from the camera's seed: independent streams."""
    return int(np.random.SeedSequence([int(seed), *parts]).generate_state(1)[0])


def shot_noise(rgb: np.ndarray, exposure: float = 1.0, *, seed: int = 0) -> np.ndarray:
    """The picture as a sensor collecting ``exposure`` times the photo's light delivers it, with
    shot noise: :func:`emolab.degrade.low_light`'s model (Poisson counts of photo-electrons,
    :data:`emolab.degrade.FULL_WELL` at full white, no gain), here also at ``exposure`` 1, where
    ``low_light`` returns the photo unchanged (it takes the photo as noise-free). A simulated
    camera's sensor is noisy at any light: about 3% of the signal at full white (the square root
    of 1000 electrons), more in the shadows."""
    if exposure < 1:
        return degrade.low_light(rgb, exposure, seed=seed)
    rng = np.random.default_rng(seed)
    means = degrade.SRGB_TO_LINEAR * degrade.FULL_WELL  # expected count for each sRGB value 0-255
    mean = means[rgb]
    # a Poisson count with a large mean is a normal one (mean = variance), as in low_light
    counts = np.round(mean + np.sqrt(mean) * rng.standard_normal(rgb.shape)).astype(np.int64)
    few = mean < degrade.POISSON_EXACT_BELOW
    counts[few] = rng.poisson(mean[few])
    return degrade.srgb_of_counts(degrade.FULL_WELL)[np.clip(counts, 0, degrade.FULL_WELL)]


def yaw(rgb: np.ndarray, degrees: float) -> np.ndarray:
    """The photo turned ``degrees`` about its vertical centre line, in perspective (positive: its
    left side, as you look at it, comes nearer; negative: its right side): :func:`emolab.degrade.pitch`
    applied to the transposed photo (and to the mirrored one for negative angles). A simulation:
    a flat picture turned, not a head."""
    if degrees == 0:
        return rgb.copy()
    if degrees < 0:
        return np.ascontiguousarray(yaw(np.ascontiguousarray(rgb[:, ::-1]), -degrees)[:, ::-1])
    turned = degrade.pitch(np.ascontiguousarray(rgb.transpose(1, 0, 2)), degrees)
    return np.ascontiguousarray(turned.transpose(1, 0, 2))


def _shift(rgb: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """The picture moved by (dx, dy) pixels, sub-pixel (bilinear); the edge pixels fill the border."""
    if dx == 0 and dy == 0:
        return rgb.copy()
    matrix = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float64)
    return cv2.warpAffine(
        rgb, matrix, (rgb.shape[1], rgb.shape[0]), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def _jpeg(rgb: np.ndarray, quality: int | None) -> np.ndarray:
    if quality is None:
        return rgb
    return degrade.jpeg(rgb, quality)


@dataclass(frozen=True)
class SimFrame:
    """One simulated frame's settings: what changed, and by how much."""

    index: int
    time: float  # seconds from the first frame
    phase: str
    exposure: float  # share of the photo's light (1: the photo's own)
    yaw: float  # degrees of the simulated turn (0: facing the camera)
    shift: tuple[float, float]  # (dx, dy) in frame pixels


@dataclass(frozen=True)
class SimulatedCamera:
    """A seeded simulated camera playing one course photo (see the module docstring).

    ``photo``: a London Set photo (an asset name). ``phase_seconds``: the length of each of the
    three phases. Every other setting has a physical meaning given by its module constant.
    """

    photo: str = PHOTO
    seed: int = SEED
    fps: float = FPS
    phase_seconds: tuple[float, float, float] = PHASE_SECONDS
    min_exposure: float = MIN_EXPOSURE
    max_yaw: float = MAX_YAW
    sway_px: float = SWAY_PX
    jpeg_quality: int | None = JPEG_QUALITY
    size: tuple[int, int] = FRAME_SIZE
    noise: bool = True  # False: no shot noise (for tests: then only the sway changes the still phase)

    def __post_init__(self):
        asset = assets.get(self.photo)  # refuses names that are not course assets
        if asset.collection != "london":
            raise SimulationError(f"{self.photo} is not a London Set photo.")
        if len(self.phase_seconds) != len(PHASES) or min(self.phase_seconds) <= 0 or self.fps <= 0:
            raise SimulationError(f"Each of the {len(PHASES)} phases needs a positive length, and fps > 0.")
        if not 0 < self.min_exposure <= 1 or not 0 <= self.max_yaw <= 80:
            raise SimulationError("min_exposure must be in (0, 1] and max_yaw in [0, 80] degrees.")

    # ----- what it is ---------------------------------------------------------------------

    @property
    def asset(self) -> assets.Asset:
        return assets.get(self.photo)

    @property
    def source(self) -> str:
        return f"simulated camera: {self.photo} (a simulation, not you)"

    @property
    def credit(self) -> str:
        from ..display import credit_line

        return credit_line(self.asset)

    def spec(self) -> dict:
        """Every setting that can change a frame (part of the cache key of the results)."""
        return {
            "simulated_camera": SIMULATION_VERSION,
            "degrade_version": degrade.DEGRADE_VERSION,
            "photo_sha256": self.asset.sha256,
            "seed": int(self.seed),
            "fps": float(self.fps),
            "phase_seconds": [float(s) for s in self.phase_seconds],
            "min_exposure": float(self.min_exposure),
            "max_yaw": float(self.max_yaw),
            "sway_px": float(self.sway_px),
            "jpeg_quality": self.jpeg_quality,
            "size": list(self.size),
            "noise": bool(self.noise),
        }

    @property
    def phase_lengths(self) -> tuple[int, ...]:
        """Frames in each phase."""
        return tuple(max(1, round(seconds * self.fps)) for seconds in self.phase_seconds)

    def __len__(self) -> int:
        return sum(self.phase_lengths)

    # ----- the frames ----------------------------------------------------------------------

    @cached_property
    def scene(self) -> np.ndarray:
        """The photo as the camera frames it: the central 4:3 part, at ``size`` (RGB uint8)."""
        from ..images import load_image

        rgb = load_image(str(assets.fetch(self.asset))).rgb
        height, width = rgb.shape[:2]
        target_w, target_h = self.size
        crop_h = min(height, round(width * target_h / target_w))
        crop_w = min(width, round(crop_h * target_w / target_h))
        top, left = (height - crop_h) // 2, (width - crop_w) // 2
        crop = rgb[top : top + crop_h, left : left + crop_w]
        return cv2.resize(crop, (target_w, target_h), interpolation=cv2.INTER_AREA)

    @cached_property
    def _shifts(self) -> np.ndarray:
        """The sway of every frame: a slow random walk (AR(1)) with standard deviation ``sway_px``."""
        rng = np.random.default_rng(_seed_for(self.seed, 0))
        steps = rng.standard_normal((len(self), 2)) * self.sway_px * np.sqrt(1 - SWAY_MEMORY**2)
        shifts = np.zeros((len(self), 2))
        shifts[0] = rng.standard_normal(2) * self.sway_px
        for i in range(1, len(self)):
            shifts[i] = SWAY_MEMORY * shifts[i - 1] + steps[i]
        return shifts

    def settings(self, index: int) -> SimFrame:
        """What frame ``index`` shows (``index`` beyond the end wraps round, as the widget loops)."""
        index = int(index) % len(self)
        ends = np.cumsum(self.phase_lengths)
        which = int(np.searchsorted(ends, index, side="right"))
        phase, n = PHASES[which], self.phase_lengths[which]
        k = index - (int(ends[which]) - n)
        exposure, turn = 1.0, 0.0
        if phase == "dimming light":  # from the photo's light down to min_exposure, geometrically
            exposure = float(self.min_exposure ** ((k + 1) / n))
        elif phase == "turning head":  # one side and back, the other side and back
            turn = float(self.max_yaw * np.sin(2 * np.pi * (k + 1) / n))
            turn = 0.0 if abs(turn) < 1e-9 else turn
        dx, dy = (float(v) for v in self._shifts[index])
        return SimFrame(index, index / self.fps, phase, exposure, turn, (dx, dy))

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` as the camera delivers it (RGB uint8, ``size``): the same every time."""
        s = self.settings(index)
        picture = yaw(self.scene, s.yaw) if s.yaw else self.scene
        picture = _shift(picture, *s.shift)
        if self.noise:
            picture = shot_noise(picture, s.exposure, seed=_seed_for(self.seed, 1, s.index))
        elif s.exposure < 1:  # the light's level without its noise
            scale = degrade.SRGB_TO_LINEAR * s.exposure
            srgb = np.where(scale <= 0.0031308, scale * 12.92, 1.055 * scale ** (1 / 2.4) - 0.055)
            picture = np.clip(np.round(srgb * 255), 0, 255).astype(np.uint8)[picture]
        return _jpeg(picture, self.jpeg_quality)

    def frames(self):
        """Every frame once, in order: yields (SimFrame, RGB frame)."""
        for index in range(len(self)):
            yield self.settings(index), self.frame(index)


# ---------------------------------------------------------------------------------------------
# The trace


@dataclass(repr=False)
class SimulatedTrace(Trace):
    """A Trace of the simulated camera, with each frame's phase, exposure and yaw."""

    phases: list = field(default_factory=list)  # phase of each frame: one of PHASES
    exposures: list = field(default_factory=list)
    yaws: list = field(default_factory=list)

    def phase(self, name: str) -> SimulatedTrace:
        """Only the frames of one phase ("still face", "dimming light", "turning head")."""
        if name not in PHASES:
            raise SimulationError(f"There is no phase {name!r}.", f"Use one of: {', '.join(PHASES)}.")
        keep = [i for i, p in enumerate(self.phases) if p == name]
        return SimulatedTrace(
            self.times[keep],
            self.scores[keep],
            [self.labels[i] for i in keep],
            source=f"{self.source}, phase '{name}'",
            credit=self.credit,
            model_name=self.model_name,
            boxes=[self.boxes[i] for i in keep] if self.boxes else [],
            from_camera=False,
            phases=[name] * len(keep),
            exposures=[self.exposures[i] for i in keep],
            yaws=[self.yaws[i] for i in keep],
        )

    def phase_table(self):
        """Per phase: frames, frames with a face found, label changes, and frames given each label."""
        import pandas as pd

        rows = []
        for name in PHASES:
            part = self.phase(name)
            counts: Counter = part.label_counts()
            rows.append(
                {
                    "phase": name,
                    "frames": len(part),
                    "face found": part.faces_found,
                    "label changes": part.label_changes(),
                    **{label: counts.get(label, 0) for label in EMOTIONS},
                }
            )
        return pd.DataFrame(rows).set_index("phase")


def record_simulation(
    camera: SimulatedCamera | None = None,
    *,
    max_detect_side: int = DETECT_SIDE,
    analyzer=None,
    progress: bool = False,
    **settings,
) -> SimulatedTrace:
    """Analyse every frame of the simulated camera once, kernel-side, without a browser.

    ``camera``: a :class:`SimulatedCamera` (else one made from ``settings``, such as ``seed=``
    or ``photo=``). The course's classifier runs the fast frame path (``analyze_frame``'s, at most
    ``max_detect_side`` pixels for the detector: by default 240, the camera widget's own setting,
    so the widget playing the simulation gives the same labels frame by frame) on every frame,
    shared among threads (:func:`emolab.analyze_many`). ``analyzer`` (called like
    ``analyze_frame``) replaces it, and its results are never stored. The course's own results
    are cached with the settings in the key.
    """
    from .. import analysis_cache, model_info

    camera = camera if camera is not None else SimulatedCamera(**settings)
    shown = [camera.settings(i) for i in range(len(camera))]

    def compute():
        return _frame_results(camera, max_detect_side, analyzer, progress)

    if analyzer is None:
        fields = analysis_cache.key_fields(camera.asset.sha256, max_detect_side, camera.spec())
        record = analysis_cache.load(fields, _check_record)
        if record is None:
            rows, labels, boxes = compute()
            record = {
                "scores": [[float(v) for v in row] for row in rows],
                "labels": list(labels),
                "boxes": [[int(v) for v in box] if box else None for box in boxes],
            }
            analysis_cache.store(fields, record)
        rows, labels = record["scores"], record["labels"]
        boxes = [tuple(box) if box else None for box in record["boxes"]]
    else:
        rows, labels, boxes = compute()
    return SimulatedTrace(
        np.array([s.time for s in shown], dtype=float),
        np.array(rows, dtype=float).reshape(-1, len(EMOTIONS)),
        list(labels),
        source=camera.source,
        credit=camera.credit,
        model_name=model_info().short_name,
        boxes=boxes,
        from_camera=False,
        phases=[s.phase for s in shown],
        exposures=[s.exposure for s in shown],
        yaws=[s.yaw for s in shown],
    )


def _check_record(record: dict) -> None:
    if len({len(record[name]) for name in ("scores", "labels", "boxes")}) != 1:
        raise ValueError("malformed simulation entry")
    if any(len(row) != len(EMOTIONS) for row in record["scores"]):
        raise ValueError("malformed simulation entry")


def _frame_results(camera: SimulatedCamera, max_detect_side: int, analyzer, progress: bool):
    frames = [camera.frame(i) for i in range(len(camera))]
    if analyzer is None:
        from .. import analyze_many

        analyses = analyze_many(frames, color="rgb", max_detect_side=max_detect_side, progress=progress)
    else:
        analyses = [
            analyzer(np.ascontiguousarray(f[:, :, ::-1]), color="bgr", max_detect_side=max_detect_side)
            for f in frames
        ]
    rows, labels, boxes = [], [], []
    for analysis in analyses:
        face = largest_face(analysis.faces)
        rows.append(face.scores if face else np.full(len(EMOTIONS), np.nan))
        labels.append(face.top_label if face else "")
        boxes.append(tuple(int(v) for v in face.box) if face else None)
    return rows, labels, boxes
