"""The staff web console (web/) served by this process: beside the webhooks and /healthz on
PORT, in webhook and polling mode alike, and in a thread for the console demo."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable, Sequence
from typing import Any

from starlette.routing import BaseRoute

from .webhook_server import make_app

log = logging.getLogger("thidua")


def listen(port: int, *, host: str = "127.0.0.1", required: bool) -> socket.socket | None:
    """A listening socket on HOST:PORT; when the port is taken: a StartupError when the webhooks
    need it, else one warning (the chat channels still run, without the web console).

    The socket names TCP as its protocol: asyncio sets TCP_NODELAY on each accepted connection
    only when the socket says it is TCP; without it a small answer waits for Nagle's delayed
    ACK (about 40 ms on Linux) — /healthz, a webhook's reply, every page."""
    from .channel import StartupError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if required:
            raise StartupError(f"PORT: cannot listen on {host}:{port} ({exc.strerror})") from None
        log.warning("PORT: port %s is in use (%s); the web console is not served", port, exc.strerror)
        return None
    return sock


class LazyApp:
    """An ASGI app built on its first request: the web console (web/, Jinja2, its pages and
    their queries) loads when someone first opens it, not at start and not for /healthz or the
    webhooks. Built in a worker thread, once."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._app: Any = None
        self._lock: asyncio.Lock | None = None

    @property
    def routes(self) -> list:
        return getattr(self._app, "routes", [])

    async def __call__(self, scope, receive, send) -> None:
        if self._app is None:
            self._lock = self._lock or asyncio.Lock()
            async with self._lock:
                if self._app is None:
                    self._app = await asyncio.to_thread(self._build)
        await self._app(scope, receive, send)


async def start_http(app, routes: Sequence[BaseRoute], *, required: bool):
    """Serve the webhook routes, /healthz and the web consoles under / on PORT (each commune's
    on its host, the province's on PROVINCE_HOST: bot/web_communes.py).
    Returns (server, task), or (None, None) when the port could not be had."""
    import contextlib

    import uvicorn
    from starlette.routing import Mount

    s = app.settings
    sock = listen(s.port, host=s.host, required=required)
    if sock is None:
        return None, None

    def consoles():
        from .web_communes import host_consoles

        return host_consoles(app)

    config = uvicorn.Config(
        make_app([*routes, Mount("/", app=LazyApp(consoles))]),
        log_level=s.log_level.lower(),
        access_log=False,
        lifespan="off",
        # the client's address and scheme from X-Forwarded-For/-Proto, only when the peer is
        # one of FORWARDED_ALLOW_IPS (the reverse proxy): the sign-in limits count per address
        proxy_headers=True,
        forwarded_allow_ips=s.forwarded_allow_ips,
    )
    server = uvicorn.Server(config)
    # SIGINT/SIGTERM stop the whole process (serve.py), not uvicorn alone
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign, assignment]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    log.info("web console on %s:%s", s.host, s.port)
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
    server = uvicorn.Server(
        uvicorn.Config(make_console(console), log_level="warning", access_log=False, lifespan="off")
    )
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    for _ in range(1000):  # print the address once it answers (uvicorn starts in well under 10 s)
        if server.started:
            break
        time.sleep(0.01)
    print(f"Trang quản lý: {console.base_url}/")
    print(f"Liên kết đăng nhập (dùng một lần, 10 phút): {console.link(token)}")
    return server
