"""How fast an announcement can go: Telegram's free limit and, when the office turned it on,
its paid broadcast; the estimate an announcement's preview shows and the paid sends counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage import paid_sends

FREE_PER_SECOND = 30  # Telegram's free broadcast limit, messages a second for the whole bot


@dataclass(frozen=True)
class SendingTerms:
    """How fast the bot may send: the free limit and, when the office turned it on, Telegram's
    paid broadcast (a message that would wait beyond `paid_after` seconds goes paid, at most
    `paid_per_second` a second, for `stars_per_message` Telegram Stars each)."""

    paid: bool = False
    paid_after: float = 5.0
    paid_per_second: int = 100
    stars_per_message: float = 0.1
    free_per_second: int = FREE_PER_SECOND

    @classmethod
    def of(cls, settings: Any) -> SendingTerms:
        """From the TELEGRAM_PAID_* settings (duck-typed: the domain imports no bot code)."""
        return cls(
            paid=bool(getattr(settings, "telegram_paid_broadcast", False)),
            paid_after=float(getattr(settings, "telegram_paid_after_seconds", 5.0)),
            paid_per_second=int(getattr(settings, "telegram_paid_max_per_second", 100)),
            stars_per_message=float(getattr(settings, "telegram_stars_per_paid_message", 0.1)),
        )


@dataclass(frozen=True)
class Headroom:
    messages: int  # what the announcement sends
    over: int  # those that would wait beyond `after` seconds at the free limit
    after: float  # the paid delay
    paid: int  # those sent paid (0 when paid broadcast is off)
    stars: float  # what the paid ones cost
    seconds: float  # about how long the sending takes


def headroom(messages: int, terms: SendingTerms) -> Headroom:
    """An announcement's messages at the free limit, then (paid broadcast on) the free limit
    plus the paid ceiling for what would wait beyond the paid delay."""
    free = terms.free_per_second
    within = int(free * terms.paid_after)  # what goes free before anyone waits beyond the delay
    over = max(0, messages - within)
    if not terms.paid or not over:
        return Headroom(messages, over, terms.paid_after, 0, 0.0, messages / free)
    rate = free + terms.paid_per_second
    paid = round(over * terms.paid_per_second / rate)
    seconds = terms.paid_after + over / rate
    return Headroom(messages, over, terms.paid_after, paid, paid * terms.stars_per_message, seconds)


def paid_sent(s: Session, since: datetime, until: datetime) -> int:
    """Messages sent above the free limit (paid broadcast) from `since` to `until`."""
    return paid_sends.between(s, since, until)
