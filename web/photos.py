"""Evidence photos in the page: Telegram photos fetched through the Bot API by file id (getFile,
then the file) and cached on disk; Zalo (and console) images read from where the channel kept
them. Only image bytes are served (checked by their first bytes), never another file."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import httpx
from starlette.responses import Response

from domain.roles import can_see
from storage.models import Evidence, Submission

from .console import READERS, Req, page

log = logging.getLogger("thidua.web")

MAX_BYTES = 10 * 1024 * 1024
MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
    (b"RIFF", "image/webp"),
)


def image_type(data: bytes) -> str | None:
    for magic, ctype in MAGIC:
        if data.startswith(magic) and (ctype != "image/webp" or data[8:12] == b"WEBP"):
            return ctype
    return None


class TelegramFiles:
    """Downloads a photo by file id from the Bot API (getFile, then /file/bot<token>/<path>)."""

    def __init__(
        self, token: str, base_url: str, base_file_url: str, client: httpx.Client | None = None
    ) -> None:
        self.token, self.base_url, self.base_file_url = token, base_url, base_file_url
        self.client = client or httpx.Client(timeout=20.0)

    def fetch(self, file_id: str) -> bytes | None:
        try:
            r = self.client.post(f"{self.base_url}{self.token}/getFile", data={"file_id": file_id})
            body = r.json()
            if r.status_code != 200 or not body.get("ok"):
                log.warning("getFile refused (%s)", r.status_code)
                return None
            path = body["result"]["file_path"]
            f = self.client.get(f"{self.base_file_url}{self.token}/{path}")
            if f.status_code != 200 or len(f.content) > MAX_BYTES:
                log.warning("photo download failed (%s)", f.status_code)
                return None
            return f.content
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            log.warning("photo download failed: %s", type(exc).__name__)
            return None


def cache_path(media_dir: Path, e: Evidence) -> Path:
    name = hashlib.sha256(f"{e.channel}:{e.unique_id}".encode()).hexdigest()[:40]
    return media_dir / "web-cache" / name


def photo_bytes(req: Req, e: Evidence) -> bytes | None:
    media = req.console.media_dir
    if e.local_path:
        path = Path(e.local_path)
        if not path.is_absolute():  # kept under MEDIA_DIR (wherever it is on this machine)
            path = media / path
        inside = path.resolve().is_relative_to(media.resolve())
        if (inside or e.channel == "console") and path.is_file() and path.stat().st_size <= MAX_BYTES:
            return path.read_bytes()
        return None
    if e.channel == "telegram" and e.file_id and req.console.telegram_files is not None:
        cached = cache_path(media, e)
        if cached.is_file():
            return cached.read_bytes()
        data = req.console.telegram_files.fetch(e.file_id)
        if data and image_type(data):
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(cached)
        return data
    return None


@page("/anh/{evidence_id:id}", roles=READERS)
def photo(req: Req) -> Response:
    e = req.s.get(Evidence, req.request.path_params["evidence_id"])
    if e is not None and not can_see(req.viewer.member, req.s.get(Submission, e.submission_id)):
        e = None  # a council member sees the photos of the council's items only
    data = photo_bytes(req, e) if e is not None else None
    ctype = image_type(data) if data else None
    if ctype is None:
        return Response(status_code=404)
    return Response(data, media_type=ctype, headers={"cache-control": "private, max-age=86400"})


ROUTES = [photo]
NAV: list = []
