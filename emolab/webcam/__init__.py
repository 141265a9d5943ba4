"""Live webcam lab: the classifier on the learner's own face, inside Jupyter.

- ``CameraWidget`` / ``camera()``: the browser widget (camera or licensed sample clip);
- ``Recorder``: bounded, in-memory scores over time, read as a ``video.Trace`` (``.trace()``);
- ``record_clip()``: a sample clip's ``video.Trace``, computed without a browser;
- ``SimulatedCamera``, ``record_simulation()``, ``simulated_camera()``: a simulated camera (one
  still course photo with sensor noise and sway, dimming light, a 2-D turn) for classrooms
  without webcams: its Trace without a browser, or the widget playing it;
- ``CountingCamera``, ``counting_camera()``, ``WindowCounter``, ``count_clip()``, ``count_faces()``:
  the counting-only camera (faces per window of time, released only when at least k were seen at
  once; no emotion model, no boxes, no per-frame record);
- ``server``: the Jupyter server setting that turns on TCP_NODELAY for kernel websockets.

Names are imported lazily, so ``emolab.webcam.server`` (loaded by the Jupyter server process)
does not pull in anywidget, OpenCV or the model.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "CameraWidget": ".widget",
    "camera": ".widget",
    "Recorder": ".recorder",
    "record_clip": ".clips",
    "SimulatedCamera": ".simulated",
    "record_simulation": ".simulated",
    "simulated_camera": ".widget",
    "CountingCamera": ".counting",
    "counting_camera": ".counting",
    "WindowCounter": ".counting",
    "count_clip": ".counting",
    "count_faces": ".counting",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
