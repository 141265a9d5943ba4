"""The course's images, clips and model files: pinned URL + sha256, fetched on first use.

Online, files are downloaded from their pinned URLs into a per-user cache with a progress bar;
pooch checks the sha256 and refuses a file that differs.

With ``EMOLAB_OFFLINE_DIR`` set to a folder laid out like the course's asset mirror
(``images/<file>`` and ``models/<file>``, as ``python3 course.py download`` builds it), files are
read in place from that folder, never copied: on a JupyterHub one read-only mirror serves every
learner. Each mirror file's sha256 is checked the first time a process uses it (the verdict is
remembered by path, size and modification time), and a file that differs is refused.
"""

from __future__ import annotations

import csv
import os
import shutil
import uuid
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import pooch

from .errors import AssetError, ChecksumError, OfflineError

OFFLINE_ENV = "EMOLAB_OFFLINE_DIR"
CACHE_ENV = "EMOLAB_CACHE_DIR"
MANIFEST = Path(__file__).resolve().parents[1] / "data" / "manifest.csv"


@dataclass(frozen=True)
class Asset:
    file: str
    collection: str
    sha256: str
    bytes: int
    url: str
    license: str
    credit: str
    alt: str
    context: str
    subject_id: str = ""
    condition: str = ""
    age: str = ""
    gender: str = ""
    ethnicity: str = ""

    @property
    def name(self) -> str:
        return Path(self.file).name


@dataclass(frozen=True)
class ModelFile:
    """A model file: where it comes from online, and its name in an offline mirror."""

    mirror_name: str
    sha256: str
    url: str | None  # None: no public download; offline mirrors only
    bytes: int


# The emotion network that fits DeepFace's ONNX slot offline (see the mirror's models/README.md),
# and the Haar cascades (OpenCV 4.x wheels ship them in cv2/data; listed for mirrors without them).
STAND_IN_EMOTION_MODEL = ModelFile(
    "fer2013_mini_XCEPTION_deepface48.onnx",
    "6ffe5d0686bc0051a17eacac3604fba1b36996931cb94c92cbbbbff4fe7eff1f",
    None,
    236466,
)
HAAR_CASCADES = {
    "haarcascade_frontalface_default.xml": ModelFile(
        "haarcascade_frontalface_default.xml",
        "0f7d4527844eb514d4a4948e822da90fbb16a34a0bbbbc6adc6498747a5aafb0",
        "https://github.com/opencv/opencv/raw/4.9.0/data/haarcascades/haarcascade_frontalface_default.xml",
        930127,
    ),
    "haarcascade_eye.xml": ModelFile(
        "haarcascade_eye.xml",
        "71cc64fc305a355dc60067880f6fbbd43dd155bd63ee3844661a1bda34b2fd8c",
        "https://github.com/opencv/opencv/raw/4.9.0/data/haarcascades/haarcascade_eye.xml",
        341406,
    ),
}


# The OpenCV Zoo's YuNet face detector and its facial-expression model (MobileFaceNet trained on
# RAF-DB), pinned to the Zoo commits whose Git LFS pointers carry these sha256 (see the mirror's
# models/README.md). emolab.zoo loads them; DeepFace's own "yunet" detector downloads the same
# YuNet file, unpinned.
YUNET_DETECTOR = ModelFile(
    "face_detection_yunet_2023mar.onnx",
    "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4",
    "https://github.com/opencv/opencv_zoo/raw/966be4cb6eefc2a4f586ed0581bf4bbaa2533070/"
    "models/face_detection_yunet/face_detection_yunet_2023mar.onnx",
    232589,
)
ZOO_EMOTION_MODEL = ModelFile(
    "facial_expression_recognition_mobilefacenet_2022july_int8.onnx",
    "f0d7093aff10e2638c734c5f18a6a7eabd2b9239b20bdb9b8090865a6f69a1ed",
    "https://github.com/opencv/opencv_zoo/raw/7c18c21465a4017921f311f721e05b734da72986/"
    "models/facial_expression_recognition/facial_expression_recognition_mobilefacenet_2022july_int8.onnx",
    1364007,
)


def model_files() -> tuple[ModelFile, ...]:
    """Every model file the course uses (what a mirror's ``models/`` folder must hold)."""
    return (STAND_IN_EMOTION_MODEL, *HAAR_CASCADES.values(), YUNET_DETECTOR, ZOO_EMOTION_MODEL)


