"""Small query functions taking a session. The only place that talks SQL.

Callers own the transaction: a conversation turn runs in one session and commits once, so a
turn either stores everything it did or nothing.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any, Iterable, Sequence

from sqlalchemy import JSON, case, func, null, type_coerce
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, select

from .models import (
    AuditLog,
    ConversationState,
    Evidence,
    Identity,
    Invite,
    Member,
    Outbox,
    ProcessedEvent,
    StatusChange,
    Submission,
    SubmissionVersion,
)

ROLES = ("resident", "head", "staff", "admin")
KINDS = {"nomination": "DC", "proposal": "DN", "report": "BC"}

# The life of a submission (docs/domain.md). A move not listed here is refused.
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({"submitted"}),
    "submitted": frozenset({"under_review", "withdrawn", "approved", "needs_info", "rejected"}),
    "under_review": frozenset({"approved", "needs_info", "rejected"}),
    "needs_info": frozenset({"under_review", "withdrawn", "rejected"}),
    "approved": frozenset({"shortlisted", "rejected"}),
    "shortlisted": frozenset({"approved", "awarded"}),
    "awarded": frozenset(),
    "rejected": frozenset(),
    "withdrawn": frozenset(),
}

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


class TransitionError(ValueError):
    pass


# -- events -------------------------------------------------------------------------------

def seen_event(s: Session, key: str) -> bool:
    return s.get(ProcessedEvent, key) is not None


def mark_event(s: Session, key: str, now: datetime) -> None:
    s.add(ProcessedEvent(key=key, at=now))


def prune_events(s: Session, before: datetime) -> int:
    """Forget event keys older than `before` (platforms redeliver within minutes, not weeks)."""
    from sqlalchemy import delete

    result = s.exec(delete(ProcessedEvent).where(ProcessedEvent.at < before))
    return result.rowcount or 0


# -- members ------------------------------------------------------------------------------

def identity(s: Session, channel: str, external_id: str) -> Identity | None:
    return s.exec(
        select(Identity).where(Identity.channel == channel, Identity.external_id == external_id)
    ).first()


def member_by_identity(s: Session, channel: str, external_id: str) -> Member | None:
    ident = identity(s, channel, external_id)
    return s.get(Member, ident.member_id) if ident else None


def identities_of(s: Session, member_id: int) -> Sequence[Identity]:
    return s.exec(select(Identity).where(Identity.member_id == member_id).order_by(Identity.id)).all()


def create_member(
    s: Session,
    *,
    full_name: str,
    role: str,
    unit_code: str | None,
    phone: str | None,
    channel: str,
    external_id: str,
    chat_id: str,
    display_name: str | None,
    now: datetime,
) -> Member:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    member = Member(full_name=full_name, role=role, unit_code=unit_code, phone=phone,
                    created_at=now, updated_at=now)
    s.add(member)
    s.flush()
    attach_identity(s, member, channel=channel, external_id=external_id, chat_id=chat_id,
                    display_name=display_name, now=now)
    audit(s, actor_id=member.id, action="member.register", entity="member", entity_id=member.id,
          after={"role": role, "unit": unit_code, "channel": channel}, now=now)
    return member


def attach_identity(s: Session, member: Member, *, channel: str, external_id: str, chat_id: str,
                    display_name: str | None, now: datetime) -> Identity:
    ident = identity(s, channel, external_id)
    if ident is None:
        ident = Identity(member_id=member.id, channel=channel, external_id=external_id,
                         chat_id=chat_id, display_name=display_name, created_at=now)
        s.add(ident)
    else:
        ident.member_id = member.id
        ident.chat_id = chat_id
    s.flush()
    return ident


def set_role(s: Session, member: Member, *, role: str, unit_code: str | None, actor_id: int | None,
             now: datetime, reason: str | None = None) -> None:
    before = {"role": member.role, "unit": member.unit_code}
    member.role = role
    member.unit_code = unit_code
    member.updated_at = now
    s.add(member)
    audit(s, actor_id=actor_id, action="member.role", entity="member", entity_id=member.id,
          before=before, after={"role": role, "unit": unit_code}, reason=reason, now=now)


def members(s: Session, *, role: str | None = None, unit_code: str | None = None) -> Sequence[Member]:
    q = select(Member)
    if role:
        q = q.where(Member.role == role)
    if unit_code:
        q = q.where(Member.unit_code == unit_code)
    return s.exec(q.order_by(Member.id)).all()


# -- invites ------------------------------------------------------------------------------

def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def create_invite(s: Session, *, role: str | None, unit_code: str | None, now: datetime,
                  ttl: timedelta, purpose: str = "role", member_id: int | None = None,
                  actor_id: int | None = None) -> Invite:
    if purpose == "role" and role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    for _ in range(10):
        code = new_code()
        if s.exec(select(Invite).where(Invite.code == code)).first() is None:
            break
    inv = Invite(code=code, purpose=purpose, role=role, unit_code=unit_code, member_id=member_id,
                 created_at=now, expires_at=now + ttl)
    s.add(inv)
    s.flush()
    audit(s, actor_id=actor_id, action=f"invite.create.{purpose}", entity="invite", entity_id=inv.id,
          after={"role": role, "unit": unit_code, "expires_at": inv.expires_at.isoformat()}, now=now)
    return inv


def find_invite(s: Session, code: str) -> Invite | None:
    return s.exec(select(Invite).where(Invite.code == code.strip().upper())).first()


def use_invite(s: Session, inv: Invite, member: Member, now: datetime) -> None:
    inv.used_at = now
    inv.used_by = member.id
    s.add(inv)
    audit(s, actor_id=member.id, action=f"invite.use.{inv.purpose}", entity="invite",
          entity_id=inv.id, now=now)


# -- conversation state -------------------------------------------------------------------

def get_state(s: Session, channel: str, user_id: str) -> ConversationState | None:
    return s.exec(
        select(ConversationState).where(
            ConversationState.channel == channel, ConversationState.user_id == user_id
        )
    ).first()


def save_state(s: Session, state: ConversationState, now: datetime) -> None:
    state.updated_at = now
    # The JSON column is changed in place (nested dicts): tell SQLAlchemy it changed.
    flag_modified(state, "data")
    s.add(state)


def states_in_flow(s: Session, flows: Iterable[str]) -> Sequence[ConversationState]:
    return s.exec(select(ConversationState).where(ConversationState.flow.in_(list(flows)))).all()


# -- submissions --------------------------------------------------------------------------

def create_submission(s: Session, *, kind: str, campaign_code: str, submitter_id: int,
                      now: datetime, **fields: Any) -> Submission:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    sub = Submission(kind=kind, campaign_code=campaign_code, submitter_id=submitter_id,
                     status="draft", created_at=now, updated_at=now, **fields)
    s.add(sub)
    s.flush()
    sub.ref = f"{KINDS[kind]}-{sub.id:04d}"
    s.add(sub)
    audit(s, actor_id=submitter_id, action=f"{kind}.create", entity="submission", entity_id=sub.ref,
          after=snapshot(sub), now=now)
    change_status(s, sub, "submitted", actor_id=submitter_id, reason=None, now=now, notify=None,
                  _from=None)
    sub.submitted_at = now
    return sub


def snapshot(sub: Submission) -> dict[str, Any]:
    return {
        "status": sub.status, "unit": sub.unit_code, "category": sub.category,
        "nominee": sub.nominee, "contents": list(sub.contents or []),
        "achievements": sub.achievements, "answers": dict(sub.answers or {}),
        "flags": list(sub.flags or []), "proposed_award": sub.proposed_award,
        "version": sub.version,
    }


def new_version(s: Session, sub: Submission, *, actor_id: int, now: datetime, **fields: Any) -> None:
    """Keep the current content as a version row, then replace it (unit reports, amendments)."""
    s.add(SubmissionVersion(submission_id=sub.id, version=sub.version, snapshot=snapshot(sub),
                            created_at=now))
    before = snapshot(sub)
    for k, v in fields.items():
        setattr(sub, k, v)
    sub.version += 1
    sub.updated_at = now
    s.add(sub)
    audit(s, actor_id=actor_id, action=f"{sub.kind}.update", entity="submission", entity_id=sub.ref,
          before=before, after=snapshot(sub), now=now)


def versions_of(s: Session, submission_id: int) -> Sequence[SubmissionVersion]:
    return s.exec(select(SubmissionVersion).where(SubmissionVersion.submission_id == submission_id)
                  .order_by(SubmissionVersion.version)).all()


_UNSET: Any = object()


def change_status(s: Session, sub: Submission, to_status: str, *, actor_id: int | None,
                  reason: str | None, now: datetime, notify: dict | None,
                  _from: Any = _UNSET, fields: dict[str, Any] | None = None) -> StatusChange:
    """The one way a status changes: status row, history row, audit row and notification.
    `fields` (e.g. shortlist_award) change with the status and are audited with it."""
    from_status = sub.status if _from is _UNSET else _from
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise TransitionError(f"{sub.ref}: {from_status} -> {to_status} is not allowed")
    change = StatusChange(submission_id=sub.id, from_status=from_status, to_status=to_status,
                          actor_id=actor_id, reason=reason, at=now)
    s.add(change)
    before: dict[str, Any] = {"status": from_status}
    after: dict[str, Any] = {"status": to_status}
    for k, v in (fields or {}).items():
        before[k], after[k] = getattr(sub, k), v
        setattr(sub, k, v)
    sub.status = to_status
    sub.updated_at = now
    s.add(sub)
    audit(s, actor_id=actor_id, action="status", entity="submission", entity_id=sub.ref,
          before=before, after=after, reason=reason, now=now)
    if notify is not None and sub.submitter_id != actor_id:
        enqueue(s, member_id=sub.submitter_id, payload=notify, now=now)
    return change


def submission_by_ref(s: Session, ref: str) -> Submission | None:
    return s.exec(select(Submission).where(Submission.ref == ref.strip().upper())).first()


def submissions(s: Session, *, campaign_code: str | None = None, submitter_id: int | None = None,
                unit_code: str | None = None, kinds: Iterable[str] | None = None,
                statuses: Iterable[str] | None = None) -> Sequence[Submission]:
    q = select(Submission)
    if campaign_code:
        q = q.where(Submission.campaign_code == campaign_code)
    if submitter_id is not None:
        q = q.where(Submission.submitter_id == submitter_id)
    if unit_code is not None:
        q = q.where(Submission.unit_code == unit_code)
    if kinds is not None:
        q = q.where(Submission.kind.in_(list(kinds)))
    if statuses is not None:
        q = q.where(Submission.status.in_(list(statuses)))
    return s.exec(q.order_by(Submission.id)).all()


def review_queue(s: Session, *, campaign_code: str, kinds: Iterable[str],
                 statuses: Iterable[str], exclude: Iterable[str] = ()) -> Sequence[Submission]:
    """Submissions waiting for staff, oldest submitted first."""
    q = select(Submission).where(Submission.campaign_code == campaign_code,
                                 Submission.kind.in_(list(kinds)), Submission.status.in_(list(statuses)))
    skip = list(exclude)
    if skip:
        q = q.where(Submission.ref.not_in(skip))
    return s.exec(q.order_by(Submission.submitted_at, Submission.id)).all()


def unit_report(s: Session, *, campaign_code: str, unit_code: str) -> Submission | None:
    """The unit's current report (a withdrawn or rejected one does not count)."""
    return s.exec(select(Submission).where(
        Submission.campaign_code == campaign_code, Submission.kind == "report",
        Submission.unit_code == unit_code, Submission.status.not_in(["withdrawn", "rejected"]))
        .order_by(Submission.id.desc())).first()


