"""Bounded reads for the staff and head screens: the next dossier is a few index seeks and a
count, lists come a page at a time with their total, optionally narrowed by a search."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from sqlalchemy import func, or_
from sqlmodel import Session, select

from .models import Submission


def next_waiting(s: Session, *, campaign_code: str, kinds: Iterable[str], statuses: Iterable[str],
                 exclude: Iterable[str] = ()) -> tuple[Submission | None, int]:
    """The oldest submitted of the waiting submissions (ties by id) and how many wait.
    One LIMIT 1 seek per (status, kind) on ix_submission_queue, the count from the same index."""
    skip = list(exclude)
    kinds, statuses = list(kinds), list(statuses)
    heads = []
    for status in statuses:
        for kind in kinds:
            q = select(Submission).where(Submission.campaign_code == campaign_code,
                                         Submission.status == status, Submission.kind == kind)
            if skip:
                q = q.where(Submission.ref.not_in(skip))
            first = s.exec(q.order_by(Submission.submitted_at, Submission.id).limit(1)).first()
            if first is not None:
                heads.append(first)
    waiting = s.exec(select(func.count()).select_from(Submission).where(
        Submission.campaign_code == campaign_code, Submission.status.in_(statuses),
        Submission.kind.in_(kinds))).one()
    if skip:
        waiting -= s.exec(select(func.count()).select_from(Submission).where(
            Submission.campaign_code == campaign_code, Submission.status.in_(statuses),
            Submission.kind.in_(kinds), Submission.ref.in_(skip))).one()
    if not heads:
        return None, waiting
    oldest = min(heads, key=lambda x: (x.submitted_at is not None, x.submitted_at, x.id))
    return oldest, waiting


def matching(q, term: str | None, unit_codes: Sequence[str] = ()):
    """Narrow a query on submissions to a name, a reference or a unit (codes found by the
    caller from the unit names)."""
    if not term:
        return q
    like = f"%{term.strip()}%"
    return q.where(or_(Submission.ref.ilike(like), Submission.nominee.ilike(like),
                       Submission.unit_code.in_(list(unit_codes))))


def page(s: Session, q, *, offset: int, limit: int) -> tuple[list[Any], int]:
    """One page of a query's rows (in its order) and the count of them all."""
    total = s.exec(select(func.count()).select_from(q.order_by(None).subquery())).one()
    rows = list(s.exec(q.offset(offset).limit(limit)).all()) if total else []
    return rows, total
