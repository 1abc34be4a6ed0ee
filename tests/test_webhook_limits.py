"""Webhook bodies are limited in size and nesting depth, on Telegram and Zalo."""

from __future__ import annotations

import httpx

from bot.webhook_server import make_app, nesting
from bot.zalo import ZaloChannel
from storage.models import ConversationState, ProcessedEvent

from .conftest import rows
from .test_telegram import SECRET, SECRET_HEADER, fake, hook  # noqa: F401
from .test_zalo import SECRET as ZALO_SECRET
from .test_zalo import app_for, settings_for

FIFTY_MB = 50 * 1024 * 1024


async def test_telegram_webhook_refuses_a_50_mb_body(hook, db):
    body = b'{"update_id": 1, "message": {"text": "' + b"a" * FIFTY_MB + b'"}}'
    r = await hook.client.post(
        "/telegram", content=body, headers={SECRET_HEADER: SECRET, "content-type": "application/json"}
    )
    assert r.status_code == 413

    async def chunks():  # no Content-Length: counted while it streams
        for _ in range(100):
            yield b"[" * (1024 * 1024)

    r = await hook.client.post("/telegram", content=chunks(), headers={SECRET_HEADER: SECRET})
    assert r.status_code == 413
    deep = b"[" * 100_000 + b"]" * 100_000
    r = await hook.client.post("/telegram", content=deep, headers={SECRET_HEADER: SECRET})
    assert r.status_code == 400
    assert rows(db, ProcessedEvent) == [] and rows(db, ConversationState) == []


class _NoApi:
    base_url = "http://127.0.0.1:9"


async def test_zalo_webhook_answers_400_to_a_body_nested_100000_deep(db, campaign, clock, tmp_path):
    settings = settings_for(
        _NoApi(), tmp_path, webhook_base_url="https://bot.example.org", webhook_secret=ZALO_SECRET
    )
    channel = ZaloChannel(app_for(db, campaign, clock, settings))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=make_app(channel.routes())), base_url="http://bot.test"
    ) as client:
        headers = {"X-Bot-Api-Secret-Token": ZALO_SECRET}
        for body in (
            b'{"a":' * 40_000 + b"1" + b"}" * 40_000,
            b"[" * 100_000 + b"]" * 100_000,
            b"[" * 100_000,
        ):
            r = await client.post("/zalo", content=body, headers=headers)
            assert r.status_code == 400, r.status_code
        r = await client.post("/zalo", content=b"x" * (300 * 1024), headers=headers)
        assert r.status_code == 413
    assert rows(db, ProcessedEvent) == []


def test_nesting_ignores_brackets_inside_strings():
    assert nesting(b'{"text": "[[[[[{{{{ \\" [[[", "a": [1, {"b": []}]}') == 4
