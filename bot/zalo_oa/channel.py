"""The Zalo Official Account channel: the same conversations on the commune's own OA.

Receiving: Zalo POSTs every event to /zalo-oa on PORT (the URL registered in the developer
console). The X-ZEvent-Signature header, sha256(app id + raw body + timestamp + OA secret key),
is checked in constant time; an event whose timestamp is older than ZALO_OA_MAX_EVENT_AGE is
refused; a redelivered event (the same msg_id) is processed once (the core's event keys). The
answer (200) goes once the turn is stored, as on the other webhooks; the replies follow.
Events: user_send_text (a pressed button sends its text back the same way), user_send_image
(downloaded into MEDIA_DIR with the Zalo Bot Platform's public-address rules),
user_send_audio (a voice note, as on Telegram), follow (the greeting), unfollow (the account
is marked unreachable); anything else gets the core's hint.
Sending: free-form («tư vấn») messages through the v3 message API; choices as OA buttons
(oa.query.show, the navigation as oa.query.hide) under the numbered text, which still works
typed. Outbox rows go through bot/zalo_oa/window.py: outside the person's window they go as a
template, on another channel, or wait («ngoài khung 48 giờ»)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import httpx
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from messages.model import InboundEvent, Photo, Question, Reply, VoiceIn
from messages.render import render_text
from storage import announcements, conversations
from storage import zalo_oa as oa_store

from ..channel import SendError
from ..delivery import Delivery, Kept, Turn, send_reply
from ..pacing import ChatPacers, Pacer
from ..turn_order import TurnOrder, answer_once_stored, one_turn
from ..webhook_server import BodyError, parse_json, read_body
from ..zalo.channel import downloads_for, fetched_photo, pieces_of, text_event
from ..zalo.client import transport
from ..zalo.media import MediaStore
from .client import NOT_FOLLOWER, OaClient, OaError
from .tokens import OaTokens
from .window import Window

log = logging.getLogger(__name__)

CHANNEL = "zalo_oa"
PATH = "/zalo-oa"
SIGNATURE_HEADER = "X-ZEvent-Signature"
TEXT_LIMIT = 2000
MAX_BUTTONS = 5
_MEDIA_NOTICE = {
    "failed": "zalo.photo_failed",
    "too_big": "zalo.photo_too_big",
    "not_image": "zalo.photo_not_image",
}


def signature(app_id: str, body: bytes, timestamp: str, secret: str) -> str:
    """The X-ZEvent-Signature of an event (hex, without the "mac=" prefix)."""
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret.encode()).hexdigest()


class OaKept(Kept):
    """The turn's replies kept as on every channel, and, in the same transaction, the person's
    last inbound time (their window) with what waited for it released."""

    def __call__(self, s: Session, replies: list[Reply], now: datetime, role: str | None = None) -> None:
        oa_store.wrote(s, CHANNEL, self.turn.user_id, now)
        super().__call__(s, replies, now, role)


class ZaloOaChannel:
    name = CHANNEL

    def __init__(
        self,
        app: Any,
        *,
        client: OaClient | None = None,
        delivery: Delivery | None = None,
        tokens: OaTokens | None = None,
        retry_delays: Sequence[float] = (0.5, 1.0, 2.0),
        max_concurrent: int = 32,
        media_allow: Sequence[str] = (),
        path: str = PATH,
    ) -> None:
        s = app.settings
        self.app = app
        self.path = path  # a commune's own Official Account: /zalo-oa/<commune code>
        self.delivery = delivery or Delivery(app.db, app.clock, app.outbox_bell, writer=app.turns)
        self.client = client or OaClient(s.zalo_oa_api_url, s.zalo_oa_oauth_url, s.zalo_oa_zns_url)
        self.app_id = s.zalo_oa_app_id
        self._secret = s.zalo_oa_secret_key.get_secret_value()
        self.max_age = s.zalo_oa_max_event_age
        self.tokens = tokens or tokens_for(app, self.client)
        self.window = Window(self, s.zalo_oa_window_hours, s.zalo_oa_templates)
        self.downloads = downloads_for(app) if s.webhook_base_url and s.webhook_secret else None
        self.retry_delays = tuple(retry_delays)
        self._rate = Pacer(s.zalo_rate)
        self._chat_limiter = ChatPacers(s.zalo_chat_rate, s.zalo_chat_burst)
        self._order = TurnOrder()
        self._slots = asyncio.Semaphore(max_concurrent)
        self._tasks: set[asyncio.Task] = set()
        self._download = httpx.AsyncClient(
            timeout=httpx.Timeout(30.0), follow_redirects=True, transport=transport()
        )
        self.media = MediaStore(s.media_dir, self._download, allow=media_allow)
        self.handled = 0  # events fully handled (replies sent or queued)

    # -- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        await asyncio.to_thread(self.tokens.read)  # seeds the pair; stores a killed renewal's
        log.info("zalo_oa: events at %s (register it in the Zalo developer console)", self.path)

    async def stop(self) -> None:
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=10.0)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        await self._download.aclose()
        await self.client.aclose()

    def routes(self) -> list[BaseRoute]:
        routes: list[BaseRoute] = [Route(self.path, self._webhook_endpoint, methods=["POST"])]
        if self.downloads is not None:
            routes.append(self.downloads.route())
        return routes

    # -- receiving --------------------------------------------------------------------------
    def verify(self, raw: bytes, body: dict, given: str | None) -> str | None:
        """Why an event is refused (None: it is genuine and fresh)."""
        stamp = str(body.get("timestamp") or "")
        expected = signature(str(body.get("app_id") or self.app_id), raw, stamp, self._secret)
        given = (given or "").strip().removeprefix("mac=")
        if str(body.get("app_id") or "") != self.app_id:
            return "another app"
        if not given or not hmac.compare_digest(given.encode(), expected.encode()):
            return "bad signature"
        if not stamp.isdigit():
            return "no timestamp"
        age = self.app.clock.now().timestamp() - int(stamp) / 1000
        if abs(age) > self.max_age:
            return "stale"
        return None

    async def _webhook_endpoint(self, request: Request) -> Response:
        try:
            raw = await read_body(request)
            body = parse_json(raw)
        except BodyError as exc:
            return exc.response()
        if not isinstance(body, dict):
            return PlainTextResponse("bad request", status_code=400)
        refused = self.verify(raw, body, request.headers.get(SIGNATURE_HEADER))
        if refused is not None:
            log.warning("zalo_oa event refused: %s", refused)
            return PlainTextResponse("unauthorized", status_code=401)
        await answer_once_stored(self._tasks, lambda stored: self.handle_event(body, committed=stored))
        return JSONResponse({"error": 0})

    async def handle_event(self, body: dict, committed: Callable[[], None] | None = None) -> None:
        """One event: its turn stored, then its replies sent in the person's order. Never raises."""
        try:
            parsed = _parse(body)
            if parsed is None:
                log.info("zalo_oa event ignored: %s", str(body.get("event_name"))[:60])
                return
            name, user_id, key = parsed
            if name == "unfollow":
                await asyncio.to_thread(self._unfollowed, user_id)
                return
            await one_turn(
                self._order,
                user_id,
                lambda: self._commit(name, body, user_id, key),
                lambda stored: self.delivery.send_turn(self, *stored),
                committed,
                gate=self._slots,
            )
        except Exception:
            log.exception("zalo_oa event failed")
        finally:
            self.handled += 1

    def _unfollowed(self, user_id: str) -> None:
        with Session(self.app.db) as s:
            announcements.mark_unreachable(s, CHANNEL, user_id, self.app.clock.now())
            s.commit()

    async def _commit(self, name: str, body: dict, user_id: str, key: str):
        msg = body.get("message") if isinstance(body.get("message"), dict) else {}
        base = dict(channel=CHANNEL, user_id=user_id, chat_id=user_id, key=key, display_name=None)
        if name == "follow":  # the greeting, as /start
            event = InboundEvent(kind="command", command="start", **base)
        elif name == "user_send_text":
            event = text_event(_str(msg.get("text")), base)
        elif name == "user_send_image":
            if await asyncio.to_thread(self._seen, key):
                return None  # a redelivery: do not download again
            event = await fetched_photo(self.media, _attachment_url(msg), _str(msg.get("text")) or None, base)
        elif name == "user_send_audio":
            url = _attachment_url(msg)
            voice = VoiceIn(unique_id=f"zalo_oa:{_str(msg.get('msg_id'))}", url=url or None)
            event = InboundEvent(kind="voice", voice=voice, **base)
        else:
            event = InboundEvent(kind="unsupported", **base)
        turn = Turn(CHANNEL, user_id, user_id, key)
        kept = OaKept(self, turn, self.delivery.claimer, self.delivery.lease)
        replies = await self.app.turns.handle(event, kept)
        return turn, replies, kept

    def _seen(self, key: str) -> bool:
        with Session(self.app.db) as s:
            return conversations.seen_event(s, f"{CHANNEL}:{key}")

    # -- sending (the delivery path calls these) ----------------------------------------------
    def pieces(self, reply: Reply) -> list[Reply]:
        """As on the Zalo bot; a question that fits one message stays whole (its buttons)."""
        if isinstance(reply, Question) and len(render_text(reply)) <= TEXT_LIMIT:
            return [reply]
        return pieces_of(reply, self.downloads, self.app.settings.console_url)

    def message_of(self, piece: Reply) -> dict:
        """The v3 message body of one piece."""
        if isinstance(piece, Question):
            message: dict[str, Any] = {"text": render_text(piece)}
            buttons = [("oa.query.show", o) for o in piece.options] + [
                ("oa.query.hide", o) for o in piece.nav
            ]
            if buttons and len(buttons) <= MAX_BUTTONS and not piece.multi:
                message["attachment"] = {
                    "type": "template",
                    "payload": {
                        "buttons": [
                            {"title": o.label[:100], "type": kind, "payload": str(n)}
                            for n, (kind, o) in enumerate(buttons, start=1)
                        ]
                    },
                }
            return message
        if isinstance(piece, Photo):
            element = {"media_type": "image", "url": piece.ref}
            payload = {"template_type": "media", "elements": [element]}
            return {"text": piece.caption, "attachment": {"type": "template", "payload": payload}}
        return {"text": piece.text}

    async def send_piece(
        self, chat_id: str, piece: Reply, *, last: bool = False, context: Any = None
    ) -> None:
        await self.call(chat_id, self.message_of(piece))

    def ready(self, chat_id: str) -> bool:
        return self._chat_limiter.ready(chat_id)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """One reply, free-form (the caller knows the window is open); raises SendError."""
        await send_reply(self, chat_id, reply)

    async def send_row(self, row: Any) -> tuple[str, str]:
        """An outbox row, within the window or not (bot/zalo_oa/window.py): (outcome, note)."""
        return await self.window.deliver(row)

    async def authorised(self, call: Callable[[str], Any]) -> Any:
        """`call(access_token)`, renewed and tried once more after an "expired" answer."""
        access = await self.tokens.access()
        try:
            return await call(access.token)
        except OaError as exc:
            if exc.error_code != -216:
                raise
        access = await self.tokens.expired(access.version)
        return await call(access.token)

    async def call(self, chat_id: str, message: dict, kind: str = "cs") -> dict:
        """One message, paced, retried on network errors, 5xx and rate limits; then SendError
        (permanent for an unfollowed account; `window` when outside the person's window)."""
        last: OaError | None = None
        for attempt in range(len(self.retry_delays) + 1):
            async with self._chat_limiter(chat_id):
                try:
                    async with self._rate.slot():
                        return await self.authorised(
                            lambda tok: self.client.message(tok, chat_id, message, kind)
                        )
                except OaError as exc:
                    last = exc
                except Exception as exc:  # the token: nothing to send with
                    raise SendError(str(exc)) from None
            if not last.retryable:
                raise OaSendError(str(last), last.error_code)
            if attempt == len(self.retry_delays) or (last.retry_after or 0) > 5:
                break
            await asyncio.sleep(max(self.retry_delays[attempt], last.retry_after or 0))
        raise SendError(str(last), retry_after=last.retry_after)


