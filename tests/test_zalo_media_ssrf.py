"""SSRF: a Zalo photo_url is fetched only from public addresses, and every
redirect is checked again."""

from __future__ import annotations

import httpx
import pytest

from bot.zalo.media import MediaError, MediaStore
from storage.models import Evidence

from .conftest import rows
from .test_zalo import JPEG, Chat, app_for, channel_for, fake, settings_for  # noqa: F401


async def test_a_photo_link_to_127_0_0_1_is_not_fetched(fake, db, campaign, clock, tmp_path):
    app = app_for(db, campaign, clock, settings_for(fake, tmp_path))
    channel = channel_for(app, media_allow=())  # production: public addresses only
    await channel.start()
    try:
        chat = Chat(fake, channel)
        await chat.say("xin chao")
        await chat.say("1")
        got = await chat.image("bill.jpg")  # http://127.0.0.1:PORT/files/bill.jpg
        assert "Không tải được ảnh" in got and "Họ và tên" in got
        assert fake.file_requests == []
        assert rows(db, Evidence) == [] and not list((tmp_path / "media").rglob("*.jpg"))
    finally:
        await channel.stop()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.jpg",
        "http://localhost:8080/a.jpg",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/a.jpg",
        "http://[::1]/a.jpg",
        "http://[::ffff:127.0.0.1]/a.jpg",
        "http://0.0.0.0/a.jpg",
        "file:///etc/passwd",
    ],
)
async def test_private_and_local_addresses_are_refused_before_any_request(url, tmp_path):
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(200, content=JPEG, headers={"content-type": "image/jpeg"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        with pytest.raises(MediaError) as err:
            await MediaStore(tmp_path, http).fetch(url)
    assert err.value.reason == "failed" and asked == []


async def test_a_redirect_to_127_0_0_1_is_checked_again_and_refused(tmp_path):
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.host == "93.184.216.34":  # a public address, answering with a redirect
            return httpx.Response(302, headers={"location": "http://127.0.0.1:9/secret.jpg"})
        return httpx.Response(200, content=JPEG, headers={"content-type": "image/jpeg"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=True) as http:
        store = MediaStore(tmp_path, http)
        with pytest.raises(MediaError):
            await store.fetch("http://93.184.216.34/photo.jpg")
        assert asked == ["http://93.184.216.34/photo.jpg"]  # never the internal address
        # a redirect to another public address is followed
        asked.clear()

        def public(request: httpx.Request) -> httpx.Response:
            asked.append(str(request.url))
            if request.url.path == "/photo.jpg":
                return httpx.Response(301, headers={"location": "/moved.jpg"})
            return httpx.Response(200, content=JPEG, headers={"content-type": "image/jpeg"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(public)) as http:
        stored = await MediaStore(tmp_path, http).fetch("http://93.184.216.34/photo.jpg")
    assert stored.path.read_bytes() == JPEG
    assert asked == ["http://93.184.216.34/photo.jpg", "http://93.184.216.34/moved.jpg"]
