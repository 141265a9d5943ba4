"""The emotion classifier: DeepFace's own pipeline, made visible step by step.

Each step is DeepFace 0.0.103's code (its OpenCV Haar detector, its eye alignment and crop,
its 224-pixel resize, its emotion model's grey 48x48 preprocessing and ONNX network). Two
things are added: detection runs on a downscaled copy of a large image (the crop is still
taken from the full-resolution original), and the 48x48 array the network received is kept
so learners can see it. Only the emotion model is ever run: never age, gender or race.

Two choices can be changed, one at a time (``analyze(image, detector=..., model=...)``):

- ``detector``: ``"opencv"`` (the Haar cascade, the default) or ``"yunet"`` (the YuNet CNN, as
  DeepFace's ``detector_backend="yunet"``: its box and eyes, then the same alignment, crop and
  48x48 input). Changing only the detector keeps every other step of DeepFace's pipeline.
- ``model``: ``"fer2013"`` (the network in DeepFace's emotion slot: DeepFace's own CNN online,
  the course's mini-Xception stand-in offline; both trained on FER2013) or ``"raf-db"`` (the
  OpenCV Zoo's MobileFaceNet trained on RAF-DB, with the Zoo's own 5-landmark alignment and
  112x112 colour input; it needs YuNet's landmarks, see :mod:`emolab.zoo`).

Every result names its detector and model, each with the sha256 of its file.
"""

from __future__ import annotations

import hashlib
import math
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from . import setup
from .errors import EmolabError
from .images import LoadedImage, array_to_rgb, load_bytes, load_image, read_path

EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
HAAR_SCALE_STEP = 1.1  # DeepFace calls detectMultiScale3(img, 1.1, 10)
MIN_HAAR_WINDOW = 24  # the frontal-face cascade's window size
HAAR_MIN_NEIGHBOURS = 10
EYE_MIN_FRACTION = 8  # eye windows smaller than 1/8 of the face are skipped (see _find_eyes)
DETECTOR_NAME = "OpenCV Haar cascade (DeepFace 'opencv' detector)"
YUNET_DETECTOR_NAME = "YuNet (DeepFace 'yunet' detector)"
DETECTORS = ("opencv", "yunet")
MODELS = ("fer2013", "raf-db")
DEFAULT_DETECTOR = {"fer2013": "opencv", "raf-db": "yunet"}  # when detector=None
# The three pipelines the course compares, by name: keyword arguments of analyze & co.
PIPELINES = {
    "DeepFace (Haar + FER2013)": {"detector": "opencv", "model": "fer2013"},
    "DeepFace with YuNet (YuNet + FER2013)": {"detector": "yunet", "model": "fer2013"},
    "OpenCV Zoo (YuNet + RAF-DB)": {"detector": "yunet", "model": "raf-db"},
}
# Part of every cached result's key (emolab.analysis_cache): bump it whenever a change to this
# module's pipeline code could change a box, a score, a crop or a note.
PIPELINE_VERSION = 2  # 2: ties among Haar detections broken by position (see _find_eyes)
WORKERS_ENV = "EMOLAB_WORKERS"


@dataclass(frozen=True)
class ModelInfo:
    name: str
    short_name: str
    sha256: str
    is_stand_in: bool
    citation: str
    license: str = ""  # "" when the model's publisher states none of its own
    training_data: str = ""
    input_description: str = "48x48 grey values from 0 to 1"
    key: str = "fer2013"  # the ``model=`` argument that selects it


@dataclass(frozen=True)
class DetectorInfo:
    key: str  # the ``detector=`` argument that selects it
    name: str
    short_name: str
    sha256: str  # of the face detector's file (the Haar face cascade, or YuNet's ONNX file)
    license: str
    citation: str


