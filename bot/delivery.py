"""One delivery path for a turn's replies, on every channel.

A channel adapter only translates: it says what one reply becomes on its platform
(`pieces`) and sends one piece to a chat (`send_piece`), which ends in one of three ways:
it returns (sent), it raises SendError (retry later; `retry_after` when the platform said
when), or it raises SendError(permanent=True) (refused for good: a blocked bot, a bad chat).

`Delivery.send_turn` sends a turn's pieces in order. From the first piece that cannot go now,
the rest are handed to the outbox (one row per piece, in order, keyed on the turn's event so a
redelivery adds nothing) and the channel's outbox dispatcher is woken to deliver them later; a
permanent refusal of one piece (a photo whose link expired) is logged and the rest still go,
so the buttons after a photo arrive. Nothing is dropped, and this is the only code that writes a turn's
replies to the outbox: recording them inside the turn's transaction and marking them sent after
sending is a change to this module alone.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.clock import Clock
from messages.model import Question, Reply, reply_to_dict
from storage import members, outbox

from .channel import SendError
from .outbox_dispatcher import OutboxBell

log = logging.getLogger(__name__)


class ReplySender(Protocol):
    """What a channel adapter provides to the delivery path."""

    name: str

    def pieces(self, reply: Reply) -> list[Reply]:
        """The platform-sized messages one reply becomes (each one storable in the outbox)."""

    async def send_piece(self, chat_id: str, piece: Reply, *, last: bool = False,
                         context: Any = None) -> None:
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
    for piece in sender.pieces(reply):
        await sender.send_piece(chat_id, piece)


class Delivery:
    def __init__(self, db: Engine, clock: Clock, bell: OutboxBell) -> None:
        self.db = db
        self.clock = clock
        self.bell = bell

    async def send_turn(self, sender: ReplySender, turn: Turn, replies: list[Reply]) -> int:
        """Send a turn's replies in order; returns how many pieces went to the outbox."""
        pieces = [p for r in replies for p in sender.pieces(r)]
        for i, piece in enumerate(pieces):
            try:
                await sender.send_piece(turn.chat_id, piece, last=i == len(pieces) - 1,
                                        context=turn.context)
            except SendError as exc:
                if exc.permanent:  # this piece only (an expired photo link): the rest still go
                    log.warning("%s: a reply part to chat %s refused (%s); going on with the rest",
                                turn.channel, turn.chat_id, exc)
                    continue
                await asyncio.to_thread(self._store_unsent, turn, pieces, i)
                log.warning("%s: %d reply part(s) to chat %s queued for retry: %s", turn.channel,
                            len(pieces) - i, turn.chat_id, exc)
                self.bell.ring(turn.channel)
                return len(pieces) - i
        return 0

    def _store_unsent(self, turn: Turn, pieces: list[Reply], first: int) -> None:
        now = self.clock.now()
        with Session(self.db) as s:
            member = members.member_by_identity(s, turn.channel, turn.user_id)
            for n in range(first, len(pieces)):
                piece = pieces[n]
                if isinstance(piece, Question) and piece.edit:  # later there is nothing to redraw
                    piece = dataclasses.replace(piece, edit=False)
                outbox.enqueue(s, member_id=member.id if member else None, channel=turn.channel,
                               chat_id=turn.chat_id, payload=reply_to_dict(piece), now=now,
                               dedupe_key=f"reply:{turn.channel}:{turn.key}:{n}"[:190])
            s.commit()
