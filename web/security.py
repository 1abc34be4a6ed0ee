"""What every console response carries (a strict Content-Security-Policy: no inline script or
style, nothing from another site), the cap on request bodies, the CSRF comparison and the
same-origin check, the sign-in failure limit, the static files (never a 500 on a bad path) and
the small form parser (urlencoded bodies only: every form is a plain HTML form)."""

from __future__ import annotations

import hmac
import time
from collections import deque
from urllib.parse import parse_qsl, urlsplit

from starlette.staticfiles import StaticFiles

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # sign-in links carry a secret in the address: never send it to another site as a
    # referrer; to this one it goes (and a form's POST carries this site's Origin, checked)
    (b"referrer-policy", b"same-origin"),
]
MAX_FORM = 64 * 1024
MAX_UPLOAD = 2 * 1024 * 1024  # a spreadsheet of a commune's units and people: a few hundred KB


class SecurityHeaders:
    """ASGI middleware: the headers above on every response; pages are not cached."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/tinh/")

        async def wrapped(message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers += [h for h in HEADERS if h[0] not in names]
                if not static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, wrapped)


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` is refused with 413 before it is read
    (by its Content-Length) or as soon as the bytes streamed in pass the cap (chunked or a
    Content-Length that lies); nothing more than the cap is ever held."""

    def __init__(self, app, max_bytes: int, uploads: dict[str, int] | None = None) -> None:
        # `uploads`: the paths that take a file, each with its own (larger) cap
        self.app, self.max_bytes, self.uploads = app, max_bytes, uploads or {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.uploads.get(scope.get("path", ""), self.max_bytes)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                if not value.isdigit() or int(value) > cap:
                    await _too_large(send)
                    return
        seen = 0
        started = False

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise BodyTooLarge
            return message

        async def tracked(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not started:
                await _too_large(send)


async def _too_large(send) -> None:
    body = "Yêu cầu quá lớn.".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Static(StaticFiles):
    """The console's static files; a path the file system cannot even look up (a null byte)
    is simply not found."""

    def lookup_path(self, path: str):
        if "\x00" in path:
            return "", None
        try:
            return super().lookup_path(path)
        except (ValueError, OSError):
            return "", None


def same_origin(headers, own: set[str]) -> bool:
    """A browser's POST says where its form was: Origin (or, without it, Referer) must be one of
    this site's own origins. A request that says neither (not a browser's form) passes."""
    origin = headers.get("origin")
    if origin is None:
        referer = headers.get("referer")
        if not referer:
            return True
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return origin.rstrip("/").lower() in own


def same(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class RateLimit:
    """At most `limit` failures per `window` seconds per key (in this process): a sign-in link,
    a person, a client address. Only failures count: an office behind one address signs in as
    often as it likes; guessing or replaying links is stopped. An address ("addr:..." keys) is
    shared by a whole office: it may fail `shared` times as often."""

    def __init__(self, limit: int = 20, window: float = 600.0, clock=time.monotonic, shared: int = 5) -> None:
        self.limit, self.window, self.clock, self.shared = limit, window, clock, shared
        self.hits: dict[str, deque] = {}

    def _limit(self, key: str) -> int:
        return self.limit * self.shared if key.startswith("addr:") else self.limit

    def _recent(self, key: str) -> deque:
        now = self.clock()
        q = self.hits.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> bool:
        return any(len(self._recent(k)) >= self._limit(k) for k in keys if k)

    def failed(self, *keys: str) -> None:
        for k in keys:
            if k:
                self._recent(k).append(self.clock())
        if len(self.hits) > 10_000:  # forget idle keys
            for k in [k for k, v in self.hits.items() if not v][:5000]:
                del self.hits[k]


def parse_form(body: bytes) -> dict[str, list[str]]:
    if len(body) > MAX_FORM:
        return {}
    out: dict[str, list[str]] = {}
    for k, v in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
        out.setdefault(k, []).append(v)
    return out


async def parse_upload(request, max_bytes: int) -> tuple[dict[str, list[str]], dict[str, bytes]]:
    """A multipart form with one file (Starlette's parser, python-multipart): its fields and
    the file's bytes by field name; a body that is no such form gives nothing (the CSRF check
    then refuses it)."""
    fields: dict[str, list[str]] = {}
    files: dict[str, bytes] = {}
    try:
        async with request.form(max_files=1, max_fields=16, max_part_size=max_bytes) as form:
            for name, value in form.multi_items():
                if isinstance(value, str):
                    fields.setdefault(name, []).append(value)
                else:
                    files[name] = await value.read(max_bytes + 1)
    except Exception:  # a malformed body: Starlette raises its HTTPException or the parser's own
        return {}, {}
    return fields, files
