"""Evidence images: download a Zalo photo_url into a content-addressed store, so evidence
outlives Zalo's link. Streaming, size-limited, image content types only."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

MAX_BYTES = 10 * 1024 * 1024

_EXT = {"image/jpeg": ".jpg", "image/jpg": ".jpg", "image/png": ".png", "image/webp": ".webp",
        "image/gif": ".gif", "image/heic": ".heic", "image/heif": ".heif", "image/bmp": ".bmp"}


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
    def __init__(self, root: Path, http: httpx.AsyncClient, *, max_bytes: int = MAX_BYTES) -> None:
        self.root = Path(root)
        self.http = http
        self.max_bytes = max_bytes

    def path_for(self, digest: str, ext: str) -> Path:
        return self.root / digest[:2] / f"{digest}{ext}"

    async def fetch(self, url: str) -> Stored:
        if not url.lower().startswith(("http://", "https://")):
            raise MediaError("failed", "not an http(s) URL")
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        tmp = tempfile.NamedTemporaryFile(dir=self.root, prefix=".part-", delete=False)
        try:
            try:
                async with self.http.stream("GET", url) as resp:
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
