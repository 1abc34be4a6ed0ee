"""Units are commune data: the `unit` table holds them; a campaign's units come from it.

At the first start the empty table is filled from the campaign file's [[units]]
(`seed_units`: an in-place upgrade loses nothing); the office's spreadsheet import adds more.
`apply_units` gives the campaign object the units the table holds; `LiveUnits` keeps that
campaign for a long-running process and rebuilds it only when the table changed, so a unit
added by an import (in this process or another) is offered at the next turn."""

from __future__ import annotations

import threading

from sqlmodel import Session

from storage import units as unit_rows
from storage.models import UnitRow

from .campaign import Campaign, Unit
from .uow import UnitOfWork


def _unit(row: UnitRow) -> Unit:
    return Unit.model_validate({"code": row.code, "name": row.name, "kind": row.kind, "reports": row.reports})


def seed_units(uow: UnitOfWork, campaign: Campaign) -> int:
    """An empty unit table is filled with the campaign file's units; the number added."""
    if unit_rows.stamp(uow.session)[0]:
        return 0
    added = unit_rows.add_units(
        uow.session,
        (unit_rows.NewUnit(u.code, u.name, u.kind, u.reports) for u in campaign.units),
        uow.now,
    )
    return len(added)


def units_of(s: Session, campaign: Campaign) -> tuple[Unit, ...]:
    """The units the table holds, in the order they were added; the file's while it is empty."""
    stored = unit_rows.all_units(s)
    return tuple(_unit(r) for r in stored) if stored else campaign.units


def apply_units(uow: UnitOfWork | Session, campaign: Campaign) -> Campaign:
    """The campaign with the commune's units (the table's; the file's while the table is
    empty). Call it wherever a campaign is loaded for the runtime."""
    s = uow.session if isinstance(uow, UnitOfWork) else uow
    found = units_of(s, campaign)
    if found == campaign.units:
        return campaign
    return campaign.model_copy(update={"units": found})


class LiveUnits:
    """A process's campaign with the units as stored now: `campaign(session)` reads the table's
    stamp (count, last change) and rebuilds the campaign only when it moved."""

    def __init__(self, base: Campaign) -> None:
        self.base = base
        self._lock = threading.Lock()
        self._seen: tuple[int, object] | None = None  # the table's stamp when last read
        self._current = base

    def campaign(self, s: Session) -> Campaign:
        mark = unit_rows.stamp(s)
        with self._lock:
            if mark == self._seen:
                return self._current
        current = apply_units(s, self.base)
        with self._lock:
            self._seen, self._current = mark, current
        return current


# the last campaign given its units, by database and campaign code: a turn or a page reads the
# table's stamp (one small query) and rebuilds the campaign only when the units moved
_applied: dict[tuple[int, str], tuple[Campaign, object, Campaign]] = {}
_applied_lock = threading.Lock()


def units_for(s: Session, campaign: Campaign) -> Campaign:
    """`campaign` with the commune's units as stored now, for any campaign a turn, a page or a
    job serves (the campaign table's too), rebuilt only when the table changed."""
    mark = unit_rows.stamp(s)
    key = (id(s.get_bind()), campaign.code)
    with _applied_lock:
        hit = _applied.get(key)
    if hit is not None and hit[0] is campaign and hit[1] == mark:
        return hit[2]
    applied = apply_units(s, campaign)
    with _applied_lock:
        if len(_applied) > 256:
            _applied.clear()
        _applied[key] = (campaign, mark, applied)
    return applied
