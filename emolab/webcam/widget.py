"""The camera widget: the classifier on the learner's own face, live, inside Jupyter.

The browser captures the camera (getUserMedia) and sends downscaled JPEG frames to this kernel as
custom-message buffers. Each frame is decoded in memory, analysed with ``emolab.analyze_frame``,
added to a bounded in-memory ``Recorder`` and dropped; the kernel answers with boxes and scores
only. No frame is written to disk or put into widget state (ipywidgets would echo synced bytes
back and save them in the notebook).

The same widget can play a licensed sample clip instead: the kernel decodes it frame by frame
(``cv2.VideoCapture``) only when the browser asks for the next frame, so no cell ever blocks.
Made with ``simulation=True`` (or by ``simulated_camera()``, whose only source it is), it can also
play a simulated camera (:mod:`emolab.webcam.simulated`): the kernel makes the next frame from one
course photo when the browser asks, through the same request and answer messages as the clip. Its
scores go to their own recorder (``.simulation_recorder``, ``from_camera=False``): a simulation of
a course photo is not camera data, and it never mixes with a camera recording.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from .. import assets
from ..core import largest_face
from ..errors import EmolabError
from ..private import PrivateText
from ..video import DEFAULT_CLIP, ClipReader
from ..widget_files import widget_module
from .frames import decode_jpeg, encode_jpeg, faces_payload, handle_message, rgba_to_rgb, shrink
from .recorder import Recorder
from .simulated import SimulatedCamera
from .stats import LoopStats

STATIC = Path(__file__).parent / "static"

NOTICE = (
    'What happens when you press "Start camera": your browser sends small copies of the camera '
    "picture to this notebook's own Python kernel, which looks for faces and gives each face 7 "
    "emotion-label scores. Each frame is dropped once analysed: no frame is written to disk or sent "
    "anywhere else. Kept, in memory only, until the kernel stops: the scores of the last 2 minutes, "
    'and a snapshot if you press "Snapshot". The course\'s summaries, plots and snapshot scores are '
    "shown while the notebook is open and left out of the notebook file when it is saved (what you "
    'print() yourself is saved like any output). "Stop" turns the camera off.'
)

HEADLESS_TEXT = (
    "emolab camera widget: no browser has shown this widget, so no camera was started. "
    "Open the notebook in JupyterLab or Jupyter Notebook to use it; the rest of the notebook "
    "works without it."
)


SIMULATION_NOTICE = (
    'What happens when you press "Play simulated camera": no camera is used. This notebook\'s '
    "Python kernel makes each frame from one still course photo (a consented participant of the "
    "London Set), adds what a camera adds (sensor noise, a sway of a fraction of a pixel, JPEG "
    "compression), then dims the light and turns the photo in perspective, and runs the classifier "
    "on it. It is a simulation: the photo does not change, and it is not you."
)

SOURCES = ("camera", "clip", "simulation")


def _simulation_credit(simulation: SimulatedCamera) -> str:
    return (
        "SIMULATION, not a camera and not you: one still photo with simulated sensor noise and "
        "sway, then dimming light, then a 2-D perspective turn (a flat photo warped, not a head "
        f"turning). {simulation.credit}"
    )


NOT_SEEN_TEXT = (
    "No browser has reported on this widget yet. If you ran all cells at once, the widget was "
    "probably still loading when this cell ran: run this cell again now. Without a browser (a "
    "script or a test run) the camera never starts; the rest of the notebook works without it."
)


def _default_analyzer(frame: np.ndarray, color: str, max_detect_side: int):
    from .. import analyze_frame

    return analyze_frame(frame, color=color, max_detect_side=max_detect_side)


def _model_short_name() -> str:
    from .. import model_info

    return model_info().short_name


def _clip_credit(asset) -> str:
    from ..display import credit_line

    return credit_line(asset)


class CameraWidget(anywidget.AnyWidget):
    """Live camera (or sample clip) -> ``emolab.analyze_frame`` -> boxes and scores in the browser.

    In Python: ``.recorder`` (scores over time), ``.snapshot`` (the last snapshot, an RGB array),
    ``.stats()`` (frames, fps, timings), ``.report()`` (what the browser said), ``.stop()``.
    """

    _esm = widget_module(STATIC / "widget.js")
    _css = STATIC / "widget.css"

    # Small settings only. Frames and results travel as custom messages, never as state.
    fps_cap = traitlets.Int(25).tag(sync=True)
    max_in_flight = traitlets.Int(2).tag(sync=True)
    watchdog_ms = traitlets.Int(2000).tag(sync=True)  # forget a frame unanswered this long
    silence_stop_ms = traitlets.Int(8000).tag(sync=True)  # camera off if the kernel is silent this long
    send_max_side = traitlets.Int(320).tag(sync=True)
    jpeg_quality = traitlets.Float(0.7).tag(sync=True)
    capture_size = traitlets.List(traitlets.Int(), default_value=[640, 480]).tag(sync=True)
    palette = traitlets.Dict().tag(sync=True)
    emotions = traitlets.List(traitlets.Unicode()).tag(sync=True)
    model_name = traitlets.Unicode("").tag(sync=True)
    clip_credit = traitlets.Unicode("").tag(sync=True)
    simulation_credit = traitlets.Unicode("").tag(sync=True)
    sources = traitlets.List(traitlets.Unicode(), default_value=["camera", "clip"]).tag(sync=True)
    notice = traitlets.Unicode(NOTICE).tag(sync=True)

    def __init__(
        self,
        *,
        clip: str = DEFAULT_CLIP,
        recorder: Recorder | None = None,
        max_detect_side: int = 240,
        analyzer=None,
        simulation: SimulatedCamera | bool | None = None,
        sources=None,
        **settings,
    ):
        from ..core import EMOTIONS
        from ..display import PALETTE

        self._clip_asset = assets.get(clip)
        model_name = settings.pop("model_name", None) or _model_short_name()
        if simulation is True or (simulation is None and sources and "simulation" in sources):
            simulation = SimulatedCamera()
        self._simulation: SimulatedCamera | None = simulation or None
        if sources is None:
            sources = ["camera", "clip"] + (["simulation"] if self._simulation else [])
        sources = [str(s) for s in sources]
        if not sources or any(s not in SOURCES for s in sources):
            raise EmolabError(f"sources must be some of {SOURCES}; got {sources}.")
        if self._simulation is not None:
            settings.setdefault("simulation_credit", _simulation_credit(self._simulation))
            if "camera" not in sources:
                settings.setdefault("notice", SIMULATION_NOTICE)
                settings.setdefault("fps_cap", int(round(self._simulation.fps)))
        super().__init__(
            palette=dict(PALETTE),
            emotions=list(EMOTIONS),
            model_name=model_name,
            clip_credit=_clip_credit(self._clip_asset),
            sources=sources,
            **settings,
        )
        self.max_detect_side = max_detect_side
        self.simulation_recorder = (
            Recorder(model_name=model_name, source=self._simulation.source, from_camera=False)
            if self._simulation is not None
            else None
        )
        if recorder is None and sources == ["simulation"]:
            recorder = self.simulation_recorder  # no camera in this widget: one recorder
        self.recorder = recorder if recorder is not None else Recorder(model_name=model_name)
        self._simulation_index = 0
        self.snapshot: np.ndarray | None = None
        self.browser_seen = False
        self.browser_state = "not shown"
        self.browser_secure: bool | None = None
        self.last_error = ""
        self._analyzer = analyzer or _default_analyzer
        self._clip_reader: ClipReader | None = None
        self._loop = LoopStats()
        self._one_message_at_a_time = threading.Lock()
        self._handlers = {
            "hello": self._on_hello,
            "state": self._on_state,
            "frame": self._on_frame,
            "clip_next": self._on_clip_next,
            "snapshot": self._on_snapshot,
        }
        self.on_msg(self._on_custom_msg)

    def __repr__(self) -> str:
        # The plain-text form is what a notebook run without a browser (nbclient) keeps.
        return HEADLESS_TEXT

    # ----- messages from the browser -------------------------------------------------------

    def _on_custom_msg(self, _widget, content, buffers) -> None:
        handle_message(self, content, buffers, "camera widget")

    def _tell_browser(self, error: Exception, content: dict) -> None:
        self.last_error = f"{type(error).__name__}: {error}"
        self._loop.failed()
        if content.get("type") == "clip_next":  # the clip's and the simulation's requests
            self.send({"type": "clip_error", "text": str(error)})
            return
        self.send(
            {
                "type": "result",
                "seq": content.get("seq", 0),
                "width": 1,
                "height": 1,
                "faces": [],
                "error": str(error),
            }
        )

    def _on_hello(self, content: dict, _buffers) -> None:
        self.browser_seen = True
        self.browser_state = "shown, camera off"
        self.browser_secure = bool(content.get("secure"))

    def _on_state(self, content: dict, _buffers) -> None:
        state = str(content.get("state", ""))
        self.browser_state = {
            "camera_on": "camera on",
            "clip_on": "sample clip playing",
            "simulation_on": "simulated camera playing",
            "off": "camera off",
            "error": "error",
        }.get(state, state)
        if state in ("camera_on", "clip_on", "simulation_on"):
            self._loop.restart()
        if state == "simulation_on":
            self._simulation_index = 0  # each press plays the simulation from its first frame
        if state == "error":
            self.last_error = f"{content.get('error', '')}: {content.get('message', '')}"

    def _on_frame(self, content: dict, buffers: list) -> None:
        started = time.perf_counter()
        seq = int(content.get("seq", 0))
        self._loop.arrived(content)
        if self._loop.is_stale(seq):
            self._loop.stale()
            self.send({"type": "result", "seq": seq, "width": 1, "height": 1, "faces": [], "stale": True})
            return
        if not buffers:
            raise EmolabError(
                "A frame message arrived without its picture.", advice="Stop and start the camera again."
            )
        frame = decode_jpeg(buffers[0])
        faces = self._analyse(frame)
        self._answer("result", seq, frame, faces, started)

    def _on_clip_next(self, content: dict, _buffers) -> None:
        if content.get("source") == "simulation":
            return self._on_simulation_next(content)
        started = time.perf_counter()
        seq = int(content.get("seq", 0))
        self._loop.arrived(content)
        item = self._open_clip().read()
        if item is None:
            raise EmolabError("The sample clip has no frames OpenCV can read.")
        index, frame = item
        frame = shrink(frame, int(content.get("max_side") or self.send_max_side))
        faces = self._analyse(frame)
        self._answer("clip_frame", seq, frame, faces, started, [encode_jpeg(frame)], frame_index=index)

    def _on_simulation_next(self, content: dict) -> None:
        """The next simulated frame, made now (RGB -> BGR), analysed and sent like a clip frame."""
        started = time.perf_counter()
        seq = int(content.get("seq", 0))
        self._loop.arrived(content)
        if self._simulation is None:
            raise EmolabError(
                "This widget has no simulated camera.", advice="Make it with camera(simulation=True)."
            )
        shown = self._simulation.settings(self._simulation_index)
        self._simulation_index += 1
        frame = np.ascontiguousarray(self._simulation.frame(shown.index)[:, :, ::-1])
        frame = shrink(frame, int(content.get("max_side") or self.send_max_side))
        faces = self._analyse(frame, self.simulation_recorder)
        self._answer(
            "clip_frame",
            seq,
            frame,
            faces,
            started,
            [encode_jpeg(frame)],
            frame_index=shown.index,
            source="simulation",
            phase=shown.phase,
            exposure=round(shown.exposure, 4),
            yaw=round(shown.yaw, 2),
        )

    def _on_snapshot(self, content: dict, buffers: list) -> None:
        if not buffers:
            raise EmolabError("A snapshot message arrived without its picture.")
        self.snapshot = rgba_to_rgb(buffers[0], int(content["width"]), int(content["height"]))
        self.send(
            {
                "type": "notice",
                "text": f"Snapshot of {self.snapshot.shape[1]}x{self.snapshot.shape[0]} "
                "pixels is in Python as .snapshot (memory only). Camera still on.",
            }
        )

    # ----- analysis ---------------------------------------------------------------------------

    def _analyse(self, bgr: np.ndarray, recorder: Recorder | None = None) -> list:
        analysis = self._analyzer(bgr, color="bgr", max_detect_side=self.max_detect_side)
        (self.recorder if recorder is None else recorder).add_face(largest_face(analysis.faces))
        return analysis.faces

    def _answer(
        self, kind: str, seq: int, frame: np.ndarray, faces: list, started: float, buffers=None, **extra
    ):
        kernel_ms = (time.perf_counter() - started) * 1000
        height, width = frame.shape[:2]
        message = {
            "type": kind,
            "seq": seq,
            "width": width,
            "height": height,
            "faces": faces_payload(faces),
            "kernel_ms": round(kernel_ms, 2),
            **extra,
        }
        self.send(message, buffers=buffers)
        self._loop.answered(seq, kernel_ms, bool(faces))

    def _open_clip(self) -> ClipReader:
        if self._clip_reader is None:
            self._clip_reader = ClipReader(assets.fetch(self._clip_asset), loop=True)
        return self._clip_reader

    # ----- for the learner ----------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the browser to turn the camera (or clip) off. Returns at once."""
        if self.browser_state in ("camera on", "sample clip playing", "simulated camera playing"):
            text = "Stopped from Python (cam.stop()). The camera is off."
        else:
            text = 'cam.stop() ran while nothing was playing. The camera is off; "Start camera" starts it.'
        self.send({"type": "stop", "text": text})

    def stats(self) -> dict:
        """Frames analysed, frames per second, and median / 90th-percentile timings in ms."""
        return self._loop.summary()

    def reset_stats(self) -> None:
        """Forget the timings and counts so far (e.g. after a warm-up)."""
        self._loop = LoopStats()

    def report(self) -> str:
        """One line on what the browser reported: shown or not, camera state, last error.
        Shown when it ends a cell, never saved in the notebook (it counts your frames)."""
        if not self.browser_seen:
            return NOT_SEEN_TEXT
        summary = self.stats()
        parts = [f"Browser: {self.browser_state}", f"{summary['frames_analysed']} frames analysed"]
        if self.browser_secure is False:
            parts.append("page is not a secure context (use https or an ssh tunnel to localhost)")
        if self.last_error:
            parts.append(f"last problem: {self.last_error}")
        return PrivateText("; ".join(parts) + ".")

    def close(self) -> None:
        reader = getattr(self, "_clip_reader", None)  # absent when __init__ failed part-way
        if reader is not None:
            reader.close()
        super().close()


def camera(**settings) -> CameraWidget:
    """Make the camera widget (display it by leaving it last in a cell). ``simulation=True`` adds
    a "Play simulated camera" button (:mod:`emolab.webcam.simulated`)."""
    return CameraWidget(**settings)


def simulated_camera(simulation: SimulatedCamera | None = None, **settings) -> CameraWidget:
    """The camera widget with the simulated camera as its only source: no camera, no snapshot.
    Its ``.recorder`` is the simulation's (``from_camera=False``): ordinary outputs."""
    return CameraWidget(simulation=simulation or SimulatedCamera(), sources=["simulation"], **settings)
