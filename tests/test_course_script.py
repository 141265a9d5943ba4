"""The README's commands: ``start`` serves the learner's own copy of the whole course, opens on
the landing page, and keeps the course's server settings; ``test`` runs pytest."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib import import_module
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT


def load_course_script():
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = load_course_script()


def option(command, name) -> str:
    return next(str(arg).split("=", 1)[1] for arg in command if str(arg).startswith(f"--{name}="))


def importable(dotted: str) -> bool:
    module_name, attribute = dotted.rsplit(".", 1)
    return hasattr(import_module(module_name), attribute)


# ----- the working copy ------------------------------------------------------------------------


def edit_first_cell(path: Path, text: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].source += text
    nbformat.write(notebook, path)


def add_an_output(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="ran it\n")]
    nbformat.write(notebook, path)


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A copy of the course's notebooks to change, and a working copy made from it."""
    fake_root = tmp_path / "course"
    for name in course.course_notebooks():
        (fake_root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, fake_root / name)
    monkeypatch.setattr(course, "ROOT", fake_root)
    return fake_root, tmp_path / "my-course"


def test_the_first_start_copies_every_course_notebook(course_copy):
    fake_root, workspace = course_copy
    news = course.update_workspace(workspace)
    assert news == [f"Created your copy of the course in {workspace}"]
    for name in course.course_notebooks():
        assert (workspace / name).read_bytes() == (fake_root / name).read_bytes()
    assert {"START-HERE.ipynb", "lessons/01-meet-the-classifier.ipynb"} <= set(course.course_notebooks())


def test_a_course_update_replaces_unedited_copies_and_keeps_edited_ones(course_copy):
    fake_root, workspace = course_copy
    course.update_workspace(workspace)
    lesson, exercise = "lessons/02-the-classifier-and-you.ipynb", "exercises/01-meet-the-classifier.ipynb"
    add_an_output(workspace / lesson)  # run, not edited
    edit_first_cell(workspace / exercise, "\nmy answer")
    assert course.update_workspace(workspace) == []  # the course did not change: nothing to do
    edit_first_cell(fake_root / lesson, "\nA sentence the course added.")
    edit_first_cell(fake_root / exercise, "\nA hint the course added.")
    news = course.update_workspace(workspace)
    assert (workspace / lesson).read_bytes() == (fake_root / lesson).read_bytes()
    assert "my answer" in (workspace / exercise).read_text()
    sibling = workspace / "exercises/01-meet-the-classifier.updated.ipynb"
    assert sibling.read_bytes() == (fake_root / exercise).read_bytes()
    assert len(news) == 2 and "updated" in news[0] and "your edits, so it was kept" in news[1]
    assert course.update_workspace(workspace) == []  # told once, not at every start


def test_a_deleted_copy_comes_back_fresh(course_copy):
    _, workspace = course_copy
    course.update_workspace(workspace)
    (workspace / "lessons/03-rushing-for-a-train.ipynb").unlink()
    news = course.update_workspace(workspace)
    assert (workspace / "lessons/03-rushing-for-a-train.ipynb").exists() and "copied in fresh" in news[0]


def test_the_working_copy_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "my-course/lessons/x.ipynb"], cwd=ROOT)
    assert ignored.returncode == 0


# ----- the landing page ------------------------------------------------------------------------


def landing_text() -> str:
    notebook = nbformat.read(ROOT / course.LANDING_PAGE, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells)


def test_the_landing_page_links_every_notebook_and_every_link_works():
    links = re.findall(r"\]\(([^)#]+\.ipynb)\)", landing_text())
    assert sorted(set(links)) == sorted(course.course_notebooks()[1:])
    for link in links:
        assert (ROOT / link).is_file(), link


def test_the_landing_page_gives_each_lesson_the_time_the_lesson_states():
    for lesson in sorted((ROOT / "lessons").glob("*.ipynb")):
        header = nbformat.read(lesson, as_version=4).cells[1].source
        minutes = re.search(r"\*\*Time:\*\* about (\d+) minutes", header).group(1)
        row = next(line for line in landing_text().splitlines() if f"(lessons/{lesson.name})" in line)
        assert f"about {minutes} minutes" in row, (lesson.name, row)


# ----- the command line -------------------------------------------------------------------------


def test_start_serves_the_working_copy_with_the_course_settings(monkeypatch, tmp_path):
    launched = []
    monkeypatch.setenv("EMOLAB_WORKSPACE", str(tmp_path / "copy"))
    monkeypatch.setattr(course, "ensure_environment", lambda kind: Path(sys.executable))
    monkeypatch.setattr(course, "pin_lab_settings", lambda python: None)
    monkeypatch.setattr(course, "hand_over", lambda command: launched.append(command) or 0)
    course.start(["--no-browser"])
    (command,) = launched
    assert command[1:4] == ["-m", "jupyter", "lab"] and command[-1] == "--no-browser"
    assert option(command, "ServerApp.root_dir") == str(tmp_path / "copy")
    assert option(command, "LabApp.default_url") == "/lab/tree/START-HERE.ipynb"
    assert "--LabApp.news_url=None" in command
    for name in ("ServerApp.kernel_websocket_connection_class", "LabApp.check_for_updates_class"):
        assert importable(option(command, name)), name
    assert option(command, "ContentsManager.pre_save_hook") == "emolab.server_hooks.strip_widget_state"
    assert ("--allow-root" in command) == (os.geteuid() == 0)
    if sys.platform.startswith("linux"):
        assert option(command, "KernelManager.transport") == "ipc"


