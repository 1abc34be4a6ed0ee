"""The decisions the dossier page makes, through the domain operations the chat uses: approve,
ask for more information or reject with a reason (domain.review.decide), put on an award's list
or take off it (domain.shortlist). The submitter is told by the domain's notification handlers,
exactly as for a decision made in chat.

A decision on a stale page (someone, in chat or on the web, moved or changed the dossier since
the page was shown) is refused with who moved it and when; the same form sent twice is stale
the second time, so nothing is applied twice."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from domain import review
from domain import shortlist as lists
from domain.lifecycle import may_move, stale
from domain.refusals import Refused
from domain.uow import UnitOfWork
from storage.models import Member, Submission

DECISIONS = {"approve": "approved", "needs_info": "needs_info", "reject": "rejected"}
NEEDS_REASON = ("needs_info", "reject")


def seen_mark(sub: Submission) -> str:
    """What the page saw: the dossier's status and version."""
    return f"{sub.status}:{sub.version}"


def _seen(seen: str) -> tuple[str, int]:
    status, _, version = seen.partition(":")
    return status or "?", int(version) if version.isdigit() else -1


def allowed(sub: Submission) -> list[str]:
    """The decisions possible from the dossier's status (unit reports are not decided on)."""
    if sub.kind == "report":
        return []
    return [k for k, to in DECISIONS.items() if may_move(sub.status, to)]


def decide(
    s: Session, sub: Submission, decision: str, *, actor: Member, now: datetime, seen: str, reason: str | None
) -> Refused | None:
    """Apply the decision, or the refusal (a StaleDecision says who moved it and when)."""
    status, version = _seen(seen)
    try:
        review.decide(
            UnitOfWork(s, now),
            actor,
            sub.ref,
            DECISIONS[decision],
            reason,
            seen_status=status,
            seen_version=version,
        )
    except Refused as exc:
        return exc
    return None


def put_on_list(
    s: Session,
    campaign,
    sub: Submission,
    award: str,
    *,
    actor: Member,
    now: datetime,
    seen: str,
    remove: bool = False,
) -> Refused | None:
    """Put an approved dossier on an award's list (quota and one award per achievement checked
    by the domain) or take it off; refused on a stale page like a decision."""
    if _seen(seen) != (sub.status, sub.version):
        return stale(UnitOfWork(s, now), sub)
    try:
        (lists.unlist if remove else lists.shortlist)(UnitOfWork(s, now), actor, campaign, sub.ref, award)
    except Refused as exc:
        return exc
    return None
