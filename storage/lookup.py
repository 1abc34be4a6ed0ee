"""The awards that stand, across every campaign of the commune's database: an item of a
decision not withdrawn whose submission is «awarded», with the decision's number, date and
signer. Read a page at a time in the order the office looks them up (newest decision first,
then the decision's own order), narrowed by a name (the dossier search's trigram index:
storage.pages.named), units, a year, an award, a campaign. The rules of who counts as the
same nominee are the domain's (domain/lookup.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from .models import AwardDecision, AwardDecisionItem, Submission
from .pages import named
from .rows import select_rows


@dataclass(frozen=True)
class AwardRow:
    submission_id: int
    ref: str
    nominee: str
    unit_code: str | None
    category: str | None
    citation: str | None  # what staff wrote and saved, None before
    campaign_code: str
    decision_id: int
    award_key: str
    number: str
    signed_on: date
    signer_name: str
    signer_title: str
    position: int


COLUMNS = (
    Submission.id,
    Submission.ref,
    Submission.nominee,
    Submission.unit_code,
    Submission.category,
    Submission.citation,
    AwardDecision.campaign_code,
    AwardDecision.id,
    AwardDecision.award_key,
    AwardDecision.number,
    AwardDecision.signed_on,
    AwardDecision.signer_name,
    AwardDecision.signer_title,
    AwardDecisionItem.position,
)


def _decided(
    *, year: int | None, since: date | None, award_key: str | None, campaign_code: str | None
) -> list[Any]:
    """The conditions on the decision alone: standing, then each filter given."""
    where: list[Any] = [col(AwardDecision.withdrawn) == False]  # noqa: E712 (SQL: withdrawn = false)
    if year is not None:
        where.append(col(AwardDecision.signed_on) >= date(year, 1, 1))
        where.append(col(AwardDecision.signed_on) < date(year + 1, 1, 1))
    if since is not None:
        where.append(col(AwardDecision.signed_on) >= since)
    if award_key is not None:
        where.append(col(AwardDecision.award_key) == award_key)
    if campaign_code is not None:
        where.append(col(AwardDecision.campaign_code) == campaign_code)
    return where


def _where(
    decided: list[Any],
    *,
    term: str | None,
    folded: str | None,
    unit_codes: Sequence[str] | None,
    not_submission: int | None,
) -> list[Any]:
    """The conditions of a look-up: the three tables joined, the decision's conditions, the
    item awarded, then each filter on the submission given."""
    where: list[Any] = [
        col(AwardDecisionItem.decision_id) == col(AwardDecision.id),
        col(AwardDecisionItem.submission_id) == col(Submission.id),
        *decided,
        col(Submission.status) == "awarded",
    ]
    if term:
        where.append(named(term, folded))
    if unit_codes is not None:
        where.append(col(Submission.unit_code).in_(list(unit_codes)))
    if not_submission is not None:
        where.append(col(Submission.id) != not_submission)
    return where


def awards(
    s: Session,
    *,
    term: str | None = None,
    folded: str | None = None,
    unit_codes: Sequence[str] | None = None,
    year: int | None = None,
    since: date | None = None,
    award_key: str | None = None,
    campaign_code: str | None = None,
    not_submission: int | None = None,
    offset: int = 0,
    limit: int | None = None,
    counted: bool = True,
) -> tuple[list[AwardRow], int]:
    """One page of the awards that stand and how many there are (`counted=False`: the page's
    length, for a caller that reads them all). `term`: a name or reference inside the
    nominee (`folded`: the term folded, matched against the nominee's search key);
    `unit_codes`: only these units (an empty list: none); `year`: the decision signed that
    year; `since`: on or after that day."""
    decided = _decided(year=year, since=since, award_key=award_key, campaign_code=campaign_code)
    where = _where(decided, term=term, folded=folded, unit_codes=unit_codes, not_submission=not_submission)
    if unit_codes is not None and not unit_codes:
        return [], 0
    if term is None and unit_codes is None and not_submission is None:
        return _by_decisions(s, decided, where, offset=offset, limit=limit)
    q = (
        select_rows(*COLUMNS)
        .where(*where)
        .order_by(
            col(AwardDecision.signed_on).desc(), col(AwardDecision.id).desc(), col(AwardDecisionItem.position)
        )
        .offset(offset)
    )
    if limit is not None:
        q = q.limit(limit)
    found = [AwardRow(*row) for row in s.exec(q).all()]
    whole = limit is None or len(found) < limit  # the page reached the end
    if not counted or (whole and (found or not offset)):
        return found, offset + len(found)
    total = s.exec(select(func.count()).select_from(AwardDecisionItem).where(*where)).one()
    return found, total


def _by_decisions(
    s: Session, decided: list[Any], where: list[Any], *, offset: int, limit: int | None
) -> tuple[list[AwardRow], int]:
    """A look-up narrowed by the decision alone (a year, an award, a campaign, or nothing): the
    decisions that qualify are few, their items counted from the decision_id index, and only
    the decisions the page spans are read, each in its own order. A page costs the same at
    one year and at ten (a JOIN sorted whole would read every award of the ten years)."""
    decisions = [
        int(r[0])
        for r in s.exec(
            select_rows(AwardDecision.id)
            .where(*decided)
            .order_by(col(AwardDecision.signed_on).desc(), col(AwardDecision.id).desc())
        ).all()
    ]
    if not decisions:
        return [], 0
    counts = {
        int(r[0]): int(r[1])
        for r in s.exec(
            select_rows(AwardDecisionItem.decision_id, func.count())
            .where(col(AwardDecisionItem.decision_id).in_(decisions))
            .group_by(col(AwardDecisionItem.decision_id))
        ).all()
    }
    total = sum(counts.values())
    found: list[AwardRow] = []
    skip, wanted = offset, total if limit is None else limit
    for decision_id in decisions:
        if wanted <= 0:
            break
        if skip >= counts.get(decision_id, 0):
            skip -= counts.get(decision_id, 0)
            continue
        rows = s.exec(
            select_rows(*COLUMNS)
            .where(*where, col(AwardDecision.id) == decision_id)
            .order_by(col(AwardDecisionItem.position))
            .offset(skip)
            .limit(wanted)
        ).all()
        found += [AwardRow(*row) for row in rows]
        skip, wanted = 0, wanted - len(rows)
    return found, total


def award_years(s: Session) -> list[int]:
    """The years in which a decision that stands was signed, newest first."""
    days = s.exec(
        select_rows(AwardDecision.signed_on).where(col(AwardDecision.withdrawn) == False).distinct()  # noqa: E712
    ).all()
    return sorted({day.year for (day,) in days}, reverse=True)


def award_keys(s: Session) -> list[tuple[str, str]]:
    """(campaign code, award key) of every decision that stands."""
    rows = s.exec(
        select_rows(AwardDecision.campaign_code, AwardDecision.award_key)
        .where(col(AwardDecision.withdrawn) == False)  # noqa: E712
        .distinct()
    ).all()
    return [(code, key) for code, key in rows]
