"""Frames in and out of the camera widget, in memory only.

- ``decode_jpeg`` / ``encode_jpeg``: bytes <-> BGR arrays with OpenCV (no file is touched);
- ``faces_payload``: the small JSON the browser needs to draw boxes, labels and bars;
- ``ClipReader``: frames of a licensed sample clip, decoded on demand with ``cv2.VideoCapture``.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from ..errors import EmolabError


class FrameError(EmolabError):
    """A frame from the browser could not be decoded."""

    advice = "Stop and start the camera again; if it keeps happening, use the sample clip."


def decode_jpeg(data: bytes | memoryview) -> np.ndarray:
    """JPEG bytes -> BGR uint8 array (HxWx3)."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    image = cv2.imdecode(buffer, cv2.IMREAD_COLOR) if buffer.size else None
    if image is None:
        raise FrameError(f"The browser sent {buffer.size} bytes that are not a JPEG image.")
    return image


def encode_jpeg(bgr: np.ndarray, quality: int = 80) -> bytes:
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise FrameError("OpenCV could not encode a frame as JPEG.")
    return encoded.tobytes()


def rgba_to_rgb(data: bytes | memoryview, width: int, height: int) -> np.ndarray:
    """Raw RGBA pixels from a browser canvas -> an RGB uint8 array (a copy, HxWx3)."""
    pixels = np.frombuffer(data, dtype=np.uint8)
    if pixels.size != width * height * 4:
        raise FrameError(f"A snapshot of {width}x{height} should have {width * height * 4} bytes, got {pixels.size}.")
    return pixels.reshape(height, width, 4)[:, :, :3].copy()


def shrink(bgr: np.ndarray, max_side: int) -> np.ndarray:
    """A copy at most ``max_side`` pixels on its long side (the same array if already small)."""
    height, width = bgr.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1:
        return bgr
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)


def face_payload(face) -> dict:
    """One face as plain JSON: box in frame pixels, the 7 scores in EMOTIONS order, top label."""
    return {
        "box": [int(value) for value in face.box],
        "probabilities": [round(float(value), 4) for value in face.scores],
        "top_label": str(face.top_label),
        "top_probability": round(float(face.top_probability), 4),
    }


def faces_payload(faces) -> list[dict]:
    return [face_payload(face) for face in faces]


def largest_face(faces):
    """The face with the largest box, or None."""
    return max(faces, key=lambda face: face.box[2] * face.box[3], default=None)


class ClipReader:
    """Frames of a video file, decoded on demand, looping at the end. Nothing is written."""

    def __init__(self, path: str | Path, loop: bool = True):
        self.path = str(path)
        self.loop = loop
        self._capture = None
        self.fps = 25.0
        self.index = -1

    def _open(self):
        capture = cv2.VideoCapture(self.path)
        if not capture.isOpened():
            raise FrameError(f"OpenCV could not open the clip {Path(self.path).name}.",
                             advice="Check that OpenCV can read MPEG-1 video (pip install opencv-python-headless).")
        fps = capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and math.isfinite(fps) and fps > 0 else 25.0
        self.index = -1
        return capture

    def read(self) -> tuple[int, np.ndarray] | None:
        """(frame index, BGR frame); at the end of the clip start again or return None."""
        if self._capture is None:
            self._capture = self._open()
        ok, frame = self._capture.read()
        if not ok and self.loop and self.index >= 0:
            self.close()
            self._capture = self._open()
            ok, frame = self._capture.read()
        if not ok:
            return None
        self.index += 1
        return self.index, frame

    def frames(self):
        """Every frame once: yields (time in seconds, BGR frame). Needs ``loop=False``."""
        if self.loop:
            raise ValueError("frames() reads a clip once: make the reader with loop=False.")
        while (item := self.read()) is not None:
            index, frame = item
            yield index / self.fps, frame

    def close(self):
        if self._capture is not None:
            self._capture.release()
        self._capture = None
