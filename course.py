"""Set up and run the course. Needs only Python 3.10+ (standard library).

    python3 course.py start   # create .venv if needed, install, open JupyterLab on your copy
    python3 course.py test    # the same, plus the test tools, then run the whole test suite
    python3 course.py edit    # for course authors: JupyterLab on the repository's own notebooks
    python3 course.py site    # the course as a website in build/site/, lessons executed offline
    python3 course.py download DIR [--from MIRROR]  # for instructors: every course file in DIR,
                              # for EMOLAB_OFFLINE_DIR (a room without internet, a JupyterHub)

Everything is installed into ./.venv, never into your system Python. Installing again is
skipped while requirements are unchanged.

``start`` serves your own working copy of the course (``my-course/``, or the folder named by
EMOLAB_WORKSPACE): the landing page, lessons, exercises and solutions, copied once and never
overwritten, so your work and outputs stay out of the repository and ``git pull`` never
conflicts. When the course changes, the next ``start`` updates each copy you have not edited
and puts the new version beside each one you have (``NAME.updated.ipynb``). Delete a copy to
get a fresh one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENT_FILES = {
    "start": ["requirements.txt"],
    # The test set includes the site's (Sphinx, MyST-NB, the book theme: ~70 MB, all from PyPI),
    # so that CI builds a small site (tests/test_site.py).
    "test": ["requirements.txt", "requirements-test.txt", "requirements-site.txt"],
    "site": ["requirements.txt", "requirements-site.txt"],
}
LANDING_PAGE = "START-HERE.ipynb"
COURSE_FOLDERS = ("lessons", "exercises", "solutions")
VERSIONS_FILE = ".course-versions.json"  # in the working copy: the course version each copy came from

# JupyterLab settings the course pins (written to the environment's overrides.json): no call to
# the news feed or update check, no widget state in saved notebooks, and long code lines wrapped
# instead of cut off at the right edge.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": False},
    "@jupyterlab/notebook-extension:tracker": {"codeCellConfig": {"lineNumbers": False, "lineWrap": True}},
}


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def installed(kind: str) -> bool:
    """True when .venv holds the packages of ``kind`` for the current requirement files."""
    files = [*REQUIREMENT_FILES[kind], "pyproject.toml"]
    digest = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{kind}"
    return venv_python().exists() and stamp.exists() and stamp.read_text() == digest


def ensure_environment(kind: str) -> Path:
    if sys.version_info < (3, 10):  # noqa: UP036 (this script must tell an old Python so)
        sys.exit(f"The course needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    if installed(kind) or (kind != "test" and installed("test")):  # the test set includes the others
        return venv_python()
    if not venv_python().exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    extras = ".[test]" if kind == "test" else "."
    print("Installing the course's packages (a few minutes the first time) ...", flush=True)
    site = ["-r", ROOT / "requirements-site.txt"] if kind in ("test", "site") else []
    run([venv_python(), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", extras, *site])
    files = [*REQUIREMENT_FILES[kind], "pyproject.toml"]
    digest = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in files)).hexdigest()
    (VENV / f".installed-{kind}").write_text(digest)
    return venv_python()


def run(command: list, **kwargs) -> int:
    result = subprocess.run([str(part) for part in command], cwd=ROOT, **kwargs)
    if result.returncode and kwargs.get("check", True):
        sys.exit(result.returncode)
    return result.returncode


# ---------------------------------------------------------------------------------------------
# The learner's working copy


def workspace() -> Path:
    return Path(os.environ.get("EMOLAB_WORKSPACE") or ROOT / "my-course").expanduser().resolve()


def course_notebooks() -> list[str]:
    """The notebooks a learner works in, as paths relative to the repository."""
    found = [LANDING_PAGE]
    for folder in COURSE_FOLDERS:
        found += sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / folder).glob("*.ipynb"))
    return found


def cells_digest(path: Path) -> str:
    """sha256 of a notebook's cell types and sources: outputs and metadata do not count as edits."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    text = [(c.get("cell_type"), "".join(c.get("source", ""))) for c in cells]
    return hashlib.sha256(json.dumps(text).encode()).hexdigest()


