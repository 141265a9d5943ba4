"""Turn whatever a learner passes in into an RGB uint8 array, or a clear error.

Accepted: a path, bytes, a binary file object, a PIL image, or a NumPy array whose channel
order is stated (``color="rgb"`` or ``"bgr"``). EXIF orientation is applied, transparency is
flattened onto white, 16-bit and CMYK images are converted, and an animated GIF gives its
first frame (said so in the notes).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import (
    BadArrayError,
    CorruptImageError,
    EmptyFileError,
    ImageLoadError,
    ImageTooLargeError,
    ImageTooSmallError,
    NotAnImageError,
)

MAX_PIXELS = 64_000_000  # about 8000x8000: larger files are refused before they are decoded
EXIF_ORIENTATION = 0x0112
MIN_SIDE = 48  # the network's input is 48x48; a smaller picture cannot hold a usable face


@dataclass
class LoadedImage:
    rgb: np.ndarray
    name: str
    notes: list[str] = field(default_factory=list)


def load_image(source, color: str | None = None) -> LoadedImage:
    """Load ``source`` as an RGB uint8 array of shape (height, width, 3)."""
    if isinstance(source, np.ndarray):
        return _check_size(LoadedImage(array_to_rgb(source, color), "NumPy array"))
    if isinstance(source, Image.Image):
        return _check_size(_from_pil(source, "PIL image"))
    data, name = _read_bytes(source)
    return _check_size(_from_pil(_open(data, name), name))


def load_bytes(data: bytes, name: str) -> LoadedImage:
    """Decode an image file's bytes (already read) as :func:`load_image` does; ``name`` names it."""
    if not data:
        raise EmptyFileError(f"{name} is empty (0 bytes).")
    return _check_size(_from_pil(_open(data, name), name))


def read_path(source: str | Path) -> bytes:
    """The bytes of an image file, with a plain message for web addresses, folders and typos."""
    return _read_path(source)


def _read_bytes(source) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, name = bytes(source), "bytes"
    elif hasattr(source, "read"):
        data, name = source.read(), getattr(source, "name", "file object")
        if isinstance(data, str):
            raise NotAnImageError("The file was opened as text.", "Open it with open(path, 'rb').")
    elif isinstance(source, (str, Path)):
        data, name = _read_path(source), str(source)
    else:
        raise ImageLoadError(f"Cannot read an image from a {type(source).__name__}.")
    if not data:
        raise EmptyFileError(f"{name} is empty (0 bytes).")
    return data, name


def _read_path(source: str | Path) -> bytes:
    text = str(source)
    if text.lower().startswith(("http://", "https://", "ftp://")):
        raise ImageLoadError(
            f"{text} is a web address. The course does not fetch images from the web while you "
            "work (and offline it cannot).",
            "Download the photo yourself, check its licence, and pass the saved file's path.",
        )
    path = Path(text).expanduser()
    if path.is_dir():
        raise ImageLoadError(f"{path} is a folder.", "Pass one image file, or use analyze_many().")
    if not path.is_file():
        raise ImageLoadError(f"No file at {path}.", _missing_file_advice(text))
    return path.read_bytes()


def _missing_file_advice(text: str) -> str:
    from .assets import find_asset  # imported here: only this error path needs the catalogue

    asset = find_asset(text)
    if asset is not None:
        return (
            f"'{asset.file}' is the name of a course image, not a file on this computer. "
            f'Fetch it first: analyze(assets.fetch("{asset.file}")) (after from emolab import assets).'
        )
    return "Check the spelling and the folder (try Path.cwd() to see where you are)."


