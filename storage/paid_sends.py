"""Messages sent above the platform's free limit (paid broadcast), counted per channel and UTC
minute: one upsert adds what a process sent since it last wrote."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from .models import PaidSend


def add(s: Session, channel: str, at: datetime, sends: int) -> None:
    """Adds `sends` to the channel's count for the minute of `at` (two processes add safely:
    the upsert adds to what is stored)."""
    if sends <= 0:
        return
    minute = at.replace(second=0, microsecond=0)
    insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(PaidSend).values(channel=channel, minute=minute, sends=sends)
    stmt = stmt.on_conflict_do_update(
        index_elements=["channel", "minute"], set_={"sends": col(PaidSend.sends) + stmt.excluded.sends}
    )
    s.execute(stmt)


def between(s: Session, since: datetime, until: datetime) -> int:
    """Paid sends of every channel from `since` (its minute included) to `until`."""
    start = since.replace(second=0, microsecond=0)
    total = s.exec(
        select(func.coalesce(func.sum(PaidSend.sends), 0)).where(
            col(PaidSend.minute) >= start, col(PaidSend.minute) <= until
        )
    ).one()
    return int(total)
