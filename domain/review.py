"""Appraisal by staff: take the oldest waiting item, decide on it, or skip it."""

from __future__ import annotations

from storage import audit
from storage.models import Member

from .events import Decided, Event, ReviewSkipped, TakenForReview
from .lifecycle import DECISIONS, may_move, move
from .lifecycle import stale as stale_refusal
from .refusals import Refused
from .roles import STAFF, require
from .submissions import find
from .uow import UnitOfWork


def take_for_review(uow: UnitOfWork, actor: Member | None, ref: str) -> list[Event]:
    """A submitted item becomes «under review» when staff open it (already so: nothing)."""
    actor = require(actor, STAFF)
    sub = find(uow, ref)
    if sub.status != "submitted":
        return []
    return [move(uow, sub, "under_review", actor_id=actor.id, reason=None, event=TakenForReview)]


def skip(uow: UnitOfWork, actor: Member | None, ref: str) -> list[Event]:
    actor = require(actor, STAFF)
    sub = find(uow, ref)
    audit.audit(
        uow.session,
        actor_id=actor.id,
        action="review.skip",
        entity="submission",
        entity_id=sub.ref,
        before={"status": sub.status},
        after={"status": sub.status},
        now=uow.now,
    )
    return uow.record([ReviewSkipped(at=uow.now, actor_id=actor.id, ref=sub.ref)])


def decide(
    uow: UnitOfWork,
    actor: Member | None,
    ref: str,
    outcome: str,
    reason: str | None = None,
    *,
    seen_status: str | None = None,
    seen_version: int | None = None,
) -> list[Event]:
    """Approve, ask for more information or reject. A decision made on what the decider saw
    (`seen_status`, `seen_version`) is refused when someone else has moved or changed the item
    since: StaleDecision says who and when. The write itself is conditional on the version read
    (lifecycle.move), so of two decisions made at once the second is refused the same way."""
    actor = require(actor, STAFF)
    if outcome not in DECISIONS:
        raise ValueError(f"unknown decision {outcome!r}")
    sub = find(uow, ref)
    stale = (
        (seen_status is not None and sub.status != seen_status)
        or (seen_version is not None and sub.version != seen_version)
        or not may_move(sub.status, outcome)
    )
    if stale:
        raise stale_refusal(uow, sub)
    if outcome in ("needs_info", "rejected") and not (reason or "").strip():
        raise Refused("rev.reason_needed")
    return [move(uow, sub, outcome, actor_id=actor.id, reason=reason, event=Decided)]
