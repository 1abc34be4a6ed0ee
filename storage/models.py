"""All tables, in one module (as in the full-stack FastAPI template).

Times are stored as UTC and come back timezone-aware (UTCDateTime). JSON columns hold the
parts of a submission whose shape the campaign file decides (answers, figures).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Integer, Text, UniqueConstraint, false
from sqlalchemy.types import TypeDecorator
from pydantic import ConfigDict
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC times only")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _ts(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _json(default_factory=dict) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


class Table(SQLModel):
    """Every table's base. Table models are never validated (SQLModel builds them without
    pydantic validation), so pydantic's validator and serializer are built on first use, if
    ever, not when this module is imported (about 15 ms of every start)."""

    model_config = ConfigDict(defer_build=True)


DISPLAY_NAME_MAX = 256


class Member(Table, table=True):
    __tablename__ = "member"
    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=120)
    phone: str | None = Field(default=None, max_length=20)
    role: str = Field(default="resident", max_length=16, index=True)  # resident|head|staff|admin
    unit_code: str | None = Field(default=None, max_length=16, index=True)
    # «Dừng nhận tin»: no announcements or reminders (decisions about their own dossier still go)
    opted_out_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Identity(Table, table=True):
    """One channel account of a member: a person may use Telegram and Zalo."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_identity_channel_user"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    chat_id: str = Field(max_length=128)
    # Telegram: first (64) + " " + last name (64); Zalo sends longer ones: kept to DISPLAY_NAME_MAX
    display_name: str | None = Field(default=None, max_length=DISPLAY_NAME_MAX)
    # the chat blocked the bot (Telegram 403, Zalo's equivalent): nothing more is sent there
    unreachable_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()


class Invite(Table, table=True):
    __tablename__ = "invite"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    purpose: str = Field(default="role", max_length=16)  # role | link
    role: str | None = Field(default=None, max_length=16)
    unit_code: str | None = Field(default=None, max_length=16)
    member_id: int | None = Field(default=None, foreign_key="member.id")  # for link codes
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)
    used_by: int | None = Field(default=None, foreign_key="member.id")


