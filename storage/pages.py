"""Bounded reads for the staff and head screens: the next dossier is a few index seeks and a
count, lists come a page at a time with their total, optionally narrowed by a search."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Boolean, column, func, or_, table, union, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from . import views
from .models import Submission


def next_waiting(
    s: Session,
    *,
    campaign_code: str,
    kinds: Iterable[str],
    statuses: Iterable[str],
    exclude: Iterable[str] = (),
) -> tuple[Submission | None, int]:
    """The oldest submitted of the waiting submissions (ties by id) and how many wait.
    One LIMIT 1 seek per (status, kind) on ix_submission_queue (one statement), the count from the counters
    (submission_tally) less the skipped ones."""
    skip = list(exclude)
    kinds, statuses = list(kinds), list(statuses)
    firsts = []
    for status in statuses:
        for kind in kinds:
            q = select(Submission.id).where(
                Submission.campaign_code == campaign_code,
                Submission.status == status,
                Submission.kind == kind,
            )
            if skip:
                q = q.where(col(Submission.ref).not_in(skip))
            sub = q.order_by(col(Submission.submitted_at), col(Submission.id)).limit(1).subquery()
            firsts.append(select(sub.c.id))
    # the heads of the (status, kind) ranges in one statement
    heads = s.exec(select(Submission).where(col(Submission.id).in_(union_all(*firsts)))).all()
    waiting = views.count(s, campaign_code=campaign_code, statuses=statuses, kinds=kinds)
    if skip:
        waiting -= s.exec(
            select(func.count())
            .select_from(Submission)
            .where(
                Submission.campaign_code == campaign_code,
                col(Submission.status).in_(statuses),
                col(Submission.kind).in_(kinds),
                col(Submission.ref).in_(skip),
            )
        ).one()
    if not heads:
        return None, waiting
    oldest = min(heads, key=lambda x: (x.submitted_at is not None, x.submitted_at, x.id))
    return oldest, waiting


def listing(
    *,
    campaign_code: str | None = None,
    submitter_id: int | None = None,
    unit_code: str | None = None,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
) -> SelectOfScalar[Submission]:
    """Submissions by campaign, submitter, unit, kind, status, in the order they came (a
    select: for page(), or read whole by storage.submissions.submissions)."""
    q = select(Submission)
    if campaign_code is not None:
        q = q.where(col(Submission.campaign_code) == campaign_code)
    if submitter_id is not None:
        q = q.where(col(Submission.submitter_id) == submitter_id)
    if unit_code is not None:
        q = q.where(col(Submission.unit_code) == unit_code)
    if kinds is not None:
        q = q.where(col(Submission.kind).in_(list(kinds)))
    if statuses is not None:
        q = q.where(col(Submission.status).in_(list(statuses)))
    return q.order_by(col(Submission.id))


@dataclass(frozen=True)
class Parts:
    """A list read from several selects of submissions, each in id order and each a range of
    an index, so a page is a few LIMIT reads whatever the size of the list. `merged`: the
    rows of all parts in one id order (a row in two parts once); otherwise part after part."""

    parts: tuple[Any, ...]
    merged: bool = False

    def where(self, *criteria: Any) -> Parts:
        return Parts(tuple(p.where(*criteria) for p in self.parts), self.merged)

    def rows(self, s: Session, offset: int, limit: int) -> list[Any]:
        if self.merged:
            seen: dict[int, Any] = {}
            for part in self.parts:
                for row in s.exec(part.limit(offset + limit)).all():
                    seen.setdefault(row.id, row)
            return [seen[i] for i in sorted(seen)][offset : offset + limit]
        out: list[Any] = []
        skip = offset
        for part in self.parts:
            if len(out) >= limit:
                break
            got = list(s.exec(part.offset(skip).limit(limit - len(out))).all())
            if skip and not got:  # the page starts after this part: skip its rows
                skip -= s.exec(select(func.count()).select_from(part.order_by(None).subquery())).one()
                skip = max(skip, 0)
            else:
                skip = 0
            out += got
        return out

    def count(self, s: Session) -> int:
        ids = union(*[p.with_only_columns(Submission.id).order_by(None) for p in self.parts])
        return s.exec(select(func.count()).select_from(ids.subquery())).one()


def own(
    *, submitter_id: int, unit_code: str | None = None, unit_kinds: Iterable[str] = ()
) -> SelectOfScalar[Submission] | Parts:
    """What a person sent, and with unit_code the unit's submissions of unit_kinds too
    (a unit head's «Hồ sơ»), in the order they came: with a unit, parts merged by id (the
    person's own, the unit's of each kind: each a range of an index)."""
    mine = select(Submission).where(col(Submission.submitter_id) == submitter_id).order_by(col(Submission.id))
    if unit_code is None or not unit_kinds:
        return mine
    return Parts(
        (
            mine,
            *[
                select(Submission)
                .where(Submission.unit_code == unit_code, Submission.kind == k)
                .order_by(col(Submission.id))
                for k in unit_kinds
            ],
        ),
        merged=True,
    )


def own_count(s: Session, *, submitter_id: int, unit_code: str, unit_kinds: Iterable[str]) -> int:
    """How many own() lists for a head: the unit's from the counters, and the person's own
    that are not among them (a few: an index range on submitter_id)."""
    kinds = list(unit_kinds)
    others = s.exec(
        select(func.count())
        .select_from(Submission)
        .where(
            Submission.submitter_id == submitter_id,
            or_(
                col(Submission.unit_code).is_(None),
                col(Submission.unit_code) != unit_code,
                col(Submission.kind).not_in(kinds),
            ),
        )
    ).one()
    return others + views.count(s, unit_code=unit_code, kinds=kinds)


def oldest_waiting(
    s: Session, *, campaign_code: str, kinds: Iterable[str], statuses: Iterable[str], limit: int
) -> tuple[list[Submission], int]:
    """The `limit` oldest submitted of the waiting submissions (by submitted_at, then id) and
    how many wait: `limit` rows from the head of each (status, kind) range of
    ix_submission_queue (one statement), ordered among themselves; the count from the
    counters. Bounded whatever the length of the queue."""
    kinds, statuses = list(kinds), list(statuses)
    heads = [
        select(sub.c.id)
        for sub in (
            select(Submission.id)
            .where(
                Submission.campaign_code == campaign_code,
                Submission.status == status,
                Submission.kind == kind,
            )
            .order_by(col(Submission.submitted_at), col(Submission.id))
            .limit(limit)
            .subquery()
            for status in statuses
            for kind in kinds
        )
    ]
    total = views.count(s, campaign_code=campaign_code, statuses=statuses, kinds=kinds)
    if not total or not heads:
        return [], total
    rows = s.exec(
        select(Submission)
        .where(col(Submission.id).in_(union_all(*heads)))
        .order_by(col(Submission.submitted_at), col(Submission.id))
        .limit(limit)
    ).all()
    return list(rows), total


def like(text: str) -> str:
    """A LIKE pattern for text anywhere ("\\" escapes: % and _ are matched as typed)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Named(ColumnElement[bool]):
    """The search condition, written per database: ILIKE/LIKE on the columns (PostgreSQL
    answers them from its pg_trgm GIN indexes), or on SQLite the trigram table
    submission_search (migration console_scale), which finds a text inside a reference or
    name without reading every row. A term under three characters has no trigram: LIKE."""

    type = Boolean()
    inherit_cache = False  # holds its own bound values
    _is_implicitly_boolean = True  # a condition as it is (not «… = 1» on SQLite: no index)

    def __init__(self, like_form: Any, fts_form: Any) -> None:
        self.like_form, self.fts_form = like_form, fts_form


