"""emolab: the helper package of the course "Emotion-recognition AI and its limits".

Import it before anything imports deepface: it points DeepFace at the ONNX backend and at the
course's weights folder.
"""

from . import setup as _setup

_setup.configure_environment()

from .core import (  # noqa: E402  (the environment must be set before deepface loads)
    EMOTIONS, Analysis, Face, ModelInfo, analyze, analyze_frame, analyze_many, model_info,
)
from .errors import EmolabError  # noqa: E402
from .images import LoadedImage, load_image  # noqa: E402

__all__ = [
    "EMOTIONS", "Analysis", "Face", "ModelInfo", "EmolabError", "LoadedImage",
    "analyze", "analyze_frame", "analyze_many", "load_image", "model_info",
]
