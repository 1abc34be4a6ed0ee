"""Pacing shared by the channels. Per chat: a short burst, then about one message a second
(Telegram's and Zalo's guidance), so a flood to one person is spread out while a turn's two
or three replies still go at once. Per bot: at most the platform's limit in any one second
(a sliding window, as the platform counts), for replies and queued messages together."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict, deque

from aiolimiter import AsyncLimiter

MAX_CHATS = 10_000  # limiters kept for the most recent chats; older ones are forgotten


class Pacer:
    """At most `limit` sends in any `per` seconds (a sliding window, like the platform's):
    unlike a token bucket it lets no burst over the limit through, so a fan-out of thousands
    runs at the limit without one answer of 429. Waiters go in turn.

    `async with pacer.slot():` around a request counts it from when its answer came back
    (the platform saw it before that: a request that travels late cannot crowd the
    platform's second), but no later than `travel` after it left, so slow answers under load
    do not slow the whole bot down. `await pacer.wait()` counts from now."""

    def __init__(self, limit: float, per: float = 1.0, margin: float = 0.01, travel: float = 1.0) -> None:
        self.limit = max(1, int(limit))
        self.per = per
        self.margin = margin
        self.travel = travel
        self._times: deque[list] = deque(maxlen=self.limit)  # [moment], [None] in flight
        self._turn = asyncio.Lock()

    async def _take(self) -> list:
        async with self._turn:
            while len(self._times) == self.limit:
                oldest = self._times[0][0]
                delay = 0.005 if oldest is None else oldest + self.per + self.margin - time.monotonic()
                if delay <= 0:
                    break
                await asyncio.sleep(delay)
            entry = [None]
            self._times.append(entry)
            return entry

    async def wait(self) -> None:
        entry = await self._take()
        entry[0] = time.monotonic()

    @contextlib.asynccontextmanager
    async def slot(self):
        entry = await self._take()
        left = time.monotonic()
        try:
            yield
        finally:
            entry[0] = min(time.monotonic(), left + self.travel)


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
