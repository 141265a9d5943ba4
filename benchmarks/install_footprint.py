"""How much disk the course's environment takes, and how long pip takes to install it.

Creates a fresh virtual environment (in a temporary folder unless --dir is given), installs the
course the way `course.py start` / `course.py test` do (`pip install -e .` or `-e '.[test]'`),
then prints the pip install time, the environment's total size and its ten largest
distributions. Never touches the course's own .venv.

    python3 benchmarks/install_footprint.py --kind runtime|test [--dir DIR] [--top N]

Sizes: the total is every file under the environment folder, both as apparent size (sum of file
lengths, like `du --apparent-size`) and as disk usage (allocated blocks, like `du`). A
distribution's size is the apparent size of the files its RECORD lists (importlib.metadata,
run inside the new environment's Python), including scripts and data outside site-packages
and the .pyc files pip compiled at install time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs inside the new environment (isolated, -I: the current folder, e.g. the course's own
# emolab.egg-info, must not be on sys.path): one [name, version, bytes] row per distribution.
LIST_DISTRIBUTIONS = """
import importlib.metadata as md, json, os
rows = []
for dist in md.distributions():
    size = 0
    for f in dist.files or []:
        path = dist.locate_file(f)
        if os.path.isfile(path):
            size += os.path.getsize(path)
    rows.append([dist.metadata["Name"], dist.version, size])
print(json.dumps(rows))
"""


def folder_size(folder: Path) -> tuple[int, int]:
    """(apparent bytes, allocated bytes) of every file under folder; symlinks are not followed."""
    apparent = allocated = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            st = os.lstat(os.path.join(dirpath, name))
            apparent += st.st_size
            allocated += st.st_blocks * 512
    return apparent, allocated


def mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def measure(env: Path, kind: str, top: int) -> None:
    print(f"Creating a virtual environment in {env} ...", flush=True)
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    target = f"{ROOT}[test]" if kind == "test" else str(ROOT)
    command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target]
    print("Running:", " ".join(command), flush=True)
    t0 = time.perf_counter()
    subprocess.run(command, check=True)
    install_s = time.perf_counter() - t0

    rows = json.loads(
        subprocess.run(
            [str(python), "-I", "-c", LIST_DISTRIBUTIONS], check=True, capture_output=True, text=True
        ).stdout
    )
    rows.sort(key=lambda row: -row[2])
    apparent, allocated = folder_size(env)
    print(f"\n## {kind} environment ({len(rows)} distributions, Python {sys.version.split()[0]})\n")
    print(f"- pip install time: {install_s:.0f} s (pip's cache as found)")
    print(f"- total size: {mb(apparent)} apparent, {mb(allocated)} on disk")
    print(f"- all distributions' RECORD files: {mb(sum(row[2] for row in rows))}\n")
    print("| # | distribution | version | size |\n|---|---|---|---:|")
    for i, (name, version, size) in enumerate(rows[:top], 1):
        print(f"| {i} | {name} | {version} | {mb(size)} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["runtime", "test"], default="runtime")
    parser.add_argument("--dir", type=Path, help="where to create the environment (must not exist)")
    parser.add_argument("--top", type=int, default=10, help="how many distributions to list")
    args = parser.parse_args()
    if args.dir:
        if args.dir.exists():
            parser.error(f"{args.dir} already exists")
        measure(args.dir.resolve(), args.kind, args.top)
    else:
        with tempfile.TemporaryDirectory(prefix="emolab-footprint-") as tmp:
            measure(Path(tmp) / "venv", args.kind, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
