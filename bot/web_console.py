"""The staff web console (web/) served by this process: beside the webhooks and /healthz on
PORT, in webhook and polling mode alike, and in a thread for the console demo."""

from __future__ import annotations

import logging
import socket
from typing import Sequence

from starlette.routing import BaseRoute

from .webhook_server import make_app

log = logging.getLogger("thidua")


def listen(port: int, *, host: str = "0.0.0.0", required: bool) -> socket.socket | None:
    """A listening socket on PORT; when the port is taken: a StartupError when the webhooks
    need it, else one warning (the chat channels still run, without the web console)."""
    from .channel import StartupError

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if required:
            raise StartupError(f"PORT: cannot listen on port {port} ({exc.strerror})") from None
        log.warning("PORT: port %s is in use (%s); the web console is not served", port, exc.strerror)
        return None
    return sock


async def start_http(app, routes: Sequence[BaseRoute], *, required: bool):
    """Serve the webhook routes, /healthz and the web console under / on PORT.
    Returns (server, task), or (None, None) when the port could not be had."""
    import asyncio
    import contextlib

    import uvicorn

    from web.app import console_mount

    from .telegram.links import invite_links

    s = app.settings
    sock = listen(s.port, required=required)
    if sock is None:
        return None, None
    console = console_mount(app, invite_links=lambda code: invite_links(s, code))
    config = uvicorn.Config(make_app([*routes, console]), log_level=s.log_level.lower(),
                            access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # SIGINT/SIGTERM stop the whole process (serve.py)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    log.info("web console on port %s", s.port)
    return server, task


def serve_console_in_background(app):
    """The demo's web console on 127.0.0.1:PORT in a thread, with its address and a sign-in
    link printed (an administrator's link that asks the name on first use)."""
    import threading
    import time

    import uvicorn
    from sqlmodel import Session

    from domain import console as console_ops
    from domain.uow import UnitOfWork
    from web.app import console_from, make_console

    sock = listen(app.settings.port, host="127.0.0.1", required=False)
    if sock is None:
        return None
    console = console_from(app)
    console.base_url = f"http://127.0.0.1:{app.settings.port}"
    with Session(app.db) as s:
        token = console_ops.issue_link(UnitOfWork(s, app.clock.now()), None, role="admin").token
        s.commit()
    server = uvicorn.Server(uvicorn.Config(make_console(console), log_level="warning",
                                           access_log=False, lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    for _ in range(1000):  # print the address once it answers (uvicorn starts in well under 10 s)
        if server.started:
            break
        time.sleep(0.01)
    print(f"Trang quản lý: {console.base_url}/")
    print(f"Liên kết đăng nhập (dùng một lần, 10 phút): {console.link(token)}")
    return server
