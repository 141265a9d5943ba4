"""Jupyter server setting for a responsive camera loop: TCP_NODELAY on kernel websockets.

Why: jupyter_server does not set TCP_NODELAY on the websocket between the browser and the
kernel. The camera loop sends a frame and waits for a small reply; with Nagle's algorithm and
delayed ACKs each reply can wait about 40 ms in the network stack. Setting the flag (tornado's
documented ``WebSocketHandler.set_nodelay``) removes that wait; on the course's 2-core test
machine it took a round trip from about 44 ms to about 10 ms.

How: jupyter_server lets the kernel websocket *connection* class be configured
(``ServerApp.kernel_websocket_connection_class``, a documented traitlet). This module's
``NoDelayKernelWebsocketConnection`` is the default class plus one line in ``connect()``. No
monkey-patching. Use it by starting the server with::

    jupyter lab \
        --ServerApp.kernel_websocket_connection_class=emolab.webcam.server.NoDelayKernelWebsocketConnection

or with the equivalent config file line (``python -m emolab.webcam.server`` prints both), or as a
server extension (``--ServerApp.jpserver_extensions='{"emolab.webcam.server": true}'``), which
sets the same class unless another one was configured.

Where the course does not control the server (a university JupyterHub, Binder), the widget still
works; the round trip is just longer. Admins can add the config line to the hub's single-user
server config.
"""

from __future__ import annotations

import socket
import sys

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

CLASS_PATH = "emolab.webcam.server.NoDelayKernelWebsocketConnection"
COMMAND_LINE_OPTION = f"--ServerApp.kernel_websocket_connection_class={CLASS_PATH}"
CONFIG_LINE = f'c.ServerApp.kernel_websocket_connection_class = "{CLASS_PATH}"'


class NoDelayKernelWebsocketConnection(ZMQChannelsWebsocketConnection):
    """jupyter_server's default kernel websocket connection, with TCP_NODELAY set on connect."""

    def connect(self):
        set_nodelay(self.websocket_handler)
        return super().connect()


def set_nodelay(websocket_handler) -> bool:
    """Turn off Nagle's algorithm on an open tornado websocket; False if it could not be set."""
    try:
        websocket_handler.set_nodelay(True)
    except (AssertionError, AttributeError, OSError):
        return False
    return True


def nodelay_is_set(websocket_handler) -> bool:
    """Read the flag back from the socket (for tests and diagnostics)."""
    stream = websocket_handler.ws_connection.stream
    return bool(stream.socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def _jupyter_server_extension_points():
    return [{"module": "emolab.webcam.server"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """As a server extension: use the no-delay class unless another class was configured."""
    settings = serverapp.web_app.settings
    if settings.get("kernel_websocket_connection_class") is ZMQChannelsWebsocketConnection:
        settings["kernel_websocket_connection_class"] = NoDelayKernelWebsocketConnection
        serverapp.log.info("emolab: TCP_NODELAY on for kernel websockets (lower camera round trip).")
    else:
        serverapp.log.info("emolab: kernel websocket class already configured; TCP_NODELAY left unchanged.")


def main() -> None:
    print("Start JupyterLab with TCP_NODELAY on kernel websockets:")
    print(f"  jupyter lab {COMMAND_LINE_OPTION}")
    print("or put this line in jupyter_server_config.py:")
    print(f"  {CONFIG_LINE}")


if __name__ == "__main__":
    main()
    sys.exit(0)
