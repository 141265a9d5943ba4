"""Every relative link in the course's notebooks and Markdown files leads to a file that exists
(in JupyterLab a relative link opens that file; in the working copy the layout is the same)."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT

LINK = re.compile(r"\]\(([^)\s]+)\)")
NOTEBOOKS = [ROOT / "START-HERE.ipynb"] + sorted(
    path
    for folder in ("lessons", "exercises", "solutions", "templates")
    for path in (ROOT / folder).glob("*.ipynb")
)
MARKDOWN = [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]


def markdown_of(path) -> str:
    if path.suffix == ".md":
        return path.read_text()
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def relative_links(text: str) -> list[str]:
    prose = re.sub(r"`[^`]*`", "", text)  # a link written as code is an example, not a link
    found = [link.split("#", 1)[0] for link in LINK.findall(prose)]
    placeholder = "NN-"  # the templates' stand-in for a lesson number
    return [link for link in found if link and not re.match(r"^[a-z]+:", link) and placeholder not in link]


@pytest.mark.parametrize("path", NOTEBOOKS + MARKDOWN, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_lead_to_files(path):
    for link in relative_links(markdown_of(path)):
        assert (path.parent / link).resolve().exists(), f"{path.name}: broken link {link}"


def test_the_link_finder_finds_links():
    text = "see [a](../lessons/x.ipynb), [b](https://example.org), [c](#top) and `[d](y.ipynb)`"
    assert relative_links(text) == ["../lessons/x.ipynb"]
