"""Executed without a browser (nbclient), the camera notebooks finish, fast, without errors,
and the widget says that no browser showed it. Nothing in a cell waits for frames."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from emolab.private import NOT_SAVED

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["lessons/02-the-classifier-and-you.ipynb", "solutions/02-the-classifier-and-you.ipynb"]


def run(notebook, timeout=120):
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    started = time.monotonic()
    client.execute()
    return time.monotonic() - started


def outputs_text(notebook) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_widget_cell_returns_at_once_and_says_no_browser_showed_it():
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("from emolab.webcam import camera\ncam = camera()\ncam"),
            nbformat.v4.new_code_cell(
                "import time; t = time.monotonic(); cam.stop(); s = cam.stats(); print(cam.report()); "
                "print('calls took', time.monotonic() - t)"
            ),
            nbformat.v4.new_code_cell("cam.recorder.plot()"),
        ]
    )
    run(notebook, timeout=60)
    text = outputs_text(notebook)
    assert "no browser has shown this widget" in text  # the widget's own plain-text form
    assert "No browser has reported on this widget yet" in text  # cam.report()
    took = float(text.split("calls took")[1].split()[0])
    assert took < 1.0
    # Nothing was recorded, so the plot says so as an ordinary output (a recording's plot would be
    # shown through emolab.private and never saved: tests/test_private.py).
    assert "Empty trace plot" in str(notebook.cells[2].outputs)
    assert NOT_SAVED not in str(notebook.cells[2].outputs)


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_lesson_notebooks_run_headless_without_errors(path):
    notebook = nbformat.read(ROOT / path, as_version=4)
    took = run(notebook, timeout=180)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    assert took < 300
    text = outputs_text(notebook)
    if path.startswith("lessons"):
        assert "no browser has shown this widget" in text
        assert "Nothing recorded" in text
    else:
        assert text.count(": passed") == 6, text
