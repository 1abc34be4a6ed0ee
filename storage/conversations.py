"""Conversation state and the processed-event keys (each inbound event handled once)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

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
