"""The OpenCV Zoo's models: the YuNet face detector and a second, different emotion model.

YuNet (Wu, Peng & Yu 2023; MIT licence) is a small CNN that gives a box, a score and five
landmarks per face. It serves two pipelines: DeepFace's own with its ``yunet`` detector
(``emolab.analyze(image, detector="yunet")``, see :mod:`emolab.core`), and the OpenCV Zoo's
facial-expression pipeline (``emolab.analyze(image, model="raf-db")``), which this module runs
as the Zoo's demo code does:

1. YuNet on a copy of the photo at most 640 pixels on its long side (the size it works best at);
2. the face's five landmarks fitted onto a fixed 112x112 template by a least-squares
   non-reflective similarity (rotation, one scale, shift), and the full-resolution photo warped
   through it: the aligned crop;
3. the crop's RGB values scaled to [-1, 1], channels first: the 3x112x112 input of a
   MobileFaceNet trained on RAF-DB ("Progressive Teacher", Jiang et al.; int8, Apache 2.0),
   run with onnxruntime;
4. a softmax over its seven scores, put into the course's label order (:data:`core.EMOTIONS`).

Both files are fetched like every other asset (pinned URL + sha256, or the offline mirror) and
named by their sha256 on every result. RAF-DB, the model's training data, is a research-only
data set of photos from the web: lessons say so wherever the model is used.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from contextlib import contextmanager
from functools import cache
from types import SimpleNamespace

import cv2
import numpy as np

from . import assets

# The Zoo's label order (FacialExpressionRecog.getDesc); not the course's.
ZOO_LABELS = ("angry", "disgust", "fearful", "happy", "neutral", "sad", "surprised")
# core.EMOTIONS[i] is ZOO_LABELS[ZOO_TO_COURSE[i]]: angry, disgust, fear, happy, sad, surprise, neutral
ZOO_TO_COURSE = (0, 1, 2, 3, 5, 6, 4)
# Where the five landmarks (right eye, left eye, nose tip, right and left mouth corners, as the
# person sees them) land in the 112x112 crop: the Zoo's FaceAlignment._std_points.
TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]]
)
INPUT_SIDE = 112
YUNET_MAX_SIDE = 640  # DeepFace's YuNetClient and the Zoo's notes: YuNet works on at most 640 px
YUNET_SCORE_THRESHOLD = 0.9  # cv2.FaceDetectorYN's default, DeepFace's and the Zoo demo's
YUNET_NMS_THRESHOLD = 0.3
YUNET_TOP_K = 5000
# Part of the cache key of the Zoo pipeline's results: bump it whenever a change here could
# change a box, a score or a crop.
ZOO_PIPELINE_VERSION = 2  # 2: frames under 64 pixels padded for YuNet
DETECTOR_NAME = "YuNet (OpenCV Zoo pipeline: 5-landmark alignment to 112x112)"


def yunet_side(max_detect_side: int | None) -> int:
    """The longest side of the copy YuNet runs on: at most 640 pixels, and at most
    ``max_detect_side`` when that is smaller (None: 640)."""
    return min(YUNET_MAX_SIDE, max_detect_side or YUNET_MAX_SIDE)


@cache
def yunet_info():
    from .core import DetectorInfo

    return DetectorInfo(
        key="yunet",
        name="YuNet face detector (Wu, Peng & Yu 2023; OpenCV Zoo, MIT licence)",
        short_name="YuNet",
        sha256=_sha256(assets.model_path(assets.YUNET_DETECTOR)),
        license="MIT",
        citation=(
            "Wu, Peng & Yu (2023), YuNet: a tiny millisecond-level face detector; "
            "opencv/opencv_zoo models/face_detection_yunet (2023mar)"
        ),
    )


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_idle_yunets: queue.SimpleQueue = queue.SimpleQueue()


@contextmanager
def yunet():
    """A YuNet detector (``cv2.FaceDetectorYN``) for this thread alone until the block ends.

    A detector keeps the input size of its last call, so two threads must never share one;
    detectors are kept for reuse, as in ``core._Pipeline``."""
    try:
        detector = _idle_yunets.get_nowait()
    except queue.Empty:
        detector = cv2.FaceDetectorYN.create(
            str(assets.model_path(assets.YUNET_DETECTOR)),
            "",
            (320, 320),
            YUNET_SCORE_THRESHOLD,
            YUNET_NMS_THRESHOLD,
            YUNET_TOP_K,
        )
    try:
        yield detector
    finally:
        _idle_yunets.put(detector)


YUNET_MIN_SIDE = 64  # measured: on a 32x32 frame YuNet gave non-finite boxes in 90 of 150 runs;
# on 40, 48 and 64 pixels in none. 64 is twice its coarsest grid (1/32 of the input).


def detect(bgr: np.ndarray) -> np.ndarray:
    """YuNet's rows for a BGR image: x, y, w, h, five landmarks (x, y), score. A frame under
    :data:`YUNET_MIN_SIDE` pixels is first padded at the bottom and right with its own edge
    pixels (no pixel moves, so the coordinates hold); rows that are not finite are dropped."""
    height, width = bgr.shape[:2]
    bgr = cv2.copyMakeBorder(
        bgr, 0, max(0, YUNET_MIN_SIDE - height), 0, max(0, YUNET_MIN_SIDE - width), cv2.BORDER_REPLICATE
    )
    with yunet() as detector:
        detector.setInputSize((bgr.shape[1], bgr.shape[0]))
        _, rows = detector.detect(bgr)
    if rows is None:
        return np.zeros((0, 15), np.float32)
    return rows[np.isfinite(rows).all(axis=1)]


def blank_detectors() -> None:
    """Give every idle YuNet a blank frame. OpenCV keeps a detector's last input (a resized copy of
    the last picture) in native memory until its next call; after this, none holds a real one."""
    idle = []
    while True:
        try:
            idle.append(_idle_yunets.get_nowait())
        except queue.Empty:
            break
    blank = np.zeros((YUNET_MIN_SIDE, YUNET_MIN_SIDE, 3), np.uint8)
    for detector in idle:
        detector.setInputSize((YUNET_MIN_SIDE, YUNET_MIN_SIDE))
        detector.detect(blank)
        _idle_yunets.put(detector)


def similarity_transform(points: np.ndarray, template: np.ndarray = TEMPLATE) -> np.ndarray:
    """The 2x3 matrix of the non-reflective similarity (rotation, one scale, shift) that maps
    ``points`` onto ``template`` with the least squared error, as the Zoo's ``FaceAlignment``
    (MATLAB's cp2tform 'nonreflective similarity'). Solved in closed form, so the same
    landmarks always give the same matrix (``cv2.estimateAffinePartial2D`` samples at random
    and refines; on five landmarks it reaches the same optimum, which the tests check)."""
    x, y = points[:, 0], points[:, 1]
    ones, zeros = np.ones_like(x), np.zeros_like(x)
    # u = a*x - b*y + tx ; v = b*x + a*y + ty
    design = np.concatenate([np.stack([x, -y, ones, zeros], 1), np.stack([y, x, zeros, ones], 1)])
    target = np.concatenate([template[:, 0], template[:, 1]])
    (a, b, tx, ty), *_ = np.linalg.lstsq(design, target, rcond=None)
    return np.array([[a, -b, tx], [b, a, ty]])


def align(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The 112x112 face crop (RGB uint8) with the landmarks moved onto the template."""
    matrix = similarity_transform(landmarks)
    return cv2.warpAffine(rgb, matrix, (INPUT_SIDE, INPUT_SIDE))  # bilinear, black outside


def network_input(aligned_rgb: np.ndarray) -> np.ndarray:
    """The Zoo's preprocessing: RGB values /255, then (x - 0.5) / 0.5, channels first (3x112x112)."""
    scaled = aligned_rgb.astype(np.float32) / np.float32(255)
    return np.ascontiguousarray(((scaled - np.float32(0.5)) / np.float32(0.5)).transpose(2, 0, 1))


def course_order(raw_scores: np.ndarray) -> np.ndarray:
    """The network's seven raw scores (Zoo order) as probabilities in the course's order."""
    raw = np.asarray(raw_scores, dtype=np.float64)
    exp = np.exp(raw - raw.max())
    return (exp / exp.sum())[list(ZOO_TO_COURSE)]


class _ZooPipeline:
    """YuNet and the RAF-DB emotion network, loaded once per process."""

    def __init__(self) -> None:
        import onnxruntime

        from .core import ModelInfo

        data = assets.model_path(assets.ZOO_EMOTION_MODEL).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        # onnxruntime's InferenceSession.run may be called from several threads at once. One
        # thread per call: analyze_many's workers already use every core, and on a busy 2-core
        # machine one thread ran this small network faster (median 27 ms a face) than the
        # default pool (45 ms), with identical scores. Only errors are logged, as in DeepFace's
        # own ONNX sessions (deepface.commons.onnx_utils).
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            data, sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.model = ModelInfo(
            name=(
                "MobileFaceNet facial-expression model trained on RAF-DB ('Progressive Teacher', "
                "Jiang et al.; OpenCV Zoo, int8, Apache 2.0)"
            ),
            short_name="OpenCV Zoo RAF-DB model",
            sha256=digest,
            is_stand_in=False,
            citation=(
                "Jiang et al., Progressive Teacher; opencv/opencv_zoo models/facial_expression_recognition "
                "(facial_expression_recognition_mobilefacenet_2022july_int8.onnx)"
            ),
            license="Apache 2.0",
            training_data=(
                "RAF-DB (Real-world Affective Faces Database, photos from the web): a research-only data set"
            ),
            input_description="3x112x112 colour values from -1 to 1 (RGB, channels first)",
            key="raf-db",
        )
        self.detector = yunet_info()

    def faces(self, rgb: np.ndarray, max_detect_side: int | None) -> list:
        from .core import Face, _clamped_box

        height, width = rgb.shape[:2]
        side = yunet_side(max_detect_side)
        small = rgb
        if max(height, width) > side:
            scale = side / max(height, width)
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        sx, sy = width / small.shape[1], height / small.shape[0]
        faces = []
        for row in detect(cv2.cvtColor(small, cv2.COLOR_RGB2BGR)):
            landmarks = row[4:14].reshape(5, 2).astype(np.float64) * (sx, sy)
            crop = align(rgb, landmarks)
            tensor = network_input(crop)
            raw = self.session.run(["label"], {"data": tensor[None]})[0][0]
            area = SimpleNamespace(x=row[0] * sx, y=row[1] * sy, w=row[2] * sx, h=row[3] * sy)
            faces.append(
                Face(
                    box=_clamped_box(area, width, height),
                    scores=course_order(raw),
                    network_input=tensor,
                    crop=crop,
                    detector_confidence=round(float(row[14]), 2),
                    landmarks=landmarks,
                )
            )
        return faces


_pipeline: _ZooPipeline | None = None
_pipeline_lock = threading.Lock()


def pipeline() -> _ZooPipeline:
    global _pipeline
    with _pipeline_lock:
        if _pipeline is None:
            _pipeline = _ZooPipeline()
    return _pipeline


def settings(max_detect_side: int | None) -> dict:
    """Everything about the Zoo pipeline's detection and alignment that can change a result."""
    import onnxruntime

    return {
        "backend": "yunet",
        "pipeline": "opencv-zoo",
        "pipeline_version": ZOO_PIPELINE_VERSION,
        "detector_sha256": yunet_info().sha256,
        "opencv": cv2.__version__,
        "onnxruntime": onnxruntime.__version__,
        "score_threshold": YUNET_SCORE_THRESHOLD,
        "nms_threshold": YUNET_NMS_THRESHOLD,
        "top_k": YUNET_TOP_K,
        "detect_side": yunet_side(max_detect_side),
        "align": "5-landmark similarity to 112x112",
        "max_detect_side": max_detect_side,
    }