def shortlisted(s: Session, *, campaign_code: str, award: str | None = None) -> Sequence[Submission]:
    q = select(Submission).where(Submission.campaign_code == campaign_code,
                                 Submission.status.in_(["shortlisted", "awarded"]))
    if award is not None:
        q = q.where(Submission.shortlist_award == award)
    return s.exec(q.order_by(Submission.id)).all()


def history(s: Session, submission_id: int) -> Sequence[StatusChange]:
    return s.exec(select(StatusChange).where(StatusChange.submission_id == submission_id)
                  .order_by(StatusChange.id)).all()


def add_evidence(s: Session, sub: Submission, *, channel: str, unique_id: str, file_id: str | None,
                 url: str | None = None, local_path: str | None = None, caption: str | None = None,
                 now: datetime) -> bool:
    """Store a photo once per submission (same unique_id twice is kept once)."""
    exists = s.exec(select(Evidence).where(Evidence.submission_id == sub.id,
                                           Evidence.unique_id == unique_id)).first()
    if exists:
        return False
    s.add(Evidence(submission_id=sub.id, channel=channel, unique_id=unique_id, file_id=file_id,
                   url=url, local_path=local_path, caption=caption, created_at=now))
    return True


def evidence_of(s: Session, submission_id: int) -> Sequence[Evidence]:
    return s.exec(select(Evidence).where(Evidence.submission_id == submission_id).order_by(Evidence.id)).all()


