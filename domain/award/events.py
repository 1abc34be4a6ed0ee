"""What the award step's operations return: plain frozen data for the notification
handlers (domain/award/notices.py) and the callers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..events import Event, StatusMoved


@dataclass(frozen=True)
class RoundOpened(Event):
    round_id: int
    number: int
    refs: tuple[str, ...]
    members: tuple[int, ...]


@dataclass(frozen=True)
class VoteCast(Event):
    round_id: int
    ref: str
    choice: str
    previous: str | None  # the member's earlier vote on the item, if they changed it


@dataclass(frozen=True)
class RoundClosed(Event):
    round_id: int
    number: int
    quorum_met: bool
    present: int
    members: int
    passed: tuple[str, ...]
    failed: tuple[str, ...]


@dataclass(frozen=True)
class NotRecommended(StatusMoved):
    """An item that failed the council's vote leaves the list; its nominator is told."""

    round_number: int = 0
    agree: int = 0
    present: int = 0


@dataclass(frozen=True)
class DecisionRecorded(Event):
    decision_id: int
    number: str
    signed_on: date
    award: str
    refs: tuple[str, ...]


@dataclass(frozen=True)
class Awarded(StatusMoved):
    """An item of a decision becomes `awarded`: its submitter and, when found among the
    members, the awardee are told."""

    awardee_id: int | None = None
    award: str = ""
    number: str = ""
    signed_on: date | None = None


@dataclass(frozen=True)
class LeftOut(Event):
    """An item on the council's list for an award that a decision of that award did not
    include: its submitter is told (the item stays on the list)."""

    ref: str
    submitter_id: int
    nominee: str | None
    number: str
    award: str


@dataclass(frozen=True)
class DecisionWithdrawn(Event):
    decision_id: int
    number: str
    reason: str
    refs: tuple[str, ...]


@dataclass(frozen=True)
class AwardWithdrawn(StatusMoved):
    """An item back on the council's list because its decision was withdrawn."""

    number: str = ""
    awardee_id: int | None = None


@dataclass(frozen=True)
class HonoursAnnounced(Event):
    awardees: int
    recipients: int
