"""What happened: the domain events an operation returns. Frozen, plain data; the
notification handlers (domain/notifications.py) and the callers read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Event:
    at: datetime
    actor_id: int | None


@dataclass(frozen=True)
class StatusMoved(Event):
    """A submission changed status; the concrete events below say why."""

    ref: str
    submitter_id: int
    nominee: str | None
    from_status: str | None
    to_status: str
    reason: str | None


@dataclass(frozen=True)
class Submitted(StatusMoved):
    kind: str = ""


@dataclass(frozen=True)
class Amended(Event):
    ref: str
    version: int


@dataclass(frozen=True)
class Resubmitted(StatusMoved):
    """Back to the appraisal queue after the submitter added what staff asked for."""


@dataclass(frozen=True)
class Withdrawn(StatusMoved):
    pass


@dataclass(frozen=True)
class TakenForReview(StatusMoved):
    pass


@dataclass(frozen=True)
class Decided(StatusMoved):
    pass


@dataclass(frozen=True)
class CitationWritten(Event):
    """Staff wrote (or cleared) a submission's citation («Trích yếu thành tích»)."""

    ref: str
    citation: str | None


@dataclass(frozen=True)
class ReviewSkipped(Event):
    ref: str


@dataclass(frozen=True)
class Shortlisted(StatusMoved):
    award: str = ""


@dataclass(frozen=True)
class Unlisted(StatusMoved):
    award: str = ""


@dataclass(frozen=True)
class QuotaExceeded(Event):
    ref: str
    award: str
    group: str
    maximum: int


@dataclass(frozen=True)
class MemberRegistered(Event):
    member_id: int
    role: str
    unit_code: str | None
    channel: str


@dataclass(frozen=True)
class RoleChanged(Event):
    member_id: int
    role: str
    unit_code: str | None


@dataclass(frozen=True)
class InviteIssued(Event):
    invite_id: int
    code: str
    purpose: str
    expires_at: datetime


@dataclass(frozen=True)
class InviteRedeemed(Event):
    invite_id: int
    member_id: int
    purpose: str


@dataclass(frozen=True)
class IdentityLinked(Event):
    member_id: int
    channel: str


@dataclass(frozen=True)
class Announced(Event):
    """An announcement queued through the outbox (launch or staff's)."""

    announcement_id: int
    kind: str  # announce | launch
    members: int
    groups: int
    rows: int


@dataclass(frozen=True)
class DeliveriesRetried(Event):
    announcement_id: int
    rows: int


@dataclass(frozen=True)
class OptOutChanged(Event):
    """«Dừng nhận tin» (opted_out) or «Nhận lại tin»."""

    member_id: int
    opted_out: bool


@dataclass(frozen=True)
class GroupLinked(Event):
    group_id: int
    channel: str
    unit_code: str


@dataclass(frozen=True)
class ReachableAgain(Event):
    """A chat that had blocked the bot wrote to it again."""

    member_id: int
    channel: str
