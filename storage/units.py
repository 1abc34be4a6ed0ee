"""The commune's units: read them all (a few dozen rows), tell whether they changed, add some."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from .models import UnitRow


@dataclass(frozen=True)
class NewUnit:
    code: str
    name: str
    kind: str
    reports: bool = True


def all_units(s: Session) -> Sequence[UnitRow]:
    return s.exec(select(UnitRow).order_by(col(UnitRow.id))).all()


def stamp(s: Session) -> tuple[int, datetime | None]:
    """How many units there are and the last change: a different pair means the units changed
    (one aggregate over a table of a few dozen rows, cheap enough for every turn)."""
    count, last = s.exec(select(func.count(col(UnitRow.id)), func.max(col(UnitRow.updated_at)))).one()
    return int(count), last


def add_units(s: Session, units: Iterable[NewUnit], now: datetime) -> list[UnitRow]:
    """New rows; a code already stored fails the flush (unique), so two imports that add the
    same unit at once store it once."""
    rows = [
        UnitRow(code=u.code, name=u.name, kind=u.kind, reports=u.reports, created_at=now, updated_at=now)
        for u in units
    ]
    s.add_all(rows)
    s.flush()
    return rows