def test_local_socket_kernels_only_where_the_socket_path_fits():
    assert course.ipc_fits("/home/someone/.local/share/jupyter/runtime") == (os.name != "nt")
    assert not course.ipc_fits("/" + "x" * 70)
    assert not course.ipc_fits("")


def test_test_command_runs_pytest_in_the_course_environment(monkeypatch):
    launched = []
    monkeypatch.setattr(course, "ensure_environment", lambda kind: launched.append(kind) or "/venv/python")
    monkeypatch.setattr(course, "run", lambda command, **kwargs: launched.append(command) or 0)
    course.test(["-x"])
    assert launched == ["test", ["/venv/python", "-m", "pytest", "-x"]]


def test_the_save_hook_drops_widget_state_and_nothing_else():
    from emolab.server_hooks import strip_widget_state

    notebook = {"metadata": {"widgets": {"state": 1}, "kernelspec": {"name": "python3"}}, "cells": []}
    strip_widget_state({"type": "notebook", "content": notebook}, path="x.ipynb")
    assert notebook["metadata"] == {"kernelspec": {"name": "python3"}}
    text_file = {"type": "file", "content": "widgets"}
    strip_widget_state(text_file)
    assert text_file["content"] == "widgets"


# ----- the real command, started as the README says -------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    def __init__(self, port: int, token: str, workspace: Path, runtime: Path):
        self.base, self.token, self.workspace, self.runtime = (
            f"http://127.0.0.1:{port}",
            token,
            workspace,
            runtime,
        )

    def request(self, method: str, path: str, body=None, follow=True):
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}"},
        )
        opener = urllib.request.build_opener(*([] if follow else [NoRedirect()]))
        with opener.open(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    def names(self, folder: str = "") -> set[str]:
        return {item["name"] for item in self.request("GET", f"/api/contents/{folder}")["content"]}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course-start")
    home = folder / "home"
    runtime = Path(tempfile.mkdtemp(prefix="rt-", dir="/tmp" if os.path.isdir("/tmp") else None))  # short
    port, token = free_port(), "course-start-test"
    env = dict(
        os.environ,
        HOME=str(home),
        JUPYTER_RUNTIME_DIR=str(runtime),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        EMOLAB_WORKSPACE=str(folder / "my-course"),
    )
    log = (folder / "start.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "course.py"), "start", "--no-browser", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    server = Served(port, token, folder / "my-course", runtime)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                server.request("GET", "/api/status")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / "start.log").read_text()[-3000:]) from None
                time.sleep(0.5)
        server.log = folder / "start.log"
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(runtime, ignore_errors=True)


def test_the_real_start_command_serves_the_whole_course(served):
    assert {"START-HERE.ipynb", "lessons", "exercises", "solutions"} <= served.names()
    for folder in ("lessons", "exercises", "solutions"):
        assert served.names(folder) == {p.name for p in (ROOT / folder).glob("*.ipynb")}
    assert "Created your copy of the course" in served.log.read_text()


def test_the_real_start_command_opens_on_the_landing_page(served):
    with pytest.raises(urllib.error.HTTPError) as redirect:
        served.request("GET", "/", follow=False)
    assert redirect.value.headers["Location"].rstrip("?").endswith("/lab/tree/START-HERE.ipynb")


def test_the_real_start_command_turns_news_off_and_widget_state_saving_off(served):
    def setting(plugin, key):  # the learner's own value, else the default (where overrides go)
        answer = served.request("GET", f"/lab/api/settings/{plugin}")
        return answer["settings"].get(key, answer["schema"]["properties"][key]["default"])

    notification = "@jupyterlab/apputils-extension:notification"
    assert setting(notification, "fetchNews") == "false"
    assert setting(notification, "checkForUpdates") is False
    assert setting("@jupyter-widgets/jupyterlab-manager:plugin", "saveState") is False
    assert setting("@jupyterlab/notebook-extension:tracker", "codeCellConfig")["lineWrap"] is True


def test_the_real_start_command_saves_notebooks_without_widget_state(served):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"x": 1}}}
    served.request(
        "PUT", "/api/contents/saved.ipynb", {"type": "notebook", "format": "json", "content": notebook}
    )
    on_disk = json.loads((served.workspace / "saved.ipynb").read_text())
    assert "widgets" not in on_disk["metadata"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="local-socket kernels are checked on Linux")
def test_the_real_start_command_runs_kernels_on_local_sockets(served):
    kernel = served.request("POST", "/api/kernels", {"name": "python3"})
    try:
        connection = json.loads((served.runtime / f"kernel-{kernel['id']}.json").read_text())
        assert connection["transport"] == "ipc"
    finally:
        served.request("DELETE", f"/api/kernels/{kernel['id']}")
