"""Conversation state and the processed-event keys (each inbound event handled once)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import String, cast, or_
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from .models import (
    ConversationState,
    ProcessedEvent,
)


def seen_event(s: Session, key: str) -> bool:
    return s.get(ProcessedEvent, key) is not None


def mark_event(s: Session, key: str, now: datetime) -> None:
    s.add(ProcessedEvent(key=key, at=now))


def prune_events(s: Session, before: datetime) -> int:
    """Forget event keys older than `before` (platforms redeliver within minutes, not weeks)."""
    from sqlalchemy import delete

    result = s.exec(delete(ProcessedEvent).where(col(ProcessedEvent.at) < before))
    return result.rowcount or 0


def get_state(s: Session, channel: str, user_id: str) -> ConversationState | None:
    return s.exec(
        select(ConversationState).where(
            ConversationState.channel == channel, ConversationState.user_id == user_id
        )
    ).first()


def save_state(s: Session, state: ConversationState, now: datetime) -> None:
    state.updated_at = now
    # The JSON column is changed in place (nested dicts): tell SQLAlchemy it changed.
    flag_modified(state, "data")
    s.add(state)


def states_in_flow(s: Session, flows: Iterable[str]) -> Sequence[ConversationState]:
    return s.exec(select(ConversationState).where(col(ConversationState.flow).in_(list(flows)))).all()


def states_with_drafts(s: Session, flows: Iterable[str], key: str) -> Sequence[ConversationState]:
    """Conversations in one of `flows`, or holding drafts kept aside under the data's `key`
    (the JSON text is searched: the same on SQLite and PostgreSQL)."""
    kept = cast(col(ConversationState.data), String).like(f'%"{key}"%')
    return s.exec(
        select(ConversationState).where(or_(col(ConversationState.flow).in_(list(flows)), kept))
    ).all()


# The rows two processes create for the same person when both handle a newcomer's first tap.
_RACED = {
    "uq_identity_channel_user": "identity.channel, identity.external_id",
    "uq_state_channel_user": "conversation_state.channel, conversation_state.user_id",
}


def lost_race(exc: Exception) -> bool:
    """The IntegrityError says another process created this person's identity or
    conversation row first (PostgreSQL names the constraint; SQLite its columns)."""
    orig = getattr(exc, "orig", None)
    name = getattr(getattr(orig, "diag", None), "constraint_name", None)
    if name:
        return name in _RACED
    text = str(orig)
    return any(columns in text for columns in _RACED.values())