@compiles(Named)
def _named_by_like(element: Named, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.like_form.self_group(), **kw))  # (a OR b OR c)


@compiles(Named, "sqlite")
def _named_by_trigram(element: Named, compiler: Any, **kw: Any) -> str:
    form = element.fts_form if element.fts_form is not None else element.like_form
    return str(compiler.process(form.self_group(), **kw))


SEARCH_TABLE = table("submission_search", column("rowid"), column("submission_search"))


def named(term: str, folded: str | None) -> Any:
    """A reference or a nominee's name containing the term; `folded` (the term folded by the
    caller: messages.folding.fold) matches the nominee's search key, so a name typed without
    diacritics finds it (and one typed with them: the key of a name holding the term holds the
    folded term). References are ASCII without spaces: a term with either is not one, and
    PostgreSQL is not asked to look (its estimate of that trigram scan is what kept it from
    the indexes)."""
    found = []
    if term.isascii() and not any(c.isspace() for c in term):
        found.append(col(Submission.ref).ilike(like(term), escape="\\"))
    if folded:
        found.append(col(Submission.nominee_key).like(like(folded), escape="\\"))
    else:
        found.append(col(Submission.nominee).ilike(like(term), escape="\\"))
    phrases = [p for p in dict.fromkeys((term, folded)) if p]
    fts = None
    if all(len(p) >= 3 for p in phrases):  # each phrase: its characters in a row, in any column
        match = " OR ".join('"' + p.replace('"', '""') + '"' for p in phrases)
        fts = col(Submission.id).in_(
            select(SEARCH_TABLE.c.rowid).where(SEARCH_TABLE.c.submission_search.match(match))
        )
    return Named(or_(*found), fts)


