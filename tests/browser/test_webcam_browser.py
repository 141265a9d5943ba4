"""The camera widget in a real browser: JupyterLab + headless Chromium with a fake camera.

The fake camera plays a y4m made at test time with ffmpeg from a licensed GRID clip. What the
kernel saw is checked from the kernel side (a second client on the notebook's kernel); that
every camera track was stopped is checked with a spy on getUserMedia, independent of the widget.

Needs: /usr/bin/chromium, ffmpeg, EMOLAB_OFFLINE_DIR (or network) for the clip and the model.
Run: EMOLAB_OFFLINE_DIR=../shared python -m pytest tests/browser -v
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from labharness import (
    CHROMIUM,
    LIVE_TRACKS,
    OPENED_TRACKS,
    TRACK_SPY,
    JupyterLab,
    lab_command,
    make_y4m,
    open_browser,
    reject_get_user_media,
    rerun_all_cells,
    run_all_cells,
)

playwright_api = pytest.importorskip("playwright.sync_api")

if not Path(CHROMIUM).exists() or shutil.which("ffmpeg") is None:
    reason = "needs /usr/bin/chromium and ffmpeg (apt-get install chromium ffmpeg)"
    if os.environ.get("EMOLAB_REQUIRE_BROWSER"):  # CI: the browser tests must run, never skip
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

WIDGET_CELL = "from emolab.webcam import camera\ncam = camera()\ncam"
START = {"role": "button", "name": "Start camera"}
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("webcam-browser")


@pytest.fixture(scope="module")
def started_at():
    return time.time()


@pytest.fixture(scope="module")
def lab(workdir, started_at):
    server = JupyterLab(workdir / "lab").start(timeout=60)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def y4m(workdir):
    return make_y4m(workdir / "fake-camera.y4m", 640, 480)


@pytest.fixture(scope="module")
def playwright():
    with playwright_api.sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def camera_browser(playwright, workdir, y4m):
    context = open_browser(playwright, workdir / "profile-camera", y4m)
    context.add_init_script(TRACK_SPY)
    yield context
    context.close()


def open_widget(context, lab, name, cells=(WIDGET_CELL,)):
    lab.write_notebook(name, list(cells))
    page = context.new_page()
    run_all_cells(page, lab, name)
    page.get_by_role(**START).wait_for(timeout=TIMEOUT_MS)
    return page


def start_camera(page):
    page.get_by_role(**START).click()
    page.wait_for_selector(".emolab-cam[data-mode='camera']", timeout=TIMEOUT_MS)
    page.wait_for_function(f"{LIVE_TRACKS} > 0", timeout=TIMEOUT_MS)


def wait_for_kernel(probe, expression, timeout=120):
    """Poll the kernel until ``expression`` is true (returns its last value). A kernel busy with
    frames on a loaded machine may not answer one poll in time: that poll is repeated, and only
    the overall deadline fails the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = probe.evaluate(expression, timeout=max(5.0, min(30.0, deadline - time.monotonic())))
        except TimeoutError:
            continue
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"kernel never saw {expression!r}")


def error_message(page):
    page.wait_for_selector(".emolab-cam[data-mode='error']", timeout=TIMEOUT_MS)
    return page.locator(".emolab-cam-status").inner_text()


def test_live_camera_frames_are_analysed_and_faces_labelled(camera_browser, lab):
    page = open_widget(camera_browser, lab, "live.ipynb")
    probe = lab.kernel("live.ipynb")
    assert probe.evaluate("cam.browser_seen") is True
    assert page.evaluate(OPENED_TRACKS) == 0, "the camera must not start before a click"
    start = page.get_by_role(**START)
    start.focus()
    page.keyboard.press("Enter")  # keyboard, not mouse
    page.wait_for_selector(".emolab-cam[data-mode='camera']", timeout=TIMEOUT_MS)
    assert "CAMERA ON" in page.locator(".emolab-cam-badge").inner_text()
    wait_for_kernel(probe, "cam.stats()['frames_analysed'] >= 30")
    stats = probe.evaluate("cam.stats()")
    assert stats["frames_with_face"] >= 0.8 * stats["frames_analysed"], stats
    labels = probe.evaluate("cam.recorder.labels")
    emotions = probe.evaluate("list(__import__('emolab').EMOTIONS)")
    assert labels and set(labels) - {""} <= set(emotions)
    assert probe.evaluate("cam.browser_state") == "camera on"
    page.wait_for_function(
        "() => document.querySelectorAll('.emolab-cam-bars li').length === 7", timeout=TIMEOUT_MS
    )
    page.get_by_role("button", name="Take one snapshot into Python").click()
    assert wait_for_kernel(probe, "cam.snapshot is not None and list(cam.snapshot.shape)") == [480, 640, 3]
    page.get_by_role("button", name="Stop camera or clip").click()
    page.wait_for_function(f"{LIVE_TRACKS} === 0", timeout=10_000)
    assert wait_for_kernel(probe, "cam.browser_state == 'camera off'")
    probe.close()
    lab.shutdown_kernel("live.ipynb")
    page.close()


