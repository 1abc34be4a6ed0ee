"""Per-chat pacing shared by the channels: a short burst, then about one message a second
per chat (Telegram's and Zalo's guidance), so a flood to one person is spread out while a
turn's two or three replies still go at once."""

from __future__ import annotations

from collections import OrderedDict

from aiolimiter import AsyncLimiter

MAX_CHATS = 10_000  # limiters kept for the most recent chats; older ones are forgotten


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