def count_by(s: Session, column, *, campaign_code: str) -> dict[Any, int]:
    rows = s.exec(select(column, func.count()).where(Submission.campaign_code == campaign_code)
                  .group_by(column)).all()
    return {k: n for k, n in rows}


# -- audit --------------------------------------------------------------------------------

def audit(s: Session, *, actor_id: int | None, action: str, entity: str, entity_id: Any = None,
          before: dict | None = None, after: dict | None = None, reason: str | None = None,
          now: datetime) -> None:
    s.add(AuditLog(at=now, actor_id=actor_id, action=action, entity=entity,
                   entity_id=None if entity_id is None else str(entity_id),
                   before=before, after=after, reason=reason))


# -- outbox -------------------------------------------------------------------------------

def enqueue(s: Session, *, member_id: int | None, payload: dict, now: datetime,
            channel: str | None = None, chat_id: str | None = None,
            dedupe_key: str | None = None) -> list[Outbox]:
    """Queue a message for delivery: one row per channel identity of the member (or the one
    channel and chat given). With a dedupe_key a second enqueue of the same key adds nothing."""
    targets: list[tuple[str, str]]
    if channel is not None and chat_id is not None:
        targets = [(channel, chat_id)]
    elif member_id is not None:
        targets = [(i.channel, i.chat_id) for i in identities_of(s, member_id)
                   if channel is None or i.channel == channel]
    else:
        raise ValueError("enqueue needs a member or a channel and chat")
    rows: list[Outbox] = []
    for ch, chat in targets:
        key = None if dedupe_key is None else f"{dedupe_key}|{ch}"
        if key is not None and s.exec(select(Outbox).where(Outbox.dedupe_key == key)).first():
            continue
        row = Outbox(member_id=member_id, channel=ch, chat_id=chat, payload=payload,
                     dedupe_key=key, created_at=now, next_attempt_at=now)
        s.add(row)
        rows.append(row)
    s.flush()
    return rows


