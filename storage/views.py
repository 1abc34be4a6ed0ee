"""The read side: bulk reads for the digest and the exports (light rows, one query per table),
and the trigger-kept counters (submission_tally, submission_sent) the screens count from."""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import JSON, String, Text, case, cast, func, literal, null, or_, type_coerce, union_all
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, select

from .models import (
    AuditLog,
    Evidence,
    StatusChange,
    Submission,
    SubmissionSent,
    SubmissionTally,
)


class _SharedJSON(TypeDecorator):
    """JSON read for display only: equal texts ('{"status": "approved"}', '[]', ...) are
    decoded once and the value shared, so a hundred thousand rows cost a few decodings.
    The values must not be changed by whoever reads them."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value, dialect):
        return _decode(value) if isinstance(value, str) else value


_decode = functools.lru_cache(maxsize=4096)(json.loads)


def _shared_json(column):
    return type_coerce(column, _SharedJSON()).label(column.key)


def _key(value: str | None) -> str | None:
    """The counters' '' (no unit, category or award) read back as None."""
    return value or None


def _tally(
    *,
    campaign_code: str | None = None,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    unit_code: str | None = None,
    award: str | None = None,
    live: bool = False,
) -> list[Any]:
    t = SubmissionTally
    w: list[Any] = []
    if campaign_code is not None:
        w.append(t.campaign_code == campaign_code)
    if kinds is not None:
        w.append(t.kind.in_(list(kinds)))
    if statuses is not None:
        w.append(t.status.in_(list(statuses)))
    if live:
        w.append(t.status != "withdrawn")
    if unit_code is not None:
        w.append(t.unit_code == unit_code)
    if award is not None:
        w.append(t.shortlist_award == award)
    return w


def count(s: Session, **where: Any) -> int:
    """How many submissions, from the trigger-kept counters (submission_tally: a few hundred
    rows whatever the number of submissions). Filters: campaign_code, kinds, statuses,
    unit_code, award (on the council list), live (withdrawn ones left out)."""
    n = s.exec(select(func.sum(SubmissionTally.n)).where(*_tally(**where))).one()
    return int(n or 0)


def count_by(s: Session, columns: str | tuple[str, ...], **where: Any) -> dict[Any, int]:
    """Like count(), by one or more of the counters' keys ("status", "kind", "unit_code",
    "category", "shortlist_award"; a tuple gives tuple keys): one GROUP BY over the counters.
    No unit / category / award reads None."""
    return counts_by(s, (columns, where))[0]


def counts_by(s: Session, *queries: tuple[str | tuple[str, ...], dict[str, Any]]) -> list[dict[Any, int]]:
    """Several count_by() (columns, filters) in one statement (UNION ALL): one round trip."""
    t = SubmissionTally
    names = [(c,) if isinstance(c, str) else tuple(c) for c, _ in queries]
    width = max(len(n) for n in names)
    branches = []
    for i, (cols, (_, where)) in enumerate(zip(names, queries)):
        keys = [getattr(t, c) for c in cols]
        pad = [cast(null(), String) for _ in range(width - len(keys))]
        branches.append(
            select(literal(i), *keys, *pad, func.sum(t.n))
            .where(*_tally(**where))
            .group_by(*keys)
            .having(func.sum(t.n) > 0)
        )
    out: list[dict[Any, int]] = [{} for _ in queries]
    for row in s.exec(union_all(*branches) if len(branches) > 1 else branches[0]).all():
        i = row[0]
        key = tuple(_key(k) for k in row[1 : 1 + len(names[i])])
        out[i][key[0] if isinstance(queries[i][0], str) else key] = int(row[-1])
    return out


def first_ids(
    s: Session, campaign_code: str, statuses: Iterable[str], kinds: Iterable[str] | None = None
) -> dict[str, int]:
    """Status -> the smallest id in that status among these kinds (the order statuses first
    appeared): one index seek each (ix_submission_status_id)."""
    out = {}
    for status in statuses:
        q = select(func.min(Submission.id)).where(
            Submission.campaign_code == campaign_code, Submission.status == status
        )
        if kinds is not None:
            q = q.where(Submission.kind.in_(list(kinds)))
        first = s.exec(q).one()
        if first is not None:
            out[status] = first
    return out