def test_buttons_show_keyboard_focus(camera_browser, lab):
    page = open_widget(camera_browser, lab, "focus.ipynb")
    page.get_by_role(**START).focus()
    page.keyboard.press("Tab")  # keyboard focus -> :focus-visible
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("() => document.activeElement.tagName") == "BUTTON" and outline == "solid"
    labels = page.locator(".emolab-cam button").evaluate_all(
        "bs => bs.map(b => b.getAttribute('aria-label'))"
    )
    assert all(labels) and len(labels) == 4
    lab.shutdown_kernel("focus.ipynb")
    page.close()


@pytest.mark.parametrize("how", ["clear output", "re-run cell", "restart kernel in JupyterLab"])
def test_camera_stops_when_the_widget_goes_away(camera_browser, lab, how):
    name = f"stop-{how.replace(' ', '-')}.ipynb"
    page = open_widget(camera_browser, lab, name)
    start_camera(page)
    if how == "clear output":
        lab_command(page, "notebook:clear-all-cell-outputs")
    elif how == "re-run cell":
        rerun_all_cells(page, lab, name)
    else:
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    page.wait_for_function(f"{LIVE_TRACKS} === 0", timeout=5_000)  # well before the silence check
    assert page.evaluate(OPENED_TRACKS) >= 1
    lab.shutdown_kernel(name)
    page.close()


def test_camera_stops_when_the_kernel_stops_answering(camera_browser, lab):
    # A restart JupyterLab did not start (here: through the server's API) is not announced to
    # the widget; the silence check turns the camera off.
    name = "stop-server-restart.ipynb"
    page = open_widget(camera_browser, lab, name)
    start_camera(page)
    lab.restart_kernel(name)
    page.wait_for_function(f"{LIVE_TRACKS} === 0", timeout=15_000)
    assert "has not answered" in page.locator(".emolab-cam-status").inner_text()
    lab.shutdown_kernel(name)
    page.close()


def test_sample_clip_plays_with_its_credit(camera_browser, lab):
    page = open_widget(camera_browser, lab, "clip.ipynb")
    probe = lab.kernel("clip.ipynb")
    page.get_by_role("button", name="Play the licensed sample clip instead of the camera").click()
    page.wait_for_selector(".emolab-cam[data-mode='clip']", timeout=TIMEOUT_MS)
    wait_for_kernel(probe, "cam.stats()['frames_with_face'] >= 20")
    assert "GRID" in page.locator(".emolab-cam-credit").inner_text()
    assert page.evaluate(OPENED_TRACKS) == 0, "the clip must not open the camera"
    page.get_by_role("button", name="Stop camera or clip").click()
    assert wait_for_kernel(probe, "cam.browser_state == 'camera off'")
    probe.close()
    lab.shutdown_kernel("clip.ipynb")
    page.close()