def due_outbox(s: Session, now: datetime, channel: str, limit: int = 100) -> Sequence[Outbox]:
    q = select(Outbox).where(Outbox.status == "pending", Outbox.next_attempt_at <= now,
                             Outbox.channel == channel)
    return s.exec(q.order_by(Outbox.id).limit(limit)).all()


def outbox_sent(s: Session, row: Outbox, now: datetime) -> None:
    row.status = "sent"
    row.sent_at = now
    row.attempts += 1
    s.add(row)


def outbox_failed(s: Session, row: Outbox, now: datetime, error: str, *, max_attempts: int = 8,
                  base_delay: float = 30.0) -> None:
    """Keep a failed message for a later try, backing off; after max_attempts it is marked
    failed (still kept, visible to staff) rather than dropped silently."""
    row.attempts += 1
    row.last_error = error[:500]
    if row.attempts >= max_attempts:
        row.status = "failed"
    else:
        row.next_attempt_at = now + timedelta(seconds=base_delay * 2 ** (row.attempts - 1))
    s.add(row)


# -- reminders, digests, scheduled slots (issue 6) -----------------------------------------

def enqueue_many(s: Session, items: Iterable[dict], now: datetime, chunk: int = 500) -> int:
    """Queue many messages in one statement per chunk (reminder fan-out to thousands).

    Each item: member_id, channel, chat_id, payload, dedupe_key (required; "|channel" is added
    as in enqueue). A key already queued is skipped, so a second run of a slot adds nothing;
    the UNIQUE dedupe_key column is the final guard. Returns how many rows were added."""
    from sqlalchemy import insert

    items = list(items)
    added = 0
    for i in range(0, len(items), chunk):
        part = items[i:i + chunk]
        keys = {f"{it['dedupe_key']}|{it['channel']}": it for it in part}
        existing = set(s.exec(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(list(keys)))).all())
        rows = [dict(member_id=it.get("member_id"), channel=it["channel"], chat_id=it["chat_id"],
                     payload=it["payload"], dedupe_key=key, status="pending", attempts=0,
                     created_at=now, next_attempt_at=now)
                for key, it in keys.items() if key not in existing]
        if rows:
            s.exec(insert(Outbox), params=rows)
            added += len(rows)
    return added


