"""Scheduled slots (reminders, digests, the deadline): how each ended."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from .audit import audit
from .models import (
    AuditLog,
)

SLOT_ACTIONS = ("slot.run", "slot.skip")


def slot_record(s: Session, slot_id: str) -> AuditLog | None:
    """How a scheduled slot ended (ran or skipped), or None when it has not been handled."""
    return s.exec(
        select(AuditLog)
        .where(
            col(AuditLog.entity) == "slot",
            col(AuditLog.entity_id) == slot_id,
            col(AuditLog.action).in_(SLOT_ACTIONS),
        )
        .order_by(col(AuditLog.id))
    ).first()


def record_slot(
    s: Session,
    slot_id: str,
    *,
    ran: bool,
    now: datetime,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    audit(
        s,
        actor_id=None,
        action="slot.run" if ran else "slot.skip",
        entity="slot",
        entity_id=slot_id,
        after=after,
        reason=reason,
        now=now,
    )


def last_slot_run(s: Session, prefixes: Iterable[str], before: datetime, tag: str = "") -> AuditLog | None:
    """The latest slot run whose id starts with one of `prefixes` (e.g. the previous digest),
    of the campaign whose slot ids end with `tag` (none: the deployment's own campaign, whose
    ids carry no tag)."""
    from sqlalchemy import or_

    entity_id = col(AuditLog.entity_id)
    q = select(AuditLog).where(
        AuditLog.entity == "slot",
        AuditLog.action == "slot.run",
        AuditLog.at < before,
        or_(*[entity_id.startswith(p) for p in prefixes]),
        entity_id.endswith(tag) if tag else ~entity_id.contains("~"),
    )
    return s.exec(q.order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())).first()


# Bulk reads for the workbook and the documents: one query per table, not one per row, so a
# campaign of ten thousand submissions exports in seconds.
