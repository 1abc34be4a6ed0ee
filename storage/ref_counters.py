"""Reference number counters, one row per prefix, advanced atomically in the caller's
transaction (UPDATE ... RETURNING: a concurrent writer waits for the row lock on PostgreSQL,
for the write lock on SQLite, so no two submissions get the same number)."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from .models import RefCounter, Submission


def next_number(s: Session, prefix: str) -> int:
    """The next number for `prefix`; the first use starts after any ref already stored."""
    bump = (
        update(RefCounter)
        .where(RefCounter.prefix == prefix)
        .values(value=RefCounter.value + 1)
        .returning(RefCounter.value)
    )
    number = s.exec(bump).scalar_one_or_none()
    if number is not None:
        return number
    _seed(s, prefix)
    return s.exec(bump).scalar_one()


def _seed(s: Session, prefix: str) -> None:
    refs = s.exec(select(Submission.ref).where(Submission.ref.startswith(f"{prefix}-"))).all()
    highest = max((int(r.partition("-")[2]) for r in refs if r.partition("-")[2].isdigit()), default=0)
    if s.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite as dialect
    else:  # loaded when first used: a SQLite deployment never needs it
        from sqlalchemy.dialects import postgresql as dialect
    s.exec(
        dialect.insert(RefCounter)
        .values(prefix=prefix, value=highest)
        .on_conflict_do_nothing(index_elements=["prefix"])
    )