def outbox_defer(s: Session, row: Outbox, until: datetime, error: str) -> None:
    """The platform asked to wait (HTTP 429 retry_after): try again then, without counting an
    attempt (the message itself is fine)."""
    row.next_attempt_at = until
    row.last_error = error[:500]
    s.add(row)


def outbox_by_prefix(s: Session, prefix: str) -> Sequence[Outbox]:
    return s.exec(select(Outbox).where(Outbox.dedupe_key.startswith(prefix)).order_by(Outbox.id)).all()


def report_updates(s: Session, campaign_code: str) -> dict[str, datetime]:
    """Unit code -> when its latest unit report (kind "report", not withdrawn) was updated."""
    rows = s.exec(select(Submission.unit_code, func.max(Submission.updated_at))
                  .where(Submission.campaign_code == campaign_code, Submission.kind == "report",
                         Submission.status != "withdrawn", Submission.unit_code.is_not(None))
                  .group_by(Submission.unit_code)).all()
    out: dict[str, datetime] = {}
    for unit, at in rows:
        if isinstance(at, str):  # SQLite max() on a UTCDateTime column comes back as text
            at = datetime.fromisoformat(at)
        if at is not None and at.tzinfo is None:
            from datetime import timezone

            at = at.replace(tzinfo=timezone.utc)
        out[unit] = at
    return out


def digest_rows(s: Session, campaign_code: str) -> Sequence[tuple]:
    """(kind, unit_code, category, status, submitted_at) of every submission of a campaign."""
    return s.exec(select(Submission.kind, Submission.unit_code, Submission.category,
                         Submission.status, Submission.submitted_at)
                  .where(Submission.campaign_code == campaign_code).order_by(Submission.id)).all()


SLOT_ACTIONS = ("slot.run", "slot.skip")


def slot_record(s: Session, slot_id: str) -> AuditLog | None:
    """How a scheduled slot ended (ran or skipped), or None when it has not been handled."""
    return s.exec(select(AuditLog).where(AuditLog.entity == "slot", AuditLog.entity_id == slot_id,
                                         AuditLog.action.in_(SLOT_ACTIONS))
                  .order_by(AuditLog.id)).first()


