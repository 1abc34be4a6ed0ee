"""Replies -> Bot API calls: texts split at 4096 characters, questions with inline keyboards
(redrawn in place for a multi-select toggle), photos and documents with their captions.

Every call goes through the Application's bot (its AIORateLimiter paces all chats) and a
per-chat pacer; network errors are retried here with back-off. What still fails becomes a
SendError (retry later, or permanent for a refusal), for the delivery path to handle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from messages.model import Document, Photo, Question, Reply, Text, Voice
from messages.render import split_text

from ..channel import SendError
from ..pacing import ChatPacers, Pacer, PaidAllowance
from .buttons import Keyboards
from .inbound import CHANNEL

# Telegram's limits: about 30 messages a second in all, about 1 a second to one chat, 20 a
# minute to one group (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this)
OVERALL_RATE = 30
GROUP_PER_MINUTE = 20
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH  # 1024
# Bot API calls in flight at once: 30 a second at ~100 ms each needs 3; hundreds at once (a
# burst of turns) would each open a connection and make httpcore's pool walk all of them for
# every request (a quarter of an update's time in bench/tg_updates.py); a few kept-alive
# connections serve the same rate for less
IN_FLIGHT = 8


@dataclass(frozen=True)
class TurnContext:
    """What a Telegram turn adds to its replies: the message whose button was pressed (a
    multi-select question is redrawn there) and a keyboard for the last reply (in a group,
    the button that opens the private chat)."""

    pressed_message_id: int | None = None
    last_markup: InlineKeyboardMarkup | None = None


class Masker:
    """Removes the bot token from error texts (it sits inside API URLs)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, text: str) -> str:
        return text.replace(self.token, "***") if self.token else text


