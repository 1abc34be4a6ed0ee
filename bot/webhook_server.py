"""One ASGI app for webhook mode: each channel adds its route (/telegram, /zalo); /healthz."""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import BaseRoute, Route

MAX_BODY = 256 * 1024  # a webhook update is a few KB; anything bigger is not one
MAX_DEPTH = 32  # an update nests a handful of levels; 100,000 would exhaust the parser's stack
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


class BodyError(Exception):
    """A webhook body refused before parsing: status is the HTTP answer (413 or 400)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status

    def response(self) -> PlainTextResponse:
        return PlainTextResponse(str(self), status_code=self.status)


def nesting(raw: bytes) -> int:
    """How deep JSON arrays and objects nest (brackets inside strings do not count)."""
    depth = deepest = 0
    for b in _BRACKETS.findall(_STRINGS.sub(b"", raw)):
        depth += 1 if b in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


async def read_json(request: Request, *, max_bytes: int = MAX_BODY, max_depth: int = MAX_DEPTH) -> Any:
    """A webhook's JSON body, read with limits: the declared and the actual size (413), the
    nesting depth and the syntax (400). Never more than max_bytes are held in memory."""
    return parse_json(await read_body(request, max_bytes=max_bytes), max_depth=max_depth)


async def read_body(request: Request, *, max_bytes: int = MAX_BODY) -> bytes:
    """A webhook's raw body (a signature is computed over the bytes as sent), size-limited:
    the declared and the actual size (413). Never more than max_bytes are held in memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyError(413, "too large")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > max_bytes:
            raise BodyError(413, "too large")
    return bytes(raw)


def parse_json(raw: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON of a raw body, nesting depth and syntax checked (400)."""
    if nesting(raw) > max_depth:
        raise BodyError(400, "too deep")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise BodyError(400, "bad request") from None


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
    """/healthz, the channels' routes and whatever is mounted; no request body over MAX_BODY
    reaches any of them (the console caps its own forms lower)."""
    from starlette.middleware import Middleware

    from web.security import BodyLimit

    return Starlette(
        routes=[Route("/healthz", healthz), *routes], middleware=[Middleware(BodyLimit, max_bytes=MAX_BODY)]
    )