def record_slot(s: Session, slot_id: str, *, ran: bool, now: datetime, after: dict | None = None,
                reason: str | None = None) -> None:
    audit(s, actor_id=None, action="slot.run" if ran else "slot.skip", entity="slot",
          entity_id=slot_id, after=after, reason=reason, now=now)


def last_slot_run(s: Session, prefixes: Iterable[str], before: datetime) -> AuditLog | None:
    """The latest slot run whose id starts with one of `prefixes` (e.g. the previous digest)."""
    from sqlalchemy import or_

    return s.exec(select(AuditLog).where(
        AuditLog.entity == "slot", AuditLog.action == "slot.run", AuditLog.at < before,
        or_(*[AuditLog.entity_id.startswith(p) for p in prefixes]))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())).first()
# -- exports (issue 7) --------------------------------------------------------------------
# Bulk reads for the workbook and the documents: one query per table, not one per row, so a
# campaign of ten thousand submissions exports in seconds.

def submission_rows(s: Session, *, campaign_code: str, kinds: Iterable[str] | None = None,
                    statuses: Iterable[str] | None = None) -> Sequence[Any]:
    """Like submissions(), as light read-only rows with the same attribute names (exports
    read thousands; rows come back several times faster than ORM objects)."""
    q = select(*Submission.__table__.columns).where(Submission.campaign_code == campaign_code)
    if kinds is not None:
        q = q.where(Submission.kind.in_(list(kinds)))
    if statuses is not None:
        q = q.where(Submission.status.in_(list(statuses)))
    return s.exec(q.order_by(Submission.id)).all()


def last_changes(s: Session, submission_ids: Iterable[int] | None = None) -> dict[int, Any]:
    """The latest status change of each submission as a light row (submission_id,
    from_status, to_status, actor_id, reason, at): who moved it last, when, why."""
    latest = select(func.max(StatusChange.id)).group_by(StatusChange.submission_id)
    q = select(StatusChange.submission_id, StatusChange.from_status, StatusChange.to_status,
               StatusChange.actor_id, StatusChange.reason, StatusChange.at).where(
        StatusChange.id.in_(latest))
    if submission_ids is not None:
        q = q.where(StatusChange.submission_id.in_(list(submission_ids)))
    return {c.submission_id: c for c in s.exec(q).all()}


def evidence_by_submission(s: Session, submission_ids: Iterable[int] | None = None) -> dict[int, list[Any]]:
    """Photos per submission as light rows (channel, file_id, unique_id, url, local_path)."""
    q = select(Evidence.submission_id, Evidence.channel, Evidence.file_id, Evidence.unique_id,
               Evidence.url, Evidence.local_path)
    if submission_ids is not None:
        q = q.where(Evidence.submission_id.in_(list(submission_ids)))
    out: dict[int, list[Any]] = {}
    for e in s.exec(q.order_by(Evidence.id)).all():
        out.setdefault(e.submission_id, []).append(e)
    return out


def member_names(s: Session) -> dict[int, str]:
    return {i: name for i, name in s.exec(select(Member.id, Member.full_name)).all()}


def audit_entries(s: Session, *, entity_ids: Iterable[str] | None = None) -> Sequence[Any]:
    """The audit log, oldest first, as light rows (at, actor_id, action, entity, entity_id,
    before, after, reason); with entity_ids only the rows about those submissions. The
    snapshot a creation row keeps is left out (after = None): the submission itself has it."""
    after = type_coerce(case((AuditLog.action.like("%.create"), null()), else_=AuditLog.after), JSON)
    q = select(AuditLog.at, AuditLog.actor_id, AuditLog.action, AuditLog.entity,
               AuditLog.entity_id, AuditLog.before, after.label("after"), AuditLog.reason)
    if entity_ids is not None:
        q = q.where(AuditLog.entity == "submission", AuditLog.entity_id.in_(list(entity_ids)))
    return s.exec(q.order_by(AuditLog.id)).all()