# a query on submissions: one select, or the Parts of a list made of several ranges
Q = TypeVar("Q", SelectOfScalar[Submission], "Parts")


def matching(q: Q, term: str | None, unit_codes: Sequence[str] = (), folded: str | None = None) -> Q:
    """Narrow a query on submissions to a name, a reference or a unit (codes found by the
    caller from the unit names); `folded`: see named()."""
    if not term or not term.strip():
        return q
    return q.where(or_(named(term.strip(), folded), col(Submission.unit_code).in_(list(unit_codes))))


def page(
    s: Session, q: SelectOfScalar[Any] | Parts, *, offset: int, limit: int, total: int | None = None
) -> tuple[list[Any], int]:
    """One page of a query's rows (in its order; a select or Parts) and the count of them
    all (`total` when the caller has it from the counters)."""
    if total is None:
        total = (
            q.count(s)
            if isinstance(q, Parts)
            else s.exec(select(func.count()).select_from(q.order_by(None).subquery())).one()
        )
    if not total:
        return [], total
    if isinstance(q, Parts):
        return q.rows(s, offset, limit), total
    return list(s.exec(q.offset(offset).limit(limit)).all()), total


ON_LIST = ("shortlisted", "awarded")


def council_list(*, campaign_code: str, award: str) -> SelectOfScalar[Submission]:
    """The submissions on an award's council list, in the order they came (a range of
    ix_submission_award)."""
    return (
        select(Submission)
        .where(
            Submission.campaign_code == campaign_code,
            Submission.shortlist_award == award,
            col(Submission.status).in_(ON_LIST),
        )
        .order_by(col(Submission.id))
    )


def council_choices(*, campaign_code: str, award: str, kinds: Iterable[str]) -> Parts:
    """What staff may take off an award's list (on it) or put on it (approved): those on the
    list first, then the candidates, each in the order they came (ix_submission_award, then
    ix_submission_status_id)."""
    kinds = list(kinds)
    on = (
        select(Submission)
        .where(
            Submission.campaign_code == campaign_code,
            Submission.shortlist_award == award,
            col(Submission.status).in_(ON_LIST),
            col(Submission.kind).in_(kinds),
        )
        .order_by(col(Submission.id))
    )
    candidates = (
        select(Submission)
        .where(
            Submission.campaign_code == campaign_code,
            Submission.status == "approved",
            col(Submission.kind).in_(kinds),
        )
        .order_by(col(Submission.id))
    )
    return Parts((on, candidates))


def council_choices_count(s: Session, *, campaign_code: str, award: str, kinds: Iterable[str]) -> int:
    """How many council_choices() lists: from the counters, one statement."""
    by = views.count_by(
        s,
        ("status", "shortlist_award"),
        campaign_code=campaign_code,
        statuses=[*ON_LIST, "approved"],
        kinds=list(kinds),
    )
    return sum(n for (status, on), n in by.items() if status == "approved" or on == award)
