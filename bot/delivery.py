"""One delivery path for a turn's replies, on every channel.

A channel adapter only translates: it says what one reply becomes on its platform
(`pieces`) and sends one piece to a chat (`send_piece`), which ends in one of three ways:
it returns (sent), it raises SendError (retry later; `retry_after` when the platform said
when), or it raises SendError(permanent=True) (refused for good: a blocked bot, a bad chat).

A turn's replies survive kill -9: `Delivery.keeper` gives the core a function that writes
the turn's pieces to the outbox INSIDE the turn's transaction (with the conversation state and
the processed event key), one row per piece keyed `reply:<channel>:<event key>:<n>`, claimed by
this process for a short lease. After the commit `Delivery.send_turn` sends them in order and
marks the sent ones in one UPDATE (with the marks of the turns sent meanwhile: one write for
them all when the bot is busy); from the first piece that cannot go now, the rest are
released to the channel's outbox dispatcher (no second write) and the dispatcher is woken. A
permanent refusal of one piece (a photo whose link expired) is recorded as failed and the rest
still go, so the buttons after a photo arrive. If the process dies between the commit and the
sends, the lease ends and a live (or the restarted) process's dispatcher sends the pieces.

Not queued: toasts (they ride on the answer to a pressed button, which only means something
now). An in-place edit of a multi-select question is queued as a fresh question (edit=False):
later there is nothing to redraw, and the person still sees the current choice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.clock import Clock
from domain.roles import COUNCIL, STAFF
from messages.model import Document, Photo, Question, Reply, Text, Voice, reply_to_dict
from storage import members, outbox
from storage.models import Outbox

from .channel import SendError
from .outbox_dispatcher import OutboxBell
from .pacing import in_lane

log = logging.getLogger(__name__)


class ReplySender(Protocol):
    """What a channel adapter provides to the delivery path."""

    name: str

    def pieces(self, reply: Reply) -> list[Reply]:
        """The platform-sized messages one reply becomes (each one storable in the outbox)."""

    async def send_piece(
        self, chat_id: str, piece: Reply, *, last: bool = False, context: Any = None
    ) -> None:
        """Send one piece; raise SendError (retry later) or SendError(permanent=True).
        `context` is the adapter's own per-turn data (e.g. the pressed button), `last` marks
        the turn's last piece."""


@dataclass(frozen=True)
class Turn:
    """Where a turn's replies go, and the inbound event they answer (for the outbox keys)."""

    channel: str
    chat_id: str
    user_id: str
    key: str
    context: Any = None  # the adapter's per-turn data, handed back to send_piece


async def send_reply(sender: ReplySender, chat_id: str, reply: Reply) -> None:
    """One reply to one chat, every piece or SendError (the outbox dispatcher's path)."""
    for piece in messages_of(sender, [reply]):
        await sender.send_piece(chat_id, piece)


# One message per turn: each message counts against the platform's limit (Telegram: 30 a
# second for the whole bot), so the pieces of a turn's reply go as one message wherever the
# platform allows it. A sender says what it allows by two attributes: `text_limit` (characters
# of one text message) and `caption_limit` (of a photo's, a file's or a voice note's caption);
# a sender without them sends its pieces as they are.
JOINER = "\n\n"


def messages_of(sender: ReplySender, replies: list[Reply]) -> list[Reply]:
    """The messages a turn's replies become on the sender's platform: each reply in its
    platform-sized pieces, then a text joined to the piece after it when the joined message
    fits — texts into one text, a text into a question above its keyboard (the keyboard of
    the last piece kept), a text into the caption of the photo, file or voice note it goes
    with. Split stays where nothing can join: a file or photo after a photo, a question with
    buttons before more text, the length limit, an in-place redraw of a question."""
    out: list[Reply] = []
    for piece in (p for r in replies for p in sender.pieces(r)):
        merged = _joined(sender, out[-1], piece) if out else None
        if merged is not None:
            out[-1] = merged
        else:
            out.append(piece)
    return out


def _joined(sender: ReplySender, first: Reply, then: Reply) -> Reply | None:
    """`first` and `then` as one message, or None when they cannot be one."""
    text_limit = getattr(sender, "text_limit", None)
    caption_limit = getattr(sender, "caption_limit", None)
    if not isinstance(first, Text) or first.toast or text_limit is None:
        return None
    if isinstance(then, Text) and not then.toast:
        text = first.text + JOINER + then.text
        return Text(text) if len(text) <= text_limit else None
    if isinstance(then, Question) and not then.edit:
        text = first.text + JOINER + then.text
        return dataclasses.replace(then, text=text) if len(text) <= text_limit else None
    if isinstance(then, Photo | Document | Voice) and caption_limit is not None:
        caption = first.text + (JOINER + then.caption if then.caption else "")
        return dataclasses.replace(then, caption=caption) if len(caption) <= caption_limit else None
    return None