class Submission(Table, table=True):
    """A nomination (DC), a unit proposal (DN) or a unit report (BC)."""

    __tablename__ = "submission"
    __table_args__ = (
        # a status's rows in the order they came (the approved candidates' pages, the digest's
        # tie order): ORDER BY id read from the index on PostgreSQL too
        Index("ix_submission_status_id", "campaign_code", "status", "id"),
        # an award's council list a page at a time (ORDER BY id LIMIT)
        Index("ix_submission_award", "campaign_code", "shortlist_award", "id"),
        # a unit's reports or proposals a page at a time (a head's «Hồ sơ»)
        Index("ix_submission_unit_kind", "unit_code", "kind", "id"),
        # what a person sent, a page at a time (PostgreSQL would else walk the primary key
        # for ORDER BY id LIMIT and filter, all of it for someone who sent nothing)
        Index("ix_submission_submitter", "submitter_id", "id"),
        # the next dossier to appraise: one index range, oldest first, LIMIT 1
        Index("ix_submission_queue", "campaign_code", "status", "kind", "submitted_at", "id"),
        # statistics and the digest: GROUP BY read from the index alone (covering)
        Index("ix_submission_summary", "campaign_code", "unit_code", "category", "status", "kind",
              "submitted_at", "id"),
        # the digest's «new since the last one»: only that time range is read
        Index("ix_submission_new", "campaign_code", "submitted_at", "unit_code", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    ref: str | None = Field(default=None, max_length=16, unique=True)
    campaign_code: str = Field(max_length=40)
    kind: str = Field(max_length=16)  # nomination | proposal | report
    status: str = Field(max_length=16)
    submitter_id: int = Field(foreign_key="member.id")  # ix_submission_submitter
    unit_code: str | None = Field(default=None, max_length=16)  # ix_submission_unit_kind
    category: str | None = Field(default=None, max_length=32)
    nominee: str | None = Field(default=None, max_length=200)
    # the nominee folded for search (lower case, no diacritics, đ -> d: messages.folding.fold),
    # written by the domain with the nominee, so «nguyen van duc» finds «Nguyễn Văn Đức»
    nominee_key: str | None = Field(default=None, max_length=200)
    contents: list = _json(list)
    achievements: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answers: dict = _json(dict)  # criteria checks, figures, vote note ... (shape from campaign)
    flags: list = _json(list)  # criteria not met, for staff
    proposed_award: str | None = Field(default=None, max_length=32)
    shortlist_award: str | None = Field(default=None, max_length=32)
    version: int = Field(default=1)
    created_at: datetime = _ts()
    submitted_at: datetime | None = _ts(nullable=True)
    updated_at: datetime = _ts()


class SubmissionTally(Table, table=True):
    """How many submissions there are per (campaign, kind, status, unit, category, award of the
    council list): the counters statistics, the digest and the screens' totals read, so a
    count costs a few hundred rows whatever the number of submissions. Kept by database
    triggers on `submission` (migration i14_tally), so every write (operations, bulk seeding,
    raw SQL) keeps them right. '' stands for no unit / category / award."""

    __tablename__ = "submission_tally"
    __table_args__ = {"sqlite_with_rowid": False}  # read in key order, no row look-ups
    campaign_code: str = Field(primary_key=True, max_length=40)
    kind: str = Field(primary_key=True, max_length=16)
    status: str = Field(primary_key=True, max_length=16)
    unit_code: str = Field(primary_key=True, max_length=16)
    category: str = Field(primary_key=True, max_length=32)
    shortlist_award: str = Field(primary_key=True, max_length=32)
    n: int = Field(default=0)


class SubmissionSent(Table, table=True):
    """Submissions sent per (campaign, span, start, unit), withdrawn ones left out: span "day"
    counts a UTC day (start: that day), span "month" a UTC month (start: its first day). The
    digest's «new since the last one» adds whole months and days from here and counts only
    the two edge days row by row. Kept by the same triggers as SubmissionTally; '' = no unit."""

    __tablename__ = "submission_sent"
    __table_args__ = {"sqlite_with_rowid": False}  # read in key order, no row look-ups
    campaign_code: str = Field(primary_key=True, max_length=40)
    span: str = Field(primary_key=True, max_length=8)  # day | month
    start: date = Field(primary_key=True)
    unit_code: str = Field(primary_key=True, max_length=16)
    n: int = Field(default=0)


class SubmissionVersion(Table, table=True):
    """Earlier versions of a submission (unit reports keep every update)."""

    __tablename__ = "submission_version"
    __table_args__ = (UniqueConstraint("submission_id", "version", name="uq_submission_version"),)
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    version: int
    snapshot: dict = _json(dict)
    created_at: datetime = _ts()


class StatusChange(Table, table=True):
    __tablename__ = "status_change"
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    at: datetime = _ts()


class Evidence(Table, table=True):
    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("submission_id", "unique_id", name="uq_evidence_photo"),)
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    kind: str = Field(default="photo", max_length=16)
    channel: str = Field(max_length=16)
    file_id: str | None = Field(default=None, max_length=256)
    unique_id: str = Field(max_length=256)
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # Zalo: 1,500+
    local_path: str | None = Field(default=None, max_length=500)
    caption: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # the submitter agreed that the photo may be shown on the public page after an award
    publish_consent: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = _ts()


class CouncilRound(Table, table=True):
    """A sitting of the council (bình xét): its members at the opening, who opened and
    closed it. Items and votes hang off it; its minutes are rendered from them."""

    __tablename__ = "council_round"
    id: int | None = Field(default=None, primary_key=True)
    campaign_code: str = Field(max_length=40, index=True)
    number: int  # 1, 2, ... within the campaign
    status: str = Field(default="open", max_length=16)  # open | closed
    members: list = _json(list)  # member ids of the council when the round opened
    opened_by: int | None = Field(default=None, foreign_key="member.id")
    opened_at: datetime = _ts()
    closed_by: int | None = Field(default=None, foreign_key="member.id")
    closed_at: datetime | None = _ts(nullable=True)
    quorum_met: bool | None = Field(default=None)


class CouncilItem(Table, table=True):
    """A submission put to the council in a round, and the round's result for it."""

    __tablename__ = "council_item"
    __table_args__ = (UniqueConstraint("round_id", "submission_id", name="uq_council_item"),)
    id: int | None = Field(default=None, primary_key=True)
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
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="council_item.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    choice: str = Field(max_length=16)  # agree | disagree | more_info
    cast_at: datetime = _ts()
    changed_at: datetime = _ts()


class AwardDecision(Table, table=True):
    """The chairman's decision (Quyết định khen thưởng) as recorded by staff: the commune's
    own, or the district's when it comes back. Withdrawn, never deleted."""

    __tablename__ = "award_decision"
    id: int | None = Field(default=None, primary_key=True)
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
    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="award_decision.id", index=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    position: int  # the line in the attached list, the certificate's register number


_VERSION = Column("version", Integer, nullable=False, server_default="0")


class ConversationState(Table, table=True):
    """Where a person is in a conversation: a row, so a restart continues it."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_state_channel_user"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=128)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    flow: str | None = Field(default=None, max_length=32, index=True)
    step: str | None = Field(default=None, max_length=48)
    seq: int = Field(default=0)  # bumps with every question: a button from an older one is stale
    data: dict = _json(dict)
    # bumps with every save; a save from a stale read (another process moved this person on
    # meanwhile) raises StaleDataError instead of overwriting: SQLAlchemy's optimistic lock
    version: int = Field(default=0, sa_column=_VERSION)
    updated_at: datetime = _ts()

    __mapper_args__ = {"version_id_col": _VERSION}


class ProcessedEvent(Table, table=True):
    __tablename__ = "processed_event"
    key: str = Field(primary_key=True, max_length=200)
    at: datetime = _ts(index=True)


class AuditLog(Table, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (
        # the last digest slot before a time (storage/slots.last_slot_run): a seek, not a scan
        Index("ix_audit_log_entity_action_at", "entity", "action", "at", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    action: str = Field(max_length=48)
    entity: str = Field(max_length=32)
    entity_id: str | None = Field(default=None, max_length=32)
    before: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Outbox(Table, table=True):
    """A message to a member that is not a direct reply (notifications, reminders, digests).

    Written in the same transaction as what caused it; a channel sender delivers it and marks
    it sent, or keeps it for a later try. Nothing is dropped.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe"),
        Index("ix_outbox_pending", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    channel: str | None = Field(default=None, max_length=16)  # None: every identity of the member
    chat_id: str | None = Field(default=None, max_length=128)
    payload: dict = _json(dict)  # a serialised reply
    dedupe_key: str | None = Field(default=None, max_length=200)
    status: str = Field(default="pending", max_length=16)  # pending|sent|failed
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _ts()
    next_attempt_at: datetime = _ts()
    sent_at: datetime | None = _ts(nullable=True)
    # a sender claims a row before sending it; the claim lapses at claimed_until if it dies
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = _ts(nullable=True)


class Announcement(Table, table=True):
    """A message from staff to an audience (IV.1: bring the campaign to everyone). Its
    deliveries are outbox rows keyed "ann:<id>:<member or group>"; the counts come from there."""

    __tablename__ = "announcement"
    id: int | None = Field(default=None, primary_key=True)
    # set for announcements that must exist once ("launch:<campaign>"); UNIQUE guards a race
    key: str | None = Field(default=None, max_length=80, unique=True)
    campaign_code: str = Field(max_length=40)
    kind: str = Field(default="announce", max_length=16)  # announce | launch
    audience: dict = _json(dict)  # {"kind": "unit", "units": ["T01"]} ...
    text: str = Field(sa_column=Column(Text, nullable=False))
    photo: str | None = Field(default=None, max_length=1000)  # a local file path
    created_by: int | None = Field(default=None, foreign_key="member.id")
    channel: str = Field(default="cli", max_length=16)  # where it was sent from
    recipients: int = Field(default=0)  # members reached when queued
    groups: int = Field(default=0)  # village groups reached when queued
    created_at: datetime = _ts()


class GroupLink(Table, table=True):
    """A village's chat group linked to its unit: announcements to the unit go there too."""

    __tablename__ = "group_link"
    __table_args__ = (UniqueConstraint("channel", "chat_id", name="uq_group_link_chat"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    unit_code: str = Field(max_length=16, index=True)
    title: str | None = Field(default=None, max_length=255)
    linked_by: int | None = Field(default=None, foreign_key="member.id")
    linked_at: datetime = _ts()


class RefCounter(Table, table=True):
    """The last reference number given per prefix (BC, DC, DN): one counter per kind."""

    __tablename__ = "ref_counter"
    prefix: str = Field(primary_key=True, max_length=8)
    value: int = Field(default=0)


class WebLink(Table, table=True):
    """A one-time sign-in link to the web console (only its SHA-256 is kept). With a member it
    signs that member in; without one (an office starting from the web) it carries the role and
    unit and asks the person's name on first use."""

    __tablename__ = "web_link"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    role: str | None = Field(default=None, max_length=16)
    unit_code: str | None = Field(default=None, max_length=16)
    created_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)
    used_by: int | None = Field(default=None, foreign_key="member.id")


class WebSession(Table, table=True):
    """A signed-in browser: the cookie holds the token, the row its SHA-256, the CSRF secret
    and when it ends (12 hours, or «Đăng xuất»)."""

    __tablename__ = "web_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    csrf: str = Field(max_length=64)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    revoked_at: datetime | None = _ts(nullable=True)
