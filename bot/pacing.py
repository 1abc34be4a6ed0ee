"""Pacing shared by the channels. Per chat: a short burst, then about one message a second
(Telegram's and Zalo's guidance), so a flood to one person is spread out while a turn's two
or three replies still go at once. Per bot: at most the platform's limit in any one second
(a sliding window, as the platform counts), for replies and queued messages together."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from aiolimiter import AsyncLimiter

from storage.outbox import LANE_BROADCAST, LANE_DOSSIER, LANE_REPLY, LANE_STAFF_REPLY, SHARE

__all__ = [
    "LANE_BROADCAST",
    "LANE_DOSSIER",
    "LANE_REPLY",
    "LANE_STAFF_REPLY",
    "PaidAllowance",
    "Pacer",
    "in_lane",
]

MAX_CHATS = 10_000  # limiters kept for the most recent chats; older ones are forgotten

# Delivery lanes under one limit, the person who waits first (storage.outbox names them and
# keeps a queued message's lane): the reply to staff and the council, the reply to anyone who
# just wrote, a notice about someone's own dossier, reminders / digests / announcements. Every
# SHARE-th send goes to the longest waiting message whatever its lane: no lane starves.


@dataclass(frozen=True)
class Sending:
    lane: int = LANE_REPLY
    chat_id: str | None = None


# what the running task is sending: set by the delivery path and the outbox dispatcher around
# a channel's send (send_piece), read by the pacer the channel's API call waits on
NOT_SAID = Sending()  # frozen: shared safely
sending: ContextVar[Sending] = ContextVar("sending", default=NOT_SAID)


@contextlib.contextmanager
def in_lane(lane: int, chat_id: str | None):
    token = sending.set(Sending(lane, None if chat_id is None else str(chat_id)))
    try:
        yield
    finally:
        sending.reset(token)


@dataclass(order=True)
class _Waiter:
    lane: int
    seq: int
    chat_id: str | None = field(compare=False)
    granted: asyncio.Future = field(compare=False)
    since: float = field(default=0.0, compare=False)
    payable: bool = field(default=False, compare=False)


@dataclass
class PaidAllowance:
    """Places above the free limit, paid for (Telegram's paid broadcast): given only to a send
    that has waited `after` seconds for a free place, at most `per_second` in any second."""

    after: float
    per_second: int


class Pacer:
    """At most `limit` sends in any `per` seconds (a sliding window, like the platform's):
    unlike a token bucket it lets no burst over the limit through, so a fan-out of thousands
    runs at the limit without one answer of 429.

    Waiters go by lane (the `sending` context: lower first), in arrival order within a lane;
    every SHARE-th place goes to the longest waiting whatever its lane (a guaranteed share);
    a chat's messages keep their order whatever their lanes (a later message to a chat never
    passes an earlier one: the earlier goes in its place).

    `async with pacer.slot():` around a request counts it from when its answer came back
    (the platform saw it before that: a request that travels late cannot crowd the
    platform's second), but no later than `travel` after it left, so slow answers under load
    do not slow the whole bot down. `await pacer.wait()` counts from now."""

    def __init__(
        self,
        limit: float,
        per: float = 1.0,
        margin: float = 0.01,
        travel: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        paid: PaidAllowance | None = None,
    ) -> None:
        self.clock, self.sleep = clock, sleep  # a test's own time
        self.paid = paid
        self._paid_times: deque[float] = deque(maxlen=max(1, paid.per_second) if paid else 1)
        self.limit = max(1, int(limit))
        self.per = per
        self.margin = margin
        self.travel = travel
        self._times: deque[list] = deque(maxlen=self.limit)  # [moment], [None] in flight
        self._granter: asyncio.Task | None = None
        self._waiting: list[_Waiter] = []
        self._seq = itertools.count()
        self._grants = 0

    def _next(self) -> _Waiter:
        self._grants += 1
        if self._grants % SHARE == 0:
            chosen = min(self._waiting, key=lambda w: w.seq)
        else:
            chosen = min(self._waiting)
        if chosen.chat_id is not None:  # the chat's earlier message goes first
            chosen = min((w for w in self._waiting if w.chat_id == chosen.chat_id), key=lambda w: w.seq)
        return chosen

    async def _take(self, payable: bool = False) -> list:
        """Wait for a place: [moment, paid]. One task of the pacer (the granter) waits for room
        in the window and hands each place to the waiter that goes next."""
        now = sending.get()
        loop = asyncio.get_running_loop()
        me = _Waiter(now.lane, next(self._seq), now.chat_id, loop.create_future(), self.clock(), payable)
        if self._granter is None or self._granter.done() or self._granter.get_loop() is not loop:
            self._waiting = [w for w in self._waiting if w.granted.get_loop() is loop]  # an old loop's
            self._waiting.append(me)
            self._granter = loop.create_task(self._grant(), name="pacer")
        else:
            self._waiting.append(me)
        try:
            return await asyncio.shield(me.granted)
        except asyncio.CancelledError:
            if me.granted.done():
                me.granted.result()[0] = self.clock()  # a place taken and not used: counted
            else:
                me.granted.cancel()
                if me in self._waiting:
                    self._waiting.remove(me)
            raise

    async def _grant(self) -> None:
        while self._waiting:
            paid: _Waiter | None = None
            while len(self._times) == self.limit:
                oldest = self._times[0][0]
                delay = 0.005 if oldest is None else oldest + self.per + self.margin - self.clock()
                if delay <= 0:
                    break
                paid, paid_delay = self._paid_place()
                if paid is not None:
                    break
                await self.sleep(delay if paid_delay is None else max(0.001, min(delay, paid_delay)))
            self._waiting = [w for w in self._waiting if not w.granted.done()]  # cancelled ones
            if not self._waiting:
                break
            if paid is not None and not paid.granted.done():
                self._waiting.remove(paid)
                self._paid_times.append(self.clock())
                paid.granted.set_result([None, True])
                continue
            chosen = self._next()
            self._waiting.remove(chosen)
            entry = [None, False]
            self._times.append(entry)
            chosen.granted.set_result(entry)

    def _paid_place(self) -> tuple[_Waiter | None, float | None]:
        """The waiter a paid place goes to now (the longest waiting of those that may be paid
        for and have waited long enough, unless an earlier message to its chat still waits),
        else None and how long until one might."""
        if self.paid is None:
            return None, None
        payable = [w for w in self._waiting if w.payable and not w.granted.done()]
        if not payable:
            return None, None
        now = self.clock()
        first = min(payable, key=lambda w: w.seq)
        wait = first.since + self.paid.after - now
        if len(self._paid_times) == self._paid_times.maxlen:
            wait = max(wait, self._paid_times[0] + self.per - now)
        if wait > 0:
            return None, wait
        earlier = [w for w in self._waiting if w.chat_id is not None and w.chat_id == first.chat_id]
        if min(earlier, key=lambda w: w.seq, default=first) is not first:
            return None, None  # the chat's earlier message goes first, on a free place
        return first, 0.0

    async def wait(self) -> None:
        entry = await self._take()
        entry[0] = self.clock()

    @contextlib.asynccontextmanager
    async def slot(self, payable: bool = False):
        """Yields whether the place is a paid one (only when `payable`)."""
        entry = await self._take(payable)
        left = self.clock()
        try:
            yield entry[1]
        finally:
            entry[0] = min(self.clock(), left + self.travel)


def limiter(rate: float, burst: float) -> AsyncLimiter:
    """`rate` messages per second on average, after a burst of `burst` (at least 1)."""
    burst = max(1.0, burst)
    return AsyncLimiter(burst, burst / rate)


class ChatPacers:
    def __init__(self, rate: float = 1.0, burst: float = 5.0, max_chats: int = MAX_CHATS) -> None:
        self.rate, self.burst, self.max_chats = rate, burst, max_chats
        self._by_chat: OrderedDict[str, AsyncLimiter] = OrderedDict()

    def __call__(self, chat_id: str) -> AsyncLimiter:
        lim = self._by_chat.get(chat_id)
        if lim is None:
            lim = limiter(self.rate, self.burst)
            self._by_chat[chat_id] = lim
            if len(self._by_chat) > self.max_chats:
                self._by_chat.popitem(last=False)
        else:
            self._by_chat.move_to_end(chat_id)
        return lim

    def ready(self, chat_id: str) -> bool:
        """Whether a message to the chat would go now (without waiting for its pace)."""
        lim = self._by_chat.get(chat_id)
        return lim is None or lim.has_capacity()
