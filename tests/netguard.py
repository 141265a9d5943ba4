"""Fail loudly when code under test opens a network connection to anything but this machine.

Installed in the pytest process (conftest.py) and, for executed notebooks, inside each kernel
(a first cell that the test runner injects). Every blocked attempt is appended to the file named
by EMOLAB_NETGUARD_LOG, so a test can fail even when the code under test swallowed the error.
"""

from __future__ import annotations

import ipaddress
import os
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = str(address[0]).split("%")[0]
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _record(what: str) -> None:
    log = os.environ.get("EMOLAB_NETGUARD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(what + "\n")


def install() -> None:
    if getattr(socket.socket, "_emolab_guarded", False):
        return
    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            _record(f"connect to {address!r}")
            raise OSError(f"network access blocked during tests: connect to {address!r}")

    def connect(sock, address):
        check(sock, address)
        return original_connect(sock, address)

    def connect_ex(sock, address):
        check(sock, address)
        return original_connect_ex(sock, address)

    original_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _is_local((name, 0)):
            _record(f"name lookup of {name!r}")
            raise socket.gaierror(f"network access blocked during tests: name lookup of {name!r}")
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.getaddrinfo = getaddrinfo
    socket.socket._emolab_guarded = True
