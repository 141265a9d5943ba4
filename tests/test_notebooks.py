"""Every notebook: committed clean, accessible, in sync, and running top to bottom offline."""

from __future__ import annotations

import re
import subprocess
import sys

import cv2
import nbformat
import numpy as np
import pytest
from notebooks import (
    ALT,
    COMMITTED,
    EXECUTED,
    IMG_TAG,
    ROOT,
    execute,
    figures,
    headings,
    html_outputs,
    raw_image_outputs,
)

LABELS = "angry|disgust|fear|happy|sad|surprise|neutral"
HARD_CODED_OUTPUT = re.compile(
    rf"\b({LABELS})\b[^.\n]{{0,15}}\d{{1,3}}(\.\d+)?\s?%|\d{{1,3}}(\.\d+)?\s?%[^.\n]{{0,15}}\b({LABELS})\b",
    re.I,
)


def name(path):
    return str(path.relative_to(ROOT))


def test_there_are_lessons_exercises_and_solutions():
    for folder in ("lessons", "exercises", "solutions"):
        assert list((ROOT / folder).glob("01-*.ipynb")), f"no lesson 1 notebook in {folder}/"


@pytest.mark.parametrize("path", COMMITTED, ids=name)
def test_committed_without_outputs_or_widget_state(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [i for i, c in enumerate(notebook.cells) if c.get("outputs") or c.get("execution_count")]
    assert not dirty, f"cells with outputs or execution counts: {dirty} (run tools/clean_notebooks.py)"
    assert "widgets" not in notebook.metadata, "saved widget state in the notebook metadata"


@pytest.mark.parametrize("path", COMMITTED, ids=name)
def test_one_h1_and_headings_in_order(path):
    found = headings(nbformat.read(path, as_version=4))
    assert [level for level, _ in found].count(1) == 1, f"want exactly one H1, got {found}"
    assert found[0][0] == 1, f"the first heading must be the H1, got {found[0]}"
    for (previous, _), (level, text) in zip(found, found[1:], strict=False):
        assert level <= previous + 1, f"heading skips a level: {text!r} after an H{previous}"


@pytest.mark.parametrize("path", COMMITTED, ids=name)
def test_prose_never_states_a_model_output(path):
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "markdown":
            match = HARD_CODED_OUTPUT.search(cell.source)
            assert not match, (
                f"cell {index} states a model output in prose: {match.group(0)!r}; compute it instead"
            )


def test_exercises_are_generated_from_solutions():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "sync_exercises.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.notebook
@pytest.mark.parametrize("path", EXECUTED, ids=name)
def test_runs_top_to_bottom_offline(path):
    executed = execute(path)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"error outputs: {[e.get('ename') for e in errors]}"


@pytest.mark.notebook
@pytest.mark.parametrize("path", EXECUTED, ids=name)
def test_every_image_has_alt_text(path):
    executed = execute(path)
    for index, mime, metadata in raw_image_outputs(executed):
        alt = metadata.get(mime, {}).get("alt") if isinstance(metadata.get(mime), dict) else None
        assert alt, f"cell {index}: a bare {mime} output with no alt text (use emolab.display.show_figure)"
    for index, markup in html_outputs(executed):
        for tag in IMG_TAG.findall(markup):
            alt = ALT.search(tag)
            assert alt and alt.group(1).strip(), f"cell {index}: <img> without alt text"


def faces_in(png: bytes) -> int:
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    cascade = cv2.CascadeClassifier(
        str(ROOT.parent / "shared" / "models" / "haarcascade_frontalface_default.xml")
        if not hasattr(cv2, "data")
        else cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
    )
    return len(cascade.detectMultiScale(image, 1.1, 10, minSize=(20, 20)))


@pytest.mark.notebook
@pytest.mark.parametrize("path", EXECUTED, ids=name)
def test_every_face_shown_has_its_credit(path):
    executed = execute(path)
    for index, markup in html_outputs(executed):
        for alt, caption, png in figures(markup):
            if png and faces_in(png):
                assert "Licence:" in caption, (
                    f"cell {index}: a figure shows a face but no credit: {alt[:80]!r}"
                )


@pytest.mark.notebook
@pytest.mark.parametrize("path", sorted(ROOT.glob("exercises/*.ipynb")), ids=name)
def test_unanswered_exercises_get_a_not_yet_from_every_check(path):
    executed = execute(path)
    checks = [
        c for c in executed.cells if c.cell_type == "code" and re.match(r"\s*grader\.check\(", c.source)
    ]
    assert checks, "no grader.check cells"
    for cell in checks:
        shown = " ".join(str(o.get("data", {})) + str(o.get("text", "")) for o in cell.outputs)
        assert "not yet" in shown, (
            f"{cell.source.strip()} did not say 'not yet' for an unanswered exercise: {shown[:200]}"
        )