def offline_dir() -> Path | None:
    """The local mirror named by EMOLAB_OFFLINE_DIR, or None when the course is online."""
    value = os.environ.get(OFFLINE_ENV, "").strip()
    if not value:
        return None
    folder = Path(value).expanduser().resolve()
    if not folder.is_dir():
        raise OfflineError(f"{OFFLINE_ENV} points to {folder}, which is not a folder.")
    return folder


def cache_dir() -> Path:
    value = os.environ.get(CACHE_ENV, "").strip()
    return Path(value).expanduser() if value else Path(pooch.os_cache("emolab"))


@lru_cache(maxsize=1)
def catalog() -> tuple[Asset, ...]:
    """Every image and clip the course uses, with licence, credit and alt text."""
    with MANIFEST.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = {f.name for f in fields(Asset)}
    return tuple(
        Asset(**{k: (int(v) if k == "bytes" else v) for k, v in row.items() if k in names}) for row in rows
    )


def get(file: str | Asset) -> Asset:
    if isinstance(file, Asset):
        return file
    for asset in catalog():
        if asset.file == file:
            return asset
    raise AssetError(f"'{file}' is not one of the course's assets.")


def find_asset(name) -> Asset | None:
    """The course asset called ``name``: its manifest path ("lisa/lisa3.jpg"), a path ending in
    it (such as the cached copy :func:`fetch` returns), or a file name that only one asset has
    ("lisa3.jpg"). None if there is no such asset."""
    text = str(name).strip().replace("\\", "/")
    if not text:
        return None
    for asset in catalog():
        if text == asset.file or text.endswith("/" + asset.file):
            return asset
    same_name = [a for a in catalog() if a.name == Path(text).name]
    return same_name[0] if len(same_name) == 1 else None


def _known_asset(name) -> Asset:
    found = find_asset(name)
    if found is None:
        raise AssetError(f"'{name}' is not one of the course's assets.")
    return found


def asset_for(analysis) -> Asset | None:
    """The course asset an analysis was made from (found from its source path), if any."""
    return (
        find_asset(analysis.source) if analysis.source.lower().endswith((".jpg", ".jpeg", ".png")) else None
    )


def collection(name: str) -> list[Asset]:
    """Assets of one collection: london, fairface, lisa, zoom, scenes, context, video."""
    found = [a for a in catalog() if a.collection == name]
    if not found:
        known = sorted({a.collection for a in catalog()})
        raise AssetError(f"No collection called '{name}'.", f"Use one of: {', '.join(known)}.")
    return found


# Mirror files whose sha256 was checked in this process, by (path, size, mtime, sha256): a file
# that changes gets a new size or mtime and is checked again.
_VERIFIED: set[tuple[str, int, int, str]] = set()


def file_matches(path: Path, sha256: str, size: int | None = None) -> bool:
    """True when the file at ``path`` has this sha256 (checked once per process while unchanged)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, sha256)
    if key in _VERIFIED:
        return True
    if size is not None and stat.st_size != size:
        return False
    if pooch.file_hash(str(path), alg="sha256") != sha256:
        return False
    _VERIFIED.add(key)
    return True


def _verified_mirror_file(source: Path, sha256: str, size: int | None) -> Path:
    """``source`` in the offline mirror, after checking its sha256; read in place, never copied."""
    if not source.is_file():
        raise OfflineError(
            f"Offline mode: {source} is missing from the asset folder ({OFFLINE_ENV}).",
            "Ask whoever looks after that folder (your instructor or the hub's administrator) to "
            "complete it with: python3 course.py download FOLDER. It reports every file it cannot fetch.",
        )
    if not file_matches(source, sha256, size):
        raise ChecksumError(
            f"{source} in the course's asset folder ({OFFLINE_ENV}) differs from the file the course "
            "pinned (its sha256 does not match), so it was not used.",
            "Do not edit files in that folder. Tell whoever looks after it (your instructor or the hub's "
            "administrator): running  python3 course.py download FOLDER  again replaces every file "
            "that differs.",
        )
    return source


def _download(url: str | None, sha256: str, target: Path) -> Path:
    """Download one file to ``target`` from its pinned URL; pooch checks the sha256."""
    if url is None:
        raise OfflineError(f"{target.name} has no public download; it comes from an offline mirror.")
    target.parent.mkdir(parents=True, exist_ok=True)
    pooch.get_logger().setLevel("INFO")
    try:
        path = pooch.retrieve(
            url=url,
            known_hash=f"sha256:{sha256}",
            fname=target.name,
            path=target.parent,
            downloader=pooch.HTTPDownloader(progressbar=True, timeout=60),
            progressbar=True,
        )
    except ValueError as err:
        if "hash" in str(err).lower():
            raise ChecksumError(f"{target.name}: the sha256 differs from the pinned one.") from err
        raise
    except OSError as err:
        if isinstance(err, AssetError):
            raise
        raise OfflineError(f"Could not download {target.name} ({err.__class__.__name__}).") from err
    return Path(path)


def fetch(file: str | Asset) -> Path:
    """Local path of an image or clip: in the offline mirror when one is set (sha256-checked, read
    in place), otherwise in the course's cache, downloaded on first use."""
    asset = get(file)
    mirror = offline_dir()
    if mirror is not None:
        return _verified_mirror_file(mirror / "images" / asset.file, asset.sha256, asset.bytes)
    return _download(asset.url, asset.sha256, cache_dir() / "images" / asset.file)