class TelegramSender:
    name = CHANNEL
    text_limit = TEXT_LIMIT  # a turn's pieces join into one message up to these (bot/delivery.py)
    caption_limit = CAPTION_LIMIT

    def __init__(
        self,
        bot: Bot,
        keyboards: Keyboards,
        mask: Masker,
        *,
        send_retries: int = 3,
        backoff: float = 1.0,
        chat_rate: float = 1.0,
        chat_burst: float = 5.0,
        overall_rate: float = OVERALL_RATE,
        media_dir: Path | None = None,
        paid: PaidAllowance | None = None,
        on_paid: Callable[[], None] | None = None,
    ) -> None:
        self.media_dir = media_dir  # where a stored photo's relative name points
        self.bot = bot
        self.keyboards = keyboards
        self.mask = mask
        self.send_retries = send_retries
        self.backoff = backoff
        # every call, replies and queued messages alike, within 30 in any second (a sliding
        # window: AIORateLimiter's bucket behind it then never holds one back); private chats
        # get ~1/s after a short burst, groups 20/min, each chat on its own
        # with paid broadcast on, a send that would wait beyond paid.after goes above the limit
        # (allow_paid_broadcast, within paid.per_second) and is counted (on_paid)
        self.rate = Pacer(overall_rate, paid=paid)
        self.on_paid = on_paid
        self.paid_sent = 0
        self.pacer = ChatPacers(chat_rate, chat_burst)
        self.group_pacer = ChatPacers(GROUP_PER_MINUTE / 60, GROUP_PER_MINUTE)
        self.in_flight = asyncio.Semaphore(IN_FLIGHT)

    def _local(self, ref: str) -> str:
        """A stored photo's name (relative to MEDIA_DIR) as the file to open."""
        return _in_media(self.media_dir, ref)

    def chat_pacer(self, chat_id: str):
        return self.group_pacer if str(chat_id).startswith("-") else self.pacer

    def ready(self, chat_id: str) -> bool:
        """Whether a message to the chat would go now, without waiting for the chat's pace."""
        return self.chat_pacer(chat_id).ready(str(chat_id))

    def pieces(self, reply: Reply) -> list[Reply]:
        """A long text becomes several messages; buttons go with the last one."""
        if isinstance(reply, Text):
            return [Text(p) for p in split_text(reply.text, TEXT_LIMIT)]
        if isinstance(reply, Question):
            text = reply.text
            if not (reply.options or reply.nav) and reply.hint:
                text = f"{text}\n{reply.hint}"
            parts = split_text(text, TEXT_LIMIT)
            q = Question(
                text=parts[-1],
                options=reply.options,
                nav=reply.nav,
                multi=reply.multi,
                seq=reply.seq,
                edit=reply.edit,
                hint=reply.hint,
            )
            return [*(Text(p) for p in parts[:-1]), q]
        return [reply]

    async def send_piece(
        self, chat_id: str, piece: Reply, *, last: bool = False, context: TurnContext | None = None
    ) -> None:
        context = context or TurnContext()
        if isinstance(piece, Question) and piece.edit and context.pressed_message_id is not None:
            await self._edit_keyboard(chat_id, context.pressed_message_id, piece)
            return
        async with self.chat_pacer(chat_id)(str(chat_id)):
            await self._send_one(chat_id, piece, context.last_markup if last else None)

    async def _send_one(self, chat_id: str, piece: Reply, extra: InlineKeyboardMarkup | None) -> None:
        bot = self.bot
        if isinstance(piece, Question):
            markup = self.keyboards.keyboard(chat_id, piece) or extra
            await self._call(
                lambda **paid: bot.send_message(chat_id, piece.text, reply_markup=markup, **paid)
            )
        elif isinstance(piece, Text):
            await self._call(lambda **paid: bot.send_message(chat_id, piece.text, reply_markup=extra, **paid))
        elif isinstance(piece, Photo):
            caption, rest = _caption(piece.caption)
            await self._call(
                lambda **paid: _with_file(
                    self._local(piece.ref),
                    lambda f: bot.send_photo(chat_id, f, caption=caption, **paid),
                    alt=piece.alt,
                )
            )
            for part in rest:
                await self.send_piece(chat_id, Text(part))
        elif isinstance(piece, Voice):  # a voice note played back to staff
            await self._call(
                lambda **paid: _with_file(
                    self._local(piece.ref),
                    lambda f: bot.send_voice(chat_id, f, caption=piece.caption[:1024], **paid),
                )
            )
        elif isinstance(piece, Document):
            caption, rest = _caption(piece.caption)
            await self._call(
                lambda **paid: _with_file(
                    piece.path,
                    lambda f: bot.send_document(chat_id, f, filename=piece.filename, caption=caption, **paid),
                )
            )
            for part in rest:
                await self.send_piece(chat_id, Text(part))

    async def _edit_keyboard(self, chat_id: str, message_id: int, q: Question) -> None:
        try:
            await self._call(
                lambda: self.bot.edit_message_reply_markup(
                    chat_id, message_id, reply_markup=self.keyboards.keyboard(chat_id, q)
                ),
                payable=False,  # an edit cannot be paid for
            )
        except SendError as exc:
            if "not modified" in str(exc).lower():
                return
            if exc.permanent:  # the message is gone or too old to edit: send it anew
                await self.send_piece(chat_id, q)
                return
            raise

    async def _call(self, make: Callable[..., Awaitable[Any]], payable: bool = True) -> Any:
        """One API call: flood control (after the rate limiter's own retries) and refusals
        become SendError; network errors are retried here with back-off, then SendError.
        A place above the free limit (paid broadcast) adds allow_paid_broadcast and is counted."""
        delay = self.backoff
        for attempt in range(self.send_retries + 1):
            try:
                # the place under the limit first (by lane: a staff reply passes the queue),
                # then a connection: the other way round, the queue would form on the
                # connections in arrival order and the lanes would sort only those in flight
                async with self.rate.slot(payable and self.rate.paid is not None) as paid, self.in_flight:
                    if not paid:
                        return await make()
                    result = await make(allow_paid_broadcast=True)
                    self.paid_sent += 1
                    if self.on_paid is not None:
                        self.on_paid()
                    return result
            except RetryAfter as exc:
                raise SendError(self.mask(str(exc)), retry_after=_seconds(exc)) from None
            except Forbidden as exc:
                raise SendError(self.mask(f"forbidden: {exc}"), blocked=True) from None
            except BadRequest as exc:
                raise SendError(self.mask(f"bad request: {exc}"), permanent=True) from None
            except NetworkError as exc:  # includes TimedOut and HTTP 5xx
                if attempt >= self.send_retries:
                    raise SendError(self.mask(f"network: {exc}")) from None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
            except TelegramError as exc:
                raise SendError(self.mask(str(exc))) from None
        raise SendError("unreachable")  # pragma: no cover


def _in_media(media_dir: Path | None, ref: str) -> str:
    """A stored photo's name relative to MEDIA_DIR as a path to open; anything else as is."""
    if not media_dir or not ref or ref.startswith(("http://", "https://")) or Path(ref).is_absolute():
        return ref
    path = Path(media_dir) / ref
    return str(path) if path.is_file() else ref


async def _with_file(ref: str, call: Callable[[Any], Awaitable[Any]], alt: str = "") -> Any:
    """A local path is opened (for each attempt); an http(s) URL or a file_id goes as is; a
    local copy that is gone gives way to `alt` (the platform's link) when there is one."""
    path = Path(ref)
    if not ref.startswith(("http://", "https://")) and path.is_file():
        with path.open("rb") as f:
            return await call(f)
    if alt and path.is_absolute():
        return await call(alt)
    return await call(ref)


def _caption(caption: str) -> tuple[str | None, list[str]]:
    if not caption:
        return None, []
    if len(caption) <= CAPTION_LIMIT:
        return caption, []
    return None, split_text(caption, TEXT_LIMIT)


def _seconds(exc: RetryAfter) -> float:
    value = exc._retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
