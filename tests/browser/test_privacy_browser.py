"""The privacy promise, kept on disk: a learner uses the camera in the real lessons, JupyterLab
saves, and the .ipynb on disk holds nothing computed from the camera.

Lesson 2 runs whole; lesson 3's live exercise runs as its own notebook (its set-up cell and the
cells of its section 5, taken from the lesson at test time). The fake camera plays a licensed
GRID clip. Each test first checks that the camera's results *were* shown in the page, so a
"nothing saved" result cannot come from nothing having been computed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from labharness import (
    CHROMIUM,
    NOTEBOOK_PANEL,
    TRACK_SPY,
    JupyterLab,
    lab_command,
    make_y4m,
    open_browser,
    run_all_cells,
)
from test_webcam_browser import START, TIMEOUT_MS, start_camera, wait_for_kernel

from emolab.private import NOT_SAVED
from emolab.webcam.widget import HEADLESS_TEXT

playwright_api = pytest.importorskip("playwright.sync_api")

if not Path(CHROMIUM).exists() or shutil.which("ffmpeg") is None:
    reason = "needs /usr/bin/chromium and ffmpeg (apt-get install chromium ffmpeg)"
    if os.environ.get("EMOLAB_REQUIRE_BROWSER"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
LESSON_2 = ROOT / "lessons/02-the-classifier-and-you.ipynb"
LESSON_3 = ROOT / "lessons/03-rushing-for-a-train.ipynb"
# Words that only text computed from the camera contains.
CAMERA_WORDS = (
    "frames with a face",
    "Top labels:",
    "Snapshot:",
    "Browser:",
    "frames analysed",
    "camera widget's",
)
RECORDED_ENOUGH = "cam.recorder.duration >= 6"  # recording_or_clip needs 5 s of recording


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("privacy-browser")


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


def code_cells_using_the_camera(notebook) -> list[int]:
    markers = ("cam.", "private.show", "sitting_still", "after_exercise")
    return [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        and any(m in cell.source for m in markers)
        and "cam = camera()" not in cell.source
    ]


def run_cells(page, name: str, indexes: list[int]) -> None:
    """Run the given cells of the open notebook, one after the other, as a learner would."""
    page.evaluate(
        """async ([name, indexes]) => {
          const panel = (PANEL)(name);
          for (const index of indexes) {
            panel.content.activeCellIndex = index;
            await window.jupyterapp.commands.execute('notebook:run-cell', {widgetId: panel.id});
          }
        }""".replace("PANEL", NOTEBOOK_PANEL),
        [name, indexes],
    )
    page.wait_for_function(
        """([name, indexes]) => {
          const panel = (PANEL)(name);
          return indexes.every(i => panel.content.widgets[i].model.executionState === 'idle');
        }""".replace("PANEL", NOTEBOOK_PANEL),
        arg=[name, indexes],
        timeout=TIMEOUT_MS,
    )


def save_and_read(page, lab, name: str) -> dict:
    lab_command(page, "docmanager:save")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=TIMEOUT_MS
    )
    return json.loads((lab.root / name).read_text())


def assert_nothing_from_the_camera(saved: dict, camera_cells: list[int]) -> None:
    assert "widgets" not in saved["metadata"], "widget state must not be saved"
    for index in camera_cells:
        for output in saved["cells"][index].get("outputs", []):
            plain = "".join(output.get("data", {}).get("text/plain", ""))
            stream = "".join(output.get("text", ""))
            allowed = plain in (NOT_SAVED, HEADLESS_TEXT) or stream.startswith("No snapshot yet")
            assert allowed, (saved["cells"][index]["source"], output)
            assert "image/png" not in output.get("data", {}), saved["cells"][index]["source"]
    text = json.dumps([cell.get("outputs", []) for cell in saved["cells"]])
    for word in CAMERA_WORDS:
        assert word not in text, f"{word!r} was saved in the notebook"


def wait_until(lab, name: str, expression: str) -> None:
    probe = lab.kernel(name)
    try:
        wait_for_kernel(probe, expression, timeout=120)
    finally:
        probe.close()


def test_lesson_2_saves_nothing_computed_from_the_camera(browser, lab):
    name = "lesson02.ipynb"
    shutil.copyfile(LESSON_2, lab.root / name)
    notebook = nbformat.read(LESSON_2, as_version=4)
    camera_cells = code_cells_using_the_camera(notebook)
    assert len(camera_cells) >= 6, camera_cells  # report, four summaries, plot, snapshot
    page = browser.new_page()
    run_all_cells(page, lab, name, timeout_ms=180_000)
    page.get_by_role(**START).wait_for(timeout=TIMEOUT_MS)
    start_camera(page)
    wait_until(lab, name, "len(cam.recorder) >= 40")
    page.get_by_role("button", name="Snapshot").click()
    wait_until(lab, name, "cam.snapshot is not None")
    run_cells(page, name, camera_cells[:-1])  # all but cam.stop()
    shown = page.locator(".jp-Notebook").text_content()
    for word in ("frames with a face", "Snapshot:", "Browser: camera on"):
        assert word in shown, f"the page never showed {word!r}: the test would prove nothing"
    assert page.locator(".jp-Notebook img[alt*='scores']").count() >= 1  # the trace plot
    saved = save_and_read(page, lab, name)
    assert_nothing_from_the_camera(saved, camera_cells)
    page.close()


def lesson_3_live_exercise() -> list[str]:
    cells = nbformat.read(LESSON_3, as_version=4).cells
    code = [c.source for c in cells if c.cell_type == "code"]
    setup = next(s for s in code if "import emolab" in s)
    rule = next(s for s in code if s.startswith("rule = "))  # section 4's alert rule
    start = next(i for i, c in enumerate(cells) if c.source.startswith("## 5."))
    end = next(i for i, c in enumerate(cells) if i > start and c.source.startswith("## "))
    return [setup, rule] + [c.source for c in cells[start:end] if c.cell_type == "code"]


def test_lesson_3_live_exercise_saves_nothing_computed_from_the_camera(browser, lab):
    name = "lesson03-live.ipynb"
    sources = lesson_3_live_exercise()
    lab.write_notebook(name, sources)
    notebook = nbformat.read(lab.root / name, as_version=4)
    camera_cells = code_cells_using_the_camera(notebook)
    page = browser.new_page()
    run_all_cells(page, lab, name, timeout_ms=180_000)
    page.get_by_role(**START).wait_for(timeout=TIMEOUT_MS)
    start_camera(page)
    first, second = [i for i, s in enumerate(sources) if "recording_or_clip" in s]
    plots = next(i for i, s in enumerate(sources) if "trace_plot" in s)
    for step in (first, second):  # each step takes what the camera recorded since the last
        wait_until(lab, name, RECORDED_ENOUGH)
        run_cells(page, name, [step])
    run_cells(page, name, [plots])
    shown = page.locator(".jp-Notebook").text_content()
    assert shown.count("Using the camera widget's recording") == 2, "the exercise did not use the camera"
    saved = save_and_read(page, lab, name)
    assert_nothing_from_the_camera(saved, camera_cells)
    page.close()
