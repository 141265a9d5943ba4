"""Results for the course's own images, computed once and kept on disk.

Only images whose bytes hash to a sha256 in ``data/manifest.csv`` are cached: a learner's photo,
webcam frame, snapshot, array, bytes, or a composite with a learner's face never is, even when
its file has a course file's name. An entry lives in ``cache_dir()/analyses/<key>.json``, where
the key is the sha256 of everything that can change the result (:func:`key_fields`): the image's
sha256, the emotion weights' sha256, the detector (which one, its file's sha256 and its
settings), a degradation spec (lessons 4 and 5), the library versions and
``core.PIPELINE_VERSION``, so results of different pipelines (``detector=``, ``model=``) never
mix. Change any of them and the image is analysed again. An entry holds numbers only (boxes,
scores, detector confidences, the image's shape, notes), never pixels: a cached Analysis loads
its image and recomputes the crops, network inputs and landmarks the first time they are used,
by running the same deterministic pipeline on the same verified bytes (and checks that the boxes
and scores come out the same).

Entries are written to a temporary file and renamed (``os.replace``), so another kernel never
reads half an entry; an unreadable entry is recomputed. :func:`clear` (``emolab.clear_cache()``)
deletes them all.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np

from . import assets, core
from .errors import EmolabError
from .images import LoadedImage, load_bytes

FORMAT = 1  # the layout of an entry's JSON


@dataclass(frozen=True)
class CourseImage:
    """A course image file whose bytes were checked against the manifest's sha256."""

    path: Path
    name: str  # the path as the caller wrote it: the Analysis's source
    sha256: str
    data: bytes


def folder() -> Path:
    return assets.cache_dir() / "analyses"


def clear() -> int:
    """Delete every cached result (the course images themselves stay). Returns how many."""
    entries = list(folder().glob("*.json")) if folder().is_dir() else []
    shutil.rmtree(folder(), ignore_errors=True)
    return len(entries)


@cache
def _course_hashes() -> frozenset[str]:
    return frozenset(a.sha256 for a in assets.catalog())


def course_image(path, data: bytes) -> CourseImage | None:
    """``path`` as a course image if ``data`` (its bytes) hashes to a manifest sha256, else None."""
    digest = hashlib.sha256(data).hexdigest()
    return CourseImage(Path(path), str(path), digest, data) if digest in _course_hashes() else None


def key_fields(
    file_sha256: str,
    max_detect_side: int | None,
    degradation: dict | None = None,
    *,
    detector: str | None = None,
    model: str = "fer2013",
) -> dict:
    """Everything a result depends on. ``degradation``: a JSON-serialisable description of any
    change applied to the image before analysis (None: the image as published). ``detector``
    and ``model``: the pipeline, as in :func:`emolab.analyze` (the default's key is the same as
    before they existed, so earlier entries stay valid)."""
    detector, model = core.resolve(detector, model)
    return {
        "format": FORMAT,
        "file_sha256": file_sha256,
        "model_sha256": core.model_info(model).sha256,
        "detector": core.detector_settings(max_detect_side, detector, model),
        "degradation": degradation,
        "pipeline_version": core.PIPELINE_VERSION,
    }


def entry_path(fields: dict) -> Path:
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return folder() / f"{hashlib.sha256(text.encode()).hexdigest()}.json"


def load(fields: dict, check=None) -> dict | None:
    """The stored record for ``fields``, or None if there is none or it cannot be read.
    ``check(record)`` raises ValueError, KeyError or TypeError if the record is malformed."""
    try:
        record = json.loads(entry_path(fields).read_text(encoding="utf-8"))
        if record["key"] != fields:
            raise ValueError("an entry made for another key")
        (check or _check_analysis)(record)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return record


def _check_analysis(record: dict) -> None:
    for face in record["faces"]:
        if len(face["box"]) != 4 or len(face["scores"]) != len(core.EMOTIONS):
            raise ValueError("malformed face")
        float(face["detector_confidence"])
    if len(record["image_shape"]) != 3 or not isinstance(record["notes"], list):
        raise ValueError("malformed entry")


def store(fields: dict, record: dict) -> None:
    """Write ``record`` (numbers and text, never pixels) atomically: a temporary file in the
    same folder, renamed over the entry."""
    target = entry_path(fields)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as fh:
            json.dump({"key": fields, **record}, fh)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _analysis_record(analysis: core.Analysis) -> dict:
    return {
        "image_shape": list(analysis.image.shape),
        "notes": list(analysis.notes),
        "faces": [
            {
                "box": [int(v) for v in face.box],
                "scores": [float(v) for v in face.scores],
                "detector_confidence": float(face.detector_confidence),
            }
            for face in analysis.faces
        ],
    }


