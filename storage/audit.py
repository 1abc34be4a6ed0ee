"""The audit log: who did what, when, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from .models import (
    AuditLog,
)


def audit(
    s: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    now: datetime,
) -> None:
    s.add(
        AuditLog(
            at=now,
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            before=before,
            after=after,
            reason=reason,
        )
    )


def count_since(s: Session, *, action: str, entity: str, entity_id: str, since: datetime) -> int:
    """How many audit rows of this action on this entity since a moment (rate limits)."""
    from sqlalchemy import func
    from sqlmodel import select

    q = (
        select(func.count())
        .select_from(AuditLog)
        .where(
            AuditLog.action == action,
            AuditLog.entity == entity,
            AuditLog.entity_id == entity_id,
            AuditLog.at >= since,
        )
    )
    return int(s.exec(q).one())
