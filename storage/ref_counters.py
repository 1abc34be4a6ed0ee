"""Reference number counters, one row per prefix, advanced atomically in the caller's
transaction (UPDATE ... RETURNING: a concurrent writer waits for the row lock on PostgreSQL,
for the write lock on SQLite, so no two submissions get the same number)."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from .models import RefCounter, Submission


def next_number(s: Session, prefix: str) -> int:
    """The next number for `prefix`; the first use starts after any ref already stored."""
    bump = (
        update(RefCounter)
        .where(col(RefCounter.prefix) == prefix)
        .values(value=col(RefCounter.value) + 1)
        .returning(col(RefCounter.value))
    )
    number = s.exec(bump).scalar_one_or_none()
    if number is not None:
        return int(number)
    _seed(s, prefix)
    return int(s.exec(bump).scalar_one())


def _seed(s: Session, prefix: str) -> None:
    refs = s.exec(select(col(Submission.ref)).where(col(Submission.ref).startswith(f"{prefix}-"))).all()
    highest = max((int(r.partition("-")[2]) for r in refs if r.partition("-")[2].isdigit()), default=0)
    if s.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # loaded when first used: a SQLite deployment never needs it
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
    s.exec(
        insert(RefCounter)
        .values(prefix=prefix, value=highest)
        .on_conflict_do_nothing(index_elements=["prefix"])
    )
