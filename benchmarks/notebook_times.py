"""Seconds to execute every lesson, solution and exercise notebook, cold and warm.

Cold: a fresh, empty EMOLAB_CACHE_DIR (course images copied from the offline mirror, nothing
analysed yet). Warm: the same cache folder, second run. Each notebook runs in a fresh kernel
with the tests' network guard, as tests/notebooks.py does. Prints a Markdown table.

    EMOLAB_OFFLINE_DIR=../shared python benchmarks/notebook_times.py [lessons/01-*.ipynb ...]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from notebooks import run_guarded  # noqa: E402  (the tests' own runner, network guard included)


def run_notebook(path: Path) -> dict:
    """Seconds for the whole notebook, and its slowest cell (number among code cells, seconds)."""
    start = time.perf_counter()
    notebook = run_guarded(path)
    total = time.perf_counter() - start
    seconds = [cell_seconds(c) for c in notebook.cells if c.cell_type == "code"]
    slowest = max(range(len(seconds)), key=seconds.__getitem__)
    return {"total": total, "slowest_cell": slowest + 1, "slowest_s": seconds[slowest]}


def slowest(run: dict) -> str:
    return f"#{run['slowest_cell']}: {run['slowest_s']:.1f}"


def cell_seconds(cell) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    return (
        datetime.fromisoformat(end.rstrip("Z")) - datetime.fromisoformat(start.rstrip("Z"))
    ).total_seconds()


def notebooks(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).resolve() for a in args]
    return [
        p for folder in ("lessons", "solutions", "exercises") for p in sorted((ROOT / folder).glob("*.ipynb"))
    ]


def main() -> int:
    if not os.environ.get("EMOLAB_OFFLINE_DIR"):
        print("Set EMOLAB_OFFLINE_DIR to the offline asset mirror.", file=sys.stderr)
        return 2
    paths = notebooks(sys.argv[1:])
    times: dict[Path, dict[str, dict]] = {p: {} for p in paths}
    with tempfile.TemporaryDirectory(prefix="emolab-nb-cache-") as cache:
        os.environ["EMOLAB_CACHE_DIR"] = cache  # the kernels inherit it
        for run in ("cold", "warm"):
            for path in paths:
                times[path][run] = run_notebook(path)
                print(f"{run} {path.relative_to(ROOT)}: {times[path][run]}", file=sys.stderr, flush=True)
    print(f"load average after the runs: {' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
    print("| notebook | cold (s) | warm (s) | slowest code cell: cold (s) | warm (s) |")
    print("|---|---|---|---|---|")
    for path in paths:
        cold, warm = times[path]["cold"], times[path]["warm"]
        print(
            f"| {path.relative_to(ROOT)} | {cold['total']:.1f} | {warm['total']:.1f} "
            f"| {slowest(cold)} | {slowest(warm)} |"
        )
    for label, group in [
        ("lessons 1-3 + solutions", [p for p in paths if p.parent.name in ("lessons", "solutions")]),
        ("all", paths),
    ]:
        cold = sum(times[p]["cold"]["total"] for p in group)
        warm = sum(times[p]["warm"]["total"] for p in group)
        print(f"| **total, {label}** | {cold:.1f} | {warm:.1f} | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
