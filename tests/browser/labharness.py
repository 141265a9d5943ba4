"""Run a real JupyterLab and a headless Chromium with a fake camera, for tests and benchmarks.

- ``make_y4m``: a fake-camera file made at run time with ffmpeg from a licensed GRID clip
  (fetched with ``emolab.assets.fetch``), at the size asked for;
- ``JupyterLab``: a server on 127.0.0.1 with a random token, in a throw-away home folder, with
  the course's TCP_NODELAY setting (or without, to measure the difference);
- ``open_browser``: Playwright's Chromium (the system's /usr/bin/chromium) with a fresh profile;
- ``KernelProbe``: a second client on the notebook's kernel, to look at what the kernel saw;
- ``run_all_cells``: opens a notebook in the page and runs it to completion, noting which kernel
  ran it: ``JupyterLab.kernel`` / ``restart_kernel`` / ``shutdown_kernel`` act on that kernel.
"""

from __future__ import annotations

import ast
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("EMOLAB_CHROMIUM", "/usr/bin/chromium")
BIN = Path(sys.executable).parent
NODELAY_OPTION = (
    "--ServerApp.kernel_websocket_connection_class=emolab.webcam.server.NoDelayKernelWebsocketConnection"
)
BASE_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
]
FAKE_CAMERA_FLAGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]

# Wraps getUserMedia so a test can check, independently of the widget, that every camera track
# the page ever opened has been stopped.
TRACK_SPY = """
(() => {
  const md = navigator.mediaDevices;
  if (!md || !md.getUserMedia) return;
  const original = md.getUserMedia.bind(md);
  window.__emolabStreams = [];
  md.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    window.__emolabStreams.push(stream);
    return stream;
  };
})();
"""

LIVE_TRACKS = (
    "() => (window.__emolabStreams || []).flatMap(s => s.getTracks())"
    ".filter(t => t.readyState === 'live').length"
)
OPENED_TRACKS = "() => (window.__emolabStreams || []).flatMap(s => s.getTracks()).length"


def reject_get_user_media(error_name: str, message: str) -> str:
    """An init script making getUserMedia fail as a browser does (a DOMException with that name)."""
    return f"""
    (() => {{
      if (!navigator.mediaDevices) return;
      navigator.mediaDevices.getUserMedia = async () => {{
        throw new DOMException({json.dumps(message)}, {json.dumps(error_name)});
      }};
    }})();
    """