def analysis_of(
    image: CourseImage, max_detect_side: int | None, *, detector: str | None = None, model: str = "fer2013"
) -> core.Analysis:
    """The course image's analysis: from the cache, or computed now and stored."""
    detector, model = core.resolve(detector, model)
    fields = key_fields(image.sha256, max_detect_side, detector=detector, model=model)
    record = load(fields)
    if record is not None:
        return CachedAnalysis(record, image, max_detect_side, detector=detector, model=model)
    analysis = core._analysis(load_bytes(image.data, image.name), max_detect_side, detector, model)
    store(fields, _analysis_record(analysis))
    return analysis


def clip_results(
    path,
    step: int,
    max_detect_side: int | None,
    compute,
    *,
    detector: str | None = None,
    model: str = "fer2013",
) -> tuple[list, list, list, list]:
    """A clip's per-frame (times, score rows, labels, boxes): from the cache for a course clip
    (its bytes match the manifest), else from ``compute()``, stored only for a course clip.
    ``detector`` and ``model`` name the pipeline ``compute`` runs (part of the key)."""
    course = course_image(path, Path(path).read_bytes()) if Path(path).is_file() else None
    if course is None:
        return compute()
    fields = {**key_fields(course.sha256, max_detect_side, detector=detector, model=model), "clip_step": step}
    record = load(fields, _check_clip)
    if record is not None:
        boxes = [tuple(box) if box else None for box in record["boxes"]]
        return record["times"], record["scores"], record["labels"], boxes
    times, rows, labels, boxes = compute()
    record = {
        "times": [float(t) for t in times],
        "scores": [[float(v) for v in row] for row in rows],  # NaN rows (no face) stay NaN
        "labels": list(labels),
        "boxes": [[int(v) for v in box] if box else None for box in boxes],
    }
    store(fields, record)
    return times, rows, labels, boxes


def _check_clip(record: dict) -> None:
    lengths = {len(record[name]) for name in ("times", "scores", "labels", "boxes")}
    if len(lengths) != 1 or any(len(row) != len(core.EMOTIONS) for row in record["scores"]):
        raise ValueError("malformed clip entry")


class _Pixels:
    """A cached result's image, crops and network inputs, recomputed exactly on first use."""

    def __init__(
        self, image: CourseImage, max_detect_side: int | None, record: dict, detector: str, model: str
    ):
        self._path, self._name, self._sha256 = image.path, image.name, image.sha256
        self._max_detect_side = max_detect_side
        self._record = record
        self._detector, self._model = detector, model

    @cached_property
    def loaded(self) -> LoadedImage:
        data = self._path.read_bytes()
        if hashlib.sha256(data).hexdigest() != self._sha256:
            raise EmolabError(
                f"{self._path} changed after it was analysed.", "Run emolab.analyze on it again."
            )
        return load_bytes(data, self._name)

    @cached_property
    def faces(self) -> list[core.Face]:
        faces = core.find_faces(self.loaded.rgb, self._max_detect_side, self._detector, self._model)
        cached = [(tuple(f["box"]), f["scores"]) for f in self._record["faces"]]
        if [(f.box, [float(v) for v in f.scores]) for f in faces] != cached:
            raise EmolabError(
                "The pipeline gave a different result from the cached one.",
                "Run emolab.clear_cache() and analyse the image again.",
            )
        return faces


class CachedFace(core.Face):
    """A Face read from the cache; ``crop`` and ``network_input`` are recomputed when used."""

    def __init__(self, record: dict, pixels: _Pixels, index: int):
        self.box = tuple(record["box"])
        self.scores = np.array(record["scores"], dtype=np.float64)
        self.detector_confidence = record["detector_confidence"]
        self._pixels, self._index = pixels, index

    @property
    def crop(self) -> np.ndarray:
        return self._pixels.faces[self._index].crop

    @property
    def network_input(self) -> np.ndarray:
        return self._pixels.faces[self._index].network_input

    @property
    def landmarks(self) -> np.ndarray | None:
        return self._pixels.faces[self._index].landmarks

    def __repr__(self) -> str:
        return f"Face(box={self.box}, top_label={self.top_label!r}, cached)"


class CachedAnalysis(core.Analysis):
    """An Analysis read from the cache; ``image`` is loaded again when used."""

    def __init__(
        self,
        record: dict,
        image: CourseImage,
        max_detect_side: int | None,
        *,
        detector: str = "opencv",
        model: str = "fer2013",
    ):
        pixels = _Pixels(image, max_detect_side, record, detector, model)
        self._pixels = pixels
        self.faces = [CachedFace(face, pixels, i) for i, face in enumerate(record["faces"])]
        self.model = core.model_info(model)
        self.source = image.name
        self.detector = core.detector_name(detector, model)
        self.detector_info = core.detector_info(detector)
        self.notes = list(record["notes"])
        self.image_shape = tuple(record["image_shape"])

    @property
    def image(self) -> np.ndarray:
        return self._pixels.loaded.rgb

    def __repr__(self) -> str:
        return f"Analysis(source={self.source!r}, faces={len(self.faces)}, cached)"