@dataclass
class Face:
    box: tuple[int, int, int, int]  # x, y, width, height in the original image's pixels
    scores: np.ndarray  # shape (7,), EMOTIONS order, sums to 1
    # the array the network received, without the batch axis: 48x48 grey float32 in [0, 1]
    # (FER2013 models), or 3x112x112 float32 in [-1, 1], channels first (the RAF-DB model)
    network_input: np.ndarray
    crop: np.ndarray  # the aligned face crop, RGB uint8
    detector_confidence: float
    # YuNet's five landmarks in the original image's pixels (right eye, left eye, nose tip,
    # right and left mouth corners, as the person sees them); None for the Haar detector
    landmarks: np.ndarray | None = None

    @property
    def input_image(self) -> np.ndarray:
        """The network's input as a picture with values 0 to 1: the 48x48 grey array itself,
        or the RAF-DB model's 3x112x112 input as a 112x112 colour image (``plt.imshow``-ready)."""
        values = self.network_input
        if values.ndim == 3 and values.shape[0] == 3:
            return np.clip((values.transpose(1, 2, 0) + 1) / 2, 0, 1)
        return values

    @property
    def probabilities(self) -> dict[str, float]:
        return {label: float(p) for label, p in zip(EMOTIONS, self.scores, strict=True)}

    @property
    def top_label(self) -> str:
        return EMOTIONS[int(np.argmax(self.scores))]

    @property
    def top_probability(self) -> float:
        return float(np.max(self.scores))


@dataclass
class Analysis:
    image: np.ndarray  # RGB uint8, after EXIF orientation
    faces: list[Face]
    model: ModelInfo
    source: str
    detector: str = DETECTOR_NAME  # the detector's name, as run in this pipeline
    notes: list[str] = field(default_factory=list)
    detector_info: DetectorInfo | None = None  # the detector with its file's sha256

    @property
    def pipeline(self) -> str:
        """The name of the pipeline that produced this result (a key of :data:`PIPELINES`)."""
        detector = self.detector_info.key if self.detector_info else "opencv"
        for name, choice in PIPELINES.items():
            if choice == {"detector": detector, "model": self.model.key}:
                return name
        return f"{detector} + {self.model.key}"

    @property
    def caption(self) -> str:
        """One line for a figure's caption: model, detector and pipeline, with the sha256 of
        their files and the model's licence and training data where known."""
        model = self.model
        details = [f"weights sha256 {model.sha256[:12]}…"]
        details += [f"licence {model.license}"] if model.license else []
        details += [f"trained on {model.training_data}"] if model.training_data else []
        text = f"Model: {model.short_name} ({'; '.join(details)})."
        if self.detector_info:
            text += f" Detector: {self.detector_info.short_name} (sha256 {self.detector_info.sha256[:12]}…)."
        return f"{text} Pipeline: {self.pipeline}."

    @property
    def largest_face(self) -> Face | None:
        """The face with the biggest box (the one nearest the camera, usually), or None."""
        return largest_face(self.faces)

    @property
    def top_label(self) -> str | None:
        """The course's one definition of a photo's label: the top label of its largest face
        (None when no face was found). Lessons, exercises and checks all count with this."""
        face = self.largest_face
        return face.top_label if face else None

    def table(self):
        """One row per face: box, the 7 probabilities, the top label, and the model's name."""
        import pandas as pd

        rows = [
            {
                "face": i,
                "x": f.box[0],
                "y": f.box[1],
                "w": f.box[2],
                "h": f.box[3],
                **f.probabilities,
                "top_label": f.top_label,
                "model": self.model.short_name,
            }
            for i, f in enumerate(self.faces)
        ]
        return pd.DataFrame(rows, columns=["face", "x", "y", "w", "h", *EMOTIONS, "top_label", "model"])


def largest_face(faces: list[Face]) -> Face | None:
    """The face with the biggest box, or None when there is none."""
    return max(faces, key=lambda face: face.box[2] * face.box[3], default=None)


_KNOWN_MODELS = {
    "6ffe5d0686bc0051a17eacac3604fba1b36996931cb94c92cbbbbff4fe7eff1f": ModelInfo(
        name=(
            "mini-Xception trained on FER2013 (Arriaga et al. 2017, MIT licence), the course's "
            "offline stand-in in DeepFace's emotion slot; not DeepFace's own model"
        ),
        short_name="mini-Xception stand-in (offline)",
        sha256="6ffe5d0686bc0051a17eacac3604fba1b36996931cb94c92cbbbbff4fe7eff1f",
        is_stand_in=True,
        citation="Arriaga, Valdenegro-Toro & Plöger (2017), arXiv:1710.07557; oarriaga/face_classification",
        license="MIT",
        training_data="FER2013",
    ),
}


