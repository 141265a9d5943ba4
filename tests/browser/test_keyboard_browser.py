"""Every course widget keeps its keys from JupyterLab's command-mode shortcuts.

In a notebook in command mode, JupyterLab turns "a" into "insert a cell above", "d d" into
"delete this cell", the arrow keys into "select another cell", and so on. Each test operates one
widget with the keyboard only (Tab, arrow keys, letters, Enter) and checks what the kernel saw,
that the widget shows a focus ring, and that the notebook is as it was: the same cells, the same
active cell, and the file on disk untouched (not saved). Ctrl+S pressed in a widget still saves
the notebook (JupyterLab keeps its shortcuts with Ctrl), and no poll answer is in the saved file.

Needs: /usr/bin/chromium. No camera and no model: getUserMedia is made to fail, and the camera
widget is given a model name.
Run: EMOLAB_OFFLINE_DIR=../shared python -m pytest tests/browser/test_keyboard_browser.py -v
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from labharness import (
    CHROMIUM,
    SHORTCUT_KEYS,
    JupyterLab,
    assert_focus_ring,
    assert_notebook_unchanged,
    file_stamp,
    notebook_state,
    open_browser,
    press_all,
    reject_get_user_media,
    run_all_cells,
    wait_for_value,
)

playwright_api = pytest.importorskip("playwright.sync_api")

if not Path(CHROMIUM).exists():
    reason = "needs /usr/bin/chromium (apt-get install chromium)"
    if os.environ.get("EMOLAB_REQUIRE_BROWSER"):  # CI: the browser tests must run, never skip
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

TIMEOUT_MS = 60_000


POLL_CELL = (
    "from emolab.poll import Poll\n"
    "poll = Poll(['metro platform', 'office', 'street'], prompt='What does the person feel?')\n"
    "poll"
)
TRACES_CELL = (
    "import numpy as np\n"
    "from emolab import EMOTIONS\n"
    "from emolab.alerts import AlertRule, threshold_explorer\n"
    "from emolab.video import as_trace\n"
    "def frames_at(value, n=10):\n"
    "    row = np.zeros(7)\n"
    "    row[EMOTIONS.index('angry')] = row[EMOTIONS.index('fear')] = value / 2\n"
    "    row[EMOTIONS.index('neutral')] = 1 - value\n"
    "    return as_trace(np.tile(row, (n, 1)))\n"
    "traces = {'low': frames_at(0.1), 'mid': frames_at(0.62)}"
)
EXPLORER_CELL = (
    "explorer = threshold_explorer(traces, AlertRule(threshold=0.5, frames=5), seconds_on_camera=10)\n"
    "explorer"
)
CAMERA_CELL = "from emolab.webcam import camera\ncam = camera(model_name='test model')\ncam"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = JupyterLab(tmp_path_factory.mktemp("keyboard-browser") / "lab").start(timeout=60)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    # getUserMedia fails as on a machine without a camera: Enter on "Start camera" must reach
    # the widget, and no camera (real or fake) is ever opened.
    with playwright_api.sync_playwright() as driver:
        context = open_browser(driver, tmp_path_factory.mktemp("keyboard-profile") / "profile")
        context.add_init_script(reject_get_user_media("NotFoundError", "Requested device not found"))
        yield context
        context.close()


def open_notebook(browser, lab, name, cells):
    lab.write_notebook(name, cells)
    page = browser.new_page()
    run_all_cells(page, lab, name)
    return page


def wait_until_saved(lab, name, stamp, timeout=20):
    deadline = time.monotonic() + timeout
    while file_stamp(lab, name) == stamp:
        if time.monotonic() > deadline:
            raise AssertionError("Ctrl+S in the widget did not save the notebook")
        time.sleep(0.2)


def close(page, lab, name, probe=None):
    if probe is not None:
        probe.close()
    lab.shutdown_kernel(name)
    page.close()


def test_poll_is_answered_with_the_keyboard_only(browser, lab):
    name = "poll.ipynb"
    page = open_notebook(browser, lab, name, [POLL_CELL, "1 + 1"])
    selects = page.locator(".emolab-poll select")
    selects.first.wait_for(timeout=TIMEOUT_MS)
    shown = selects.evaluate_all("ss => ss.map(s => s.selectedOptions[0].textContent)")
    assert shown == ["(choose)"] * 3
    assert page.get_by_label("office").evaluate("s => s.tagName") == "SELECT"  # a real <label>
    probe = lab.kernel(name)
    assert probe.evaluate("poll.answers") == {"metro platform": None, "office": None, "street": None}

    selects.first.focus()  # the way in; from here on, keys only
    before, stamp = notebook_state(page, name), file_stamp(lab, name)
    press_all(page, ["ArrowDown", "ArrowDown", "a"])  # (choose) -> angry -> disgust -> angry
    assert_notebook_unchanged(page, lab, name, before, stamp)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == selects.nth(1).get_attribute("id")
    assert_focus_ring(page)
    press_all(page, ["d", "d"])  # disgust
    page.keyboard.press("Tab")
    page.keyboard.press("s")  # sad
    expected = {"metro platform": "angry", "office": "disgust", "street": "sad"}
    wait_for_value(probe, "poll.answers", expected)
    assert_notebook_unchanged(page, lab, name, before, stamp)

    page.keyboard.press("Control+s")  # still saves the notebook, with no answer in it
    wait_until_saved(lab, name, stamp)
    saved = (lab.root / name).read_text()
    assert "widgets" not in json.loads(saved)["metadata"], "widget state must not be saved"
    assert all(answer not in saved for answer in expected.values())
    close(page, lab, name, probe)


def test_threshold_explorer_is_moved_with_the_keyboard_only(browser, lab):
    name = "explorer.ipynb"
    page = open_notebook(browser, lab, name, [TRACES_CELL, EXPLORER_CELL, "1 + 1"])
    threshold = page.get_by_label("threshold", exact=True)
    frames = page.get_by_label("frames in a row")
    threshold.wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("a fixed table").count() == 1  # the static table a saved notebook keeps
    probe = lab.kernel(name)

    threshold.focus()
    before, stamp = notebook_state(page, name), file_stamp(lab, name)
    press_all(page, ["ArrowRight"] * 3 + SHORTCUT_KEYS + ["ArrowUp"])  # 0.50 + 4 steps of 0.05
    assert_notebook_unchanged(page, lab, name, before, stamp)
    page.keyboard.press("Tab")
    assert frames.evaluate("slider => slider === document.activeElement")
    assert_focus_ring(page)
    press_all(page, ["ArrowLeft"])  # 5 -> 4 frames
    wait_for_value(probe, "[round(explorer.threshold, 2), explorer.frames]", [0.7, 4])
    assert probe.evaluate("explorer.rows") == [["low", 0], ["mid", 0]]
    results = page.locator(".emolab-explorer-results")
    page.wait_for_function(
        "() => document.querySelector('.emolab-explorer-rule').textContent.includes('0.70')", timeout=10_000
    )
    assert "for 4 consecutive frames" in results.inner_text()
    assert_notebook_unchanged(page, lab, name, before, stamp)
    close(page, lab, name, probe)


def test_camera_buttons_are_used_with_the_keyboard_only(browser, lab):
    name = "camera.ipynb"
    page = open_notebook(browser, lab, name, [CAMERA_CELL, "1 + 1"])
    start = page.get_by_role("button", name="Start camera")
    start.wait_for(timeout=TIMEOUT_MS)
    probe = lab.kernel(name)

    start.focus()
    before, stamp = notebook_state(page, name), file_stamp(lab, name)
    press_all(page, SHORTCUT_KEYS)
    assert_notebook_unchanged(page, lab, name, before, stamp)
    page.keyboard.press("Tab")  # Stop and Snapshot are disabled: on to "Play sample clip"
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')").startswith("Play")
    assert_focus_ring(page)
    page.keyboard.press("Shift+Tab")
    press_all(page, SHORTCUT_KEYS)
    page.keyboard.press("Enter")  # "Start camera": this browser has no camera
    page.wait_for_selector(".emolab-cam[data-mode='error']", timeout=TIMEOUT_MS)
    wait_for_value(probe, "cam.last_error.startswith('NotFoundError')", True)
    assert_notebook_unchanged(page, lab, name, before, stamp)
    close(page, lab, name, probe)


LAW_CELL = "from emolab.law_classifier import classifier\nlaw = classifier('exam-proctor')\nlaw"


def test_law_classifier_is_answered_with_the_keyboard_only(browser, lab):
    name = "law.ipynb"
    page = open_notebook(browser, lab, name, [LAW_CELL, "1 + 1"])
    scenario = page.get_by_label("Scenario", exact=True)
    scenario.wait_for(timeout=TIMEOUT_MS)
    probe = lab.kernel(name)

    scenario.focus()
    before, stamp = notebook_state(page, name), file_stamp(lab, name)
    press_all(page, ["ArrowUp"])  # the scenario before the proctor: the Cannes market cameras
    wait_for_value(probe, "law.scenario", "cannes-masks")
    press_all(page, ["ArrowDown"])  # back to the proctor
    wait_for_value(probe, "law.scenario", "exam-proctor")
    assert_notebook_unchanged(page, lab, name, before, stamp)
    # The five questions, in order: emotions; learners yes; medical no; identifies no; public no.
    # Each drop-down starts on "(choose)": ArrowDown picks the first option, twice the second.
    for keys in (["ArrowDown"], ["ArrowDown"], ["ArrowDown", "ArrowDown"], ["ArrowDown", "ArrowDown"]):
        page.keyboard.press("Tab")
        press_all(page, keys)
    assert_focus_ring(page)
    page.keyboard.press("Tab")
    press_all(page, ["ArrowDown"] + SHORTCUT_KEYS)  # public: yes, then every shortcut key, kept
    wait_for_value(probe, "law.rows[2]['same']", False)  # the CNIL: now a camera in public space
    results = page.locator(".emolab-law-results")
    results.get_by_text("DIFFERS").first.wait_for(timeout=10_000)
    assert results.get_attribute("aria-live") == "polite"
    assert "Art. 5(1)(f)" not in results.inner_text()  # only differing regimes are explained
    press_all(page, ["ArrowDown"])  # public: no (the course's answer): all the same
    wait_for_value(probe, "all(row['same'] for row in law.rows)", True)
    page.wait_for_function(
        "() => document.querySelector('.emolab-law-summary').textContent.includes('all 5')", timeout=10_000
    )
    assert_notebook_unchanged(page, lab, name, before, stamp)
    close(page, lab, name, probe)
