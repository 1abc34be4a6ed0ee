"""A fake Zalo Bot API server for tests: Starlette under uvicorn on 127.0.0.1, a free port.

It answers the calls the bot makes, queues user messages for getUpdates (one per call; 408
after a short wait when none), or POSTs them to the bot's webhook with the secret header,
serves test images for photo_url, records everything the bot called, and fails on demand.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .serving import Served, serve

TOKEN = "123456789:fake-zalo-secret-TOKEN-abcdef"
SEND_METHODS = ("sendMessage", "sendPhoto", "sendSticker")


@dataclass
class Call:
    method: str
    body: dict


@dataclass
class FakeZalo:
    token: str = TOKEN
    poll_wait: float = 0.05  # how long an empty getUpdates waits before its 408
    calls: list[Call] = field(default_factory=list)
    webhook_url: str = ""
    webhook_secret: str = ""
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    file_requests: list[str] = field(default_factory=list)  # image names asked for
    failures: list[tuple[int, float | None]] = field(default_factory=list)  # for the next sends
    port: int = 0

    def __post_init__(self) -> None:
        self._queue: asyncio.Queue[dict] = asyncio.Queue()
        self._ids = itertools.count(1)
        self._served: Served | None = None

    # -- what the test does -------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def image_url(self, name: str) -> str:
        return f"{self.base_url}/files/{name}"

    def fail_next_sends(self, n: int, status: int = 500, retry_after: float | None = None) -> None:
        self.failures.extend([(status, retry_after)] * n)

    def update(
        self,
        user_id: str,
        text: str | None = None,
        *,
        event_name: str | None = None,
        photo_url: str | None = None,
        caption: str | None = None,
        name: str = "Nguyen Van A",
        message_id: str | None = None,
    ) -> dict:
        """A user's message, shaped as Zalo sends it."""
        msg: dict[str, Any] = {
            "message_id": message_id or f"mid{next(self._ids):06x}",
            "date": int(time.time() * 1000),
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "from": {"id": user_id, "display_name": name, "is_bot": False},
        }
        if photo_url is not None:
            event_name = event_name or "message.image.received"
            msg["photo_url"] = photo_url
            if caption:
                msg["caption"] = caption
        elif text is not None:
            event_name = event_name or "message.text.received"
            msg["text"] = text
        return {"event_name": event_name or "message.unsupported.received", "message": msg}

    def queue(self, update: dict) -> None:
        """For long polling: the next getUpdates returns it."""
        self._queue.put_nowait(update)

    async def post_webhook(
        self, update: Any, *, secret: str | None = None, wrap: bool = False
    ) -> httpx.Response:
        """Webhook mode: POST the update to the URL the bot registered, with the secret header."""
        assert self.webhook_url, "the bot has not called setWebhook"
        body = {"ok": True, "result": update} if wrap else update
        async with httpx.AsyncClient(timeout=30) as http:
            return await http.post(
                self.webhook_url,
                json=body,
                headers={"X-Bot-Api-Secret-Token": self.webhook_secret if secret is None else secret},
            )

    def sent(self, chat_id: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method in SEND_METHODS and (chat_id is None or c.body.get("chat_id") == chat_id)
        ]

    def texts(self, chat_id: str | None = None) -> list[str]:
        return [c.body.get("text") or c.body.get("caption") or "" for c in self.sent(chat_id)]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    # -- the API --------------------------------------------------------------------------------
    async def _api(self, request: Request) -> Response:
        token, method = request.path_params["token"], request.path_params["method"]
        if token != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        try:
            body = await request.json()
        except ValueError:
            body = {}
        if method in SEND_METHODS and self.failures:
            status, retry_after = self.failures.pop(0)
            self.calls.append(Call(f"{method}!failed", body))
            answer: dict[str, Any] = {"ok": False, "error_code": status, "description": "fake failure"}
            if retry_after is not None:
                answer["parameters"] = {"retry_after": retry_after}
            return JSONResponse(answer, status)
        self.calls.append(Call(method, body))
        now = int(time.time() * 1000)
        if method == "getMe":
            return _ok(
                {
                    "id": self.token.split(":")[0],
                    "account_name": "bot_thi_dua",
                    "account_type": "BASIC",
                    "can_join_groups": False,
                }
            )
        if method == "getUpdates":
            if self.webhook_url:
                return JSONResponse({"ok": False, "error_code": 409, "description": "webhook is set"}, 409)
            wait = min(float(body.get("timeout") or 30), self.poll_wait)
            try:
                update = await asyncio.wait_for(self._queue.get(), timeout=wait)
            except TimeoutError:
                return JSONResponse({"ok": False, "error_code": 408, "description": "Request timeout"})
            return _ok(update)
        if method == "setWebhook":
            secret = str(body.get("secret_token") or "")
            if (
                not str(body.get("url", "")).startswith(("http://", "https://"))
                or not 8 <= len(secret) <= 256
            ):
                return JSONResponse({"ok": False, "error_code": 400, "description": "bad webhook"}, 400)
            self.webhook_url, self.webhook_secret = body["url"], secret
            return _ok({"url": self.webhook_url, "updated_at": now})
        if method == "deleteWebhook":
            self.webhook_url = self.webhook_secret = ""
            return _ok({"url": "", "updated_at": now})
        if method == "getWebhookInfo":
            return _ok({"url": self.webhook_url, "updated_at": now})
        if method in SEND_METHODS:
            text = body.get("text", body.get("caption", "")) or ""
            if not body.get("chat_id") or len(text) > 2000 or (method == "sendMessage" and not text):
                return JSONResponse({"ok": False, "error_code": 400, "description": "bad message"}, 400)
            return _ok({"message_id": f"out{next(self._ids):06x}", "date": now})
        if method == "sendChatAction":
            return _ok(True)
        return JSONResponse({"ok": False, "error_code": 404, "description": "no such method"}, 404)

    async def _file(self, request: Request) -> Response:
        self.file_requests.append(request.path_params["name"])
        found = self.images.get(request.path_params["name"])
        if found is None:
            return Response(b"not found", 404)
        data, ctype = found
        return Response(data, media_type=ctype)

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> FakeZalo:
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["POST"]),
                Route("/files/{name}", self._file, methods=["GET"]),
            ]
        )
        self._served = await serve(app, self.port)
        self.port = self._served.port
        return self

    async def stop(self) -> None:
        if self._served is not None:
            await self._served.stop()
            self._served = None

    async def start_again(self) -> FakeZalo:
        """After stop(): serve again on the same port (the API "comes back")."""
        return await self.start()


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})
