"""Generate exercises/NN-*.ipynb from solutions/NN-*.ipynb, the single source of truth.

In a solution's code cell, the lines from ``# BEGIN SOLUTION`` to ``# END SOLUTION`` become
``name = ...  # your answer here`` (when the block ends by assigning ``name``) or
``...  # your answer here``. In markdown cells, text between ``<!-- BEGIN SOLUTION -->`` and
``<!-- END SOLUTION -->`` is removed (and a cell left empty is dropped). Outputs are cleared.

    python tools/sync_exercises.py          # write exercises/
    python tools/sync_exercises.py --check  # exit 1 if exercises/ differs from what it would write
    python tools/sync_exercises.py 04       # only lesson 04's exercises
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CODE_BLOCK = re.compile(
    r"^([ \t]*)# BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*# END SOLUTION[^\n]*(\n|$)", re.M | re.S
)
MARKDOWN_BLOCK = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->\n?", re.S)
ASSIGNMENT = re.compile(r"^\s*([A-Za-z_]\w*)\s*=[^=]")
PLACEHOLDER = "...  # your answer here"


def blank_code(source: str) -> str:
    def replace(match: re.Match) -> str:
        indent, body = match.group(1), match.group(2)
        lines = [line for line in body.splitlines() if line.strip()]
        assigned = ASSIGNMENT.match(lines[-1]) if lines else None
        target = f"{assigned.group(1)} = " if assigned and not lines[-1].startswith((" ", "\t")) else ""
        return f"{indent}{target}{PLACEHOLDER}{match.group(3)}"

    return CODE_BLOCK.sub(replace, source)


def exercise_from(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    exercise = nbformat.v4.new_notebook(metadata=solution.metadata)
    for cell in solution.cells:
        cell = nbformat.from_dict(dict(cell))
        if cell.cell_type == "code":
            cell.source = blank_code(cell.source)
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = MARKDOWN_BLOCK.sub("", cell.source).strip("\n")
            if not cell.source.strip():
                continue
        cell.pop("id", None)
        exercise.cells.append(cell)
    return exercise


def render(notebook: nbformat.NotebookNode) -> str:
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{i}"  # stable ids keep the generated file stable
    return nbformat.writes(notebook) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on drift")
    parser.add_argument("lessons", nargs="*", help="lesson numbers such as 04 (default: every lesson)")
    args = parser.parse_args(argv)
    check = args.check
    drift = []
    for solution_path in sorted((ROOT / "solutions").glob("*.ipynb")):
        if args.lessons and solution_path.name.split("-", 1)[0] not in args.lessons:
            continue
        target = ROOT / "exercises" / solution_path.name
        wanted = render(exercise_from(nbformat.read(solution_path, as_version=4)))
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == wanted:
            continue
        if check:
            drift.append(target.relative_to(ROOT))
        else:
            target.write_text(wanted, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    orphans = sorted(
        {p.name for p in (ROOT / "exercises").glob("*.ipynb")}
        - {p.name for p in (ROOT / "solutions").glob("*.ipynb")}
    )
    for name in orphans:
        drift.append(f"exercises/{name} (no solutions/{name})")
    if drift:
        print("exercises out of sync with solutions; run python tools/sync_exercises.py:")
        print("\n".join(f"  {d}" for d in drift))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
