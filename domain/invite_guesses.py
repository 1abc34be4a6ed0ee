"""Invite codes cannot be guessed: wrong codes are audited per chat account and, after
GUESS_LIMIT of them within GUESS_WINDOW, that account may not try again until the window
has passed. 8 characters of 32 symbols and 5 guesses an hour keep a guess at odds of about
one in 10^11 a year."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlmodel import Session

from storage import audit

GUESS_LIMIT = 5
GUESS_WINDOW = timedelta(hours=1)
ACTION = "invite.guess"


def _account(channel: str, user_id: str) -> str:
    return hashlib.sha256(f"{channel}:{user_id}".encode()).hexdigest()[:32]


def locked_minutes(s: Session, channel: str, user_id: str, now: datetime) -> int:
    """0 if this account may try a code now, else the minutes left to wait."""
    since = now - GUESS_WINDOW
    if (
        audit.count_since(
            s, action=ACTION, entity="account", entity_id=_account(channel, user_id), since=since
        )
        < GUESS_LIMIT
    ):
        return 0
    return int(GUESS_WINDOW.total_seconds() // 60)


def record_wrong_guess(
    s: Session, channel: str, user_id: str, code: str, now: datetime, actor_id: int | None = None
) -> None:
    audit.audit(
        s,
        actor_id=actor_id,
        action=ACTION,
        entity="account",
        entity_id=_account(channel, user_id),
        after={"channel": channel, "user": user_id[:64], "code": code[:12]},
        now=now,
    )
