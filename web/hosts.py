"""Many communes' consoles behind one server: each request goes to the console of the commune
whose `web_host` is the request's Host, and PROVINCE_HOST to the province console.

Each commune's console is `web.app.make_console` over that commune's engine, built on its
first request and kept. Its sessions, sign-in links and CSRF secrets are rows of its own
database, and browsers keep cookies per host (none is set with a Domain), so a sign-in at one
commune is worth nothing at another.

A deployment that serves one commune answers on any host, as before there were several; the
first commune, when it has no host of its own, answers on CONSOLE_URL's host. Any other host
gets a small page and 404. The registry is read again when a host is not one of its own (at
most once a second: a stream of made-up hosts costs no more), so a commune added by another
process is served at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .security import SecurityHeaders

REREAD_AFTER = 1.0  # seconds between two registry reads caused by unknown hosts


class CommuneRow(Protocol):
    """What the dispatcher reads of a commune of the registry (storage.communes.Commune)."""

    id: int
    code: str
    name: str
    web_host: str | None
    status: str


def host_of(value: str | None) -> str:
    """A Host header or a registry host as compared: lower case, no port, no final dot."""
    host = (value or "").strip().lower()
    if host.startswith("["):  # [::1]:8080
        host = host[1 : host.find("]")] if "]" in host else host[1:]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def request_host(scope: dict) -> str:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return host_of(value.decode("latin-1"))
    server = scope.get("server")
    return host_of(server[0]) if server else ""


@dataclass(frozen=True)
class Hosts:
    """The registry as the dispatcher uses it: host -> commune, and the commune of any host."""

    by_host: dict[str, Any]
    anywhere: Any | None  # the only commune, answering on every host

    @classmethod
    def of(cls, communes: Sequence[CommuneRow], first_host: str | None) -> Hosts:
        served = [c for c in communes if c.status == "active"]
        by_host = {host_of(c.web_host): c for c in served if c.web_host}
        first = min(served, key=lambda c: c.id) if served else None
        if first is not None and not first.web_host and first_host and first_host not in by_host:
            by_host[first_host] = first
        return cls(by_host=by_host, anywhere=served[0] if len(served) == 1 else None)

    def find(self, host: str) -> Any | None:
        return self.by_host.get(host) or self.anywhere


UNKNOWN_HOST = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Không có trang này</title></head>
<body><main><section class="card narrow"><h1>Không có trang này</h1>
<p>Địa chỉ này không thuộc xã nào trên hệ thống. Xin kiểm tra lại địa chỉ do Văn phòng xã gửi.</p>
</section></main></body></html>
""".encode()


async def _unknown_host(scope, receive, send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(UNKNOWN_HOST)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": UNKNOWN_HOST})


class HostConsoles:
    """ASGI: the request to its commune's console (or the province console) by its Host.

    `communes()` reads the registry (a worker thread runs it); `console(commune)` builds that
    commune's ASGI app (once per commune, in a worker thread); `province()` builds the
    province console served on `province_host`. `first_host`: CONSOLE_URL's host."""

    def __init__(
        self,
        communes: Callable[[], Sequence[CommuneRow]],
        console: Callable[[Any], Any],
        *,
        province: Callable[[], Any] | None = None,
        province_host: str | None = None,
        first_host: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._communes, self._console, self._province = communes, console, province
        self.province_host = host_of(province_host) if province_host else None
        self.first_host = host_of(first_host) if first_host else None
        self._clock = clock
        self._hosts: Hosts | None = None
        self._read_at = -REREAD_AFTER
        self._apps: dict[str, Any] = {}
        self._lock: asyncio.Lock | None = None
        self._not_found = SecurityHeaders(_unknown_host)

    def forget(self) -> None:
        """Read the registry again on the next request (a commune was just added here)."""
        self._hosts = None

    async def _read(self) -> Hosts:
        rows = await asyncio.to_thread(self._communes)
        self._read_at = self._clock()
        self._hosts = Hosts.of(rows, self.first_host)
        return self._hosts

    async def commune_of(self, host: str) -> Any | None:
        hosts = self._hosts or await self._read()
        if host not in hosts.by_host and self._clock() - self._read_at >= REREAD_AFTER:
            hosts = await self._read()  # perhaps a commune added since, by another process
        return hosts.find(host)

    async def _built(self, key: str, build: Callable[[], Any]) -> Any:
        app = self._apps.get(key)
        if app is None:
            self._lock = self._lock or asyncio.Lock()
            async with self._lock:
                app = self._apps.get(key)
                if app is None:
                    app = self._apps[key] = await asyncio.to_thread(build)
        return app

    async def app_for(self, scope: dict) -> Any:
        host = request_host(scope)
        if self.province_host and host == self.province_host and self._province is not None:
            return await self._built("\0province", self._province)
        commune = await self.commune_of(host)
        if commune is None:
            return self._not_found
        return await self._built(commune.code, lambda: self._console(commune))

    def apps(self) -> dict[str, Any]:
        """The consoles built so far, by commune code (the province console under "\\0province")."""
        return dict(self._apps)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        app: Callable[..., Awaitable[None]] = await self.app_for(scope)
        await app(scope, receive, send)