def make_y4m(target: Path, width: int, height: int, seconds: float = 3.0) -> Path:
    """A y4m fake-camera file from the GRID clip, cropped to 4:3 and scaled, without audio."""
    from emolab import assets

    clip = assets.fetch("video/grid_bbaf2n.mpg")
    scale = (
        f"scale={width}:-2,crop={width}:{height}"
        if width / height >= 360 / 288
        else f"scale=-2:{height},crop={width}:{height}"
    )
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(clip),
            "-an",
            "-t",
            str(seconds),
            "-vf",
            scale,
            "-pix_fmt",
            "yuv420p",
            "-f",
            "yuv4mpegpipe",
            str(target),
        ],
        check=True,
    )
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterLab:
    """A JupyterLab server in a throw-away folder; ``stop()`` ends it (and its kernels)."""

    def __init__(self, workdir: Path, nodelay: bool = True):
        self.workdir = Path(workdir)
        self.root = self.workdir / "notebooks"
        self.home = self.workdir / "home"
        self.runtime = self.workdir / "runtime"
        self.tmp = self.workdir / "tmp"
        self.cache = self.workdir / "cache"
        for folder in (self.root, self.home, self.runtime, self.tmp, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.nodelay = nodelay
        self.process: subprocess.Popen | None = None
        self.log = self.workdir / "jupyter.log"
        self.page_kernels: dict[str, str] = {}  # notebook name -> id of the kernel its page ran it in

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        env = dict(
            os.environ,
            HOME=str(self.home),
            JUPYTER_RUNTIME_DIR=str(self.runtime),
            JUPYTER_CONFIG_DIR=str(self.home / ".jupyter"),
            TMPDIR=str(self.tmp),
            EMOLAB_CACHE_DIR=str(self.cache),
            PYTHONPATH=str(Path(__file__).resolve().parents[2]),
            PYTHONFAULTHANDLER="1",  # a kernel that crashes in native code says where, in jupyter.log
        )
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
        return env

    def start(self, timeout: float = 60) -> JupyterLab:
        command = [
            str(BIN / "jupyter"),
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--ServerApp.port_retries=0",
        ]
        if self.nodelay:
            command.append(NODELAY_OPTION)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # CI containers run as root
        self.process = subprocess.Popen(
            command, env=self.env(), stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()  # the caller gets no server object to stop
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {self.log.read_text()[-2000:]}")
            try:
                self.api("GET", "/api/status")
                return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"JupyterLab did not answer within {timeout} s")

    def api(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    def write_notebook(self, name: str, cells: list[str]) -> Path:
        import nbformat

        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        path = self.root / name
        nbformat.write(notebook, path)
        return path

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"

    def page_kernel(self, name: str) -> str:
        """Id of the kernel the notebook's page ran its cells in (set by ``run_all_cells``)."""
        if name not in self.page_kernels:
            raise RuntimeError(f"{name} was not run in a page (use run_all_cells first)")
        return self.page_kernels[name]

    def session(self, name: str) -> dict:
        # Found by kernel, not by path: JupyterLab creates a session under a random path and renames
        # it afterwards, and nothing stops two sessions from having the same path.
        kernel_id = self.page_kernel(name)
        for session in self.api("GET", "/api/sessions"):
            if session["kernel"]["id"] == kernel_id:
                return session
        raise RuntimeError(f"no kernel session for {name} (kernel {kernel_id})")

    def kernel(self, name: str) -> KernelProbe:
        kernel_id = self.page_kernel(name)
        return KernelProbe(self.runtime / f"kernel-{kernel_id}.json", kernel_id)

    def restart_kernel(self, name: str) -> None:
        self.api("POST", f"/api/kernels/{self.page_kernel(name)}/restart")

    def shutdown_kernel(self, name: str) -> None:
        self.api("DELETE", f"/api/sessions/{self.session(name)['id']}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class KernelProbe:
    """A second client on the notebook's kernel: runs a line of code and returns its JSON output."""

    def __init__(self, connection_file: Path, kernel_id: str):
        from jupyter_client import BlockingKernelClient

        self.kernel_id = kernel_id
        self.client = BlockingKernelClient(connection_file=str(connection_file))
        self.client.load_connection_file()
        self.client.start_channels()

    def evaluate(self, expression: str, timeout: float = 30):
        """Value of a Python expression in the notebook's kernel (must be JSON-serialisable)."""
        # Read from the execute reply, not from IOPub: a subscriber that has just connected can miss
        # the first IOPub messages (and a running camera loop keeps IOPub busy). A silent request is
        # not a cell: it neither changes the notebook's execution count nor aborts its cells on error.
        as_json = f"__import__('json').dumps({expression}, default=str)"
        reply = self.client.execute(
            "",
            silent=True,
            store_history=False,
            user_expressions={"value": as_json},
            reply=True,
            timeout=timeout,
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel did not evaluate {expression!r}: {reply['content']}")
        value = reply["content"]["user_expressions"]["value"]
        if value["status"] != "ok":
            raise RuntimeError(f"{value['ename']}: {value['evalue']} (evaluating {expression!r})")
        return json.loads(ast.literal_eval(value["data"]["text/plain"]))

    def close(self) -> None:
        self.client.stop_channels()


def open_browser(
    playwright, profile: Path, y4m: Path | None = None, fake_ui: bool = True, extra_flags=(), permissions=None
):
    """A persistent Chromium context with a fresh profile and (optionally) a fake camera."""
    if profile.exists():
        shutil.rmtree(profile)
    flags = list(BASE_FLAGS)
    if y4m is not None:
        flags += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={y4m}"]
        if fake_ui:
            flags.append("--use-fake-ui-for-media-stream")
    flags += list(extra_flags)
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=flags,
        permissions=permissions if permissions is not None else (["camera"] if fake_ui else []),
        viewport={"width": 1280, "height": 900},
    )


# The notebook's own panel among the page's open documents (not whatever is the current widget).
NOTEBOOK_PANEL = (
    "name => Array.from(window.jupyterapp?.shell.widgets('main') ?? []).find(w => w.context?.path === name)"
)

RUN_ALL_CELLS = f"""async name => {{
  const panel = ({NOTEBOOK_PANEL})(name);
  const kernel = panel.sessionContext.session?.kernel?.id;
  const ran = await window.jupyterapp.commands.execute('notebook:run-all-cells', {{widgetId: panel.id}});
  const unfinished = panel.content.widgets.map(cell => cell.model)
    .filter(cell => cell.type === 'code' && (cell.executionCount === null || cell.executionState !== 'idle'));
  const errors = panel.content.widgets.flatMap(cell => cell.model.outputs ? cell.model.outputs.toJSON() : [])
    .filter(output => output.output_type === 'error').map(output => `${{output.ename}}: ${{output.evalue}}`);
  const kernelAfter = panel.sessionContext.session?.kernel?.id;
  return {{ran, unfinished: unfinished.length, errors, kernel: kernel === kernelAfter ? kernel : null}};
}}"""


def run_all_cells(page, lab: JupyterLab, name: str, timeout_ms: int = 60_000) -> str:
    """Open a notebook in JupyterLab and run all its cells (see ``rerun_all_cells``)."""
    page.goto(lab.notebook_url(name), timeout=timeout_ms)
    page.wait_for_function(
        f"name => {{ const panel = ({NOTEBOOK_PANEL})(name); "
        "return panel && panel.context.isReady "
        "&& panel.sessionContext.session?.kernel?.connectionStatus === 'connected'; }",
        arg=name,
        timeout=timeout_ms,
    )
    return rerun_all_cells(page, lab, name)


def rerun_all_cells(page, lab: JupyterLab, name: str) -> str:
    """Run all cells of a notebook open in the page (through JupyterLab's own command) and return
    once every code cell has finished; returns the id of the kernel they ran in."""
    result = page.evaluate(RUN_ALL_CELLS, name)
    # The command resolves true when every cell ran without error; an execution count on every code
    # cell shows they ran at all (a cell skipped for want of a kernel also counts as "true").
    if result["ran"] is not True or result["unfinished"] or result["errors"] or not result["kernel"]:
        raise RuntimeError(f"{name} did not run to completion in one kernel of the page: {result}")
    lab.page_kernels[name] = result["kernel"]
    return result["kernel"]


def lab_command(page, command: str, args: dict | None = None) -> None:
    page.evaluate("([c, a]) => window.jupyterapp.commands.execute(c, a)", [command, args or {}])


# ----- keyboard-only operation of a widget ------------------------------------------------------

FOCUS_BLUE = "rgb(0, 114, 178)"
# Keys JupyterLab acts on in command mode: insert a cell, delete a cell, save, move the selection.
SHORTCUT_KEYS = ["a", "b", "d", "d", "s", "m", "ArrowDown", "ArrowUp"]

NOTEBOOK_STATE = f"""name => {{
  const panel = ({NOTEBOOK_PANEL})(name);
  const cells = panel.content.model.cells;
  return {{
    sources: Array.from({{length: cells.length}}, (_, i) => cells.get(i).sharedModel.getSource()),
    types: Array.from({{length: cells.length}}, (_, i) => cells.get(i).type),
    active: panel.content.activeCellIndex,
  }};
}}"""

FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return {style: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor};
}"""


def notebook_state(page, name):
    """The notebook's cells (sources, types) and active cell, as the page's model has them."""
    return page.evaluate(NOTEBOOK_STATE, name)


def file_stamp(lab, name):
    return (lab.root / name).stat().st_mtime_ns


def press_all(page, keys):
    for key in keys:
        page.keyboard.press(key)


def wait_for_value(probe, expression, expected, timeout=20):
    """Poll the kernel until ``expression`` equals ``expected``."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = probe.evaluate(expression)
        if value == expected:
            return
        time.sleep(0.3)
    raise AssertionError(f"kernel: {expression} = {value!r}, expected {expected!r}")


def assert_focus_ring(page):
    ring = page.evaluate(FOCUS_RING)
    assert ring == {"style": "solid", "width": "3px", "color": FOCUS_BLUE}, ring


def assert_notebook_unchanged(page, lab, name, before, stamp):
    page.wait_for_timeout(500)  # let any command a key might have started finish
    assert notebook_state(page, name) == before, "a key reached JupyterLab's shortcuts"
    assert file_stamp(lab, name) == stamp, "the notebook was saved by a key"
