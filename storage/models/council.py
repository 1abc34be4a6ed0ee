"""The council's rounds, items and votes; award decisions and their items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field

from .base import Table, _json, _ts


class CouncilRound(Table, table=True):
    """A sitting of the council (bình xét): its members at the opening, who opened and
    closed it. Items and votes hang off it; its minutes are rendered from them."""

    __tablename__ = "council_round"
    __table_args__ = (
        Index("uq_council_round_number", "campaign_code", "number", unique=True),
        # at most one open round per campaign (a partial index: SQLite and PostgreSQL alike)
        Index(
            "uq_council_round_open",
            "campaign_code",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )
    id: int = Field(default=None, primary_key=True)
    campaign_code: str = Field(max_length=40, index=True)
    number: int  # 1, 2, ... within the campaign
    status: str = Field(default="open", max_length=16)  # open | closed
    members: list[Any] = _json(list)  # member ids of the council when the round opened
    opened_by: int | None = Field(default=None, foreign_key="member.id")
    opened_at: datetime = _ts()
    closed_by: int | None = Field(default=None, foreign_key="member.id")
    closed_at: datetime | None = _ts(nullable=True)
    quorum_met: bool | None = Field(default=None)


class CouncilItem(Table, table=True):
    """A submission put to the council in a round, and the round's result for it."""

    __tablename__ = "council_item"
    __table_args__ = (UniqueConstraint("round_id", "submission_id", name="uq_council_item"),)
    id: int = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="council_round.id", index=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    award_key: str = Field(max_length=32)
    position: int
    result: str | None = Field(default=None, max_length=16)  # passed | failed | no_quorum
    agree: int = Field(default=0)
    disagree: int = Field(default=0)
    more_info: int = Field(default=0)


class CouncilVote(Table, table=True):
    """A member's current vote on an item; a change overwrites it (the audit log keeps each)."""

    __tablename__ = "council_vote"
    __table_args__ = (UniqueConstraint("item_id", "member_id", name="uq_council_vote"),)
    id: int = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="council_item.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    choice: str = Field(max_length=16)  # agree | disagree | more_info
    cast_at: datetime = _ts()
    changed_at: datetime = _ts()


class AwardDecision(Table, table=True):
    """The chairman's decision (Quyết định khen thưởng) as recorded by staff: the commune's
    own, or the district's when it comes back. Withdrawn, never deleted."""

    __tablename__ = "award_decision"
    id: int = Field(default=None, primary_key=True)
    campaign_code: str = Field(max_length=40, index=True)
    award_key: str = Field(max_length=32)  # the award, hence the level: commune | district
    number: str = Field(max_length=40)  # 125/QĐ-UBND
    signed_on: date
    signer_name: str = Field(max_length=120)
    signer_title: str = Field(max_length=120)
    round_id: int | None = Field(default=None, foreign_key="council_round.id")
    recorded_by: int | None = Field(default=None, foreign_key="member.id")
    recorded_at: datetime = _ts()
    withdrawn: bool = Field(default=False)
    withdrawn_by: int | None = Field(default=None, foreign_key="member.id")
    withdrawn_at: datetime | None = _ts(nullable=True)
    withdrawn_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class AwardDecisionItem(Table, table=True):
    __tablename__ = "award_decision_item"
    __table_args__ = (UniqueConstraint("decision_id", "submission_id", name="uq_decision_item"),)
    id: int = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="award_decision.id", index=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    position: int  # the line in the attached list, the certificate's register number