def identify_model(weights: Path) -> ModelInfo:
    """Name the emotion model from its weights' sha256."""
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    if digest in _KNOWN_MODELS:
        return _KNOWN_MODELS[digest]
    return ModelInfo(
        name=(
            "DeepFace's own emotion CNN (trained on FER2013 by DeepFace's author), as DeepFace "
            f"downloaded it; weights sha256 {digest[:12]}…"
        ),
        short_name="DeepFace emotion CNN",
        sha256=digest,
        is_stand_in=False,
        citation="serengil/deepface 0.0.103, facial_expression_model_weights (deepface_models v1.0)",
        training_data="FER2013",
    )


class _Pipeline:
    """DeepFace's detector and emotion model, loaded once per process."""

    def __init__(self) -> None:
        weights = setup.prepare()
        from deepface.modules import modeling

        self.emotion = modeling.build_model(task="facial_attribute", model_name="Emotion")
        self.model = identify_model(weights)
        # OpenCV's CascadeClassifier is not thread-safe, so a thread borrows a detector (face and
        # eye cascades) that no other thread is using: analyze_many's workers, the webcam's
        # thread. Detectors are kept for reuse, as loading the cascades takes a moment. The
        # emotion network is shared; DeepFace's wrapper around it is not documented as
        # thread-safe, so its (short) calls take turns.
        self._idle_detectors = queue.SimpleQueue()
        self.lock = threading.Lock()

    @contextmanager
    def _detector(self):
        """DeepFace's OpenCV detector, for this thread alone until the block ends."""
        from deepface.models.face_detection.OpenCv import OpenCvClient

        try:
            detector = self._idle_detectors.get_nowait()
        except queue.Empty:
            detector = OpenCvClient()
        try:
            yield detector
        finally:
            self._idle_detectors.put(detector)

    def faces(self, rgb: np.ndarray, max_detect_side: int | None, detector: str = "opencv") -> list[Face]:
        from deepface.modules import preprocessing

        detected = self._detect(rgb, max_detect_side, detector)
        if not detected:
            return []
        # as DeepFace.analyze: the face back in BGR, padded to 224x224, then the emotion
        # model's own preprocessing (grey, 48x48) and its network, in one batch
        faces_224 = [
            preprocessing.resize_image(img=face[:, :, ::-1], target_size=(224, 224))[0]
            for face, _, _, _ in detected
        ]
        grey_48 = np.stack([self.emotion._preprocess_image(f) for f in faces_224])
        with self.lock:
            raw = np.atleast_2d(self.emotion._predict_internal(grey_48[..., None]))
        scores = raw / raw.sum(axis=1, keepdims=True)
        return [
            Face(
                box,
                scores[i].astype(np.float64),
                grey_48[i],
                (face * 255).round().astype(np.uint8),
                confidence,
                landmarks,
            )
            for i, (face, box, confidence, landmarks) in enumerate(detected)
        ]

    def _detect(self, rgb: np.ndarray, max_detect_side: int | None, detector: str = "opencv"):
        """Faces as (RGB float crop in [0,1], box in original pixels, confidence, landmarks).

        Mirrors deepface.modules.detection.extract_faces with align=True (pad by half the image
        on each side, detect, find the eyes, rotate, crop), with one change for speed: the Haar
        cascades skip the windows a copy ``max_detect_side`` pixels long would be too small to
        hold (see ``min_face_size``). The crop is always cut from the full-resolution image.
        DeepFace works on BGR; here the RGB image goes through the same geometric steps and the
        grey image is computed from it directly, which gives the same pixels without copies.

        With ``detector="yunet"``, DeepFace's YuNetClient.detect_faces takes the cascades' place
        (see ``_yunet_faces``); every other step is the same.
        """
        from deepface.modules import detection

        height, width = rgb.shape[:2]
        border = (int(0.5 * height), int(0.5 * width))
        padded = _pad(rgb, *border)
        if detector == "yunet":
            regions, landmarks = self._yunet_faces(padded, max_detect_side)
        else:
            padded_grey = _pad(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), *border)
            regions = self._haar_faces(padded_grey, min_face_size(max(height, width), max_detect_side))
            landmarks = [None] * len(regions)
        results = []
        for region, points in zip(regions, landmarks, strict=True):
            found = detection.extract_face(
                facial_area=region,
                img=padded,
                align=True,
                expand_percentage=0,
                width_border=border[1],
                height_border=border[0],
                detector_backend=detector,
            )
            face = found.img
            if face.shape[0] == 0 or face.shape[1] == 0:
                continue
            face = face / 255 if face.max() > 1 else face  # as extract_faces: scaled to [0, 1]
            box = _clamped_box(found.facial_area, width, height)
            if points is not None:
                points = points - (border[1], border[0])
            results.append((face, box, round(float(found.confidence or 0), 2), points))
        return results

    def _yunet_faces(self, padded: np.ndarray, max_detect_side: int | None):
        """deepface's YuNetClient.detect_faces (0.0.103), step for step, and the five landmarks.

        As there, YuNet runs on a copy of DeepFace's padded image at most 640 pixels long (here
        also at most ``max_detect_side``), boxes and eyes are truncated to whole pixels and scaled
        back, and the eyes are named as DeepFace names them. The detector is the course's pinned
        copy of the file DeepFace downloads (:data:`emolab.assets.YUNET_DETECTOR`). Landmarks are
        returned in the padded image's pixels (not rounded) for display only.
        """
        from deepface.models.Detector import FacialAreaRegion

        from . import zoo

        height, width = padded.shape[:2]
        side = zoo.yunet_side(max_detect_side)
        img, r = padded, 1.0
        if height > side or width > side:
            r = side / max(height, width)
            img = cv2.resize(img, (int(width * r), int(height * r)))
        rows = zoo.detect(cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        regions, landmarks = [], []
        for row in rows:
            # DeepFace's names: its "x_le, y_le" are YuNet's first landmark (the person's right eye)
            x, y, w, h, x_le, y_le, x_re, y_re = (int(v) for v in row[:8])
            x, y = max(x, 0), max(y, 0)
            if r != 1.0:
                x, y, w, h = int(x / r), int(y / r), int(w / r), int(h / r)
                x_re, y_re, x_le, y_le = int(x_re / r), int(y_re / r), int(x_le / r), int(y_le / r)
            regions.append(
                FacialAreaRegion(
                    x=x,
                    y=y,
                    w=w,
                    h=h,
                    confidence=float(row[-1]),
                    left_eye=(x_re, y_re),
                    right_eye=(x_le, y_le),
                )
            )
            landmarks.append(row[4:14].reshape(5, 2).astype(np.float64) / r)
        return regions, landmarks

    def _haar_faces(self, grey: np.ndarray, min_face: int):
        """deepface's OpenCvClient.detect_faces, with a smallest window for both cascades."""
        from deepface.models.Detector import FacialAreaRegion

        with self._detector() as detector:
            face_cascade, eye_cascade = detector.model["face_detector"], detector.model["eye_detector"]
            faces, _, scores = face_cascade.detectMultiScale3(
                grey,
                HAAR_SCALE_STEP,
                HAAR_MIN_NEIGHBOURS,
                outputRejectLevels=True,
                minSize=(min_face, min_face),
            )
            # in a fixed order (left to right), not the order OpenCV's threads happened to finish
            order = sorted(range(len(faces)), key=lambda i: (int(faces[i][0]), int(faces[i][1])))
            faces, scores = [faces[i] for i in order], [scores[i] for i in order]
            eyes = [
                _find_eyes(eye_cascade, grey[int(y) : int(y + h), int(x) : int(x + w)], w)
                for x, y, w, h in faces
            ]
        regions = []
        for (x, y, w, h), confidence, (left, right) in zip(faces, scores, eyes, strict=False):
            regions.append(
                FacialAreaRegion(
                    x=x,
                    y=y,
                    w=w,
                    h=h,
                    confidence=(100 - confidence) / 100,
                    left_eye=(int(x + left[0]), int(y + left[1])) if left else None,
                    right_eye=(int(x + right[0]), int(y + right[1])) if right else None,
                )
            )
        return regions


def by_area_then_position(box) -> tuple:
    """Largest first, as DeepFace sorts; ties broken by position (left, then top).

    OpenCV's threads return a cascade's detections in a varying order. DeepFace sorts by area
    alone, so between two detections of equal area it took whichever came first: the same frame
    could get a different pair of "eyes", crop and label from run to run (8 of 200 runs of one
    GRID frame). With the tie broken by position the result no longer depends on thread timing.
    """
    x, y, w, h = (int(v) for v in box)
    return (-abs(w * h), x, y)


def _find_eyes(eye_cascade, face_grey: np.ndarray, face_width: int):
    """deepface's OpenCvClient.find_eyes: the two largest eye detections, as (left, right) centres.

    Windows smaller than an eighth of the face are skipped (eyes measure about a fifth of it):
    they cannot be among the two largest detections of a real pair of eyes, and scanning them
    costs most of the time.
    """
    if face_grey.shape[0] == 0 or face_grey.shape[1] == 0:
        return None, None
    min_eye = face_width // EYE_MIN_FRACTION
    eyes = eye_cascade.detectMultiScale(
        face_grey, HAAR_SCALE_STEP, HAAR_MIN_NEIGHBOURS, minSize=(min_eye, min_eye)
    )
    eyes = sorted(eyes, key=by_area_then_position)
    if len(eyes) < 2:
        return None, None
    right, left = sorted(eyes[:2], key=lambda e: e[0])  # the person's right eye is on our left
    return tuple((int(e[0] + e[2] / 2), int(e[1] + e[3] / 2)) for e in (left, right))


def min_face_size(longest_side: int, max_detect_side: int | None) -> int:
    """The smallest face window the detector scans, in the original image's pixels.

    The Haar cascade scans a pyramid of downscaled copies of DeepFace's padded image (twice
    the original's size), shrinking by 1.1 per level, with a 24-pixel window. Keeping only the
    levels at most ``max_detect_side`` pixels long is the same as detecting on a copy that
    small, and it finds exactly the boxes full-size detection finds for every face at least
    this many pixels wide; smaller faces are skipped.
    """
    padded_side = 2 * longest_side
    if not max_detect_side or padded_side <= max_detect_side:
        return 0
    return math.ceil(MIN_HAAR_WINDOW * padded_side / max_detect_side)


def _pad(img: np.ndarray, vertical: int, horizontal: int) -> np.ndarray:
    return cv2.copyMakeBorder(
        img, vertical, vertical, horizontal, horizontal, cv2.BORDER_CONSTANT, value=[0, 0, 0]
    )


def _clamped_box(area, width: int, height: int) -> tuple[int, int, int, int]:
    # The same clamping as deepface.modules.detection.extract_faces.
    x, y = max(0, int(area.x)), max(0, int(area.y))
    return x, y, min(width - x - 1, int(area.w)), min(height - y - 1, int(area.h))


_pipeline: _Pipeline | None = None
_pipeline_lock = threading.Lock()


def pipeline() -> _Pipeline:
    global _pipeline
    with _pipeline_lock:
        if _pipeline is None:
            _pipeline = _Pipeline()
    return _pipeline


def model_info(model: str = "fer2013") -> ModelInfo:
    """Which emotion model produces the results of ``model=`` (told by the weights' sha256):
    ``"fer2013"``, the network in DeepFace's slot (the default), or ``"raf-db"``."""
    _, model = resolve(None, model)
    if model == "raf-db":
        from . import zoo

        return zoo.pipeline().model
    return pipeline().model


def detector_info(detector: str = "opencv") -> DetectorInfo:
    """The face detector ``detector=`` names (``"opencv"`` or ``"yunet"``), with its file's sha256."""
    detector, _ = resolve(detector, "fer2013")
    if detector == "yunet":
        from . import zoo

        return zoo.yunet_info()
    return _haar_info()


@cache
def _haar_info() -> DetectorInfo:
    from deepface.models.face_detection import OpenCv

    setup.prepare()
    name = OpenCv.HAARCASCADE_FILES["haarcascade"]
    bundled = Path(cv2.__file__).parent / "data" / name  # where DeepFace's OpenCvClient looks first
    path = bundled if bundled.is_file() else setup.weights_dir() / name
    return DetectorInfo(
        key="opencv",
        name="OpenCV Haar cascade for frontal faces (Lienhart), with its eye cascade",
        short_name="Haar cascade",
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        license="Intel open-source licence (BSD-3 style; in the cascade file's header)",
        citation="OpenCV data/haarcascades/haarcascade_frontalface_default.xml (Lienhart)",
    )


def resolve(detector: str | None, model: str) -> tuple[str, str]:
    """The ``detector=`` and ``model=`` arguments, checked; ``detector=None``: the model's usual
    detector (Haar for ``"fer2013"``, YuNet for ``"raf-db"``)."""
    if model not in MODELS:
        raise EmolabError(
            f"There is no emotion model called {model!r}.",
            "Use model='fer2013' (DeepFace's emotion model) or model='raf-db' (the OpenCV Zoo's).",
        )
    if detector is None:
        detector = DEFAULT_DETECTOR[model]
    if detector not in DETECTORS:
        raise EmolabError(
            f"There is no face detector called {detector!r}.",
            "Use detector='opencv' (DeepFace's Haar cascade) or detector='yunet' (the YuNet network).",
        )
    if model == "raf-db" and detector != "yunet":
        raise EmolabError(
            "The RAF-DB model aligns each face by five landmarks (eyes, nose tip, mouth corners), "
            "which only the YuNet detector gives.",
            "Use detector='yunet' with model='raf-db' (or leave detector out). To compare detectors, "
            "keep model='fer2013' and change only the detector.",
        )
    return detector, model


def detector_name(detector: str, model: str) -> str:
    """The detector as it runs in this pipeline (``Analysis.detector``)."""
    if model == "raf-db":
        from . import zoo

        return zoo.DETECTOR_NAME
    return YUNET_DETECTOR_NAME if detector == "yunet" else DETECTOR_NAME


def find_faces(rgb: np.ndarray, max_detect_side: int | None, detector: str, model: str) -> list[Face]:
    """Every face in an RGB image with the chosen pipeline (arguments already resolved)."""
    if model == "raf-db":
        from . import zoo

        return zoo.pipeline().faces(rgb, max_detect_side)
    return pipeline().faces(rgb, max_detect_side, detector)


def _analysis(
    loaded: LoadedImage, max_detect_side: int | None, detector: str = "opencv", model: str = "fer2013"
) -> Analysis:
    faces = find_faces(loaded.rgb, max_detect_side, detector, model)
    notes = list(loaded.notes)
    if not faces and detector == "opencv":
        notes.append(
            "No face found. The detector looks for upright, frontal faces of at least about 30 "
            "pixels; try a photo where the face is larger, lit from the front and not turned away."
        )
    elif not faces:
        notes.append(
            "No face found. YuNet scans a copy of the photo at most 640 pixels long, so a small "
            "face may vanish; try a photo where the face is larger, lit from the front and not "
            "turned away."
        )
    return Analysis(
        loaded.rgb,
        faces,
        model_info(model),
        loaded.name,
        detector=detector_name(detector, model),
        notes=notes,
        detector_info=detector_info(detector),
    )


def detector_settings(max_detect_side: int | None, detector: str = "opencv", model: str = "fer2013") -> dict:
    """Everything about detection that can change a result (part of the cache's key)."""
    import deepface

    if model == "raf-db":
        from . import zoo

        return zoo.settings(max_detect_side)
    if detector == "yunet":
        from . import zoo

        return {
            "backend": "yunet",
            "deepface": deepface.__version__,
            "opencv": cv2.__version__,
            "detector_sha256": detector_info("yunet").sha256,
            "yunet_version": zoo.ZOO_PIPELINE_VERSION,  # how YuNet is called (tiny frames padded)
            "score_threshold": zoo.YUNET_SCORE_THRESHOLD,
            "nms_threshold": zoo.YUNET_NMS_THRESHOLD,
            "top_k": zoo.YUNET_TOP_K,
            "detect_side": zoo.yunet_side(max_detect_side),
            "align": True,
            "max_detect_side": max_detect_side,
        }
    return {
        "backend": "opencv",
        "deepface": deepface.__version__,
        "opencv": cv2.__version__,
        "scale_step": HAAR_SCALE_STEP,
        "min_neighbours": HAAR_MIN_NEIGHBOURS,
        "eye_min_fraction": EYE_MIN_FRACTION,
        "align": True,
        "max_detect_side": max_detect_side,
    }


def analyze(
    image,
    *,
    color: str | None = None,
    max_detect_side: int | None = 640,
    detector: str | None = None,
    model: str = "fer2013",
) -> Analysis:
    """Detect faces and run the emotion model on each one.

    ``image``: a path, bytes, a PIL image, or a NumPy array with ``color="rgb"`` or ``"bgr"``.
    ``max_detect_side``: the detector runs on a copy at most this many pixels on its long side
    (None: full size, exactly as DeepFace.analyze). Boxes are always in the original's pixels.
    YuNet always runs on a copy at most 640 pixels long (and at most ``max_detect_side``), as
    DeepFace and the OpenCV Zoo run it; in DeepFace's pipeline that copy is of DeepFace's padded
    image, twice the photo's size, exactly as in DeepFace.

    ``detector``: ``"opencv"`` (Haar cascade) or ``"yunet"``; ``model``: ``"fer2013"`` or
    ``"raf-db"`` (see the module's docstring and :data:`PIPELINES`). The defaults are DeepFace's
    pipeline with its Haar detector; ``detector=None`` picks the model's usual detector.

    A path whose bytes are one of the course's own images (their sha256 is in the manifest) is
    analysed once and its result kept on disk (:mod:`emolab.analysis_cache`). Anything else (a
    learner's photo, bytes, an array, a frame) is analysed in memory and never stored.
    """
    from . import analysis_cache

    detector, model = resolve(detector, model)
    if not isinstance(image, (str, Path)):
        return _analysis(load_image(image, color), max_detect_side, detector, model)
    data = read_path(image)
    course = analysis_cache.course_image(image, data)
    if course is not None:
        return analysis_cache.analysis_of(course, max_detect_side, detector=detector, model=model)
    return _analysis(load_bytes(data, str(image)), max_detect_side, detector, model)


analyse = analyze  # the British spelling the lessons' prose uses; the same function


def analyze_frame(
    frame: np.ndarray,
    color: str = "bgr",
    max_detect_side: int | None = 320,
    *,
    detector: str | None = None,
    model: str = "fer2013",
) -> Analysis:
    """The fast path for video and webcam frames: no file decoding, no EXIF, never cached."""
    detector, model = resolve(detector, model)
    return _analysis(LoadedImage(array_to_rgb(frame, color), "video frame"), max_detect_side, detector, model)


def worker_count(workers: int | None = None) -> int:
    """How many threads analyse a batch: ``workers``, else ``EMOLAB_WORKERS``, else the cores
    this process may use."""
    if workers is None:
        value = os.environ.get(WORKERS_ENV, "").strip()
        workers = int(value) if value else len(os.sched_getaffinity(0))
    return max(1, int(workers))


def analyze_many(
    items,
    *,
    color: str | None = None,
    progress: bool = True,
    max_detect_side: int | None = 640,
    workers: int | None = None,
    detector: str | None = None,
    model: str = "fer2013",
) -> list[Analysis]:
    """Analyse a list of images, or every JPEG/PNG in a folder, with a progress bar.

    ``color`` applies to NumPy arrays in the list, and ``detector`` and ``model`` to every item,
    as in :func:`analyze`. Results come back in
    the input's order and equal one-at-a-time :func:`analyze` results; course images are cached
    as there.

    The images are shared among ``workers`` threads (default: one per core; ``workers=1``, or the
    environment variable ``EMOLAB_WORKERS=1``, analyses them one at a time). Threads, not
    processes: OpenCV's Haar cascades and onnxruntime release the GIL, so threads use every core
    without starting a process and loading the models per worker (measured on 2 cores, with
    OpenCV limited to one thread: 2 threads 8.4 to 8.6 images/s, a 2-process pool 5.7 to 6.6), and
    a learner's images never leave this process. Each thread borrows its own Haar cascades or
    YuNet detector; see ``_Pipeline`` and :func:`emolab.zoo.yunet`. ``benchmarks/analysis_bench.py``
    measures the batch against a plain loop.
    """
    from tqdm.auto import tqdm

    if isinstance(items, (str, Path)) and Path(items).is_dir():
        folder = Path(items)
        items = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    items = list(items)
    detector, model = resolve(detector, model)
    model_info(model)  # load the models once, before the threads start
    detector_info(detector)

    def analyze_one(item) -> Analysis:
        return analyze(item, color=color, max_detect_side=max_detect_side, detector=detector, model=model)

    workers = min(worker_count(workers), max(1, len(items)))
    with tqdm(total=len(items), desc="Analysing", disable=not progress) as bar:
        if workers == 1:
            return [_counted(analyze_one(item), bar) for item in items]
        with ThreadPoolExecutor(workers, thread_name_prefix="emolab") as pool:
            try:  # map gives the results in the input's order
                return [_counted(result, bar) for result in pool.map(analyze_one, items)]
            except BaseException:  # an unreadable file or an interrupt: do not finish the batch
                pool.shutdown(cancel_futures=True)
                raise


def _counted(result, bar):
    bar.update()
    return result
