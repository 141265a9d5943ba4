"""The Binder files and the Zero to JupyterHub example: they parse, and what they set exists.

A real cluster is not available here: these tests check the files against the installed
jupyter_server and JupyterLab, and against what python3 course.py start sets, not a running hub.
PyYAML comes with jupyter_server (through jupyter_events), so it is in every course environment.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from traitlets.utils.importstring import import_item

from emolab import assets

ROOT = Path(__file__).resolve().parents[1]
HUB_CONFIG = ROOT / "deploy" / "zero-to-jupyterhub" / "config.yaml"
BINDER = ROOT / "binder"
# Options of course.py's JupyterLab command that belong to one run, not to a deployment.
PER_RUN_OPTIONS = {"ServerApp.root_dir", "LabApp.default_url", "KernelManager.transport"}


def load_course_script():
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = load_course_script()


def configurable_classes() -> dict:
    from jupyter_server.serverapp import ServerApp
    from jupyter_server.services.contents.manager import ContentsManager
    from jupyterlab.labapp import LabApp

    return {"ServerApp": ServerApp, "LabApp": LabApp, "ContentsManager": ContentsManager}


@pytest.fixture(scope="module")
def hub() -> dict:
    return yaml.safe_load(HUB_CONFIG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def server_settings(hub) -> dict:
    files = hub["singleuser"]["extraFiles"].values()
    (config,) = [f for f in files if f["mountPath"].endswith("jupyter_server_config.json")]
    return config["data"]


def flat(settings: dict) -> dict[str, object]:
    return {
        f"{section}.{name}": value for section, values in settings.items() for name, value in values.items()
    }


def test_every_setting_is_a_trait_of_the_installed_server_and_its_classes_import(server_settings):
    classes = configurable_classes()
    for section, values in server_settings.items():
        for name, value in values.items():
            assert name in classes[section].class_traits(), f"{section}.{name} is not a setting"
            if isinstance(value, str) and "." in value:
                import_item(value)  # the class or function the setting names can be imported


def test_the_websocket_setting_names_the_no_delay_connection_class(server_settings):
    from jupyter_server.services.kernels.connection.base import BaseKernelWebsocketConnection

    from emolab.webcam.server import CLASS_PATH, NoDelayKernelWebsocketConnection

    value = server_settings["ServerApp"]["kernel_websocket_connection_class"]
    assert value == CLASS_PATH
    assert import_item(value) is NoDelayKernelWebsocketConnection
    assert issubclass(NoDelayKernelWebsocketConnection, BaseKernelWebsocketConnection)


def test_the_hub_binder_and_course_start_set_the_same_server_options(server_settings):
    options = {}
    for part in course.lab_command(Path(sys.executable), ROOT)[3:]:
        name, _, value = str(part).removeprefix("--").partition("=")
        if "." in name and name not in PER_RUN_OPTIONS:
            options[name] = value
    as_command_line = {k: "None" if v is None else v for k, v in flat(server_settings).items()}
    assert as_command_line == options
    binder = json.loads((BINDER / "jupyter_server_config.json").read_text())
    assert binder == server_settings


def test_jupyter_server_loads_the_mounted_file(server_settings, tmp_path, monkeypatch):
    from jupyter_server.serverapp import ServerApp

    (tmp_path / "jupyter_server_config.json").write_text(json.dumps(server_settings))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    app = ServerApp()
    app.load_config_file()
    assert app.config.ServerApp.kernel_websocket_connection_class.endswith("NoDelayKernelWebsocketConnection")
    assert app.config.ContentsManager.pre_save_hook == "emolab.server_hooks.strip_widget_state"


def test_the_course_files_are_mounted_read_only_and_named_by_the_env_var(hub):
    singleuser = hub["singleuser"]
    folder = singleuser["extraEnv"][assets.OFFLINE_ENV]
    (mount,) = [m for m in singleuser["storage"]["extraVolumeMounts"] if m["mountPath"] == folder]
    assert mount["readOnly"] is True
    (volume,) = [v for v in singleuser["storage"]["extraVolumes"] if v["name"] == mount["name"]]
    assert volume["persistentVolumeClaim"]["readOnly"] is True


def test_https_is_on_and_resources_are_there_to_fill_in(hub):
    assert hub["proxy"]["https"]["enabled"] is True
    text = HUB_CONFIG.read_text()
    assert "webcam needs https" in text and "load benchmark" in text
    for resource in ("cpu", "memory"):
        assert set(hub["singleuser"][resource]) == {"guarantee", "limit"}


def test_the_post_start_hook_makes_the_learners_copy_of_the_course(hub, tmp_path):
    command = hub["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    command = [part.replace("/srv/emolab", str(ROOT)) for part in command]
    assert command[0] == "python"
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run([sys.executable, *command[1:]], cwd=tmp_path, env=env, check=True, timeout=120)
    assert (tmp_path / "my-course" / course.LANDING_PAGE).is_file()
    assert hub["singleuser"]["defaultUrl"] == f"/lab/tree/my-course/{course.LANDING_PAGE}"


def test_binder_post_build_is_an_executable_bash_script():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert post_build.read_text().startswith("#!/bin/bash")
    subprocess.run(["bash", "-n", str(post_build)], check=True)


def test_binder_requirements_point_at_the_courses_requirements():
    lines = [
        line for line in (BINDER / "requirements.txt").read_text().splitlines() if not line.startswith("#")
    ]
    assert lines == ["-r ../requirements.txt"]
    assert (BINDER / "../requirements.txt").resolve() == ROOT / "requirements.txt"
    version = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    assert tuple(int(n) for n in version.split(".")) >= (3, 10)
