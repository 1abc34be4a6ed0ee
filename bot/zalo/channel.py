"""The Zalo channel: the same conversations on the Zalo Bot Platform.

Receiving: long polling (getUpdates, one update per call) by default, or POST /zalo when
WEBHOOK_BASE_URL is set (the X-Bot-Api-Secret-Token header must match WEBHOOK_SECRET).
Each update becomes an InboundEvent for the core (keyed on event_name + message_id, so a
redelivery is processed once); people are served side by side, one person's turns commit in
order and their replies go out in that order (bot/turn_order.py: a person's wait for their
own pace holds back nobody else, nor polling).
Sending: Zalo has no buttons, files or editing, so choices are numbered text, long texts are
split at 2000 characters; a reply that still fails after a few tries goes to the outbox
(through the one delivery path, bot/delivery.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from messages.catalog import t
from messages.model import Document, InboundEvent, Photo, PhotoIn, Question, Reply, Text, Voice
from messages.render import render_text, split_text
from storage import conversations

from ..cancel_task import cancel
from ..channel import SendError, StartupError
from ..delivery import Delivery, Turn, send_reply
from ..pacing import ChatPacers, Pacer
from ..reception import Door, OneCommune, send_at_the_door
from ..settings import SettingsError
from ..turn_order import TurnOrder, answer_once_stored, one_turn
from ..webhook_server import BodyError, read_json, secret_ok, unauthorized
from .client import ZaloApiError, ZaloClient, ZaloError, transport
from .media import MediaError, MediaStore

log = logging.getLogger(__name__)

CHANNEL = "zalo"
TEXT_LIMIT = 2000
PATH = "/zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
_MEDIA_NOTICE = {
    "failed": "zalo.photo_failed",
    "too_big": "zalo.photo_too_big",
    "not_image": "zalo.photo_not_image",
}


class ZaloChannel:
    name = CHANNEL
    text_limit = TEXT_LIMIT  # a turn's pieces join into one message up to these (bot/delivery.py)
    caption_limit = TEXT_LIMIT

    def __init__(
        self,
        app: Any,
        *,
        client: ZaloClient | None = None,
        delivery: Delivery | None = None,
        retry_delays: Sequence[float] = (0.5, 1.0, 2.0),
        max_inline_wait: float = 5.0,
        poll_backoff: tuple[float, float] = (1.0, 60.0),
        max_concurrent: int = 32,
        media_max_bytes: int | None = None,
        media_allow: Sequence[str] = (),
        start_delays: Sequence[float] = (1, 2, 4, 8, 15, 30, 60),
        door: Door | None = None,
        path: str = PATH,
    ) -> None:
        s = app.settings
        self.app = app
        self.core = app.core
        self.delivery = delivery or Delivery(app.db, app.clock, app.outbox_bell, writer=app.turns)
        # whose turn it is: the app's commune, unless several communes share this bot
        self.door = door or OneCommune(dataclasses.replace(app.tenant, delivery=self.delivery))
        self.path = path
        self.client = client or ZaloClient(s.zalo_bot_token.get_secret_value(), s.zalo_base_url)
        self.webhook = bool(s.webhook_base_url)
        self.downloads = downloads_for(app) if self.webhook else None  # files as one-time links
        self.start_delays = tuple(start_delays)
        self.poll_timeout = s.zalo_poll_timeout
        self.retry_delays = tuple(retry_delays)
        self.max_inline_wait = max_inline_wait
        self.poll_backoff = poll_backoff
        self._rate = Pacer(s.zalo_rate)  # all chats: a sliding second, no burst over it
        self._chat_limiter = ChatPacers(s.zalo_chat_rate, s.zalo_chat_burst)
        self._order = TurnOrder()  # one person's turns in order (commits, then sends)
        self._slots = asyncio.Semaphore(max_concurrent)
        self._tasks: set[asyncio.Task] = set()
        self._poll_task: asyncio.Task | None = None
        self._download = httpx.AsyncClient(
            timeout=httpx.Timeout(30.0), follow_redirects=True, transport=transport()
        )
        store_kw = {"max_bytes": media_max_bytes} if media_max_bytes else {}
        self.media = MediaStore(s.media_dir, self._download, allow=media_allow, **store_kw)
        self.handled = 0  # updates fully handled (replies sent or queued): for health and tests
        # set once the first update fetched is answered (or none came): the serving process
        # starts its scheduler and web console after that (bot/serve.py)
        self.first_batch = asyncio.Event()

    # -- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        try:
            me = await self.client.get_me()
            log.info("zalo bot %s ready", (me or {}).get("account_name", "?"))
        except ZaloApiError as exc:
            if not exc.retryable:  # a wrong token: say so at once, not in an endless poll
                raise SettingsError(f"ZALO_BOT_TOKEN: refused by the Zalo Bot API ({exc})") from None
            log.warning("zalo getMe failed, going on: %s", exc)
        except ZaloError as exc:
            log.warning("zalo getMe failed, going on: %s", exc)
        if self.webhook:
            s = self.app.settings
            url = s.webhook_base_url.rstrip("/") + self.path
            # the machine may come up before its network: retry, then stop with one clear line
            for attempt, delay in enumerate((*self.start_delays, None), start=1):
                try:
                    await self.client.set_webhook(url, s.webhook_secret.get_secret_value())
                    break
                except ZaloError as exc:
                    if not exc.retryable:
                        raise SettingsError(f"WEBHOOK_BASE_URL: setWebhook refused ({exc})") from None
                    if delay is None:
                        raise StartupError(
                            f"ZALO_BASE_URL: the Zalo Bot API did not answer after {attempt} tries ({exc})"
                        ) from None
                    log.warning("zalo setWebhook failed (%s), trying again in %ss", exc, delay)
                    await asyncio.sleep(delay)
            log.info("zalo webhook set to %s%s", s.webhook_base_url.rstrip("/"), self.path)
            self.first_batch.set()
        else:
            self._poll_task = asyncio.create_task(self._poll(), name="zalo-poll")

    async def stop(self) -> None:
        await cancel(self._poll_task)
        self._poll_task = None
        if self._tasks:  # let updates in hand finish (their replies go out or to the outbox)
            _, pending = await asyncio.wait(set(self._tasks), timeout=10.0)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        await self._download.aclose()
        await self.client.aclose()

    def routes(self) -> list[BaseRoute]:
        if not self.webhook:
            return []
        return [Route(self.path, self._webhook_endpoint, methods=["POST"]), self.downloads.route()]

    # -- receiving: long polling ------------------------------------------------------------
    def _delay(self, failures: int) -> float:
        base, cap = self.poll_backoff
        return min(cap, base * 2 ** min(failures, 16))

    async def _poll(self) -> None:
        failures = 0
        cleared = False  # getUpdates does not work while a webhook is set
        while True:
            try:
                if not cleared:
                    await self.client.delete_webhook()
                    cleared = True
                # the first call waits little: what is pending, or nothing (first_batch)
                update = await self.client.get_updates(self.poll_timeout if self.first_batch.is_set() else 1)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                delay = self._delay(failures)
                failures += 1
                log.warning("zalo polling failed (%s); next try in %.1f s", exc, delay)
                self.first_batch.set()
                await asyncio.sleep(delay)
                continue
            if isinstance(update, dict):
                await self._slots.acquire()  # back-pressure: a bounded number in hand
                task = asyncio.create_task(self._handle_released(update))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                if not self.first_batch.is_set():
                    task.add_done_callback(lambda _t: self.first_batch.set())
            else:
                self.first_batch.set()

    async def _handle_released(self, update: dict) -> None:
        released = False

        def release() -> None:  # once the turn is stored, or at the end
            nonlocal released
            if not released:
                released = True
                self._slots.release()

        try:
            await self.handle_update(update, committed=release)
        finally:
            release()

    # -- receiving: webhook -----------------------------------------------------------------
    async def _webhook_endpoint(self, request: Request) -> Response:
        if not secret_ok(
            request.headers.get(SECRET_HEADER), self.app.settings.webhook_secret.get_secret_value()
        ):
            log.warning("zalo webhook call with a wrong secret refused")
            return unauthorized()
        try:
            body = await read_json(request)  # size and depth limited
        except BodyError as exc:
            return exc.response()
        if not isinstance(body, dict):
            return PlainTextResponse("bad request", status_code=400)
        if body.get("ok") is True and isinstance(body.get("result"), dict):
            body = body["result"]  # some senders wrap the update like an API answer
        # answered once the turn is stored; its replies follow at the chat's pace
        await answer_once_stored(self._tasks, lambda stored: self.handle_update(body, committed=stored))
        return JSONResponse({"ok": True})

    # -- one update -------------------------------------------------------------------------
    async def handle_update(self, update: dict, committed: Callable[[], None] | None = None) -> None:
        """Turn one update into an event, let the core answer it, send the replies.
        Never raises: an error is logged, and the person gets the core's apology at most.
        One person's turns commit in order and their replies go out in that order; a turn
        waits for the person's previous replies without holding their commit lock
        (bot/turn_order.py), and `committed` is called once the turn is stored (polling lets
        the next update in then, not when the chat's pace lets the replies go)."""
        try:
            parsed = _parse(update)
            if parsed is None:
                log.info("zalo update ignored: %s", str(update.get("event_name"))[:60])
                return
            event_name, msg, user_id, chat_id, key = parsed
            await one_turn(
                self._order,
                user_id,
                lambda: self._commit(event_name, msg, user_id, chat_id, key),
                self._send_stored,
                committed,
            )
        except Exception:
            log.exception("zalo update failed")
        finally:
            self.handled += 1

    async def _commit(
        self, event_name: str, msg: dict, user_id: str, chat_id: str, key: str
    ) -> tuple[Delivery | None, Turn, list[Reply], Any] | None:
        base = dict(
            channel=CHANNEL,
            user_id=user_id,
            chat_id=chat_id,
            key=key,
            display_name=_str((msg.get("from") or {}).get("display_name")) or None,
            chat_type=_chat_type(msg),
        )
        photo = event_name == "message.image.received"
        if event_name == "message.text.received":
            event = text_event(_str(msg.get("text")), base)
        else:  # a photo (fetched below, once its commune is known), stickers and the rest
            event = InboundEvent(kind="unsupported", **base)
        entry = await self.door.enter(event)  # the person's commune, or a question
        tenant, event = entry.tenant, entry.event
        turn = Turn(CHANNEL, chat_id, user_id, key)
        if photo and tenant is not None:
            if await asyncio.to_thread(self._seen, tenant.db, key):
                return None  # a redelivery: do not download again
            event = await self._photo_event(msg, base)
        if tenant is None:  # asked at the door: nothing stored in any commune
            return None, turn, entry.replies, None
        kept = tenant.delivery.keeper(self, turn)  # the replies are stored with the turn
        replies = await tenant.turns.handle(event, kept)  # committed
        return tenant.delivery, turn, replies, kept

    async def _send_stored(self, stored: tuple[Delivery | None, Turn, list[Reply], Any]) -> None:
        delivery, turn, replies, kept = stored
        if delivery is None:
            await send_at_the_door(self, turn.chat_id, replies)
        else:
            await delivery.send_turn(self, turn, replies, kept)

    def _seen(self, db: Any, key: str) -> bool:
        with Session(db) as s:
            return conversations.seen_event(s, f"{CHANNEL}:{key}")

    async def _photo_event(self, msg: dict, base: dict) -> InboundEvent:
        url = _str(msg.get("photo_url") or msg.get("photo") or msg.get("url"))
        caption = _str(msg.get("caption") or msg.get("text")) or None
        try:
            await self.client.send_chat_action(base["chat_id"])  # a download can take a while
        except ZaloError:
            pass
        return await fetched_photo(self.media, url, caption, base)

    # -- sending (the delivery path calls these) ---------------------------------------------
    def pieces(self, reply: Reply) -> list[Reply]:
        """The messages one reply becomes: texts of at most 2000 characters, a photo by URL."""
        return pieces_of(reply, self.downloads, self.app.settings.console_url)

    async def send_piece(
        self, chat_id: str, piece: Reply, *, last: bool = False, context: Any = None
    ) -> None:
        if isinstance(piece, Photo):
            payload = {"chat_id": chat_id, "photo": piece.ref}
            if piece.caption:
                payload["caption"] = piece.caption
            await self._call("sendPhoto", payload)
        else:
            await self._call("sendMessage", {"chat_id": chat_id, "text": piece.text})

    def ready(self, chat_id: str) -> bool:
        """Whether a message to the chat would go now (its own pace allows it)."""
        return self._chat_limiter.ready(chat_id)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """One reply to one chat (the outbox dispatcher's entry); raises SendError."""
        await send_reply(self, chat_id, reply)

    async def _call(self, method: str, payload: dict) -> Any:
        """One send, paced, retried on network errors, 5xx and 429; then SendError."""
        last: ZaloError | None = None
        for attempt in range(len(self.retry_delays) + 1):
            async with self._chat_limiter(payload["chat_id"]):
                try:
                    async with self._rate.slot():
                        return await self.client.call(method, payload)
                except ZaloError as exc:
                    last = exc
            if not last.retryable:  # 403: the person blocked the bot (as on Telegram)
                raise SendError(str(last), permanent=True, blocked=last.error_code == 403)
            if attempt == len(self.retry_delays):
                break
            delay = self.retry_delays[attempt]
            if last.retry_after is not None:
                if last.retry_after > self.max_inline_wait:
                    break  # too long to hold the conversation: the outbox waits instead
                delay = max(delay, last.retry_after)
            await asyncio.sleep(delay)
        raise SendError(str(last), retry_after=last.retry_after)


# -- reading updates -------------------------------------------------------------------------


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _chat_type(msg: dict) -> str:
    kind = _str((msg.get("chat") or {}).get("chat_type")).lower()
    return "private" if kind in ("", "private", "user") else kind


def _parse(update: Any) -> tuple[str, dict, str, str, str] | None:
    """(event_name, message, user id, chat id, event key) of a message update, else None."""
    if not isinstance(update, dict):
        return None
    event_name = _str(update.get("event_name"))
    msg = update.get("message")
    if not event_name.startswith("message.") or not isinstance(msg, dict):
        return None
    sender = msg.get("from") if isinstance(msg.get("from"), dict) else {}
    chat = msg.get("chat") if isinstance(msg.get("chat"), dict) else {}
    if sender.get("is_bot") is True:
        return None
    user_id = _str(sender.get("id")) or _str(chat.get("id"))
    chat_id = _str(chat.get("id")) or user_id
    message_id = _str(msg.get("message_id"))
    if not user_id or not message_id or len(user_id) > 64 or len(chat_id) > 64:
        return None
    return event_name, msg, user_id, chat_id, f"{event_name}:{message_id}"[:180]


def text_event(text: str, base: dict) -> InboundEvent:
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        command, _, args = stripped[1:].partition(" ")
        return InboundEvent(kind="command", command=command.lower(), args=args.strip(), **base)
    return InboundEvent(kind="text", text=text, **base)


def downloads_for(app: Any):
    from bot.downloads import Downloads
    from handlers.flows.export import export_dir

    s = app.settings
    return Downloads(export_dir(app.core), s.webhook_secret.get_secret_value(), s.webhook_base_url, app.clock)


def pieces_of(reply: Reply, downloads: Any, console_url: str) -> list[Reply]:
    """The messages one reply becomes on Zalo (bot or OA): texts of at most 2000 characters,
    a photo by URL, a file as a one-time link (`downloads`) or the console's exports page."""

    def texts(text: str) -> list[Reply]:
        return [Text(part) for part in split_text(text, TEXT_LIMIT) if part.strip()]

    if isinstance(reply, Photo):
        link = next(
            (r for r in (reply.ref, reply.alt) if r.lower().startswith(("http://", "https://"))), None
        )  # a downloaded copy carries its link as alt: Zalo sends links only
        if link:
            if len(reply.caption) <= TEXT_LIMIT:
                return [Photo(ref=link, caption=reply.caption)]
            return [Photo(ref=link, caption=""), *texts(reply.caption)]
        # a local file or a Telegram file id: Zalo cannot upload, send the words
        return texts(reply.caption or t("zalo.photo_local"))
    if isinstance(reply, Voice):  # Zalo cannot play a recording sent from elsewhere
        return texts(t("zalo.voice", caption=reply.caption))
    if isinstance(reply, Document):
        link = downloads.link(reply.path) if downloads else None
        if link is None:  # no one-time link here: the web console's exports page
            note = t("zalo.document", filename=reply.filename, url=console_url)
        else:
            note = t("export.link", name=reply.filename, url=link, minutes=downloads.minutes)
        return texts(f"{reply.caption}\n{note}" if reply.caption else note)
    return texts(render_text(reply) if isinstance(reply, Question) else reply.text)


async def fetched_photo(media: MediaStore, url: str, caption: str | None, base: dict) -> InboundEvent:
    """A photo event with the image kept in MEDIA_DIR (public addresses only), or the reason it
    could not be kept as an "unsupported" event: the core says it and asks again."""
    try:
        stored = await media.fetch(url)
    except MediaError as exc:
        log.info("zalo image not kept (%s)", exc)
        notice = t(_MEDIA_NOTICE[exc.reason], max=max(1, media.max_bytes >> 20))
        return InboundEvent(kind="unsupported", text=notice, **base)
    photo = PhotoIn(
        unique_id=f"sha256:{stored.sha256}", url=url, local_path=media.name_of(stored.path), caption=caption
    )
    return InboundEvent(kind="photo", photo=photo, **base)