def _month_after(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def new_by_unit(s: Session, campaign_code: str, since: datetime, at: datetime) -> dict[Any, int]:
    """Unit code -> submissions sent between since and at (both included), withdrawn ones
    left out. Whole UTC months in between are added from submission_sent (trigger-kept), the
    other whole days from its day counts, and only the first and the last day are counted row
    by row (ranges of ix_submission_new). One statement, each part a range of an index (an OR
    of two ranges would read all of it; a GROUP BY on the rows would make SQLite walk
    ix_submission_summary for its order)."""
    if at < since:
        return {}
    first = since.astimezone(UTC).date() + timedelta(days=1)
    last = at.astimezone(UTC).date()
    sub, t = Submission, SubmissionSent
    rows = select(sub.unit_code, literal(1)).where(
        sub.campaign_code == campaign_code, sub.status != "withdrawn"
    )
    if last <= first:  # two days at most: counted row by row
        parts = [rows.where(sub.submitted_at >= since, sub.submitted_at <= at)]
    else:
        parts = [
            rows.where(sub.submitted_at >= since, sub.submitted_at < datetime.combine(first, time(), UTC)),
            rows.where(sub.submitted_at >= datetime.combine(last, time(), UTC), sub.submitted_at <= at),
        ]
        m0 = first if first.day == 1 else _month_after(first)  # the whole months: [m0, m1)
        m1 = last.replace(day=1)
        spans = (
            [("month", m0, m1), ("day", first, m0), ("day", m1, last)] if m0 < m1 else [("day", first, last)]
        )
        parts += [
            select(t.unit_code, func.sum(t.n))
            .where(t.campaign_code == campaign_code, t.span == span, t.start >= lo, t.start < hi)
            .group_by(t.unit_code)
            for span, lo, hi in spans
            if lo < hi
        ]
    out: Counter = Counter()
    for unit, n in s.exec(union_all(*parts) if len(parts) > 1 else parts[0]).all():
        out[_key(unit)] += int(n)
    return {unit: n for unit, n in out.items() if n}


def report_updates(s: Session, campaign_code: str) -> dict[str, datetime]:
    """Unit code -> when its latest unit report (kind "report", not withdrawn) was updated."""
    rows = s.exec(
        select(Submission.unit_code, func.max(Submission.updated_at))
        .where(
            Submission.campaign_code == campaign_code,
            Submission.kind == "report",
            Submission.status != "withdrawn",
            Submission.unit_code.is_not(None),
        )
        .group_by(Submission.unit_code)
    ).all()
    out: dict[str, datetime] = {}
    for unit, at in rows:
        if isinstance(at, str):  # SQLite max() on a UTCDateTime column comes back as text
            at = datetime.fromisoformat(at)
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        out[unit] = at
    return out


def _submissions(
    *,
    campaign_code: str,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    columns=None,
):
    q = select(*(columns or Submission.__table__.columns)).where(Submission.campaign_code == campaign_code)
    if kinds is not None:
        q = q.where(Submission.kind.in_(list(kinds)))
    if statuses is not None:
        q = q.where(Submission.status.in_(list(statuses)))
    return q


def submission_chunks(
    s: Session,
    *,
    campaign_code: str,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    ref: str | None = None,
    chunk: int = 1000,
) -> Iterator[Sequence[Any]]:
    """The campaign's submissions (by kind, status) as light read-only rows with the same
    attribute names, read `chunk` rows at a time (a streamed cursor): exports of a hundred
    thousand submissions never hold them all; `ref` keeps the one with that reference.
    Read-only: JSON values are shared."""
    columns = [_shared_json(c) if isinstance(c.type, JSON) else c for c in Submission.__table__.columns]
    q = _submissions(campaign_code=campaign_code, kinds=kinds, statuses=statuses, columns=columns)
    if ref is not None:
        q = q.where(Submission.ref == ref)
    yield from s.exec(q.order_by(Submission.id).execution_options(yield_per=chunk)).partitions()


def json_text(column):
    """A JSON column read as its text (no decoding): readers that work out each distinct
    value once (a cache keyed by the text) skip the decoding of the repeats."""
    return cast(column, Text).label(column.key)


def export_chunks(
    s: Session,
    *,
    campaign_code: str,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    chunk: int = 1000,
) -> Iterator[Sequence[Any]]:
    """The workbook's submissions, `chunk` rows at a time (a streamed cursor), oldest first:
    the columns it shows, the JSON ones as text (see json_text), sent_at (when it was sent,
    else created), and the latest status change beside each (last_from, last_actor,
    last_reason, last_at) found by one indexed look-up per row, not a second query per chunk.
    Columns in this order: id, ref, kind, category, nominee, unit_code, contents, achievements,
    answers, flags, proposed_award, shortlist_award, status, submitter_id, version, sent_at,
    updated_at, last_from, last_actor, last_reason, last_at."""
    S = Submission
    columns = [
        S.id,
        S.ref,
        S.kind,
        S.category,
        S.nominee,
        S.unit_code,
        json_text(S.contents),
        S.achievements,
        json_text(S.answers),
        json_text(S.flags),
        S.proposed_award,
        S.shortlist_award,
        S.status,
        S.submitter_id,
        S.version,
        func.coalesce(S.submitted_at, S.created_at).label("sent_at"),
        S.updated_at,
    ]
    latest = (
        select(func.max(StatusChange.id))
        .where(StatusChange.submission_id == Submission.id)
        .correlate(Submission)
        .scalar_subquery()
    )
    q = _submissions(
        campaign_code=campaign_code,
        kinds=kinds,
        statuses=statuses,
        columns=[
            *columns,
            StatusChange.from_status.label("last_from"),
            StatusChange.actor_id.label("last_actor"),
            StatusChange.reason.label("last_reason"),
            StatusChange.at.label("last_at"),
        ],
    ).outerjoin(StatusChange, StatusChange.id == latest)
    # Core rows straight from the cursor: the ORM's row loading is not needed for plain columns
    yield from (
        s.connection().execute(q.order_by(Submission.id).execution_options(yield_per=chunk)).partitions()
    )


def award_of():
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
    ).group_by(award, Submission.category)
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
    `category` (None: none). Rows: nominee, unit_code, achievements, status."""
    of = award_of()
    q = _submissions(
        campaign_code=campaign_code,
        kinds=kinds,
        statuses=statuses,
        columns=[Submission.nominee, Submission.unit_code, Submission.achievements, Submission.status],
    )
    q = q.where(of == award if award is not None else or_(of.is_(None), of.not_in(list(known_awards))))
    q = q.where(Submission.category == category if category is not None else Submission.category.is_(None))
    yield from s.connection().execute(q.order_by(Submission.id).execution_options(yield_per=chunk))


def latest_reports(s: Session, *, campaign_code: str, leaving_out: Iterable[str]) -> Sequence[Any]:
    """The latest unit report (kind "report", the highest id) of each unit, those with a
    status in `leaving_out` left out, as light rows with every column."""
    latest = (
        select(func.max(Submission.id))
        .where(
            Submission.campaign_code == campaign_code,
            Submission.kind == "report",
            Submission.status.not_in(list(leaving_out)),
        )
        .group_by(Submission.unit_code)
    )
    q = select(*Submission.__table__.columns).where(Submission.id.in_(latest))
    return s.connection().execute(q.order_by(Submission.id)).all()


def shortlisted_by_category(
    s: Session, *, campaign_code: str, kinds: Iterable[str], award: str
) -> Sequence[Any]:
    """(category, n): the items shortlisted for `award`, counted by category in SQL."""
    q = (
        _submissions(
            campaign_code=campaign_code,
            kinds=kinds,
            statuses=["shortlisted"],
            columns=[Submission.category, func.count()],
        )
        .where(Submission.shortlist_award == award)
        .group_by(Submission.category)
    )
    return s.connection().execute(q).all()


def shortlisted(s: Session, *, campaign_code: str, kinds: Iterable[str], award: str) -> Sequence[Any]:
    """The items shortlisted for `award`, oldest first: category, nominee, unit_code,
    achievements (light rows)."""
    q = _submissions(
        campaign_code=campaign_code,
        kinds=kinds,
        statuses=["shortlisted"],
        columns=[Submission.category, Submission.nominee, Submission.unit_code, Submission.achievements],
    ).where(Submission.shortlist_award == award)
    return s.connection().execute(q.order_by(Submission.id)).all()


def submission_refs(
    *, campaign_code: str, kinds: Iterable[str] | None = None, statuses: Iterable[str] | None = None
):
    """The references of those submissions, as a subquery (for an IN (...) of any size)."""
    return _submissions(campaign_code=campaign_code, kinds=kinds, statuses=statuses, columns=[Submission.ref])


def evidence_by_submission(s: Session, submission_ids: Iterable[int] | None = None) -> dict[int, list[Any]]:
    """Photos per submission as light rows (channel, file_id, unique_id, url, local_path)."""
    q = select(
        Evidence.submission_id,
        Evidence.channel,
        Evidence.file_id,
        Evidence.unique_id,
        Evidence.url,
        Evidence.local_path,
    )
    if submission_ids is not None:
        q = q.where(Evidence.submission_id.in_(list(submission_ids)))
    out: dict[int, list[Any]] = {}
    for e in s.exec(q.order_by(Evidence.id)).all():
        out.setdefault(e.submission_id, []).append(e)
    return out


def audit_entries(
    s: Session,
    *,
    entity_ids: Iterable[str] | Any | None = None,
    chunk: int = 2000,
    json_as_text: bool = False,
) -> Iterator[Any]:
    """The audit log, oldest first, as light rows (at, actor_id, action, entity, entity_id,
    before, after, reason), streamed `chunk` rows at a time; with entity_ids (references or
    a subquery of them, see submission_refs) only the rows about those submissions. The
    snapshot a creation row keeps is left out (after = None): the submission itself has it.
    Read-only: equal JSON values are shared; with json_as_text, before and after are their
    JSON texts, not decoded (see json_text)."""
    if json_as_text:
        before = json_text(AuditLog.before)
        after = case((AuditLog.action.like("%.create"), null()), else_=cast(AuditLog.after, Text))
    else:
        before = _shared_json(AuditLog.before)
        after = type_coerce(
            case((AuditLog.action.like("%.create"), null()), else_=AuditLog.after), _SharedJSON()
        )
    q = select(
        AuditLog.at,
        AuditLog.actor_id,
        AuditLog.action,
        AuditLog.entity,
        AuditLog.entity_id,
        before,
        after.label("after"),
        AuditLog.reason,
    )
    if entity_ids is not None:
        ids = entity_ids if hasattr(entity_ids, "subquery") else list(entity_ids)
        q = q.where(AuditLog.entity == "submission", AuditLog.entity_id.in_(ids))
    yield from s.connection().execute(q.order_by(AuditLog.id).execution_options(yield_per=chunk))
