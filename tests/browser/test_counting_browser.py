"""The counting-only camera in a real browser: JupyterLab + headless Chromium with a fake camera.

The camera is started with the keyboard; the page must show a count and a released window. Then,
from the kernel side (a second client on the notebook's kernel), the widget is walked for
pictures, bytes, boxes and per-frame records; the saved notebook must hold no widget state and
no counts; and a spy on getUserMedia, independent of the widget, checks every camera track was
stopped.

Needs: /usr/bin/chromium, ffmpeg, EMOLAB_OFFLINE_DIR (or network) for the clip and the model.
Run: EMOLAB_OFFLINE_DIR=../shared python -m pytest tests/browser/test_counting_browser.py -v
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from labharness import (
    CHROMIUM,
    LIVE_TRACKS,
    OPENED_TRACKS,
    TRACK_SPY,
    JupyterLab,
    assert_focus_ring,
    assert_notebook_unchanged,
    file_stamp,
    lab_command,
    make_y4m,
    notebook_state,
    open_browser,
    run_all_cells,
)
from test_webcam_browser import TIMEOUT_MS, wait_for_kernel

playwright_api = pytest.importorskip("playwright.sync_api")

if not Path(CHROMIUM).exists() or shutil.which("ffmpeg") is None:
    reason = "needs /usr/bin/chromium and ffmpeg (apt-get install chromium ffmpeg)"
    if os.environ.get("EMOLAB_REQUIRE_BROWSER"):  # CI: the browser tests must run, never skip
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

CELL = "from emolab.webcam import counting_camera\ncam = counting_camera(window_seconds=2, k=1)\ncam"
START = {"role": "button", "name": "Start counting faces with the camera"}
STOP = {"role": "button", "name": "Stop counting and turn the camera off"}
# Words only the table of counts contains (in the page, or from cam.table()).
TABLE_WORDS = ("Most faces at once", "most at once", "Closed windows", "mean faces", "suppressed")
RETAINED = "__import__('emolab.webcam.counting', fromlist=['_']).retained_objects(cam, per_frame_length={})"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("counting-browser")


@pytest.fixture(scope="module")
def lab(workdir):
    server = JupyterLab(workdir / "lab").start(timeout=60)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(workdir):
    with playwright_api.sync_playwright() as driver:
        context = open_browser(driver, workdir / "profile", make_y4m(workdir / "camera.y4m", 640, 480))
        context.add_init_script(TRACK_SPY)
        yield context
        context.close()


def start_by_keyboard(page, lab, name):
    """Focus "Start camera", check its focus ring, and press Enter; keys must not reach JupyterLab."""
    page.get_by_role(**START).focus()
    before, stamp = notebook_state(page, name), file_stamp(lab, name)
    page.keyboard.press("Tab")  # Stop is disabled: on to "Count the sample clip"
    assert page.evaluate("() => document.activeElement.textContent") == "Count the sample clip"
    assert_focus_ring(page)
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Start camera"
    page.keyboard.press("Enter")
    page.wait_for_selector(".emolab-count[data-mode='camera']", timeout=TIMEOUT_MS)
    assert_notebook_unchanged(page, lab, name, before, stamp)


def saved_notebook(page, lab, name) -> tuple[dict, str]:
    lab_command(page, "docmanager:save")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=TIMEOUT_MS
    )
    text = (lab.root / name).read_text()
    return json.loads(text), text


def test_counting_camera_shows_counts_and_keeps_nothing_else(browser, lab):
    name = "counting.ipynb"
    lab.write_notebook(name, [CELL])
    page = browser.new_page()
    run_all_cells(page, lab, name)
    page.get_by_role(**START).wait_for(timeout=TIMEOUT_MS)
    probe = lab.kernel(name)
    assert wait_for_kernel(probe, "cam.browser_seen")
    assert page.evaluate(OPENED_TRACKS) == 0, "the camera must not start before a key press"
    assert "No emotion model runs" in page.locator(".emolab-count-notice").inner_text()
    assert "at least 1 face was seen at once" in page.locator(".emolab-count-rule").inner_text()

    start_by_keyboard(page, lab, name)
    page.wait_for_function(f"{LIVE_TRACKS} > 0", timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => /^[0-9]+$/.test(document.querySelector('.emolab-count-now').textContent)", timeout=TIMEOUT_MS
    )
    page.wait_for_selector(".emolab-count-table tr[data-released='true']", timeout=TIMEOUT_MS)
    shown = page.locator(".emolab-count-windows").inner_text()
    assert "Most faces at once" in shown, "the page never showed the table: the test would prove nothing"

    page.get_by_role(**STOP).focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"{LIVE_TRACKS} === 0", timeout=10_000)
    assert page.evaluate(OPENED_TRACKS) >= 1
    assert wait_for_kernel(probe, "cam.browser_state == 'camera off'")
    frames = probe.evaluate("sum(window.frames for window in cam.counter.windows())")
    assert frames >= 10 and probe.evaluate("len(cam.counter.released())") >= 1
    assert probe.evaluate(RETAINED.format(frames)) == []
    assert probe.evaluate("cam.last_error") == ""

    saved, text = saved_notebook(page, lab, name)
    assert "application/vnd.jupyter.widget-state+json" not in text
    assert "widgets" not in saved["metadata"], "widget state must not be saved"
    outputs = json.dumps([cell.get("outputs", []) for cell in saved["cells"]])
    for word in TABLE_WORDS:
        assert word not in outputs, f"{word!r} was saved in the notebook"
    assert page.evaluate(LIVE_TRACKS) == 0
    probe.close()
    lab.shutdown_kernel(name)
    page.close()
