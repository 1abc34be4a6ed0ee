"""One ASGI app for webhook mode: each channel adds its route (/telegram, /zalo); /healthz."""

from __future__ import annotations

import hmac
from typing import Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import BaseRoute, Route


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
