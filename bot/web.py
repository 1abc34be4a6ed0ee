"""One ASGI app for webhook mode: each channel adds its route (/telegram, /zalo); /healthz."""

from __future__ import annotations

import hmac
import logging
from typing import Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import BaseRoute, Route

log = logging.getLogger("thidua")


def secret_ok(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a webhook secret header."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def unauthorized() -> PlainTextResponse:
    return PlainTextResponse("unauthorized", status_code=401)


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


def make_app(routes: Sequence[BaseRoute]) -> Starlette:
    return Starlette(routes=[Route("/healthz", healthz), *routes])


def listen(port: int, *, host: str = "0.0.0.0", required: bool) -> "socket.socket | None":
    """A listening socket on PORT; when the port is taken: a StartupError when the webhooks
    need it, else one warning (the chat channels still run, without the web console)."""
    import socket

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

    from .cli import invite_links

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
