"""How `bagalau web` serves the console: uvicorn, in one process or several, each taking
on a few requests at a time.

Several processes each listen on a socket of their own, bound to the one port
(SO_REUSEPORT, on Linux), and the kernel spreads new connections across them evenly.
uvicorn's own workers share one socket, and the process that wakes first accepts every
connection of a burst: 20 clients signing in together landed 17 on one of two processes,
whose pages then queued on one core while the other idled, for as long as the browsers
kept their connections open. Where the system has no such option, the processes share
uvicorn's one socket.

A few requests at a time (BAGALAU_WEB_THREADS, web/settings.py): a page is Python's work,
which one process does on one core however many threads it has. With uvicorn's 40, every
request of a busy process is worked on by turns and each finishes as late as the last;
with two, one is worked on while the other waits on the database, and the rest wait their
turn in the order they came. Measured with 20 clients on two cores (docs/production.md):
My work's p95 fell from 342 to 208 ms.
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from methodology.errors import InvalidInput

APP = "web.app:create_app"  # by its import path, so that each process builds its own app and engine


def serve(host: str, port: int, workers: int) -> None:
    """Serve the console on host:port until interrupted, in `workers` processes."""
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, log_level="info")
        return
    try:
        held = listening_socket(host, port)  # the port is ours from now, or the command fails here
    except OSError:
        raise InvalidInput("port_taken", field="--port", value=port, rule="docs/production.md", host=host) from None
    config = uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers, log_level="info")
    try:
        # Each worker is started with the placeholder, which binds its own socket there.
        Multiprocess(config, sockets=[_OwnSocket(host, port)]).run()  # type: ignore[list-item]
    finally:
        held.close()


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port beside the others of the port (SO_REUSEPORT)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    made = socket.socket(family, kind, proto)
    made.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    made.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    made.bind(address)
    made.set_inheritable(True)
    return made


class _OwnSocket:
    """What uvicorn hands each worker process as its socket: uvicorn starts its workers
    afresh (spawn) and sends them their sockets pickled, and this one is unpickled as a
    socket of the worker's own (`listening_socket`) rather than as the parent's."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return listening_socket, (self.host, self.port)
