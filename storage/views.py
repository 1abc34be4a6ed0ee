"""The read side: bulk reads for the digest and the exports (light rows, one query per table),
and the trigger-kept counters (submission_tally, submission_sent) the screens count from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Label,
    Select,
    String,
    Text,
    case,
    cast,
    func,
    literal,
    null,
    type_coerce,
    union_all,
)
from sqlmodel import Session, col, select

from .models import (
    AuditLog,
    Evidence,
    StatusChange,
    Submission,
    SubmissionSent,
    SubmissionTally,
)
from .rows import SharedJSON, json_text, select_rows, shared_json

# the table itself (its columns in order), as SQLAlchemy Core sees it
SUBMISSION_TABLE = Submission.metadata.tables["submission"]


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
        w.append(col(t.kind).in_(list(kinds)))
    if statuses is not None:
        w.append(col(t.status).in_(list(statuses)))
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
            select_rows(literal(i), *keys, *pad, func.sum(t.n))
            .where(*_tally(**where))
            .group_by(*keys)
            .having(func.sum(t.n) > 0)
        )
    out: list[dict[Any, int]] = [{} for _ in queries]
    statement = union_all(*branches) if len(branches) > 1 else branches[0]
    for row in s.exec(statement).all():  # type: ignore[arg-type]  # sqlmodel types no UNION
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
            q = q.where(col(Submission.kind).in_(list(kinds)))
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
    sent = col(sub.submitted_at)
    rows = select_rows(col(sub.unit_code), literal(1)).where(
        col(sub.campaign_code) == campaign_code, col(sub.status) != "withdrawn"
    )
    parts: list[Select[*tuple[Any, ...]]]
    if last <= first:  # two days at most: counted row by row
        parts = [rows.where(sent >= since, sent <= at)]
    else:
        parts = [
            rows.where(sent >= since, sent < datetime.combine(first, time(), UTC)),
            rows.where(sent >= datetime.combine(last, time(), UTC), sent <= at),
        ]
        m0 = first if first.day == 1 else _month_after(first)  # the whole months: [m0, m1)
        m1 = last.replace(day=1)
        spans = (
            [("month", m0, m1), ("day", first, m0), ("day", m1, last)] if m0 < m1 else [("day", first, last)]
        )
        parts += [
            select_rows(col(t.unit_code), func.sum(col(t.n)))
            .where(
                col(t.campaign_code) == campaign_code,
                col(t.span) == span,
                col(t.start) >= lo,
                col(t.start) < hi,
            )
            .group_by(t.unit_code)
            for span, lo, hi in spans
            if lo < hi
        ]
    out: Counter[Any] = Counter()
    statement = union_all(*parts) if len(parts) > 1 else parts[0]
    for unit, n in s.exec(statement).all():  # type: ignore[call-overload]  # sqlmodel types no UNION
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
            col(Submission.unit_code).is_not(None),
        )
        .group_by(Submission.unit_code)
    ).all()
    out: dict[str, datetime] = {}
    for unit, at in rows:
        if unit is None:  # not asked for (unit_code IS NOT NULL)
            continue
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
    columns: Sequence[Any] | None = None,
) -> Select[*tuple[Any, ...]]:
    q = select_rows(*(columns or SUBMISSION_TABLE.columns)).where(
        col(Submission.campaign_code) == campaign_code
    )
    if kinds is not None:
        q = q.where(col(Submission.kind).in_(list(kinds)))
    if statuses is not None:
        q = q.where(col(Submission.status).in_(list(statuses)))
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
    columns = [shared_json(c) if isinstance(c.type, JSON) else c for c in SUBMISSION_TABLE.columns]
    q = _submissions(campaign_code=campaign_code, kinds=kinds, statuses=statuses, columns=columns)
    if ref is not None:
        q = q.where(col(Submission.ref) == ref)
    streamed = q.order_by(col(Submission.id)).execution_options(yield_per=chunk)
    yield from s.exec(streamed).partitions()  # type: ignore[call-overload]  # mypy: options lose the Select type


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
            col(StatusChange.from_status).label("last_from"),
            col(StatusChange.actor_id).label("last_actor"),
            col(StatusChange.reason).label("last_reason"),
            col(StatusChange.at).label("last_at"),
        ],
    ).outerjoin(StatusChange, col(StatusChange.id) == latest)
    # Core rows straight from the cursor: the ORM's row loading is not needed for plain columns
    yield from (
        s.connection().execute(q.order_by(col(Submission.id)).execution_options(yield_per=chunk)).partitions()
    )


def latest_reports(s: Session, *, campaign_code: str, leaving_out: Iterable[str]) -> Sequence[Any]:
    """The latest unit report (kind "report", the highest id) of each unit, those with a
    status in `leaving_out` left out, as light rows with every column."""
    latest = (
        select(func.max(Submission.id))
        .where(
            Submission.campaign_code == campaign_code,
            Submission.kind == "report",
            col(Submission.status).not_in(list(leaving_out)),
        )
        .group_by(Submission.unit_code)
    )
    q = select(*SUBMISSION_TABLE.columns).where(col(Submission.id).in_(latest))
    return s.connection().execute(q.order_by(col(Submission.id))).all()


def submission_refs(
    *, campaign_code: str, kinds: Iterable[str] | None = None, statuses: Iterable[str] | None = None
) -> Select[*tuple[Any, ...]]:
    """The references of those submissions, as a subquery (for an IN (...) of any size)."""
    return _submissions(campaign_code=campaign_code, kinds=kinds, statuses=statuses, columns=[Submission.ref])


def evidence_by_submission(s: Session, submission_ids: Iterable[int] | None = None) -> dict[int, list[Any]]:
    """Photos per submission as light rows (channel, file_id, unique_id, url, local_path)."""
    q = select_rows(
        Evidence.submission_id,
        Evidence.channel,
        Evidence.file_id,
        Evidence.unique_id,
        Evidence.url,
        Evidence.local_path,
    )
    if submission_ids is not None:
        q = q.where(col(Evidence.submission_id).in_(list(submission_ids)))
    out: dict[int, list[Any]] = {}
    for e in s.exec(q.order_by(col(Evidence.id))).all():
        out.setdefault(e[0], []).append(e)  # e[0]: submission_id
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
    before: Label[Any]
    after: ColumnElement[Any]
    if json_as_text:
        before = json_text(AuditLog.before)
        after = case((col(AuditLog.action).like("%.create"), null()), else_=cast(col(AuditLog.after), Text))
    else:
        before = shared_json(AuditLog.before)
        after = type_coerce(
            case((col(AuditLog.action).like("%.create"), null()), else_=col(AuditLog.after)), SharedJSON()
        )
    q = select_rows(
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
        q = q.where(col(AuditLog.entity) == "submission", col(AuditLog.entity_id).in_(ids))
    yield from s.connection().execute(q.order_by(col(AuditLog.id)).execution_options(yield_per=chunk))
