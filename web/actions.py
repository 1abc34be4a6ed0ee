"""The decisions the dossier page makes. Each one is refused when the page was stale (another
person, in chat or on the web, moved the dossier since it was shown): the person is told who
moved it and when, and nothing is applied twice (a second click of the same form is stale too).

Until the domain operations land this moves the status through handlers.status.move, the same
function the chat's appraisal uses, so the history row, the audit row and the submitter's
message are the ones a chat decision makes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from handlers.status import move
from storage import submissions
from storage.models import Member, Submission
from storage.submissions import TRANSITIONS

DECISIONS = {"approve": "approved", "needs_info": "needs_info", "reject": "rejected"}
NEEDS_REASON = ("needs_info", "reject")


def seen_mark(s: Session, sub: Submission) -> str:
    """What the page saw: the id of the latest status change (and the status)."""
    last = _last(s, sub)
    return f"{sub.status}:{last.id if last else 0}"


def _last(s: Session, sub: Submission):
    changes = submissions.history(s, sub.id)
    return changes[-1] if changes else None


def allowed(sub: Submission) -> list[str]:
    """The decisions possible from the dossier's status."""
    moves = TRANSITIONS.get(sub.status, frozenset())
    return [k for k, to in DECISIONS.items() if to in moves] if sub.kind != "report" else []


@dataclass
class Stale:
    who: str
    at: object  # datetime
    status: str


@dataclass
class _Ctx:  # what handlers.status.move reads
    session: Session
    member: Member
    now: object


def decide(s: Session, sub: Submission, decision: str, *, actor: Member, now, seen: str,
           reason: str | None) -> Stale | None:
    """Apply the decision, or return who changed the dossier since the page was shown."""
    if seen != seen_mark(s, sub) or decision not in allowed(sub):
        last = _last(s, sub)
        who = s.get(Member, last.actor_id) if last and last.actor_id else None
        return Stale(who=who.full_name if who else "—", at=last.at if last else None, status=sub.status)
    move(_Ctx(s, actor, now), sub, DECISIONS[decision], reason=reason)
    return None
