"""Bounded reads for the staff and head screens: the next dossier is a few index seeks and a
count, lists come a page at a time with their total, optionally narrowed by a search."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from sqlalchemy import and_, case, func, or_
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


def listing(*, campaign_code: str | None = None, submitter_id: int | None = None,
            unit_code: str | None = None, kinds: Iterable[str] | None = None,
            statuses: Iterable[str] | None = None):
    """Submissions by campaign, submitter, unit, kind, status, in the order they came (a
    select: for page(), or read whole by storage.submissions.submissions)."""
    q = select(Submission)
    if campaign_code is not None:
        q = q.where(Submission.campaign_code == campaign_code)
    if submitter_id is not None:
        q = q.where(Submission.submitter_id == submitter_id)
    if unit_code is not None:
        q = q.where(Submission.unit_code == unit_code)
    if kinds is not None:
        q = q.where(Submission.kind.in_(list(kinds)))
    if statuses is not None:
        q = q.where(Submission.status.in_(list(statuses)))
    return q.order_by(Submission.id)


def own(*, submitter_id: int, unit_code: str | None = None, unit_kinds: Iterable[str] = ()):
    """What a person sent, and with unit_code the unit's submissions of unit_kinds too
    (a unit head's «Hồ sơ»), in the order they came."""
    mine = Submission.submitter_id == submitter_id
    if unit_code is not None and unit_kinds:
        mine = or_(mine, and_(Submission.unit_code == unit_code, Submission.kind.in_(list(unit_kinds))))
    return select(Submission).where(mine).order_by(Submission.id)


def waiting(*, campaign_code: str, kinds: Iterable[str], statuses: Iterable[str]):
    """Submissions waiting for staff, oldest submitted first (a select, for page())."""
    return (select(Submission)
            .where(Submission.campaign_code == campaign_code, Submission.kind.in_(list(kinds)),
                   Submission.status.in_(list(statuses)))
            .order_by(Submission.submitted_at, Submission.id))


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


def count_by(s: Session, q, column) -> dict[Any, int]:
    """A query's rows counted by one column, in SQL (GROUP BY)."""
    sub = q.order_by(None).subquery()
    rows = s.exec(select(sub.c[column.key], func.count()).group_by(sub.c[column.key])).all()
    return {k: n for k, n in rows}


def council_list(*, campaign_code: str, award: str):
    """The submissions on an award's council list, in the order they came."""
    return select(Submission).where(Submission.campaign_code == campaign_code,
                                    Submission.status.in_(["shortlisted", "awarded"]),
                                    Submission.shortlist_award == award).order_by(Submission.id)


def council_choices(*, campaign_code: str, award: str, kinds: Iterable[str]):
    """What staff may take off an award's list (on it) or put on it (approved): those on the
    list first, then the candidates, each in the order they came."""
    on = and_(Submission.status.in_(["shortlisted", "awarded"]), Submission.shortlist_award == award)
    return (select(Submission)
            .where(Submission.campaign_code == campaign_code, Submission.kind.in_(list(kinds)),
                   or_(on, Submission.status == "approved"))
            .order_by(case((on, 0), else_=1), Submission.id))
