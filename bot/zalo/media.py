"""Evidence images: download a Zalo photo_url into a content-addressed store, so evidence
outlives Zalo's link. Streaming, size-limited, image content types only, and only from
public addresses: a link (or a redirect) to 127.0.0.1, the LAN or a cloud metadata address
is refused, so a forged update cannot make the bot fetch from inside the network."""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import os
import socket
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5

_EXT = {
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/heic": ".heic",
    "image/heif": ".heif",
    "image/bmp": ".bmp",
}


class MediaError(Exception):
    """Why an image could not be kept: "failed", "too_big" or "not_image"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Stored:
    sha256: str
    path: Path
    size: int
    content_type: str


class MediaStore:
    def __init__(
        self, root: Path, http: httpx.AsyncClient, *, max_bytes: int = MAX_BYTES, allow: Sequence[str] = ()
    ) -> None:
        """`allow`: networks trusted besides public addresses (e.g. a test server on
        127.0.0.1/32); none by default."""
        self.root = Path(root)
        self.http = http
        self.max_bytes = max_bytes
        self.allow = [ipaddress.ip_network(n) for n in allow]

    def _public(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in net for net in self.allow):
            return True
        return ip.is_global and not ip.is_multicast

    async def check_url(self, url: str) -> httpx.URL:
        """The URL if it is http(s) to a host whose every address is public; MediaError if not."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            raise MediaError("failed", "not a URL") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise MediaError("failed", "not an http(s) URL")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(parsed.host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError):
            raise MediaError("failed", "unknown host") from None
        addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
        if not addresses or not all(self._public(ip) for ip in addresses):
            raise MediaError("failed", "not a public address")
        return parsed

    def name_of(self, path: Path) -> str:
        """How a stored file is recorded: relative to MEDIA_DIR, so the rows stay right when a
        backup is restored on another machine with another MEDIA_DIR."""
        return path.relative_to(self.root).as_posix()

    def path_for(self, digest: str, ext: str) -> Path:
        return self.root / digest[:2] / f"{digest}{ext}"

    async def fetch(self, url: str) -> Stored:
        target = await self.check_url(url)
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        tmp = tempfile.NamedTemporaryFile(dir=self.root, prefix=".part-", delete=False)  # noqa: SIM115 (renamed or removed below)
        try:
            try:
                for _ in range(MAX_REDIRECTS + 1):
                    async with self.http.stream("GET", target, follow_redirects=False) as resp:
                        if resp.is_redirect:  # every hop is checked like the first
                            location = resp.headers.get("location", "")
                            target = await self.check_url(str(target.join(location)))
                            continue
                        if resp.status_code != 200:
                            raise MediaError("failed", f"HTTP {resp.status_code}")
                        ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                        if not ctype.startswith("image/"):
                            raise MediaError("not_image", ctype or "no content type")
                        declared = resp.headers.get("content-length", "")
                        if declared.isdigit() and int(declared) > self.max_bytes:
                            raise MediaError("too_big", declared)
                        async for chunk in resp.aiter_bytes():
                            size += len(chunk)
                            if size > self.max_bytes:
                                raise MediaError("too_big", f"over {self.max_bytes}")
                            digest.update(chunk)
                            tmp.write(chunk)
                        break
                else:
                    raise MediaError("failed", "too many redirects")
            except httpx.HTTPError as exc:
                raise MediaError("failed", type(exc).__name__) from None
            tmp.close()
            if size == 0:
                raise MediaError("failed", "empty")
            hexdigest = digest.hexdigest()
            final = self.path_for(hexdigest, _EXT.get(ctype, ".img"))
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():  # the same picture again: stored once
                os.unlink(tmp.name)
            else:
                os.replace(tmp.name, final)
            return Stored(hexdigest, final, size, ctype)
        finally:
            tmp.close()
            if os.path.exists(tmp.name):
                os.unlink(tmp.name)
