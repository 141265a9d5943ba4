"""Where DeepFace keeps its weights, and getting them there.

DeepFace reads ``DEEPFACE_BACKEND_ENGINE`` when it is imported and keeps weights in
``$DEEPFACE_HOME/.deepface/weights``. Unless the learner set ``DEEPFACE_HOME`` themselves, the
course points it into its own cache, so nothing is written to the learner's home folder.
Online, DeepFace downloads its own weights there. Offline (``EMOLAB_OFFLINE_DIR``), the mirror's
stand-in emotion network is placed in DeepFace's slot, sha256-checked, as a symbolic link to the
mirror file: DeepFace only looks for fixed file names in that one folder, so the file must appear
there, and a link lets one read-only mirror on a JupyterHub serve every learner without a copy
each. The link is made only after the mirror file's sha256 was checked, and checked again once in
every process that prepares DeepFace, so a changed mirror file is never used.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

from . import assets

EMOTION_WEIGHTS = "facial_expression_model_weights.onnx"


def configure_environment() -> None:
    """Set DeepFace's variables; must run before deepface is imported."""
    if "deepface" in sys.modules and os.environ.get("DEEPFACE_BACKEND_ENGINE") != "onnx":
        warnings.warn(
            "deepface was imported before emolab; restart the kernel and import emolab first.", stacklevel=2
        )
    os.environ["DEEPFACE_BACKEND_ENGINE"] = "onnx"
    if not os.environ.get("DEEPFACE_HOME"):
        mode = "offline" if os.environ.get(assets.OFFLINE_ENV, "").strip() else "online"
        os.environ["DEEPFACE_HOME"] = str(assets.cache_dir() / f"deepface-{mode}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def weights_dir() -> Path:
    return Path(os.environ["DEEPFACE_HOME"]) / ".deepface" / "weights"


def prepare() -> Path:
    """Make sure DeepFace finds its files; return the emotion weights' path.

    Offline, the stand-in network and the Haar cascades are linked from the mirror unless a
    file is already in DeepFace's slot (a learner's own DeepFace weights are never replaced).
    Online, DeepFace downloads its own weights the first time the model is built.
    """
    configure_environment()
    target = weights_dir() / EMOTION_WEIGHTS
    if assets.offline_dir() is not None:
        _place(assets.STAND_IN_EMOTION_MODEL, target)
        _place_missing_cascades()
    else:
        _download_deepface_weights()
    return target


def place_yunet_for_deepface() -> Path:
    """Put the course's pinned YuNet file where DeepFace's own ``yunet`` detector looks for it,
    so that ``DeepFace.analyze(..., detector_backend="yunet")`` runs offline on the same bytes
    emolab uses (DeepFace would otherwise download it from an unpinned URL). A file already in
    that slot is left alone. emolab itself does not need this: it loads YuNet from the course's
    cache (:func:`emolab.assets.model_path`)."""
    configure_environment()
    target = weights_dir() / assets.YUNET_DETECTOR.mirror_name
    _place(assets.YUNET_DETECTOR, target)
    return target


def _place(model: assets.ModelFile, target: Path) -> None:
    """Put ``model`` in DeepFace's slot unless a file is already there. A link to a mirror file
    of that name (made by the course offline) is made again, so its file is checked again."""
    if not target.exists() or assets.is_link_to(target, model):
        assets.fetch_model_file(model, target)


def _place_missing_cascades() -> None:
    import cv2

    bundled = Path(cv2.__file__).parent / "data"
    for name, model in assets.HAAR_CASCADES.items():
        if not (bundled / name).exists():
            _place(model, weights_dir() / name)


def _download_deepface_weights() -> None:
    from deepface.commons import weight_utils
    from deepface.models.demography.onnx import Emotion

    from .errors import OfflineError

    try:
        weight_utils.download_weights_if_necessary(file_name=EMOTION_WEIGHTS, source_url=Emotion.WEIGHTS_URL)
    except Exception as err:  # DeepFace raises plain ValueError/OSError on a failed download
        raise OfflineError(
            f"DeepFace could not download its emotion model ({err.__class__.__name__})."
        ) from err