class OaSendError(SendError):
    """A refusal for good: an unfollowed account is blocked; outside the window is not."""

    def __init__(self, message: str, error_code: int) -> None:
        super().__init__(message, permanent=True, blocked=error_code == NOT_FOLLOWER)
        self.error_code = error_code


def tokens_for(app: Any, client: OaClient) -> OaTokens:
    from datetime import timedelta
    from pathlib import Path

    s = app.settings
    seed = None
    if s.zalo_oa_access_token is not None and s.zalo_oa_refresh_token is not None:
        seed = (s.zalo_oa_access_token.get_secret_value(), s.zalo_oa_refresh_token.get_secret_value())
    return OaTokens(
        app.db,
        app.clock,
        client,
        oa_id=s.zalo_oa_id,
        app_id=s.zalo_oa_app_id,
        app_secret=s.zalo_oa_app_secret.get_secret_value(),
        journal=Path(s.media_dir).parent / "zalo_oa_renewal.json",
        seed=seed,
        renew_before=timedelta(minutes=s.zalo_oa_renew_before_minutes),
    )


# -- reading events ------------------------------------------------------------------------------


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _attachment_url(msg: dict) -> str:
    for a in msg.get("attachments") or []:
        if isinstance(a, dict) and isinstance(a.get("payload"), dict):
            return _str(a["payload"].get("url"))
    return ""


def _parse(body: dict) -> tuple[str, str, str] | None:
    """(event name, the person's id, the event's key) of an event this channel serves."""
    name = _str(body.get("event_name"))
    if name in ("follow", "unfollow"):
        user = body.get("follower") if isinstance(body.get("follower"), dict) else {}
        user_id = _str(user.get("id"))
        key = f"{name}:{user_id}:{_str(body.get('timestamp'))}"
    elif name.startswith("user_send_"):
        sender = body.get("sender") if isinstance(body.get("sender"), dict) else {}
        msg = body.get("message") if isinstance(body.get("message"), dict) else {}
        user_id, msg_id = _str(sender.get("id")), _str(msg.get("msg_id"))
        if not msg_id:
            return None
        key = f"{name}:{msg_id}"
    else:
        return None
    if not user_id or len(user_id) > 64:
        return None
    return name, user_id, key[:180]
