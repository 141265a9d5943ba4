"""Frames in and out of the camera widget, in memory only.

- ``decode_jpeg`` / ``encode_jpeg``: bytes <-> BGR arrays with OpenCV (no file is touched);
- ``faces_payload``: the small JSON the browser needs to draw boxes, labels and bars;
- clips are decoded by :class:`emolab.video.ClipReader`, shared with lesson 3.
"""

from __future__ import annotations

import logging

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
        raise FrameError(
            f"A snapshot of {width}x{height} should have {width * height * 4} bytes, got {pixels.size}."
        )
    return pixels.reshape(height, width, 4)[:, :, :3].copy()


def shrink(bgr: np.ndarray, max_side: int) -> np.ndarray:
    """A copy at most ``max_side`` pixels on its long side (the same array if already small)."""
    height, width = bgr.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1:
        return bgr
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)


def handle_message(widget, content, buffers, what: str) -> None:
    """Route one custom message from the browser to ``widget._handlers`` (by its ``type``), one
    message at a time, and report any error to the browser through ``widget._tell_browser``.

    ipykernel 7 may deliver a widget's messages on the main shell thread and on a subshell thread
    at once; two threads reading one OpenCV VideoCapture crashed the kernel (a segfault in
    ClipReader.read), hence ``widget._one_message_at_a_time``. A bad frame must never break the
    loop or the kernel, so every error ends in the browser, and unexpected ones in the log too."""
    handler = widget._handlers.get(content.get("type")) if isinstance(content, dict) else None
    if handler is None:
        return  # not ours (e.g. anywidget's own commands)
    try:
        with widget._one_message_at_a_time:
            handler(content, buffers or [])
    except Exception as error:
        if not isinstance(error, EmolabError):
            logging.getLogger(type(widget).__module__).exception(
                "%s: could not handle %s", what, content["type"]
            )
        widget._tell_browser(error, content)


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