def _open(data: bytes, name: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        if isinstance(err, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
            raise ImageTooLargeError(f"{name} is too large to open safely ({err}).") from err
        raise NotAnImageError(f"{name} is not an image file {_what_it_looks_like(data)}.") from err
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageTooLargeError(
            f"{name} is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"the course opens at most {MAX_PIXELS / 1e6:.0f} megapixels."
        )
    return image


def _what_it_looks_like(data: bytes) -> str:
    head = data[:512]
    if head.startswith(b"%PDF"):
        return "(it is a PDF)"
    try:
        head.decode("utf-8")
        return "(it contains text)"
    except UnicodeDecodeError:
        return "(its contents are not a format the course can read)"


def _from_pil(image: Image.Image, name: str) -> LoadedImage:
    notes: list[str] = []
    frames = getattr(image, "n_frames", 1)
    if frames > 1:
        notes.append(f"{name} has {frames} frames (animated); the first frame was used.")
        image.seek(0)
    try:
        image.load()
        rotated = image.getexif().get(EXIF_ORIENTATION, 1) not in (1, None)
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError) as err:
        raise CorruptImageError(f"{name} could not be decoded: it is damaged or cut short.") from err
    if rotated:
        notes.append("The photo's EXIF orientation was applied (it was stored rotated).")
    return LoadedImage(_pil_to_rgb(image, notes), name, notes)


def _pil_to_rgb(image: Image.Image, notes: list[str]) -> np.ndarray:
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        notes.append(f"High bit-depth image ({image.mode}) scaled to 8 bits.")
        return gray_to_rgb(_scale_to_uint8(np.asarray(image)))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        notes.append("Transparent areas were placed on a white background.")
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if image.mode == "CMYK":
        notes.append("CMYK (print) colours were converted to RGB.")
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def _scale_to_uint8(values: np.ndarray) -> np.ndarray:
    values = values.astype(np.float64)
    top = 65535.0 if values.max(initial=0) > 255 else 255.0
    return np.clip(values / top * 255.0, 0, 255).round().astype(np.uint8)


def gray_to_rgb(gray: np.ndarray) -> np.ndarray:
    return np.repeat(gray[:, :, None], 3, axis=2)


def array_to_rgb(array: np.ndarray, color: str | None) -> np.ndarray:
    """Validate a NumPy image and return it as RGB uint8 (a copy when converted)."""
    array = _as_uint8(array)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        return gray_to_rgb(array)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise BadArrayError(
            f"An image array must be (height, width) or (height, width, 3); got {array.shape}."
        )
    if color not in ("rgb", "bgr"):
        raise BadArrayError(
            "A colour array's channel order is ambiguous.",
            "Say which it is: color='rgb' (PIL, matplotlib) or color='bgr' (OpenCV's cv2.imread).",
        )
    array = array[:, :, :3]
    return np.ascontiguousarray(array[:, :, ::-1] if color == "bgr" else array)


def _as_uint8(array: np.ndarray) -> np.ndarray:
    if array.size == 0:
        raise BadArrayError(f"The array is empty (shape {array.shape}).")
    kind = array.dtype.kind
    if kind == "u" and array.dtype.itemsize == 1:
        return array
    if kind not in "uif":
        raise BadArrayError(f"An image array must hold numbers; this one holds {array.dtype}.")
    if kind == "f" and not np.isfinite(array).all():
        raise BadArrayError(
            "The array contains NaN or infinite values.", "Replace them, e.g. np.nan_to_num(array)."
        )
    low, high = float(array.min()), float(array.max())
    if low < 0:
        raise BadArrayError(f"The array has negative values (min {low:g}); pixel values are 0-255.")
    if kind == "f" and high <= 1.0:
        return (array * 255.0).round().astype(np.uint8)
    if array.dtype == np.uint16 or high > 255:
        if high > 65535:
            raise BadArrayError(f"Values up to {high:g} are not pixel values (0-255, or 0-65535 for 16-bit).")
        return _scale_to_uint8(array)
    return array.round().astype(np.uint8) if kind == "f" else array.astype(np.uint8)


def _check_size(loaded: LoadedImage) -> LoadedImage:
    height, width = loaded.rgb.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise ImageTooSmallError(f"{loaded.name} is only {width}x{height} pixels.")
    if height * width > MAX_PIXELS:
        raise ImageTooLargeError(f"{loaded.name} is {width}x{height} pixels, more than the course opens.")
    return loaded
