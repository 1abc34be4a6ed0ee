"""What every channel (Telegram, Zalo, console) provides to the wiring."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from messages.model import Reply

if TYPE_CHECKING:
    from starlette.routing import BaseRoute


class SendError(Exception):
    """A send that failed; `retry_after` (seconds) when the platform said when to try again;
    `blocked` when the person blocked the bot (nothing more is sent to that chat)."""

    def __init__(
        self, message: str, retry_after: float | None = None, permanent: bool = False, blocked: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent or blocked
        self.blocked = blocked


class StartupError(SystemExit):
    """A channel cannot start (its platform unreachable after retries): one line, exit 1."""

    def __init__(self, message: str) -> None:
        super().__init__(1)
        self.message = message


class Channel(Protocol):
    name: str

    async def start(self) -> None:
        """Begin receiving (long polling task, or register the webhook)."""

    async def stop(self) -> None: ...

    def routes(self) -> Sequence[BaseRoute]:
        """Webhook routes for the shared ASGI app (empty in polling mode)."""

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver one reply through the channel's rate-limited sender; raise SendError."""
