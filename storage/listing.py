"""The read side of the web console's dossier table: one filtered page (LIMIT/OFFSET) and its
count, as light rows. Both queries use the same WHERE, so the count matches the pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, literal_column, or_
from sqlmodel import Session, col, select

from . import pages
from .models import Member, Submission
from .rows import select_rows

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    status: str | None = None
    unit: str | None = None
    category: str | None = None
    award: str | None = None  # proposed or on the list for this award
    flag: str | None = None  # "any", or a text a flag contains (a check's label)
    q: str | None = None  # name of the nominee or reference
    q_folded: str | None = None  # q folded by the caller (messages.folding.fold): no diacritics
    within: tuple[str, ...] | None = None  # only these statuses (what a council member reads)
    kinds: tuple[str, ...] | None = None  # only these kinds


def _where(campaign_code: str, f: Filters) -> list[Any]:
    w: list[Any] = [Submission.campaign_code == campaign_code, Submission.status != "draft"]
    if f.kind:
        w.append(Submission.kind == f.kind)
    if f.status:
        w.append(Submission.status == f.status)
    if f.within is not None:
        w.append(col(Submission.status).in_(f.within))
    if f.kinds is not None:
        w.append(col(Submission.kind).in_(f.kinds))
    if f.unit:
        w.append(Submission.unit_code == f.unit)
    if f.category:
        w.append(Submission.category == f.category)
    if f.award:
        w.append(or_(col(Submission.proposed_award) == f.award, col(Submission.shortlist_award) == f.award))
    flags = cast(Submission.flags, String)
    if f.flag:
        # written with literals, as the partial index ix_submission_flagged (SQLite, migration
        # console_scale) is: the flagged few are read from it, not every row
        w.extend([flags != literal_column("'[]'"), flags != literal_column("''")])
    if f.flag and f.flag != "any":
        # JSON text escapes non-ASCII differently per database: match on the ASCII-safe form too
        import json

        w.append(
            or_(
                flags.like(pages.like(f.flag), escape="\\"),
                flags.like(pages.like(json.dumps(f.flag)[1:-1]), escape="\\"),
            )
        )
    if f.q and f.q.strip():
        w.append(pages.named(f.q.strip(), f.q_folded))
    return w


def dossier_page(
    s: Session, campaign_code: str, f: Filters, *, page: int = 1, size: int = PAGE_SIZE
) -> tuple[Sequence[Any], int]:
    """(rows of this page, newest first; the number of rows matching the filters)."""
    where = _where(campaign_code, f)
    total = s.exec(select(func.count()).select_from(Submission).where(*where)).one()
    page = max(1, page)
    if total <= (page - 1) * size:  # nothing on this page: no walk through the rows for it
        return [], int(total)
    q = (
        select_rows(
            Submission.id,
            Submission.ref,
            Submission.kind,
            Submission.status,
            Submission.unit_code,
            Submission.category,
            Submission.nominee,
            Submission.proposed_award,
            Submission.shortlist_award,
            Submission.flags,
            Submission.submitted_at,
            col(Member.full_name).label("submitter"),
        )
        .join(Member, col(Member.id) == col(Submission.submitter_id))
        .where(*where)
        .order_by(col(Submission.id).desc())
        .limit(size)
        .offset((page - 1) * size)
    )
    return s.exec(q).all(), int(total)
