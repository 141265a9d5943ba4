"""The simulated camera: seeded, pure frames from one course photo; its Trace; the widget playing it.

Most tests use a short camera (1 s a phase) and, for the Trace, a stand-in analyser, so they run
in a few seconds; one test runs the real classifier through ``record_simulation``'s cached path.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_webcam_widget import CountingAnalyzer, browser_says

from emolab import EMOTIONS, degrade
from emolab.video import Trace, as_trace, trace_plot
from emolab.webcam import CameraWidget, SimulatedCamera, record_simulation, simulated_camera
from emolab.webcam.frames import decode_jpeg
from emolab.webcam.simulated import PHASES, PHOTO, SimulationError, shot_noise, yaw

SHORT = {"phase_seconds": (1.0, 1.0, 1.0), "fps": 10.0}


@pytest.fixture(scope="module")
def camera():
    return SimulatedCamera(**SHORT)


def test_frames_are_deterministic_with_a_seed_and_differ_between_seeds(camera):
    again = SimulatedCamera(**SHORT)
    other = SimulatedCamera(seed=camera.seed + 1, **SHORT)
    for index in (0, 12, 25):
        assert np.array_equal(camera.frame(index), again.frame(index))
        assert not np.array_equal(camera.frame(index), other.frame(index))
    assert np.array_equal(camera.frame(3), camera.frame(3))  # asking twice changes nothing


def test_frames_are_rgb_uint8_of_the_widgets_size(camera):
    for index in (0, 15, 29):
        frame = camera.frame(index)
        assert frame.dtype == np.uint8 and frame.shape == (240, 320, 3)
    assert camera.scene.shape == (240, 320, 3)


def test_phase_lengths_and_order(camera):
    assert camera.phase_lengths == (10, 10, 10) and len(camera) == 30
    phases = [camera.settings(i).phase for i in range(len(camera))]
    assert phases == [PHASES[0]] * 10 + [PHASES[1]] * 10 + [PHASES[2]] * 10
    assert [camera.settings(i).time for i in (0, 10)] == [0.0, 1.0]
    assert camera.settings(len(camera)).index == 0  # the widget loops


def test_still_phase_changes_nothing_but_noise_and_sway(camera):
    still = [camera.settings(i) for i in range(10)]
    assert all(s.exposure == 1 and s.yaw == 0 for s in still)
    shifts = np.array([s.shift for s in still])
    assert np.abs(shifts).max() < 3 and shifts.std() > 0  # a sway of about a pixel, never more
    # Without noise, sway or JPEG, every frame of the still phase is the photo itself, exactly.
    bare = SimulatedCamera(noise=False, sway_px=0, jpeg_quality=None, **SHORT)
    for index in range(10):
        assert np.array_equal(bare.frame(index), bare.scene)
    # With the noise, the frames differ from the photo only as much as shot noise does.
    noisy = SimulatedCamera(sway_px=0, jpeg_quality=None, **SHORT)
    frames = np.array([noisy.frame(i) for i in range(10)], dtype=float)
    difference = frames - noisy.scene
    assert abs(difference.mean()) < 1.0 and 1.0 < difference.std() < 8.0
    assert not np.array_equal(frames[0], frames[1])


def test_shot_noise_follows_the_low_light_model():
    grey = np.full((200, 200, 3), 128, np.uint8)
    full = shot_noise(grey, 1.0, seed=1).astype(float)
    # sRGB 128 is 216 of 1000 electrons: shot noise sqrt(216) = 14.7 electrons, which the sRGB
    # curve there (1.075 sRGB steps per 1/255 of linear light) makes 4.0 sRGB steps.
    assert abs(full.mean() - 128) < 0.5 and 3.6 < full.std() < 4.4
    dim = shot_noise(grey, 0.1, seed=1)
    assert np.array_equal(dim, degrade.low_light(grey, 0.1, seed=1))  # below full light: low_light itself
    assert np.array_equal(shot_noise(grey, 1.0, seed=1), shot_noise(grey, 1.0, seed=1))


def test_dimming_is_monotone_in_exposure_and_in_mean_brightness(camera):
    dimming = [i for i in range(len(camera)) if camera.settings(i).phase == "dimming light"]
    exposures = [camera.settings(i).exposure for i in dimming]
    assert all(a > b for a, b in zip(exposures, exposures[1:], strict=False))
    assert exposures[0] < 1 and exposures[-1] == pytest.approx(camera.min_exposure)
    brightness = [camera.frame(i).mean() for i in [dimming[0] - 1, *dimming]]
    assert all(a > b for a, b in zip(brightness, brightness[1:], strict=False)), brightness


def test_turning_phase_turns_one_way_then_the_other(camera):
    turning = [camera.settings(i) for i in range(len(camera)) if camera.settings(i).phase == "turning head"]
    angles = [s.yaw for s in turning]
    assert max(angles) == pytest.approx(camera.max_yaw, rel=0.1) and min(angles) < -0.9 * camera.max_yaw
    assert all(s.exposure == 1 for s in turning)


def test_yaw_is_degrade_pitch_turned_sideways():
    rng = np.random.default_rng(0)
    picture = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    assert np.array_equal(yaw(picture, 0), picture)
    turned = yaw(picture, 30)
    assert turned.shape == picture.shape and turned.dtype == np.uint8
    expected = degrade.pitch(np.ascontiguousarray(picture.transpose(1, 0, 2)), 30).transpose(1, 0, 2)
    assert np.array_equal(turned, expected)
    mirrored = yaw(picture, -30)
    assert np.array_equal(mirrored, yaw(picture[:, ::-1].copy(), 30)[:, ::-1])


def test_only_london_set_photos_and_sensible_settings():
    with pytest.raises(SimulationError):
        SimulatedCamera(photo="video/grid_bbaf2n.mpg")
    with pytest.raises(SimulationError):
        SimulatedCamera(phase_seconds=(1.0, 0.0, 1.0))
    with pytest.raises(SimulationError):
        SimulatedCamera(min_exposure=0)


def test_trace_says_what_it_is_and_knows_each_frames_phase(camera):
    trace = record_simulation(camera, analyzer=CountingAnalyzer())
    assert isinstance(trace, Trace) and as_trace(trace) is trace
    assert len(trace) == len(camera) and trace.labels == ["happy"] * len(camera)
    assert trace.source == f"simulated camera: {PHOTO} (a simulation, not you)"
    assert "London Set" in trace.credit and "CC BY 4.0" in trace.credit
    assert trace.from_camera is False
    assert trace.phases == [camera.settings(i).phase for i in range(len(camera))]
    assert trace.exposures[15] < 1 and trace.yaws[0] == 0
    assert np.allclose(np.diff(trace.times), 0.1) and trace.duration == pytest.approx(3.0)
    still = trace.phase("still face")
    assert len(still) == 10 and still.from_camera is False and set(still.phases) == {"still face"}
    table = trace.phase_table()
    assert list(table.index) == list(PHASES) and (table["frames"] == 10).all()
    assert (table["happy"] == 10).all() and (table["label changes"] == 0).all()
    with pytest.raises(SimulationError):
        trace.phase("smiling")


def test_a_simulations_plot_is_an_ordinary_output(camera):
    from emolab.private import PrivateFigure

    figure = trace_plot(record_simulation(camera, analyzer=CountingAnalyzer()))
    assert not isinstance(figure, PrivateFigure)
    assert "simulated camera" in figure.caption and "London Set" in figure.caption


def test_the_real_classifier_gives_the_same_trace_twice(camera):
    first = record_simulation(camera)
    second = record_simulation(camera)  # from the analysis cache
    assert first.labels == second.labels and np.allclose(first.scores, second.scores, equal_nan=True)
    assert first.faces_found >= 20 and set(first.labels) - {""} <= set(EMOTIONS)
    assert first.model_name


# --- the widget ------------------------------------------------------------------------------


def test_the_widget_playing_the_simulation_gives_the_trace_labels(camera, monkeypatch):
    answers = []
    widget = CameraWidget(simulation=camera, sources=["simulation"])
    monkeypatch.setattr(widget, "send", lambda content, buffers=None: answers.append(content))
    for seq in range(1, 7):
        browser_says(widget, {"type": "clip_next", "source": "simulation", "seq": seq})
    trace = record_simulation(camera)
    assert widget.recorder.labels == trace.labels[:6]
    assert np.allclose(widget.recorder.scores, trace.scores[:6], atol=1e-6, equal_nan=True)


@pytest.fixture
def sent():
    return []


def make(sent, monkeypatch, **settings):
    widget = CameraWidget(analyzer=CountingAnalyzer(), model_name="test model", **settings)
    monkeypatch.setattr(widget, "send", lambda content, buffers=None: sent.append((content, buffers)))
    return widget


def test_the_simulated_source_answers_a_next_frame_request(sent, monkeypatch):
    widget = make(sent, monkeypatch, simulation=SimulatedCamera(**SHORT))
    assert widget.sources == ["camera", "clip", "simulation"]
    assert widget.simulation_credit.startswith("SIMULATION") and "London Set" in widget.simulation_credit
    browser_says(widget, {"type": "state", "state": "simulation_on"})
    for seq in (1, 2, 3):
        browser_says(widget, {"type": "clip_next", "source": "simulation", "seq": seq, "max_side": 320})
    answers = [answer for answer, _ in sent]
    assert [a["type"] for a in answers] == ["clip_frame"] * 3 and [a["seq"] for a in answers] == [1, 2, 3]
    assert [a["frame_index"] for a in answers] == [0, 1, 2]
    assert all(a["source"] == "simulation" and a["phase"] == "still face" for a in answers)
    picture = decode_jpeg(sent[0][1][0])
    assert picture.shape == (240, 320, 3) and (answers[0]["width"], answers[0]["height"]) == (320, 240)
    assert answers[0]["faces"][0]["top_label"] == "happy"
    # The simulation's scores go to its own recorder, never the camera's.
    assert len(widget.simulation_recorder) == 3 and len(widget.recorder) == 0
    assert widget.simulation_recorder.from_camera is False
    assert widget.simulation_recorder.trace().source.startswith("simulated camera")
    assert widget.browser_state == "simulated camera playing"


def test_the_simulation_starts_again_at_each_press_and_loops(sent, monkeypatch):
    widget = make(sent, monkeypatch, simulation=SimulatedCamera(**SHORT))
    browser_says(widget, {"type": "state", "state": "simulation_on"})
    for seq in range(1, 33):
        browser_says(widget, {"type": "clip_next", "source": "simulation", "seq": seq})
    indices = [answer["frame_index"] for answer, _ in sent]
    assert indices[:30] == list(range(30)) and indices[30:] == [0, 1]
    browser_says(widget, {"type": "state", "state": "simulation_on"})
    browser_says(widget, {"type": "clip_next", "source": "simulation", "seq": 1})
    assert sent[-1][0]["frame_index"] == 0


def test_simulated_camera_widget_has_no_camera_and_one_recorder(sent, monkeypatch):
    widget = simulated_camera(SimulatedCamera(**SHORT), analyzer=CountingAnalyzer(), model_name="m")
    monkeypatch.setattr(widget, "send", lambda content, buffers=None: sent.append((content, buffers)))
    assert widget.sources == ["simulation"] and widget.recorder is widget.simulation_recorder
    assert widget.fps_cap == 10 and "no camera is used" in widget.notice
    browser_says(widget, {"type": "clip_next", "source": "simulation", "seq": 1})
    assert len(widget.recorder) == 1 and not widget.recorder.from_camera
    assert isinstance(widget.recorder.summarise(), str)  # an ordinary output, not a private one


def test_default_widget_keeps_its_four_buttons_and_refuses_the_simulation(sent, monkeypatch):
    widget = make(sent, monkeypatch)
    assert widget.sources == ["camera", "clip"] and widget.simulation_recorder is None
    browser_says(widget, {"type": "clip_next", "source": "simulation", "seq": 1})
    assert sent[0][0]["type"] == "clip_error" and "no simulated camera" in sent[0][0]["text"]


def test_unknown_sources_are_refused():
    from emolab.errors import EmolabError

    with pytest.raises(EmolabError):
        CameraWidget(analyzer=CountingAnalyzer(), model_name="m", sources=["television"])