def update_workspace(folder: Path) -> list[str]:
    """Copy new course notebooks into ``folder`` and update unedited copies; say what changed."""
    versions_file = folder / VERSIONS_FILE
    first_time = not versions_file.exists()
    versions = {} if first_time else json.loads(versions_file.read_text())
    news = [f"Created your copy of the course in {folder}"] if first_time else []
    for name in course_notebooks():
        course, copy = ROOT / name, folder / name
        course_version = cells_digest(course)
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(course, copy)
            if not first_time:
                news.append(f"{name}: new in the course (or deleted by you), copied in fresh")
        elif versions.get(name) != course_version:
            yours = cells_digest(copy)
            if yours in (versions.get(name), course_version):  # no edits of yours to keep
                shutil.copyfile(course, copy)
                news.append(f"{name}: updated to the course's new version (you had not edited it)")
            else:
                shutil.copyfile(course, copy.with_suffix(".updated.ipynb"))
                news.append(
                    f"{name}: the course changed it, and your copy has your edits, so it was kept; "
                    f"the new version is beside it as {copy.with_suffix('.updated.ipynb').name}"
                )
        versions[name] = course_version
    versions_file.write_text(json.dumps(versions, indent=1, sort_keys=True))
    return news


# ---------------------------------------------------------------------------------------------
# JupyterLab with the course's settings


def venv_says(python: Path, code: str) -> str:
    """What a line of Python prints in the course's environment."""
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def pin_lab_settings(python: Path) -> None:
    """Write LAB_SETTINGS into the environment's JupyterLab overrides.json (kept: other keys)."""
    prefix = Path(venv_says(python, "import sys; print(sys.prefix)"))
    overrides = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    settings = json.loads(overrides.read_text()) if overrides.exists() else {}
    for plugin, values in LAB_SETTINGS.items():
        settings.setdefault(plugin, {}).update(values)
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(json.dumps(settings, indent=2))


def ipc_fits(runtime_dir: str) -> bool:
    """Kernels can use local sockets (files) instead of TCP ports: not on Windows, and only where
    a socket's path ("<runtime dir>/kernel-<36-character id>-ipc-<port>") fits the OS limit."""
    if os.name == "nt" or not runtime_dir:
        return False
    limit = 104 if sys.platform == "darwin" else 108  # sun_path, with its closing NUL
    return len(runtime_dir) + len("/kernel--ipc-65535") + 36 < limit


def lab_command(python: Path, root: Path) -> list:
    # TCP_NODELAY on kernel websockets (jupyter_server's documented connection-class setting):
    # without it every small reply, such as a webcam frame's result, waits ~40 ms (Nagle).
    nodelay = "emolab.webcam.server.NoDelayKernelWebsocketConnection"
    command = [
        python,
        "-m",
        "jupyter",
        "lab",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{LANDING_PAGE}",
        f"--ServerApp.kernel_websocket_connection_class={nodelay}",
        # No network calls after set-up: no news feed, no update check (and LAB_SETTINGS).
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        # Widget state (where camera results are shown) never reaches a saved notebook.
        "--ContentsManager.pre_save_hook=emolab.server_hooks.strip_widget_state",
    ]
    if ipc_fits(venv_says(python, "from jupyter_core.paths import jupyter_runtime_dir as d; print(d())")):
        # Kernels on local sockets: nothing listens on a network port, and no "TCP without
        # encryption" warning for every kernel.
        command.append("--KernelManager.transport=ipc")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        print("Running as root (as in a container or a cloud VM): starting JupyterLab with --allow-root.")
        command.append("--allow-root")
    return command


def serve(root: Path, args: list[str]) -> int:
    python = ensure_environment("start")
    pin_lab_settings(python)
    return hand_over([*lab_command(python, root), *args])


def hand_over(command: list) -> int:
    """Run JupyterLab in this process's place (Linux, macOS), so that Ctrl+C and other signals
    reach it directly and no traceback of this script follows its own shutdown message."""
    command = [str(part) for part in command]
    if os.name == "posix":
        os.chdir(ROOT)
        os.execv(command[0], command)
    try:
        return subprocess.run(command, cwd=ROOT).returncode
    except KeyboardInterrupt:  # JupyterLab got the Ctrl+C too and has stopped
        return 130


def start(args: list[str]) -> int:
    ensure_environment("start")
    folder = workspace()
    for line in update_workspace(folder):
        print(line, flush=True)
    return serve(folder, args)


def edit(args: list[str]) -> int:
    """For course authors: the repository's own notebooks (clear outputs before committing)."""
    return serve(ROOT, args)


def test(args: list[str]) -> int:
    python = ensure_environment("test")
    return run([python, "-m", "pytest", *args], check=False)


def site(args: list[str]) -> int:
    """The course as a website (tools/build_site.py): lessons executed offline, in build/site/."""
    python = ensure_environment("site")
    return run([python, ROOT / "tools" / "build_site.py", *args], check=False)


def download(args: list[str]) -> int:
    """For instructors: every file the course uses, in one folder for EMOLAB_OFFLINE_DIR
    (emolab/download.py; ``download --help`` for its options)."""
    python = ensure_environment("start")
    return run([python, "-m", "emolab.download", *args], check=False)


def main() -> int:
    commands = {"start": start, "test": test, "edit": edit, "site": site, "download": download}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
