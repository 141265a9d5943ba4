"""The Jupyter server setting that turns on TCP_NODELAY for kernel websockets."""

from __future__ import annotations

import socket
import subprocess
import sys
from types import SimpleNamespace

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

from emolab.webcam import server


class FakeHandler:
    def __init__(self):
        self.nodelay = None

    def set_nodelay(self, value):
        self.nodelay = value


def test_connection_class_sets_nodelay_before_connecting(monkeypatch):
    calls = []
    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect", lambda self: calls.append("connect"))
    handler = FakeHandler()

    class Probe(server.NoDelayKernelWebsocketConnection):
        websocket_handler = None  # a plain attribute in place of the trait, for a fake handler

    connection = Probe.__new__(Probe)
    connection.websocket_handler = handler
    connection.connect()
    assert handler.nodelay is True and calls == ["connect"]


def test_set_nodelay_on_a_real_socket():
    listener = socket.create_server(("127.0.0.1", 0))
    left = socket.create_connection(listener.getsockname())
    right, _ = listener.accept()
    listener.close()
    try:

        class Handler:
            def set_nodelay(self, value):
                left.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, int(value))

        assert server.set_nodelay(Handler())
        assert left.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        left.close()
        right.close()


def test_closed_websocket_is_reported_not_raised():
    class Closed:
        def set_nodelay(self, value):
            raise AssertionError("ws_connection is None")

    assert server.set_nodelay(Closed()) is False


def test_server_extension_replaces_only_the_default_class():
    log = SimpleNamespace(info=lambda *a: None)
    app = SimpleNamespace(
        web_app=SimpleNamespace(
            settings={"kernel_websocket_connection_class": ZMQChannelsWebsocketConnection}
        ),
        log=log,
    )
    server._load_jupyter_server_extension(app)
    assert (
        app.web_app.settings["kernel_websocket_connection_class"] is server.NoDelayKernelWebsocketConnection
    )
    custom = type("Custom", (ZMQChannelsWebsocketConnection,), {})
    app.web_app.settings["kernel_websocket_connection_class"] = custom
    server._load_jupyter_server_extension(app)
    assert app.web_app.settings["kernel_websocket_connection_class"] is custom


def test_the_traitlet_accepts_the_class_path():
    from jupyter_server.serverapp import ServerApp

    app = ServerApp()
    app.update_config(
        __import__("traitlets.config", fromlist=["Config"]).Config(
            {"ServerApp": {"kernel_websocket_connection_class": server.CLASS_PATH}}
        )
    )
    assert app.kernel_websocket_connection_class is server.NoDelayKernelWebsocketConnection


def test_module_prints_how_to_use_it():
    out = subprocess.run(
        [sys.executable, "-m", "emolab.webcam.server"], capture_output=True, text=True, check=True
    ).stdout
    assert server.COMMAND_LINE_OPTION in out and server.CONFIG_LINE in out
