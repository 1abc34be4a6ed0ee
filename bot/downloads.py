"""One-time download links for files a chat cannot carry (Zalo sends no files): the export is
served once by the bot's web app at /tai/<token>, then removed. The token names the file and
its expiry and is signed with a key derived from WEBHOOK_SECRET; nothing else is readable."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import mimetypes
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from domain.clock import Clock
from messages.catalog import t

log = logging.getLogger(__name__)
PATH = "/tai"
TTL = timedelta(minutes=30)


class Downloads:
    def __init__(
        self, directory: Path | str, secret: str, base_url: str, clock: Clock, ttl: timedelta = TTL
    ) -> None:
        self.directory = Path(directory)
        self.key = hmac.new(secret.encode("utf-8"), b"thidua-downloads", hashlib.sha256).digest()
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.ttl = ttl

    @property
    def minutes(self) -> int:
        return int(self.ttl.total_seconds() // 60)

    def _sign(self, payload: str) -> str:
        return hmac.new(self.key, payload.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def link(self, path: str) -> str | None:
        """A link to a file inside the export directory, or None for any other path."""
        root = self.directory.resolve()
        p = Path(path).resolve()
        if not p.is_file() or root not in p.parents:
            return None
        expires = int((self.clock.now() + self.ttl).timestamp())
        payload = f"{p.relative_to(root).as_posix()}|{expires}"
        token = base64.urlsafe_b64encode(payload.encode("utf-8")).decode().rstrip("=")
        return f"{self.base_url}{PATH}/{token}.{self._sign(payload)}"

    def _file(self, token: str) -> Path | None:
        body, _, sig = token.rpartition(".")
        try:
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8")
            name, expires = payload.rsplit("|", 1)
            expires_at = int(expires)
        except (ValueError, UnicodeDecodeError):
            return None
        if not hmac.compare_digest(sig, self._sign(payload)) or self.clock.now().timestamp() > expires_at:
            return None
        root = self.directory.resolve()
        p = (root / name).resolve()
        return p if root in p.parents else None

    async def serve(self, request: Request) -> Response:
        p = self._file(request.path_params["token"])
        if p is None:
            return PlainTextResponse(t("download.bad"), status_code=404)
        taken = p.with_name(p.name + ".taken")
        try:
            os.replace(p, taken)  # claimed by this request: a second one finds nothing
        except FileNotFoundError:
            return PlainTextResponse(t("download.used"), status_code=410)
        try:
            data = taken.read_bytes()
        finally:
            taken.unlink(missing_ok=True)
        kind = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
        log.info("download served: %s (%d bytes)", p.name, len(data))
        return Response(
            data,
            media_type=kind,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(p.name)}",
                "Cache-Control": "no-store",
            },
        )

    def route(self) -> Route:
        return Route(PATH + "/{token}", self.serve, methods=["GET"])
