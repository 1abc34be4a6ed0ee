"""The commune's units: read them all (a few dozen rows), tell whether they changed, add some."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

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


STAMP_SQL = "SELECT count(*), max(updated_at) FROM unit"


def stamp(s: Session) -> tuple[int, object]:
    """How many units there are and the last change, as the driver returns them: a different
    pair means the units changed. One aggregate over a table of a few dozen rows, sent as plain
    SQL (a quarter of an ORM select's cost: every turn asks it)."""
    count, last = s.connection().exec_driver_sql(STAMP_SQL).one()
    return cast(int, count), last


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
