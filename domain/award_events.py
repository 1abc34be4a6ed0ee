"""What the award step's operations return (issue 15): plain frozen data for the notification
handlers (domain/award_notices.py) and the callers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class AwardEvent:
    at: datetime
    actor_id: int | None


@dataclass(frozen=True)
class RoundOpened(AwardEvent):
    round_id: int
    number: int
    refs: tuple[str, ...]
    members: tuple[int, ...]


@dataclass(frozen=True)
class VoteCast(AwardEvent):
    round_id: int
    ref: str
    choice: str
    previous: str | None  # the member's earlier vote on the item, if they changed it


@dataclass(frozen=True)
class RoundClosed(AwardEvent):
    round_id: int
    number: int
    quorum_met: bool
    present: int
    members: int
    passed: tuple[str, ...]
    failed: tuple[str, ...]


@dataclass(frozen=True)
class DecisionRecorded(AwardEvent):
    decision_id: int
    number: str
    signed_on: date
    award: str
    refs: tuple[str, ...]


@dataclass(frozen=True)
class Awarded(AwardEvent):
    """One item of a decision: its submitter and, when found among the members, the awardee."""

    ref: str
    nominee: str
    submitter_id: int
    awardee_id: int | None
    award: str
    number: str
    signed_on: date


@dataclass(frozen=True)
class DecisionWithdrawn(AwardEvent):
    decision_id: int
    number: str
    reason: str
    refs: tuple[str, ...]


@dataclass(frozen=True)
class AwardWithdrawn(AwardEvent):
    ref: str
    nominee: str
    submitter_id: int
    number: str
    reason: str


@dataclass(frozen=True)
class HonoursAnnounced(AwardEvent):
    awardees: int
    recipients: int
