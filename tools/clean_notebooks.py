"""Strip outputs, execution counts and widget state from the course's notebooks, in place.

python tools/clean_notebooks.py [paths...]   # default: lessons/ and solutions/
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def clean(path: Path) -> bool:
    notebook = nbformat.read(path, as_version=4)
    before = nbformat.writes(notebook)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
    after = nbformat.writes(notebook) + "\n"
    if after != before + "\n":
        path.write_text(after, encoding="utf-8")
        return True
    return False


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted(
        [*ROOT.glob("lessons/*.ipynb"), *ROOT.glob("solutions/*.ipynb")]
    )
    for path in paths:
        if clean(path):
            print(f"cleaned {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