@dataclass
class Kept:
    """A turn's pieces as written to the outbox in the turn's transaction (the keeper fills it)."""

    sender: ReplySender
    turn: Turn
    claimer: str
    lease: timedelta
    pieces: list[Reply] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    role: str | None = None  # the person's role after the turn, as the core saw it

    @property
    def lane(self) -> int:
        """Staff and the council are answered first under the platform's limit."""
        return outbox.LANE_STAFF_REPLY if self.role in STAFF | COUNCIL else outbox.LANE_REPLY

    def __call__(self, s: Session, replies: list[Reply], now: datetime, role: str | None = None) -> None:
        self.role = role
        self.pieces = messages_of(self.sender, [r for r in replies if not _toast(r)])
        if not self.pieces:
            return
        turn = self.turn
        self.keys = [
            f"reply:{turn.channel}:{turn.key}"[:180] + f":{n}|{turn.channel}" for n in range(len(self.pieces))
        ]
        # addressed by channel and chat (no member look-up: it cost ~1 ms a turn, nothing reads it)
        rows = [
            dict(
                member_id=None,
                channel=turn.channel,
                chat_id=turn.chat_id,
                payload=reply_to_dict(_storable(p)),
                dedupe_key=key,
                status="pending",
                attempts=0,
                created_at=now,
                next_attempt_at=now,
                claimed_by=self.claimer,
                claimed_until=now + self.lease,
                lane=self.lane,
            )
            for p, key in zip(self.pieces, self.keys, strict=True)
        ]
        # straight to the table (every column given): the ORM's bulk path cost ~0.3 ms a turn
        s.connection().execute(insert(Outbox.__table__), rows)


def _toast(reply: Reply) -> bool:
    return isinstance(reply, Text) and reply.toast


def _storable(piece: Reply) -> Reply:
    if isinstance(piece, Question) and piece.edit:  # later there is nothing to redraw
        return dataclasses.replace(piece, edit=False)
    return piece


