"""A fake Zalo Official Account API for tests, written from Zalo's public documentation:
Starlette under uvicorn on 127.0.0.1, a free port.

- the webhook sender: events shaped as Zalo posts them (user_send_text, user_send_image,
  user_send_audio, follow, unfollow), signed with X-ZEvent-Signature =
  "mac=" + sha256(app_id + raw body + timestamp + OA secret key);
- the v3 message API (POST /v3.0/oa/message/cs, access_token header): error -216 for an
  expired or unknown token, -213 for an account that unfollowed, -230 when the person has not
  written within the window, -211 when the month's quota is used up, -32 on demand (rate);
- ZNS templates (POST /message/template): known template ids only, to a phone number;
- the token renewal (POST /v4/oa/access_token, form, secret_key header): a new pair with
  expires_in 90000 (25 hours); a refresh token works once (-14020 the second time).
Time is the test's clock (`now`), so expiry and the window follow ManualClock.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .serving import Served, serve

APP_ID = "4318805171223847921"
APP_SECRET = "fake-app-secret-key"
OA_SECRET = "fake-oa-secret-key"
OA_ID = "2971284510373816722"
ACCESS_LIFETIME = timedelta(seconds=90000)


@dataclass
class Call:
    path: str
    body: dict
    token: str = ""


@dataclass
class FakeZaloOa:
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    app_id: str = APP_ID
    app_secret: str = APP_SECRET
    oa_secret: str = OA_SECRET
    window: timedelta = timedelta(hours=48)
    templates: set[str] = field(default_factory=lambda: {"310001", "310002", "310003"})
    quota: dict[str, int] = field(default_factory=dict)  # "cs" / "template": sends left
    webhook_url: str = ""
    calls: list[Call] = field(default_factory=list)
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    failures: list[int] = field(default_factory=list)  # error numbers for the next sends
    port: int = 0

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self.access: dict[str, datetime] = {}  # valid access token -> its expiry
        self.refresh: set[str] = set()  # refresh tokens not yet used
        self.followers: set[str] = set()
        self.last_inbound: dict[str, datetime] = {}
        self.renewals = 0
        self._served: Served | None = None

    # -- tokens -------------------------------------------------------------------------------
    def issue(self, lifetime: timedelta = ACCESS_LIFETIME) -> tuple[str, str]:
        """A new pair (as the OA's first authorisation gives)."""
        n = next(self._ids)
        access, refresh = f"oa-access-{n:04d}-" + "a" * 20, f"oa-refresh-{n:04d}-" + "r" * 20
        self.access[access] = self.now() + lifetime
        self.refresh.add(refresh)
        return access, refresh

    def expire_all(self) -> None:
        for token in self.access:
            self.access[token] = self.now() - timedelta(seconds=1)

    def _token_ok(self, token: str) -> bool:
        expiry = self.access.get(token)
        return expiry is not None and self.now() < expiry

    # -- events -------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def image_url(self, name: str) -> str:
        return f"{self.base_url}/files/{name}"

    def _stamp(self) -> str:
        return str(int(self.now().timestamp() * 1000))

    def event(
        self,
        user_id: str,
        text: str | None = None,
        *,
        image: str | None = None,
        audio: str | None = None,
        event_name: str | None = None,
        msg_id: str | None = None,
    ) -> dict:
        """A follower's message, shaped as Zalo posts it."""
        msg: dict[str, Any] = {"msg_id": msg_id or f"m{next(self._ids):08x}"}
        if image is not None:
            event_name = event_name or "user_send_image"
            msg["attachments"] = [{"type": "image", "payload": {"url": image, "thumbnail": image}}]
            if text:
                msg["text"] = text
        elif audio is not None:
            event_name = event_name or "user_send_audio"
            msg["attachments"] = [{"type": "audio", "payload": {"url": audio}}]
        else:
            event_name = event_name or "user_send_text"
            msg["text"] = text or ""
        return {
            "app_id": self.app_id,
            "user_id_by_app": f"app-{user_id}",
            "event_name": event_name,
            "timestamp": self._stamp(),
            "sender": {"id": user_id},
            "recipient": {"id": OA_ID},
            "message": msg,
        }

    def follow(self, user_id: str, unfollow: bool = False) -> dict:
        return {
            "app_id": self.app_id,
            "oa_id": OA_ID,
            "event_name": "unfollow" if unfollow else "follow",
            "timestamp": self._stamp(),
            "source": "oa_profile",
            "follower": {"id": user_id},
            "user_id_by_app": f"app-{user_id}",
        }

    def sign(self, raw: bytes, body: dict) -> str:
        digest = hashlib.sha256(
            self.app_id.encode() + raw + str(body.get("timestamp", "")).encode() + self.oa_secret.encode()
        )
        return "mac=" + digest.hexdigest()

    async def post(self, body: dict, *, signature: str | None = None) -> httpx.Response:
        """POST an event to the bot's webhook as Zalo does (the platform's own state follows)."""
        assert self.webhook_url, "no webhook URL"
        name, who = body.get("event_name", ""), (body.get("sender") or body.get("follower") or {}).get("id")
        if name == "follow" or name.startswith("user_send_"):
            self.followers.add(who)
        if name == "follow" or name.startswith("user_send_"):  # both open the window
            self.last_inbound[who] = self.now()
        if name == "unfollow":
            self.followers.discard(who)
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "X-ZEvent-Signature": signature or self.sign(raw, body),
        }
        async with httpx.AsyncClient(timeout=30) as http:
            return await http.post(self.webhook_url, content=raw, headers=headers)

    # -- what the bot sent ------------------------------------------------------------------------
    def sent(self, user_id: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.path.endswith("/message/cs")
            and (user_id is None or c.body["recipient"]["user_id"] == user_id)
        ]

    def texts(self, user_id: str | None = None) -> list[str]:
        return [c.body["message"].get("text", "") for c in self.sent(user_id)]

    def zns(self) -> list[Call]:
        return [c for c in self.calls if c.path == "/message/template"]

    # -- the API -------------------------------------------------------------------------------
    def _spend(self, kind: str) -> bool:
        if kind not in self.quota:
            return True
        if self.quota[kind] <= 0:
            return False
        self.quota[kind] -= 1
        return True

    async def _message(self, request: Request) -> Response:
        token = request.headers.get("access_token", "")
        body = await request.json()
        if not self._token_ok(token):
            self.calls.append(Call(request.url.path + "!expired", body, token))
            return _err(-216, "Access token is invalid")
        if self.failures:
            code = self.failures.pop(0)
            self.calls.append(Call(request.url.path + "!failed", body, token))
            return _err(code, "fake failure")
        user = str((body.get("recipient") or {}).get("user_id") or "")
        message = body.get("message") or {}
        if user not in self.followers:
            return _err(-213, "User has not followed OA")
        last = self.last_inbound.get(user)
        if last is None or self.now() - last >= self.window:
            self.calls.append(Call(request.url.path + "!window", body, token))
            return _err(-230, "User has not interacted with the OA in the allowed time")
        text = message.get("text", "")
        buttons = ((message.get("attachment") or {}).get("payload") or {}).get("buttons") or []
        if (not text and "attachment" not in message) or len(text) > 2000 or len(buttons) > 5:
            return _err(-201, "Parameters are invalid")
        if not self._spend("cs"):
            return _err(-211, "Out of quota")
        self.calls.append(Call(request.url.path, body, token))
        return JSONResponse(
            {
                "error": 0,
                "message": "Success",
                "data": {"message_id": f"out{next(self._ids)}", "user_id": user},
            }
        )

    async def _template(self, request: Request) -> Response:
        token = request.headers.get("access_token", "")
        body = await request.json()
        if not self._token_ok(token):
            return _err(-216, "Access token is invalid")
        phone = str(body.get("phone") or "")
        if str(body.get("template_id")) not in self.templates or not phone.startswith("84"):
            return _err(-124, "Template or phone invalid")
        if not self._spend("template"):
            return _err(-211, "Out of quota")
        self.calls.append(Call("/message/template", body, token))
        return JSONResponse({"error": 0, "message": "Success", "data": {"msg_id": f"zns{next(self._ids)}"}})

    async def _renew(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8")).items()}
        self.calls.append(Call("/v4/oa/access_token", {"app_id": form.get("app_id")}))
        if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
            return JSONResponse({"error": -14002, "error_name": "Invalid app", "error_description": "app"})
        token = str(form.get("refresh_token") or "")
        if form.get("grant_type") != "refresh_token" or token not in self.refresh:
            return JSONResponse(
                {
                    "error": -14020,
                    "error_name": "Invalid refresh token",
                    "error_description": "used or expired",
                }
            )
        self.refresh.discard(token)  # single use
        self.renewals += 1
        access, refresh = self.issue()
        return JSONResponse(
            {
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": str(int(ACCESS_LIFETIME.total_seconds())),
            }
        )

    async def _file(self, request: Request) -> Response:
        found = self.images.get(request.path_params["name"])
        if found is None:
            return Response(b"not found", 404)
        return Response(found[0], media_type=found[1])

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> FakeZaloOa:

        app = Starlette(
            routes=[
                Route("/v3.0/oa/message/{kind}", self._message, methods=["POST"]),
                Route("/message/template", self._template, methods=["POST"]),
                Route("/v4/oa/access_token", self._renew, methods=["POST"]),
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


def _err(code: int, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message})
