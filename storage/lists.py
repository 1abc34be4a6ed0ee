"""The council's list and the Tờ trình, read for the documents: the list's groups and rows
by award and category (streamed), who it counts, and the items of an award with a quota."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_
from sqlmodel import Session, col

from .models import Submission
from .views import _submissions


def award_of() -> ColumnElement[Any]:
    """The award a submission is listed under: the council's choice, else the one proposed."""
    return func.coalesce(func.nullif(Submission.shortlist_award, ""), Submission.proposed_award)


def list_groups(
    s: Session, *, campaign_code: str, kinds: Iterable[str], statuses: Iterable[str]
) -> Sequence[Any]:
    """The council list's groups counted in SQL: one light row per (award, category) with n
    and first (the smallest id: the order in which the groups first appear)."""
    award = award_of().label("award")
    q = _submissions(
        campaign_code=campaign_code,
        kinds=kinds,
        statuses=statuses,
        columns=[award, Submission.category, func.count().label("n"), func.min(Submission.id).label("first")],
    ).group_by(award, col(Submission.category))
    return s.connection().execute(q).all()


def list_rows(
    s: Session,
    *,
    campaign_code: str,
    kinds: Iterable[str],
    statuses: Iterable[str],
    award: str | None,
    known_awards: Sequence[str],
    category: str | None,
    chunk: int = 1000,
) -> Iterator[Any]:
    """One group of the council list, oldest first, streamed `chunk` rows at a time: the
    award `award` (None: no award, or one that is not in known_awards) and the category
    `category` (None: none). Rows: nominee, unit_code, achievements, status, citation."""
    of = award_of()
    q = _submissions(
        campaign_code=campaign_code,
        kinds=kinds,
        statuses=statuses,
        columns=[
            Submission.nominee,
            Submission.unit_code,
            Submission.achievements,
            Submission.status,
            Submission.citation,
        ],
    )
    q = q.where(of == award if award is not None else or_(of.is_(None), of.not_in(list(known_awards))))
    q = q.where(
        col(Submission.category) == category if category is not None else col(Submission.category).is_(None)
    )
    yield from s.connection().execute(q.order_by(col(Submission.id)).execution_options(yield_per=chunk))


def list_names(
    s: Session, *, campaign_code: str, kinds: Iterable[str], statuses: Iterable[str], chunk: int = 1000
) -> Iterator[Any]:
    """(category, nominee) of the council list's items, streamed: who the list counts."""
    q = _submissions(
        campaign_code=campaign_code,
        kinds=kinds,
        statuses=statuses,
        columns=[Submission.category, Submission.nominee],
    )
    yield from s.connection().execute(q.execution_options(yield_per=chunk))


def _for_award(
    campaign_code: str, kinds: Iterable[str], award: str, statuses: Iterable[str], columns: list[Any]
) -> Select[Any]:
    """The items listed for `award` (or past the list: `statuses`), as a query of `columns`."""
    q = _submissions(campaign_code=campaign_code, kinds=kinds, statuses=list(statuses), columns=columns)
    return q.where(col(Submission.shortlist_award) == award)


def shortlisted_by_category(
    s: Session,
    *,
    campaign_code: str,
    kinds: Iterable[str],
    award: str,
    statuses: Iterable[str] = ("shortlisted",),
) -> Sequence[Any]:
    """(category, n): the items shortlisted for `award` (or past it: `statuses`), counted
    by category in SQL."""
    columns: list[Any] = [Submission.category, func.count()]
    q = _for_award(campaign_code, kinds, award, statuses, columns).group_by(col(Submission.category))
    return s.connection().execute(q).all()


def shortlisted(
    s: Session,
    *,
    campaign_code: str,
    kinds: Iterable[str],
    award: str,
    statuses: Iterable[str] = ("shortlisted",),
) -> Sequence[Any]:
    """The items shortlisted for `award` (or past it: `statuses`), oldest first: category,
    nominee, unit_code, achievements, citation (light rows)."""
    S = Submission
    columns: list[Any] = [S.category, S.nominee, S.unit_code, S.achievements, S.citation]
    q = _for_award(campaign_code, kinds, award, statuses, columns)
    return s.connection().execute(q.order_by(col(Submission.id))).all()
