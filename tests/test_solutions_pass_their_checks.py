"""Every worked solution passes every one of its own checks, executed top to bottom offline."""

from __future__ import annotations

import re

import pytest
from notebooks import ROOT, execute

CHECK_CELL = re.compile(r'^grader\.check\("(q\d+)"\)$')


def name(path):
    return str(path.relative_to(ROOT))


def shown(cell) -> str:
    return " ".join(
        str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")) for o in cell.outputs
    )


@pytest.mark.notebook
@pytest.mark.parametrize("path", sorted(ROOT.glob("solutions/*.ipynb")), ids=name)
def test_solution_passes_every_check(path):
    executed = execute(path)
    checks = [
        (CHECK_CELL.match(c.source.strip()).group(1), c)
        for c in executed.cells
        if c.cell_type == "code" and CHECK_CELL.match(c.source.strip())
    ]
    assert checks, "no grader.check cells"
    for question, cell in checks:
        assert shown(cell).startswith(f"{question}: passed"), f"{question} did not pass: {shown(cell)[:300]}"
