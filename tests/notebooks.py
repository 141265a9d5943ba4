"""Helpers for tests that read or execute the course's notebooks."""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
COMMITTED = sorted(
    [
        *ROOT.glob("lessons/*.ipynb"),
        *ROOT.glob("exercises/*.ipynb"),
        *ROOT.glob("solutions/*.ipynb"),
        *ROOT.glob("templates/*.ipynb"),
    ]
)
EXECUTED = sorted(
    [*ROOT.glob("lessons/*.ipynb"), *ROOT.glob("solutions/*.ipynb"), *ROOT.glob("exercises/*.ipynb")]
)
HEADING = re.compile(r"^(#{1,6})\s+\S")
IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
ALT = re.compile(r'\balt="([^"]*)"', re.I)
FIGURE = re.compile(r"<figure\b.*?</figure>", re.S | re.I)
PNG_SRC = re.compile(r'src="data:image/png;base64,([^"]+)"')


def headings(notebook) -> list[tuple[int, str]]:
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        in_fence = False
        for line in cell.source.splitlines():
            if line.strip().startswith("```"):
                in_fence = not in_fence
            match = HEADING.match(line)
            if match and not in_fence:
                found.append((len(match.group(1)), line.strip()))
    return found


def run_guarded(path: Path):
    """Run a notebook top to bottom in a fresh kernel, with the network guard installed first.

    Returns the executed notebook (each cell's timing is in its metadata, as nbclient records it).
    """
    notebook = nbformat.read(path, as_version=4)
    guard = nbformat.v4.new_code_cell(
        f"import sys; sys.path.insert(0, {str(TESTS)!r}); import netguard; "
        "netguard.install(); sys.path.pop(0)"
    )
    notebook.cells.insert(0, guard)
    client = NotebookClient(
        notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    notebook.cells.pop(0)
    return notebook


execute = cache(run_guarded)  # the tests run each notebook once per session


def html_outputs(notebook):
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                yield index, data["text/html"]


def raw_image_outputs(notebook):
    """Image outputs that are not inside HTML (these carry no alt text)."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            for mime in output.get("data", {}):
                if mime.startswith("image/"):
                    yield index, mime, output.get("metadata", {})


def figures(markup: str):
    """(alt text, caption, decoded PNG bytes) for each <figure> in an HTML output."""
    for figure in FIGURE.findall(markup):
        alt = ALT.search(figure)
        src = PNG_SRC.search(figure)
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S)
        yield (
            alt.group(1) if alt else "",
            caption.group(1) if caption else "",
            base64.b64decode(src.group(1)) if src else b"",
        )
