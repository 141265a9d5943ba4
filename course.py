"""Set up and run the course. Needs only Python 3.10+ (standard library).

    python3 course.py start   # create .venv if needed, install, open JupyterLab on lessons/
    python3 course.py test    # the same, plus the test tools, then run the whole test suite

Everything is installed into ./.venv, never into your system Python. Installing again is
skipped while requirements are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENT_FILES = {"start": ["requirements.txt"], "test": ["requirements.txt", "requirements-test.txt"]}


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment(kind: str) -> Path:
    if sys.version_info < (3, 10):  # noqa: UP036 (this script must tell an old Python so)
        sys.exit(f"The course needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    files = REQUIREMENT_FILES[kind]
    stamp = VENV / f".installed-{kind}"
    digest = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in [*files, "pyproject.toml"])).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and venv_python().exists():
        return venv_python()
    if not venv_python().exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    extras = ".[test]" if kind == "test" else "."
    print("Installing the course's packages (a few minutes the first time) ...", flush=True)
    run([venv_python(), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", extras])
    stamp.write_text(digest)
    return venv_python()


def run(command: list, **kwargs) -> int:
    result = subprocess.run([str(part) for part in command], cwd=ROOT, **kwargs)
    if result.returncode and kwargs.get("check", True):
        sys.exit(result.returncode)
    return result.returncode


def start(args: list[str]) -> int:
    python = ensure_environment("start")
    # TCP_NODELAY on kernel websockets (jupyter_server's documented connection-class setting):
    # without it every small reply, such as a webcam frame's result, waits ~40 ms (Nagle).
    nodelay = "emolab.webcam.server.NoDelayKernelWebsocketConnection"
    # No network calls after set-up: JupyterLab's news feed and update check are turned off.
    return run(
        [
            python,
            "-m",
            "jupyter",
            "lab",
            "lessons/",
            f"--ServerApp.kernel_websocket_connection_class={nodelay}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
            *args,
        ],
        check=False,
    )


def test(args: list[str]) -> int:
    python = ensure_environment("test")
    return run([python, "-m", "pytest", *args], check=False)


def main() -> int:
    commands = {"start": start, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
