"""What every console response carries (a strict Content-Security-Policy: no inline script or
style, nothing from another site), the CSRF comparison, the sign-in rate limit and the small
form parser (urlencoded bodies only: every form is a plain HTML form)."""

from __future__ import annotations

import hmac
import time
from collections import deque
from urllib.parse import parse_qsl

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # sign-in links carry a secret in the address: never send it on as a referrer
    (b"referrer-policy", b"no-referrer"),
]
MAX_FORM = 64 * 1024


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


def same(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class RateLimit:
    """At most `limit` attempts per `window` seconds per client address (in this process)."""

    def __init__(self, limit: int = 20, window: float = 600.0, clock=time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.hits: dict[str, deque] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()
        q = self.hits.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        if len(q) >= self.limit:
            return False
        q.append(now)
        if len(self.hits) > 10_000:  # forget idle addresses
            for k in [k for k, v in self.hits.items() if not v][:5000]:
                del self.hits[k]
        return True


def parse_form(body: bytes) -> dict[str, list[str]]:
    if len(body) > MAX_FORM:
        return {}
    out: dict[str, list[str]] = {}
    for k, v in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
        out.setdefault(k, []).append(v)
    return out
