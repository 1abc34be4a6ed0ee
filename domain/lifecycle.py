"""The life of a submission (docs/domain.md): its kinds, their reference numbers, its statuses
and the moves allowed between them. A move not listed here is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from messages.catalog import has, t
from storage import audit, ref_counters, submissions
from storage.models import Member, Submission

from .events import StatusMoved
from .refusals import StaleDecision

if TYPE_CHECKING:  # pragma: no cover
    from .uow import UnitOfWork

# kind -> reference prefix; each kind counts on its own (the first report is BC-0001)
KINDS: dict[str, str] = {"nomination": "DC", "proposal": "DN", "report": "BC"}
ENTRY_KINDS = ("nomination", "proposal")  # what staff appraise and the council lists

TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({"submitted"}),
    "submitted": frozenset({"under_review", "withdrawn", "approved", "needs_info", "rejected"}),
    "under_review": frozenset({"approved", "needs_info", "rejected"}),
    "needs_info": frozenset({"under_review", "withdrawn", "rejected"}),
    "approved": frozenset({"shortlisted", "rejected"}),
    "shortlisted": frozenset({"approved", "awarded", "not_recommended"}),
    "awarded": frozenset({"shortlisted"}),  # a decision withdrawn by staff, with a reason
    "not_recommended": frozenset(),  # the council's vote failed: it leaves the council's list
    "rejected": frozenset(),
    "withdrawn": frozenset(),
}
STATUSES: tuple[str, ...] = tuple(k for k in TRANSITIONS if k)

WITHDRAWABLE = frozenset({"submitted", "needs_info"})  # before staff have taken it
AWAITING_REVIEW = frozenset({"submitted", "under_review"})  # the appraisal queue
# What waits for the office, counted alike by the overview, the digest, chat «Thẩm định hồ sơ»
# and the web list «Chờ thẩm định»: entries not yet decided. A unit report is never waiting:
# the office receives it as sent (it is updated until the deadline and backs the unit's
# proposal, it is not appraised on its own), so a sent report reads «Văn phòng đã nhận».
WAITING_KINDS = ENTRY_KINDS
WAITING_STATUSES = tuple(sorted(AWAITING_REVIEW))
DECISIONS = frozenset({"approved", "needs_info", "rejected"})


def may_move(from_status: str | None, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def format_ref(kind: str, number: int) -> str:
    return f"{KINDS[kind]}-{number:04d}"


def next_ref(s: Session, kind: str) -> str:
    """The next reference of this kind, taken from its own counter in this transaction."""
    return format_ref(kind, ref_counters.next_number(s, KINDS[kind]))


def waits_for_office(kind: str, status: str) -> bool:
    return kind in WAITING_KINDS and status in AWAITING_REVIEW


def status_key(status: str, kind: str | None = None) -> str:
    """The catalog key of a status as it reads for this kind: a unit report has its own words
    where an entry's would say it waits for appraisal ("status.report.<status>")."""
    own = f"status.{kind}.{status}"
    return own if kind and has(own) else f"status.{status}"


def status_label(status: str, kind: str | None = None) -> str:
    """How a status reads for people (catalog "status.<status>", or the kind's own words)."""
    return t(status_key(status, kind))


def stale(uow: UnitOfWork, sub: Submission) -> StaleDecision:
    """The refusal of a move made on an out-of-date reading of `sub`: where it is now, who
    moved it there and when (read afresh from the database)."""
    uow.session.refresh(sub)
    last = submissions.history(uow.session, sub.id)[-1]
    who = uow.session.get(Member, last.actor_id) if last.actor_id else None
    return StaleDecision(
        sub.ref, status_label(sub.status), last.actor_id, who.full_name if who else None, last.at
    )


class TransitionError(ValueError):
    """A move the lifecycle does not allow (a bug in the caller: operations check first)."""


def move(
    uow: UnitOfWork,
    sub: Submission,
    to_status: str,
    *,
    actor_id: int | None,
    reason: str | None,
    event: type[StatusMoved] = StatusMoved,
    fields: dict[str, Any] | None = None,
    **extra: Any,
) -> StatusMoved:
    """The one way a status changes: the status and history rows, the audit row, and the event
    (recorded in the unit of work, so the notification handlers run in this transaction).
    `fields` (e.g. shortlist_award) change with the status and are audited with it."""
    from_status = None if sub.status == "draft" else sub.status
    if not may_move(from_status, to_status):
        raise TransitionError(f"{sub.ref}: {from_status} -> {to_status} is not allowed")
    if sub.id is not None and not submissions.claim(uow.session, sub, now=uow.now):
        # another transaction moved or changed it since it was read: two staff at once
        raise stale(uow, sub)
    before: dict[str, Any] = {"status": from_status}
    after: dict[str, Any] = {"status": to_status}
    for k, v in (fields or {}).items():
        before[k], after[k] = getattr(sub, k), v
    submissions.record_status(
        uow.session, sub, to_status, actor_id=actor_id, reason=reason, now=uow.now, fields=fields
    )
    audit.audit(
        uow.session,
        actor_id=actor_id,
        action="status",
        entity="submission",
        entity_id=sub.ref,
        before=before,
        after=after,
        reason=reason,
        now=uow.now,
    )
    moved = event(
        at=uow.now,
        actor_id=actor_id,
        ref=sub.ref,
        submitter_id=sub.submitter_id,
        nominee=sub.nominee,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        **extra,
    )
    uow.record([moved])
    return moved
