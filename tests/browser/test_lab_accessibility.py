"""axe-core on each lesson as a learner sees it: opened in JupyterLab, every cell run.

One JupyterLab server and one headless Chromium serve every lesson in ``lessons/`` (found by glob,
so a new lesson is checked too). Each lesson runs top to bottom in the page, then axe-core (npm's,
see tests/axehelper.py) checks the course's own content only: the rendered markdown cells and the
cells' outputs (text, figures, tables, widgets). JupyterLab's own interface (toolbars, prompts,
the file browser, menus, the code editor) is not ours and is left out. The test fails on a
"serious" or "critical" violation and prints the "moderate" and "minor" ones.

The notebook is shown with JupyterLab's windowing mode "none" (every cell attached and rendered),
so axe sees the whole lesson and not only the cells in view, in a 1280x900 window with the file
browser open (JupyterLab's default layout): an output wider than that scrolls, and axe asks that
a scrolling region be reachable with the keyboard.

What axe cannot catch, and this test does not either:
- whether an alt text, a figure's caption or a table's headers say what matters (only that they
  are there);
- whether the reading order makes sense, and whether a lesson is clear (cognitive load, plain
  language, the pace of the reasoning);
- keyboard traps and focus order in practice (test_keyboard_browser.py operates the widgets with
  the keyboard only);
- what a screen reader announces, and when (live regions, a widget's changing state);
- contrast inside images and figures (text drawn into a PNG), and colour as the only carrier of
  meaning in a plot;
- captions or transcripts for video and audio, and motion or flashing in a live camera view;
- anything in a widget state the lesson does not reach by running its cells (a started camera,
  an opened menu).

Needs: /usr/bin/chromium, npm once (to install axe-core). No camera: the lessons start none.
Run: EMOLAB_OFFLINE_DIR=../shared python -m pytest tests/browser/test_lab_accessibility.py -s
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import axehelper
import pytest
from labharness import JupyterLab, open_browser, run_all_cells

playwright_api = pytest.importorskip("playwright.sync_api")
axehelper.require_chromium()

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
RUN_TIMEOUT_MS = 300_000  # a lesson takes 20 to 60 s cold; far more on a busy machine
INCLUDE = [
    ".jp-Notebook .jp-Cell-inputWrapper .jp-MarkdownOutput",  # rendered markdown
    ".jp-Notebook .jp-OutputArea-output",  # outputs: text, figures, tables, widgets
]
EXCLUDE = [  # JupyterLab's own interface
    ".jp-Toolbar",
    ".jp-InputPrompt",
    ".jp-OutputPrompt",
    ".jp-Collapser",
    ".jp-CodeMirrorEditor",
    ".jp-FileBrowser",
    ".jp-SideBar",
    "#jp-top-panel",
    "#jp-menu-panel",
    ".jp-StatusBar-Widget",
]
NOTEBOOK_SETTINGS = "@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
# Every image in the outputs has loaded and every widget output has drawn something.
OUTPUTS_SETTLED = """() => {
  const images = Array.from(document.querySelectorAll('.jp-OutputArea-output img'));
  const widgets = Array.from(document.querySelectorAll('.jp-OutputArea-output .jupyter-widgets'));
  const drawn = widget => widget.childElementCount > 0 && !widget.textContent.includes('Loading widget');
  return images.every(img => img.complete) && widgets.every(drawn);
}"""

# "cell 12 (code)": where a node is in the notebook, counting every cell from 0.
CELL_OF = """targets => {
  const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'));
  return targets.map(target => {
    const cell = document.querySelector(target)?.closest('.jp-Cell');
    if (!cell) return 'outside any cell';
    const type = cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'code';
    return `cell ${cells.indexOf(cell)} (${type})`;
  });
}"""


@pytest.fixture(scope="module")
def timing():
    started, checked = time.monotonic(), []
    yield checked
    seconds = time.monotonic() - started
    print(f"\naxe on {len(checked)} executed lesson(s) in JupyterLab: {seconds:.0f} s, server included")


@pytest.fixture(scope="module")
def lab(tmp_path_factory, timing):
    server = JupyterLab(tmp_path_factory.mktemp("lab-accessibility") / "lab")
    write_lab_settings(server.home / ".jupyter" / "lab" / "user-settings" / NOTEBOOK_SETTINGS)
    server.start(timeout=60)
    yield server
    server.stop()


def write_lab_settings(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"windowingMode": "none"}))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with playwright_api.sync_playwright() as driver:
        context = open_browser(driver, tmp_path_factory.mktemp("lab-accessibility-profile") / "profile")
        yield context
        context.close()


@pytest.fixture(scope="module")
def axe():
    return axehelper.axe_script()


def run_lesson(page, lab, lesson: Path) -> float:
    """Seconds to open the lesson in the page and run it, outputs drawn."""
    started = time.monotonic()
    shutil.copyfile(lesson, lab.root / lesson.name)
    run_all_cells(page, lab, lesson.name, timeout_ms=RUN_TIMEOUT_MS)
    page.wait_for_function(OUTPUTS_SETTLED, timeout=60_000)
    page.evaluate("() => document.fonts.ready")
    return time.monotonic() - started


def in_cells(page, violations: list[dict]) -> list[dict]:
    """The violations with each node's long selector cut to its cell (number, type) and last step."""
    targets = [node["target"] for v in violations for node in v["nodes"]]
    cells = iter(page.evaluate(CELL_OF, targets))
    return [
        {**v, "nodes": [{**n, "target": f"{next(cells)} … {short(n['target'])}"} for n in v["nodes"]]}
        for v in violations
    ]


def short(target: str) -> str:
    return target.rsplit(" > ", 1)[-1]


@pytest.mark.browser
@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_serious_or_critical_violations_in_the_executed_lesson(browser, lab, axe, timing, lesson):
    page = browser.new_page()
    try:
        ran = run_lesson(page, lab, lesson)
        assert page.locator(INCLUDE[0]).count() > 0, "no rendered markdown: axe would check nothing"
        started = time.monotonic()
        violations = in_cells(page, axehelper.run_axe(page, axe, INCLUDE, EXCLUDE))
        checked = time.monotonic() - started
    finally:
        page.close()
        if lesson.name in lab.page_kernels:
            lab.shutdown_kernel(lesson.name)
    timing.append(lesson.stem)
    lesser = [v for v in violations if v["impact"] not in axehelper.SERIOUS]
    print(
        f"\n{lesson.stem}: ran in {ran:.0f} s, axe in {checked:.0f} s; "
        f"{len(violations)} axe violation(s), {len(lesser)} of them moderate or minor"
    )
    for violation in lesser:
        print(axehelper.describe(violation, lesson.stem))
    serious = axehelper.serious(violations)
    assert serious == [], "\n".join(axehelper.describe(v, lesson.stem) for v in serious)
