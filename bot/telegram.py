"""The Telegram channel: a thin adapter between python-telegram-bot 22 and the core.

Update -> InboundEvent -> core.handle (sync, in a worker thread) -> replies -> Telegram calls.
No flow logic lives here: buttons carry "{seq}|{value}" and the core checks both again.

Long polling by default; a webhook route (POST /telegram, secret header checked in constant
time) when WEBHOOK_BASE_URL is set. Every send goes through the Application's bot and its
AIORateLimiter; network errors are retried with back-off, and a direct reply that still fails
is queued in the Outbox so the dispatcher delivers it later. Nothing is dropped.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections import OrderedDict, deque
from datetime import timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable, Sequence

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import MessageLimit
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from messages.catalog import has, t
from messages.model import (
    Document,
    InboundEvent,
    Photo,
    PhotoIn,
    Question,
    Reply,
    Text,
    reply_to_dict,
)
from messages.render import split_text
from storage import members, outbox
from .channel import SendError, StartupError
from .pacing import ChatPacers
from .settings import SettingsError
from .web import BodyError, read_json, secret_ok, unauthorized

log = logging.getLogger(__name__)

CHANNEL = "telegram"
PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH  # 1024
DATA_LIMIT = 64  # bytes of callback_data
SELECTED = "✅ "

# The commands everyone sees, and the extra ones a role sees in its own chat. A command is
# advertised only when the core has it (or it is built in) and the catalog describes it
# ("tg.cmd.<name>"), so other areas add theirs by registering the command and a catalog line.
PUBLIC_COMMANDS = ["start", "decu", "hoso", "huy", "trogiup"]
ROLE_COMMANDS = {
    "head": ["baocao", "denghi"],
    "staff": ["thamdinh", "danhsach", "thongke", "tonghop", "xuat"],
    "admin": ["thamdinh", "danhsach", "thongke", "tonghop", "xuat"],
}
BUILT_IN = {"huy", "trogiup", "cancel", "help"}


# -- Update -> InboundEvent ------------------------------------------------------------------

def parse_command(text: str, username: str | None) -> tuple[str, str] | None:
    """"/cmd@bot args" -> ("cmd", "args"); None when it is not a command for this bot."""
    if not text.startswith("/"):
        return None
    head, _, args = text[1:].partition(" ")
    name, _, target = head.partition("@")
    if not name or not name.replace("_", "").isalnum():
        return None
    if target and username and target.lower() != username.lower():
        return None  # addressed to another bot in a group
    return name.lower(), args.strip()


def parse_data(data: str) -> tuple[int, str | None, int | None] | None:
    """callback_data "seq|value" or "seq#index" -> (seq, value, index)."""
    for sep in ("|", "#"):
        seq, found, rest = data.partition(sep)
        if found and seq.lstrip("-").isdigit():
            if sep == "|":
                return int(seq), rest, None
            if rest.isdigit():
                return int(seq), None, int(rest)
    return None


class TelegramChannel:
    name = CHANNEL

    def __init__(self, app: Any, *, send_retries: int = 3, backoff: float = 1.0,
                 rate_limiter: AIORateLimiter | None = None, poll_timeout: float = 10.0,
                 chat_rate: float = 1.0, chat_burst: float = 5.0) -> None:
        s = app.settings
        if s.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.app = app
        self.core = app.core
        self.settings = s
        self._token = s.telegram_bot_token.get_secret_value()
        self.webhook = bool(s.webhook_base_url)
        self.send_retries = send_retries
        self.backoff = backoff
        self.poll_timeout = poll_timeout
        # AIORateLimiter paces all chats (30/s) and groups (20/min); private chats get ~1/s
        # after a short burst here, so a turn's few replies go at once and a flood is spread
        self._chat_pacer = ChatPacers(chat_rate, chat_burst)
        limiter = rate_limiter or AIORateLimiter(overall_max_rate=30, overall_time_period=1,
                                                 group_max_rate=20, group_time_period=60,
                                                 max_retries=3)
        builder = (ApplicationBuilder().token(self._token).base_url(s.telegram_base_url)
                   .base_file_url(s.telegram_base_file_url).rate_limiter(limiter)
                   .job_queue(None))  # timing belongs to scheduler/, not to PTB
        if self.webhook:
            builder = builder.updater(None)
        self.application: Application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.username: str | None = None
        # the last update ids this process finished (bounded; tests wait on it)
        self.processed: deque[int] = deque(maxlen=10_000)
        self._locks: dict[str, asyncio.Lock] = {}
        self._roles: dict[str, str] = {}  # chat id -> role whose commands that chat shows
        self._long: OrderedDict[tuple[str, int, int], str] = OrderedDict()  # index-form buttons

    @property
    def bot(self):
        return self.application.bot

    # -- lifecycle ---------------------------------------------------------------------------
    START_DELAYS = (1, 2, 4, 8, 15, 30, 60)  # seconds (times `backoff`): about two minutes

    async def start(self) -> None:
        # the machine may come up before its network: retry, then stop with one clear line
        for attempt, delay in enumerate((*self.START_DELAYS, None), start=1):
            try:
                await self.application.initialize()  # getMe
                break
            except InvalidToken:
                raise SettingsError("TELEGRAM_BOT_TOKEN: refused by the Bot API (getMe)") from None
            except NetworkError as exc:  # TimedOut is one too
                if delay is None:
                    raise StartupError(f"TELEGRAM_BASE_URL: the Bot API did not answer after {attempt} "
                                       f"tries ({self._mask(str(exc))})") from None
                log.warning("telegram: Bot API not reachable (%s), trying again in %ss",
                            self._mask(str(exc)), delay * self.backoff)
                await asyncio.sleep(delay * self.backoff)
        self.username = self.bot.username
        await self._set_public_commands()
        if self.webhook:
            url = self.settings.webhook_base_url.rstrip("/") + PATH
            secret = self.settings.webhook_secret
            await self.bot.set_webhook(url, secret_token=secret.get_secret_value() if secret else None,
                                       allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
        await self.application.start()
        if not self.webhook:
            # start_polling deletes any webhook first (without dropping pending updates)
            await self.application.updater.start_polling(
                drop_pending_updates=False, allowed_updates=ALLOWED_UPDATES,
                timeout=timedelta(seconds=self.poll_timeout))
        log.info("telegram: @%s ready (%s)", self.username, "webhook" if self.webhook else "polling")

    async def stop(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    def routes(self) -> Sequence[BaseRoute]:
        if not self.webhook:
            return []
        return [Route(PATH, self._webhook, methods=["POST"])]

    async def _webhook(self, request: Request) -> Response:
        secret = self.settings.webhook_secret
        if secret is None or not secret_ok(request.headers.get(SECRET_HEADER),
                                           secret.get_secret_value()):
            return unauthorized()
        try:
            update = Update.de_json(await read_json(request), self.bot)  # size and depth limited
        except BodyError as exc:
            return exc.response()
        except (ValueError, TypeError, KeyError, AttributeError):
            return PlainTextResponse("bad request", status_code=400)
        await self.application.process_update(update)
        return Response(status_code=200)

    async def _set_public_commands(self) -> None:
        try:
            await self.bot.set_my_commands(self._commands(PUBLIC_COMMANDS))
        except TelegramError as exc:
            log.warning("telegram: setMyCommands failed: %s", self._mask(str(exc)))

    def _commands(self, names: list[str]) -> list[BotCommand]:
        seen: list[str] = []
        for n in names:
            if n in seen or not has(f"tg.cmd.{n}"):
                continue
            if n in self.core.commands or n in BUILT_IN:
                seen.append(n)
        return [BotCommand(n, t(f"tg.cmd.{n}")) for n in seen]

    # -- inbound -----------------------------------------------------------------------------
    def to_event(self, update: Update) -> InboundEvent | None:
        key = str(update.update_id)
        cq = update.callback_query
        if cq is not None:
            return self._choice_event(key, cq)
        msg = update.message
        if msg is None or msg.from_user is None:
            return None  # edits, channel posts, membership changes: nothing to answer
        user = msg.from_user
        base = dict(channel=CHANNEL, user_id=str(user.id), chat_id=str(msg.chat.id), key=key,
                    display_name=user.full_name, chat_type=msg.chat.type)
        if msg.text is not None:
            cmd = parse_command(msg.text, self.username)
            if cmd is not None:
                return InboundEvent(kind="command", command=cmd[0], args=cmd[1], **base)
        if msg.chat.type != "private":
            return None  # in groups only commands addressed to the bot matter
        if msg.text is not None:
            return InboundEvent(kind="text", text=msg.text, **base)
        doc = msg.document
        picture = msg.photo[-1] if msg.photo else (  # the largest size; an image sent as a file
            doc if doc is not None and (doc.mime_type or "").startswith("image/") else None)
        if picture is not None:
            return InboundEvent(kind="photo", photo=PhotoIn(unique_id=picture.file_unique_id,
                                                            file_id=picture.file_id,
                                                            caption=msg.caption), **base)
        if msg.contact is not None:
            return InboundEvent(kind="contact", phone=msg.contact.phone_number, **base)
        return InboundEvent(kind="unsupported", **base)

    def _choice_event(self, key: str, cq: CallbackQuery) -> InboundEvent | None:
        msg = cq.message
        chat_id = str(msg.chat.id) if msg is not None else str(cq.from_user.id)
        chat_type = msg.chat.type if msg is not None else "private"
        if chat_type != "private":
            return None
        base = dict(channel=CHANNEL, user_id=str(cq.from_user.id), chat_id=chat_id, key=key,
                    display_name=cq.from_user.full_name, chat_type=chat_type)
        parsed = parse_data(cq.data or "")
        if parsed is None:  # not ours: the core answers it as a passed question
            return InboundEvent(kind="choice", choice=(cq.data or "")[:DATA_LIMIT], seq=-1, **base)
        seq, value, index = parsed
        if index is not None:
            value = self._long.get((chat_id, seq, index))
            if value is None:  # this process did not draw it: answer as the numbered channels do
                return InboundEvent(kind="text", text=str(index + 1), **base)
        return InboundEvent(kind="choice", choice=value, seq=seq, **base)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        cq = update.callback_query
        answered = False
        try:
            event = self.to_event(update)
            if event is None:
                return
            async with self._lock(event.user_id):
                replies = await asyncio.to_thread(self.core.handle, event)
                if cq is not None:  # stop the button's spinner first; a toast rides on it
                    toasts = [r.text for r in replies if isinstance(r, Text) and r.toast]
                    replies = [r for r in replies if not (isinstance(r, Text) and r.toast)]
                    answered = True
                    await self._answer(cq, toasts[0] if toasts else None)
                await self._deliver(event, replies, cq)
                if event.chat_type == "private":
                    await self._sync_commands(event)
        finally:
            if cq is not None and not answered:
                await self._answer(cq, None)
            self.processed.append(update.update_id)

    async def _answer(self, cq: CallbackQuery, text: str | None) -> None:
        """Always answer a pressed button (errors here only cost the spinner)."""
        try:
            await cq.answer(text=text)
        except TelegramError as exc:
            log.info("telegram: answerCallbackQuery failed: %s", self._mask(str(exc)))

    def _lock(self, user_id: str) -> asyncio.Lock:
        if len(self._locks) > 10_000:
            self._locks = {k: v for k, v in self._locks.items() if v.locked()}
        return self._locks.setdefault(user_id, asyncio.Lock())

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        err = context.error
        uid = update.update_id if isinstance(update, Update) else None
        trace = "".join(traceback.format_exception(err)) if err is not None else ""
        log.error("telegram: update %s failed: %s", uid, self._mask(trace or repr(err)))
        if isinstance(update, Update) and update.effective_chat is not None \
                and update.effective_chat.type == "private":
            try:
                await self._send_piece(str(update.effective_chat.id), Text(t("error_apology")))
            except Exception as exc:  # noqa: BLE001 - the log already has the error
                log.warning("telegram: apology not sent: %s", self._mask(str(exc)))

    # -- outbound ----------------------------------------------------------------------------
    async def _deliver(self, event: InboundEvent, replies: list[Reply],
                       cq: CallbackQuery | None) -> None:
        """Send a turn's replies in order. What cannot be sent now goes to the Outbox (in
        order) for the dispatcher; a refusal (blocked bot) is logged."""
        pieces = [p for r in replies for p in self._pieces(r)]
        extra = None
        if event.chat_type != "private" and event.command == "start" and self.username:
            extra = InlineKeyboardMarkup([[InlineKeyboardButton(
                t("tg.open_private"), url=f"https://t.me/{self.username}?start=")]])
        for i, piece in enumerate(pieces):
            try:
                if isinstance(piece, Question) and piece.edit and cq is not None \
                        and isinstance(cq.message, Message):
                    await self._edit_keyboard(event.chat_id, cq.message.message_id, piece)
                else:
                    last = i == len(pieces) - 1
                    await self._send_piece(event.chat_id, piece, extra if last else None)
            except SendError as exc:
                if exc.permanent:
                    log.warning("telegram: reply to chat %s refused (%s)", event.chat_id, exc)
                else:
                    await self._queue(event, pieces[i:], str(exc))
                return

    async def _queue(self, event: InboundEvent, pieces: list[Reply], error: str) -> None:
        def enqueue() -> None:
            with Session(self.app.db) as s:
                now = self.app.clock.now()
                for n, p in enumerate(pieces):
                    if isinstance(p, Question):
                        p.edit = False
                    outbox.enqueue(s, member_id=None, payload=reply_to_dict(p), now=now,
                                 channel=CHANNEL, chat_id=event.chat_id,
                                 dedupe_key=f"tg-reply:{event.key}:{n}")
                s.commit()

        await asyncio.to_thread(enqueue)
        log.warning("telegram: %d reply part(s) to chat %s queued for retry: %s", len(pieces),
                    event.chat_id, error)
        for d in getattr(self.app, "dispatchers", []) or []:
            if getattr(d, "channel", None) is self:
                d.poke()

    async def send(self, chat_id: str, reply: Reply) -> None:
        """One reply to one chat (the Outbox dispatcher's entry); raises SendError."""
        for piece in self._pieces(reply):
            await self._send_piece(chat_id, piece)

    def _pieces(self, reply: Reply) -> list[Reply]:
        """A long text becomes several messages; buttons go with the last one."""
        if isinstance(reply, Text):
            return [Text(p) for p in split_text(reply.text, TEXT_LIMIT)]
        if isinstance(reply, Question):
            text = reply.text
            if not (reply.options or reply.nav) and reply.hint:
                text = f"{text}\n{reply.hint}"
            parts = split_text(text, TEXT_LIMIT)
            q = Question(text=parts[-1], options=reply.options, nav=reply.nav, multi=reply.multi,
                         seq=reply.seq, edit=reply.edit, hint=reply.hint)
            return [*(Text(p) for p in parts[:-1]), q]
        return [reply]

    def keyboard(self, chat_id: str, q: Question) -> InlineKeyboardMarkup | None:
        if not (q.options or q.nav):
            return None
        rows: list[list[InlineKeyboardButton]] = []
        for i, o in enumerate(q.options):
            label = f"{SELECTED}{o.label}" if q.multi and o.selected else o.label
            rows.append([InlineKeyboardButton(label, callback_data=self._data(chat_id, q, i, o.value))])
        nav = [InlineKeyboardButton(o.label, callback_data=self._data(chat_id, q, len(q.options) + j, o.value))
               for j, o in enumerate(q.nav)]
        rows.extend(nav[k:k + 2] for k in range(0, len(nav), 2))
        return InlineKeyboardMarkup(rows)

    def _data(self, chat_id: str, q: Question, index: int, value: str) -> str:
        data = f"{q.seq}|{value}"
        if len(data.encode("utf-8")) <= DATA_LIMIT:
            return data
        self._long[(chat_id, q.seq, index)] = value
        while len(self._long) > 5000:
            self._long.popitem(last=False)
        return f"{q.seq}#{index}"

    async def _send_piece(self, chat_id: str, piece: Reply,
                          extra: InlineKeyboardMarkup | None = None) -> None:
        async with self._chat_pacer(chat_id):
            await self._send_one(chat_id, piece, extra)

    async def _send_one(self, chat_id: str, piece: Reply, extra: InlineKeyboardMarkup | None) -> None:
        bot = self.bot
        if isinstance(piece, Question):
            markup = self.keyboard(chat_id, piece) or extra
            await self._call(lambda: bot.send_message(chat_id, piece.text, reply_markup=markup))
        elif isinstance(piece, Text):
            await self._call(lambda: bot.send_message(chat_id, piece.text, reply_markup=extra))
        elif isinstance(piece, Photo):
            caption, rest = _caption(piece.caption)
            await self._call(lambda: self._with_file(piece.ref, lambda f: bot.send_photo(
                chat_id, f, caption=caption)))
            for part in rest:
                await self._send_piece(chat_id, Text(part))
        elif isinstance(piece, Document):
            caption, rest = _caption(piece.caption)
            await self._call(lambda: self._with_file(piece.path, lambda f: bot.send_document(
                chat_id, f, filename=piece.filename, caption=caption)))
            for part in rest:
                await self._send_piece(chat_id, Text(part))

    @staticmethod
    async def _with_file(ref: str, call: Callable[[Any], Awaitable[Any]]) -> Any:
        """A local path is opened (for each attempt); an http(s) URL or a file_id goes as is."""
        path = Path(ref)
        if not ref.startswith(("http://", "https://")) and path.is_file():
            with path.open("rb") as f:
                return await call(f)
        return await call(ref)

    async def _edit_keyboard(self, chat_id: str, message_id: int, q: Question) -> None:
        try:
            await self._call(lambda: self.bot.edit_message_reply_markup(
                chat_id, message_id, reply_markup=self.keyboard(chat_id, q)))
        except SendError as exc:
            if "not modified" in str(exc).lower():
                return
            if exc.permanent:  # the message is gone or too old to edit: send it anew
                await self._send_piece(chat_id, q)
                return
            raise

    async def _call(self, make: Callable[[], Awaitable[Any]]) -> Any:
        """One API call: flood control (after the rate limiter's own retries) and refusals
        become SendError; network errors are retried here with back-off, then SendError."""
        delay = self.backoff
        for attempt in range(self.send_retries + 1):
            try:
                return await make()
            except RetryAfter as exc:
                raise SendError(self._mask(str(exc)), retry_after=_seconds(exc)) from None
            except Forbidden as exc:
                raise SendError(self._mask(f"forbidden: {exc}"), permanent=True) from None
            except BadRequest as exc:
                raise SendError(self._mask(f"bad request: {exc}"), permanent=True) from None
            except NetworkError as exc:  # includes TimedOut and HTTP 5xx
                if attempt >= self.send_retries:
                    raise SendError(self._mask(f"network: {exc}")) from None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
            except TelegramError as exc:
                raise SendError(self._mask(str(exc))) from None
        raise SendError("unreachable")  # pragma: no cover

    # -- chat-scoped commands ----------------------------------------------------------------
    async def _sync_commands(self, event: InboundEvent) -> None:
        """Staff (and unit heads) see their extra commands in their own chat only."""
        role = await asyncio.to_thread(self._role_of, event.user_id)
        before = self._roles.get(event.chat_id, "resident")
        if role == before:
            return
        scope = BotCommandScopeChat(int(event.chat_id))
        extra = ROLE_COMMANDS.get(role, [])
        commands = self._commands(PUBLIC_COMMANDS + extra) if extra else []
        try:
            if extra and len(commands) > len(self._commands(PUBLIC_COMMANDS)):
                await self.bot.set_my_commands(commands, scope=scope)
            elif before in ROLE_COMMANDS:
                await self.bot.delete_my_commands(scope=scope)
            self._roles[event.chat_id] = role
        except TelegramError as exc:
            log.warning("telegram: chat commands not set: %s", self._mask(str(exc)))

    def _role_of(self, user_id: str) -> str:
        with Session(self.app.db) as s:
            member = members.member_by_identity(s, CHANNEL, user_id)
            return member.role if member is not None else "guest"

    def _mask(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text


def _caption(caption: str) -> tuple[str | None, list[str]]:
    if not caption:
        return None, []
    if len(caption) <= CAPTION_LIMIT:
        return caption, []
    return None, split_text(caption, TEXT_LIMIT)


def _seconds(exc: RetryAfter) -> float:
    value = exc._retry_after  # noqa: SLF001 - the timedelta, without the deprecation warning
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# -- invite deep links -----------------------------------------------------------------------

def invite_link(settings: Any, code: str) -> str | None:
    """https://t.me/<bot username>?start=<code>, asking getMe for the username."""
    if settings.telegram_bot_token is None:
        return None
    from telegram import Bot

    async def username() -> str:
        async with Bot(settings.telegram_bot_token.get_secret_value(),
                       base_url=settings.telegram_base_url,
                       base_file_url=settings.telegram_base_file_url) as bot:
            return bot.username

    return f"https://t.me/{asyncio.run(username())}?start={code}"