def fetch_many(files, progress: bool = True) -> list[Path]:
    from tqdm.auto import tqdm

    items = list(files)
    return [fetch(f) for f in tqdm(items, desc="Fetching images", disable=not progress)]


def mirror_model_file(model: ModelFile) -> Path | None:
    """The model file in the offline mirror (sha256-checked), or None when the course is online."""
    mirror = offline_dir()
    if mirror is None:
        return None
    return _verified_mirror_file(mirror / "models" / model.mirror_name, model.sha256, model.bytes)


def fetch_model_file(model: ModelFile, target: Path) -> Path:
    """Place a model file at ``target``, sha256-checked: from its pinned URL online; offline, as a
    link to the checked mirror file (a copy where the system allows no links)."""
    source = mirror_model_file(model)
    if source is None:
        return _download(model.url, model.sha256, target)
    return _link(source, target)


def _link(source: Path, target: Path) -> Path:
    """Make ``target`` a symbolic link to ``source``, replacing whatever is there in one step."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    try:
        temporary.symlink_to(source)
    except OSError:  # Windows allows links only with developer mode or an administrator's rights
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)
    return target


def is_link_to(path: Path, model: ModelFile) -> bool:
    """True when ``path`` is a link to a mirror's copy of ``model`` (as :func:`fetch_model_file`
    makes offline), even one whose mirror has gone or moved."""
    return path.is_symlink() and Path(os.readlink(path)).name == model.mirror_name


def model_path(model: ModelFile) -> Path:
    """A model file: in the offline mirror when one is set (sha256-checked, read in place),
    otherwise in the course's cache (``cache_dir()/models``), downloaded on first use."""
    return mirror_model_file(model) or _download(
        model.url, model.sha256, cache_dir() / "models" / model.mirror_name
    )


_ANALYSES: dict[tuple, object] = {}


def analyze_assets(
    items,
    *,
    progress: bool = True,
    max_detect_side: int | None = 640,
    detector: str | None = None,
    model: str = "fer2013",
) -> list:
    """Analyse course assets with :func:`emolab.analyze_many`, remembering each result.

    Running the same images again in this session (for example in a check) reuses the result
    objects; across sessions, :mod:`emolab.analysis_cache` keeps their numbers on disk. The
    images are shared among the cores as in ``analyze_many``. ``detector`` and ``model`` choose
    the pipeline, as in :func:`emolab.analyze`.
    """
    from .core import analyze_many, resolve

    detector, model = resolve(detector, model)
    items = [item if isinstance(item, Asset) else _known_asset(item) for item in items]
    todo = [a for a in items if (a.file, max_detect_side, detector, model) not in _ANALYSES]
    if todo:
        paths = [fetch(a) for a in todo]
        results = analyze_many(
            paths, progress=progress, max_detect_side=max_detect_side, detector=detector, model=model
        )
        for asset, result in zip(todo, results, strict=True):
            _ANALYSES[(asset.file, max_detect_side, detector, model)] = result
    return [_ANALYSES[(a.file, max_detect_side, detector, model)] for a in items]
