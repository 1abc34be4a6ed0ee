"""Locks held to the end of the transaction, the same way on SQLite and PostgreSQL.

`take(s, campaign, name)` upserts the campaign's row of that name: on PostgreSQL the row is
locked until commit or rollback (a second taker waits, then reads what the first committed);
on SQLite the upsert takes the database's write lock, so everything read after it is current.
Take it BEFORE reading what the write depends on (the open round, a list's count)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from .models import CampaignLock


def take(s: Session, campaign_code: str, name: str, now: datetime) -> None:
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"campaign_code": campaign_code, "name": name[:48], "taken_at": now}
    stmt = insert(CampaignLock).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["campaign_code", "name"], set_={"taken_at": stmt.excluded.taken_at}
    )
    s.execute(stmt)


COMMUNE = "*"  # the campaign_code of a lock of the commune's own (people, units), not a campaign's


def take_commune(s: Session, name: str, now: datetime) -> None:
    """A lock of the commune's own data (the people and units import), held to the end."""
    take(s, COMMUNE, name, now)
