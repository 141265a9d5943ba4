"""The README's start command: JupyterLab on the lessons, with the course's server settings."""

from __future__ import annotations

import importlib.util
from importlib import import_module

from conftest import ROOT


def load_course_script():
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_start_opens_jupyterlab_on_the_lessons_with_nodelay_and_no_news(monkeypatch):
    course = load_course_script()
    launched = []
    monkeypatch.setattr(course, "ensure_environment", lambda kind: "/venv/python")
    monkeypatch.setattr(course, "run", lambda command, **kwargs: launched.append(command) or 0)
    course.start(["--no-browser"])
    (command,) = launched
    assert command[:4] == ["/venv/python", "-m", "jupyter", "lab"] and command[4] == "lessons/"
    assert "--LabApp.news_url=None" in command and command[-1] == "--no-browser"
    setting = next(arg for arg in command if arg.startswith("--ServerApp.kernel_websocket_connection_class="))
    module_name, class_name = setting.split("=", 1)[1].rsplit(".", 1)
    assert hasattr(import_module(module_name), class_name)
    updates = next(arg for arg in command if arg.startswith("--LabApp.check_for_updates_class="))
    module_name, class_name = updates.split("=", 1)[1].rsplit(".", 1)
    assert hasattr(import_module(module_name), class_name)


def test_test_command_runs_pytest_in_the_course_environment(monkeypatch):
    course = load_course_script()
    launched = []
    monkeypatch.setattr(course, "ensure_environment", lambda kind: launched.append(kind) or "/venv/python")
    monkeypatch.setattr(course, "run", lambda command, **kwargs: launched.append(command) or 0)
    course.test(["-x"])
    assert launched == ["test", ["/venv/python", "-m", "pytest", "-x"]]
