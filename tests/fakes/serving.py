"""An ASGI app served by uvicorn on 127.0.0.1 inside the test's event loop: the fake platforms'
APIs and the channels' webhooks under test, started on a free port and stopped in one call."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from typing import Any

import uvicorn


def bind_free_port(port: int = 0) -> tuple[socket.socket, int]:
    """A listening address on 127.0.0.1: a free port (0), or the given one again."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms Nagle/delayed-ACK stalls
    sock.bind(("127.0.0.1", port))
    return sock, sock.getsockname()[1]


async def wait_started(server: uvicorn.Server) -> None:
    for _ in range(500):  # bounded: at most a few seconds
        if server.started:
            return
        await asyncio.sleep(0.01)
    raise RuntimeError("server did not start")


@dataclass
class Served:
    server: uvicorn.Server
    task: asyncio.Task
    port: int

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


async def serve(app: Any, port: int = 0, *, sock: socket.socket | None = None, **config: Any) -> Served:
    """Serve `app` on `port` (0: a free one), or on `sock` already bound (when the address had to be
    known first), once it accepts connections; uvicorn `config` as given."""
    if sock is None:
        sock, port = bind_free_port(port)
    else:
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", **config))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    await wait_started(server)
    return Served(server, task, port)