ERROR_CASES = {
    "no camera": (
        reject_get_user_media("NotFoundError", "Requested device not found"),
        "No camera was found",
    ),
    "camera busy": (reject_get_user_media("NotReadableError", "Could not start video source"), "busy"),
    # Simulated: this test server is on 127.0.0.1, which browsers always treat as secure.
    "insecure page": ("Object.defineProperty(window, 'isSecureContext', {get: () => false});", "ssh tunnel"),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_camera_problems_say_what_to_do(playwright, workdir, y4m, lab, case):
    script, expected = ERROR_CASES[case]
    context = open_browser(playwright, workdir / f"profile-{case.replace(' ', '-')}", y4m)
    context.add_init_script(script)
    try:
        name = f"error-{case.replace(' ', '-')}.ipynb"
        page = open_widget(context, lab, name)
        page.get_by_role(**START).click()
        message = error_message(page)
        assert expected in message and "Play sample clip" in message
        probe = lab.kernel(name)
        assert expected.split()[0] in wait_for_kernel(probe, "cam.report() if cam.last_error else ''")
        probe.close()
        lab.shutdown_kernel(name)
    finally:
        context.close()


def test_permission_denied_says_what_to_do(playwright, workdir, y4m, lab):
    # A real refusal: no auto-accept flag, and the camera permission is not granted.
    context = open_browser(playwright, workdir / "profile-denied", y4m, fake_ui=False, permissions=[])
    try:
        page = open_widget(context, lab, "denied.ipynb")
        page.get_by_role(**START).click()
        assert "permission was refused" in error_message(page)
        probe = lab.kernel("denied.ipynb")
        assert "NotAllowedError" in wait_for_kernel(probe, "cam.last_error")
        probe.close()
        lab.shutdown_kernel("denied.ipynb")
    finally:
        context.close()


def _files_changed_since(folder: Path, since: float):
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and p.stat().st_mtime >= since]


def test_no_frame_on_disk_and_no_widget_state_in_the_saved_notebook(camera_browser, lab, workdir, started_at):
    name = "saved.ipynb"
    page = open_widget(camera_browser, lab, name)
    probe = lab.kernel(name)
    start_camera(page)
    wait_for_kernel(probe, "cam.stats()['frames_analysed'] >= 20")
    page.get_by_role("button", name="Stop camera or clip").click()
    lab_command(page, "docmanager:save")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=TIMEOUT_MS
    )
    saved = json.loads((lab.root / name).read_text())
    assert "widgets" not in saved["metadata"], "widget state must not be saved"
    text = json.dumps(saved)
    assert "/9j/" not in text and "image/jpeg" not in text
    top_of_tmp = [
        p for p in Path(tempfile.gettempdir()).iterdir() if p.is_file() and p.stat().st_mtime >= started_at
    ]
    for path in _files_changed_since(workdir, started_at) + top_of_tmp:
        with path.open("rb") as handle:
            head = handle.read(3)
        assert head != b"\xff\xd8\xff", f"a JPEG was written to disk: {path}"
    probe.close()
    page.close()


SIMULATION_CELL = "from emolab.webcam import simulated_camera\nsim = simulated_camera()\nsim"
PLAY_SIMULATION = {"role": "button", "name": "Play a simulated camera: a still course photo, not you"}


def test_simulated_camera_plays_labelled_as_a_simulation(camera_browser, lab):
    name = "simulation.ipynb"
    lab.write_notebook(name, [SIMULATION_CELL])
    page = camera_browser.new_page()
    run_all_cells(page, lab, name)
    play = page.get_by_role(**PLAY_SIMULATION)
    play.wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role(**START).count() == 0, "a simulated camera has no camera to start"
    probe = lab.kernel(name)
    play.focus()
    page.keyboard.press("Enter")  # keyboard, not mouse
    page.wait_for_selector(".emolab-cam[data-mode='simulation']", timeout=TIMEOUT_MS)
    wait_for_kernel(probe, "len(sim.recorder) >= 10")
    assert "SIMULATION" in page.locator(".emolab-cam-badge").inner_text()
    credit = page.locator(".emolab-cam-credit").inner_text()
    assert credit.startswith("SIMULATION") and "London Set" in credit
    assert probe.evaluate("sim.recorder.from_camera") is False
    assert probe.evaluate("sim.browser_state") == "simulated camera playing"
    assert probe.evaluate("sim.recorder.trace().source").startswith("simulated camera")
    assert page.evaluate(OPENED_TRACKS) == 0, "the simulation must not open the camera"
    page.get_by_role("button", name="Stop the simulation").click()
    assert wait_for_kernel(probe, "sim.browser_state == 'camera off'")
    probe.close()
    lab.shutdown_kernel(name)
    page.close()