class Delivery:
    def __init__(
        self, db: Engine, clock: Clock, bell: OutboxBell, *, lease: float = 60.0, writer: Any = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.bell = bell
        self.writer = writer  # the TurnWriter whose thread also writes the reply marks
        self._marks: list[tuple[tuple, asyncio.Future]] = []
        self._marking: asyncio.Task | None = None
        self.lease = timedelta(seconds=lease)
        self.claimer = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}:turns"

    def keeper(self, sender: ReplySender, turn: Turn) -> Kept:
        """What to hand to Core.handle(event, keep=...): it writes the turn's pieces to the
        outbox in the turn's transaction; then pass it to send_turn."""
        return Kept(sender, turn, self.claimer, self.lease)

    async def send_turn(
        self, sender: ReplySender, turn: Turn, replies: list[Reply], kept: Kept | None = None
    ) -> int:
        """Send a turn's replies in order; returns how many pieces were left to the outbox.
        With `kept` the pieces are already in the outbox (claimed by this process): they are
        marked sent, refused or released to the dispatcher; without it (a caller that did not
        keep them) the unsent rest is written to the outbox here."""
        pieces = kept.pieces if kept is not None else messages_of(sender, replies)
        sent: list[int] = []
        refused: list[int] = []
        left, retry_after = len(pieces), None
        lane = kept.lane if kept is not None else outbox.LANE_REPLY
        for i, piece in enumerate(pieces):
            try:
                with in_lane(lane, turn.chat_id):
                    await sender.send_piece(
                        turn.chat_id, piece, last=i == len(pieces) - 1, context=turn.context
                    )
                sent.append(i)
            except asyncio.CancelledError:
                # a graceful stop while a send hangs: what went is marked, the rest released at
                # once (not held for the lease), so a restarted process sends it straight away
                if kept is not None and kept.keys:
                    self._release_on_stop(kept.keys, sent, refused, i, turn)
                raise
            except SendError as exc:
                if exc.permanent:  # this piece only (an expired photo link): the rest still go
                    log.warning(
                        "%s: a reply part to chat %s refused (%s); going on with the rest",
                        turn.channel,
                        turn.chat_id,
                        exc,
                    )
                    refused.append(i)
                    continue
                left, retry_after = i, exc.retry_after
                log.warning(
                    "%s: %d reply part(s) to chat %s left for retry: %s",
                    turn.channel,
                    len(pieces) - i,
                    turn.chat_id,
                    exc,
                )
                break
        if kept is not None and kept.keys:
            try:
                await self._mark((kept.keys, sent, refused, left, retry_after))
            except Exception:
                log.exception("%s: reply marks for chat %s not written", turn.channel, turn.chat_id)
        elif kept is None and left < len(pieces):
            await asyncio.to_thread(self._store_unsent, turn, pieces, left)
        if left < len(pieces):
            self.bell.ring(turn.channel)
        return len(pieces) - left

    def _release_on_stop(
        self, keys: list[str], sent: list[int], refused: list[int], left: int, turn: Turn
    ) -> None:
        try:  # in the event loop's own thread: the loop is stopping, there is nothing to wait for
            self._settle([(keys, sent, refused, left, None)])
            log.info(
                "%s: stopping; %d reply part(s) to chat %s left to the outbox",
                turn.channel,
                len(keys) - left,
                turn.chat_id,
            )
        except Exception:
            log.exception("%s: reply claims for chat %s not released", turn.channel, turn.chat_id)

    async def _mark(self, marks: tuple) -> None:
        """Write one turn's marks, together with whatever other turns' marks are waiting:
        while one write is under way the next ones gather, then go in one transaction. A
        quiet bot writes each turn's marks at once, as before."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        if self._marking is not None and self._marking.get_loop() is not loop:  # an old loop's
            self._marking = None
            self._marks = [m for m in self._marks if m[1].get_loop() is loop]
        self._marks.append((marks, done))
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._write_marks(), name="reply-marks")
        await asyncio.wait({done})
        done.result()

    async def _write_marks(self) -> None:
        try:
            while self._marks:
                batch = self._marks[:]
                self._marks.clear()
                error: Exception | None = None
                try:
                    if self.writer is not None:  # the turns' own thread: no wait on a write lock
                        await self.writer.run(self._settle, [m for m, _ in batch])
                    else:
                        await asyncio.to_thread(self._settle, [m for m, _ in batch])
                except Exception as exc:
                    error = exc
                for _, done in batch:
                    if done.done():
                        continue
                    if error is not None:
                        done.set_exception(error)
                    else:
                        done.set_result(None)
        finally:
            self._marking = None

    def _settle(self, batch: list[tuple[list[str], list[int], list[int], int, float | None]]) -> None:
        """One UPDATE for the sent pieces of every turn in the batch (more only when something
        failed), one transaction."""
        now = self.clock.now()
        free = dict(claimed_by=None, claimed_until=None)
        sent = [keys[i] for keys, done, _, _, _ in batch for i in done]
        with self.db.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:  # a lost "sent" mark costs a repeated message, not data: no fsync for it
                conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
                conn.commit()
            for i in range(0, len(sent), 500):  # a busy moment's marks, in bounded statements
                conn.execute(
                    update(Outbox)
                    .where(Outbox.dedupe_key.in_(sent[i : i + 500]))
                    .values(status="sent", sent_at=now, attempts=Outbox.attempts + 1, **free)
                )
            for keys, _, refused, left, retry_after in batch:
                if refused:
                    conn.execute(
                        update(Outbox)
                        .where(Outbox.dedupe_key.in_([keys[i] for i in refused]))
                        .values(
                            status="failed",
                            attempts=Outbox.attempts + 1,
                            last_error="refused by the platform",
                            **free,
                        )
                    )
                if left < len(keys):  # the dispatcher takes them now (or when the platform said)
                    when = now + timedelta(seconds=retry_after or 0)
                    conn.execute(
                        update(Outbox)
                        .where(Outbox.dedupe_key.in_(keys[left:]))
                        .values(next_attempt_at=when, **free)
                    )
            conn.commit()
            if sqlite:
                conn.exec_driver_sql("PRAGMA synchronous=FULL")
                conn.commit()

    def _store_unsent(self, turn: Turn, pieces: list[Reply], first: int) -> None:
        now = self.clock.now()
        with Session(self.db) as s:
            member = members.member_by_identity(s, turn.channel, turn.user_id)
            for n in range(first, len(pieces)):
                outbox.enqueue(
                    s,
                    member_id=member.id if member else None,
                    channel=turn.channel,
                    chat_id=turn.chat_id,
                    payload=reply_to_dict(_storable(pieces[n])),
                    now=now,
                    dedupe_key=f"reply:{turn.channel}:{turn.key}:{n}"[:190],
                    lane=outbox.LANE_REPLY,
                )
            s.commit()
