"""A fake Telegram Bot API server for tests: a Starlette app under uvicorn on 127.0.0.1 (a free
port), started in the test's event loop. It answers the methods the bot uses, records every
call (method, decoded params, result), queues updates for getUpdates (honouring offset and a
capped long-poll wait), and can be told to fail the next N calls of a method (429 or 500)."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .serving import Served, serve

# Params PTB sends JSON-encoded (strings go as they are).
JSON_PARAMS = {
    "reply_markup",
    "commands",
    "scope",
    "allowed_updates",
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "show_alert",
    "drop_pending_updates",
    "max_connections",
    "cache_time",
    "user_id",
    "allow_paid_broadcast",
}


SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup"})


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None
    files: dict[str, dict] = field(default_factory=dict)


class FakeTelegram:
    def __init__(
        self,
        token: str = "123456:TEST-fake-token",
        username: str = "thidua_test_bot",
        long_poll_cap: float = 0.2,
        flood_limit: int | None = None,
        paid_limit: int = 1000,
    ) -> None:
        self.token = token
        self.username = username
        self.bot_id = int(token.split(":")[0])
        self.long_poll_cap = long_poll_cap
        self.calls: list[Call] = []
        self.pending: list[dict] = []
        self.files: dict[str, bytes] = {}  # file_path -> bytes served under /file/bot<token>/
        self.failures: dict[str, list[tuple[int, int | None]]] = {}
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._new = asyncio.Event()
        self._served: Served | None = None
        self.port = 0
        # like Telegram's flood control: at most flood_limit sends in any second, else 429
        self.flood_limit = flood_limit
        self._window: deque[float] = deque()
        self.flooded = 0  # answers of 429 given for going over flood_limit
        # paid broadcast (allow_paid_broadcast): sends beyond the free limit, up to paid_limit
        # in any second (free and paid together), each one counted
        self.paid_limit = paid_limit
        self._paid_window: deque[float] = deque()
        self.paid_sent = 0
        self.on_send: Callable[[Call], None] | None = None  # told of each send let through
        self.accepted_at: list[float] = []  # time.monotonic() of each send let through
        # hold(n): after n sends went through, the next sends hang (never delivered) until
        # release() -- a process can be killed while it waits on one
        self.hold_after: int | None = None
        self.held: list[Call] = []
        self._released = asyncio.Event()

    # -- control from the test ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def fail_next(self, method: str, n: int = 1, status: int = 500, retry_after: int | None = None) -> None:
        self.failures.setdefault(method, []).extend([(status, retry_after)] * n)

    def hold(self, after: int = 0) -> None:
        self.hold_after = after
        self._released.clear()

    def release(self) -> None:
        self.hold_after = None
        self._released.set()

    def delivered(self, *methods: str) -> list[Call]:
        """Sends that went through (status 200)."""
        return [c for c in self.calls if c.method in (methods or SENDS) and c.status == 200]

    def push(self, update: dict) -> dict:
        self.pending.append(update)
        self._new.set()
        return update

    def of(self, *methods: str, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method in methods
            and c.status == 200
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    async def wait_for(self, pred: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Poll (bounded) until pred() is truthy; returns its value."""
        end = time.monotonic() + timeout
        while True:
            value = pred()
            if value:
                return value
            if time.monotonic() > end:
                raise AssertionError("timed out waiting for the bot")
            await asyncio.sleep(0.01)

    # -- updates as Telegram sends them ------------------------------------------------------
    def user(self, user_id: int, name: str = "Bình") -> dict:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "vi"}

    def chat(self, chat_id: int, chat_type: str = "private") -> dict:
        return {
            "id": chat_id,
            "type": chat_type,
            **({"title": "Nhóm thôn"} if chat_type != "private" else {}),
        }

    def message_update(
        self,
        user_id: int,
        *,
        text: str | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        update_id: int | None = None,
        **extra: Any,
    ) -> dict:
        msg: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "from": self.user(user_id),
            "chat": self.chat(chat_id or user_id, chat_type),
        }
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ")[0])}]
        msg.update(extra)
        return {"update_id": update_id or next(self._ids), "message": msg}

    def photo_update(self, user_id: int, unique_id: str, **kw: Any) -> dict:
        sizes = [
            {"file_id": f"small-{unique_id}", "file_unique_id": f"s-{unique_id}", "width": 90, "height": 90},
            {"file_id": f"big-{unique_id}", "file_unique_id": unique_id, "width": 1280, "height": 960},
        ]
        return self.message_update(user_id, photo=sizes, **kw)

    def voice_update(self, user_id: int, unique_id: str, duration: int, **kw: Any) -> dict:
        return self.message_update(
            user_id,
            voice={
                "file_id": f"voice-{unique_id}",
                "file_unique_id": unique_id,
                "duration": duration,
                "mime_type": "audio/ogg",
            },
            **kw,
        )

    def callback_update(self, user_id: int, data: str, message_id: int, chat_id: int | None = None) -> dict:
        chat = chat_id or user_id
        return {
            "update_id": next(self._ids),
            "callback_query": {
                "id": f"cq{next(self._ids)}",
                "from": self.user(user_id),
                "chat_instance": f"ci{chat}",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": self.chat(chat),
                    "text": "…",
                    "from": {"id": self.bot_id, "is_bot": True, "first_name": "Bot"},
                },
            },
        }

    # -- the server --------------------------------------------------------------------------
    async def start(self) -> FakeTelegram:
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file),
            ]
        )
        self._served = await serve(app, access_log=False)
        self.port = self._served.port
        return self

    async def stop(self) -> None:
        self.release()
        if self._served is not None:
            self._served.server.should_exit = True
            self._new.set()
            await self._served.task

    async def _file(self, request: Request) -> Response:
        """A file download (after getFile): the bytes put in `self.files` under its path."""
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        self.calls.append(Call("file", {"path": request.path_params["path"]}))
        data = self.files.get(request.path_params["path"])
        return Response(data, media_type="image/jpeg") if data is not None else Response(status_code=404)

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        method = request.path_params["method"]
        params, files = await _params(request)
        call = Call(method, params, files=files)
        self.calls.append(call)
        queued = self.failures.get(method)
        if queued:
            status, retry_after = queued.pop(0)
            call.status = status
            body: dict[str, Any] = {"ok": False, "error_code": status}
            if status == 429:
                body["description"] = f"Too Many Requests: retry after {retry_after}"
                body["parameters"] = {"retry_after": retry_after}
            elif status == 403:
                body["description"] = "Forbidden: bot was blocked by the user"
            else:
                body["description"] = "Internal Server Error"
            return JSONResponse(body, status)
        if method in SENDS and self.hold_after is not None and len(self.delivered()) >= self.hold_after:
            call.status = 599  # never delivered
            self.held.append(call)
            await self._released.wait()
            return JSONResponse({"ok": False, "error_code": 500, "description": "held"}, 500)
        if method in SENDS and self._over_limit(params.get("allow_paid_broadcast") is True):
            call.status = 429
            self.flooded += 1
            return JSONResponse(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                429,
            )
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            call.status = 404
            return JSONResponse(
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"}, 404
            )
        call.result = await handler(params)
        if method in SENDS and self.on_send is not None:
            self.on_send(call)
        return JSONResponse({"ok": True, "result": call.result})

    def _over_limit(self, paid: bool = False) -> bool:
        now = time.monotonic()
        if paid:  # counted apart from the free window; the 1,000 a second of all sends
            while self._paid_window and self._paid_window[0] <= now - 1.0:
                self._paid_window.popleft()
            if len(self._paid_window) + len(self._window) >= self.paid_limit:
                return True
            self._paid_window.append(now)
            self.paid_sent += 1
            self.accepted_at.append(now)
            return False
        if self.flood_limit is not None:
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= self.flood_limit:
                return True
            self._window.append(now)
        self.accepted_at.append(now)
        return False

    async def _m_getMe(self, p: dict) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Thi đua",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getUpdates(self, p: dict) -> list:
        offset = int(p.get("offset") or 0)
        self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if not self.pending and float(p.get("timeout") or 0) > 0:
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), min(float(p["timeout"]), self.long_poll_cap))
            except TimeoutError:
                pass
        limit = int(p.get("limit") or 100)
        return sorted(self.pending, key=lambda u: u["update_id"])[:limit]

    def _message(self, p: dict, **content: Any) -> dict:
        chat_id = p["chat_id"]
        msg = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": "private" if int(chat_id) > 0 else "group",
                **({} if int(chat_id) > 0 else {"title": "Nhóm"}),
            },
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "Thi đua"},
            **content,
        }
        if "reply_markup" in p:
            msg["reply_markup"] = p["reply_markup"]
        return msg

    async def _m_sendMessage(self, p: dict) -> dict:
        return self._message(p, text=p.get("text", ""))

    async def _m_sendPhoto(self, p: dict) -> dict:
        n = next(self._message_ids)
        return self._message(
            p,
            photo=[{"file_id": f"sent-photo-{n}", "file_unique_id": f"sp{n}", "width": 1, "height": 1}],
            caption=p.get("caption"),
        )

    async def _m_sendVoice(self, p: dict) -> dict:
        n = next(self._message_ids)
        return self._message(
            p,
            voice={"file_id": p.get("voice", f"sent-voice-{n}"), "file_unique_id": f"sv{n}", "duration": 1},
            caption=p.get("caption"),
        )

    async def _m_sendDocument(self, p: dict) -> dict:
        n = next(self._message_ids)
        return self._message(
            p,
            document={
                "file_id": f"sent-doc-{n}",
                "file_unique_id": f"sd{n}",
                "file_name": p.get("filename", "file"),
            },
        )

    async def _m_editMessageText(self, p: dict) -> dict:
        return {**self._message(p, text=p.get("text", "")), "message_id": p["message_id"]}

    async def _m_editMessageReplyMarkup(self, p: dict) -> dict:
        return {**self._message(p, text="…"), "message_id": p["message_id"]}

    async def _m_getFile(self, p: dict) -> dict:
        return {
            "file_id": p["file_id"],
            "file_unique_id": f"u-{p['file_id']}",
            "file_size": 1,
            "file_path": f"photos/{p['file_id']}.jpg",
        }

    async def _true(self, p: dict) -> bool:
        return True

    _m_answerCallbackQuery = _m_setMyCommands = _m_deleteMyCommands = _true
    _m_setWebhook = _m_deleteWebhook = _true


async def _params(request: Request) -> tuple[dict[str, Any], dict[str, dict]]:
    """Decode PTB's form-encoded or multipart parameters (no python-multipart needed)."""
    ctype = request.headers.get("content-type", "")
    body = await request.body()
    raw: dict[str, str] = {}
    files: dict[str, dict] = {}
    if ctype.startswith("multipart/form-data"):
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body
        )
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            data = part.get_payload(decode=True) or b""
            if filename is not None:
                files[name] = {"filename": filename, "size": len(data)}
            else:
                raw[name] = data.decode("utf-8")
    elif ctype.startswith("application/json"):
        raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(body or b"{}").items()}
    elif body:
        raw = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    params: dict[str, Any] = {}
    for k, v in raw.items():
        if k in JSON_PARAMS:
            try:
                params[k] = json.loads(v)
                continue
            except ValueError:
                pass
        params[k] = v
    for name, f in files.items():  # a file sent inline stands where its parameter would be
        params.setdefault(name, f"attach:{f['filename']}")
    return params, files
