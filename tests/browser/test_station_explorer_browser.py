"""Lesson 6's station explorer is operated with the keyboard only, in a real JupyterLab.

The notebook builds the explorer on two hand-made clips (no model, no camera), so the threshold
slider measures the per-frame rate again. The test focuses the threshold slider, then uses keys
only (arrow keys, letters JupyterLab takes as command-mode shortcuts, Tab, End) and checks what
the kernel saw, that the page shows the new summary and figure, that the focused slider has the
focus ring, and that the notebook is as it was: the same cells, the same active cell, not saved.

Needs: /usr/bin/chromium.
Run: EMOLAB_OFFLINE_DIR=../shared EMOLAB_REQUIRE_BROWSER=1 \
     python -m pytest tests/browser/test_station_explorer_browser.py -v
"""

from __future__ import annotations

import os
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
DONE = "Flag when angry + fear >= 0.60 for 50 consecutive frames."  # the summary's rule line


MEASUREMENT_CELL = (
    "import numpy as np\n"
    "from emolab import EMOTIONS, station, station_explorer\n"
    "from emolab.alerts import AlertRule\n"
    "from emolab.video import as_trace\n"
    "def trace_at(values):\n"
    "    rows = np.zeros((len(values), 7))\n"
    "    for row, value in zip(rows, values):\n"
    "        row[EMOTIONS.index('angry')] = row[EMOTIONS.index('fear')] = value / 2\n"
    "        row[EMOTIONS.index('neutral')] = 1 - value\n"
    "    return as_trace(rows)\n"
    "clips = {'a': trace_at([0.1] * 6 + [0.55, 0.55, 0.8, 0.8]), 'b': trace_at([0.2] * 10)}\n"
    "measurement = station.clip_measurement(clips)\n"
    "inputs = station.StationInputs(measurement.rate(AlertRule()), rule=AlertRule())"
)
EXPLORER_CELL = "explorer = station_explorer.explore(inputs, measurement)\nexplorer"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = JupyterLab(tmp_path_factory.mktemp("station-explorer-browser") / "lab").start(timeout=60)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with playwright_api.sync_playwright() as driver:
        context = open_browser(driver, tmp_path_factory.mktemp("station-profile") / "profile", fake_ui=False)
        yield context
        context.close()


def test_station_explorer_is_moved_with_the_keyboard_only(browser, lab):
    name = "station.ipynb"
    lab.write_notebook(name, [MEASUREMENT_CELL, EXPLORER_CELL, "1 + 1"])
    page = browser.new_page()
    run_all_cells(page, lab, name)
    threshold = page.get_by_label("threshold", exact=True)
    frames = page.get_by_label("frames in a row (k)")
    threshold.wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("a fixed summary").count() == 1  # the static form a saved notebook keeps
    notes = page.locator(".emolab-station-note").all_inner_texts()
    assert notes.count("hypothetical: no study supports any figure") == 2  # by both hypothetical sliders
    assert page.get_by_label("people who truly need help or intend harm").get_attribute("aria-describedby")
    headline = page.locator(".emolab-station-headline")
    image = page.locator("img.emolab-station-figure")
    assert image.get_attribute("src").startswith("blob:")
    first_headline, first_src = headline.inner_text(), image.get_attribute("src")
    probe = lab.kernel(name)
    assert probe.evaluate("[explorer.inputs.rate.k, explorer.inputs.rate.n]") == [4, 20]

    threshold.focus()  # the way in; from here on, keys only
    before, stamp = notebook_state(page, name), file_stamp(lab, name)
    press_all(page, ["ArrowRight", "ArrowRight"] + SHORTCUT_KEYS)  # 0.50 -> 0.60 (Down, Up: no change)
    assert_notebook_unchanged(page, lab, name, before, stamp)
    assert_focus_ring(page)
    page.keyboard.press("Tab")
    assert frames.evaluate("slider => slider === document.activeElement")
    assert_focus_ring(page)
    page.keyboard.press("End")  # 5 -> 50 frames in a row
    wait_for_value(probe, "[round(explorer.threshold, 2), explorer.frames]", [0.6, 50])
    # The summary follows once the kernel has redrawn (the figure takes a few tenths of a second).
    wait_for_value(probe, "explorer.inputs.rule.frames == 50 and explorer.summary[2][1]", DONE)
    # The threshold measured the rate again: only clip a's two frames at 0.8 are over 0.6.
    assert probe.evaluate("[explorer.inputs.rate.k, explorer.inputs.rate.threshold]") == [2, 0.6]
    assert probe.evaluate("explorer.headline == station_explorer.headline(explorer.result)")
    page.wait_for_function(
        "() => document.querySelector('.emolab-station-summary').textContent.includes('for 50 consecutive')",
        timeout=10_000,
    )
    assert headline.inner_text() != first_headline
    assert image.get_attribute("src") != first_src
    assert "0.60" in image.get_attribute("alt") or "50" in image.get_attribute("alt")
    assert_notebook_unchanged(page, lab, name, before, stamp)
    probe.close()
    lab.shutdown_kernel(name)
    page.close()
