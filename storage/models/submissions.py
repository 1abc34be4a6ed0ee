"""Submissions with their counters, versions, status history, evidence, and the reference counters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint, false
from sqlmodel import Field

from .base import Table, _json, _ts


class Submission(Table, table=True):
    """A nomination (DC), a unit proposal (DN) or a unit report (BC)."""

    __tablename__ = "submission"
    __table_args__ = (
        # a status's rows in the order they came (the approved candidates' pages, the digest's
        # tie order): ORDER BY id read from the index on PostgreSQL too
        Index("ix_submission_status_id", "campaign_code", "status", "id"),
        # an award's council list a page at a time (ORDER BY id LIMIT)
        Index("ix_submission_award", "campaign_code", "shortlist_award", "id"),
        # the web console's dossier list filtered by category or award: counted from this
        # narrow index alone, not from the wide rows (on SQLite the flagged ones have their own
        # partial index, ix_submission_flagged, made by migration console_scale)
        Index(
            "ix_submission_list", "campaign_code", "category", "proposed_award", "shortlist_award", "status"
        ),
        # a unit's reports or proposals a page at a time (a head's «Hồ sơ»)
        Index("ix_submission_unit_kind", "unit_code", "kind", "id"),
        # a unit's awards across every campaign (Tra cứu khen thưởng: storage/lookup.py), not
        # every nomination the unit ever sent
        Index("ix_submission_unit_status", "unit_code", "status", "id"),
        # what a person sent, a page at a time (PostgreSQL would else walk the primary key
        # for ORDER BY id LIMIT and filter, all of it for someone who sent nothing)
        Index("ix_submission_submitter", "submitter_id", "id"),
        # the next dossier to appraise: one index range, oldest first, LIMIT 1
        Index("ix_submission_queue", "campaign_code", "status", "kind", "submitted_at", "id"),
        # statistics and the digest: GROUP BY read from the index alone (covering)
        Index(
            "ix_submission_summary",
            "campaign_code",
            "unit_code",
            "category",
            "status",
            "kind",
            "submitted_at",
            "id",
        ),
        # the digest's «new since the last one»: only that time range is read
        Index("ix_submission_new", "campaign_code", "submitted_at", "unit_code", "status"),
    )
    id: int = Field(default=None, primary_key=True)
    # every row is inserted with its reference (storage.submissions.insert_submission); the
    # column stays nullable as it was created
    ref: str = Field(default=None, max_length=16, unique=True, nullable=True)
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
    contents: list[Any] = _json(list)
    achievements: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # the office's «Trích yếu thành tích»: one or two sentences written (or accepted) by staff;
    # what the council list, the decision's annex, the Giấy khen and the public page print.
    # None until staff write it: domain.citation.shown() then offers a suggestion made from the
    # submitter's text with money figures left out.
    citation: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answers: dict[str, Any] = _json(dict)  # criteria checks, figures, vote note ... (shape from campaign)
    flags: list[Any] = _json(list)  # criteria not met, for staff
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
    triggers on `submission` (storage/counters.py), so every write (operations, bulk seeding,
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
    id: int = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    version: int
    snapshot: dict[str, Any] = _json(dict)
    created_at: datetime = _ts()


class StatusChange(Table, table=True):
    __tablename__ = "status_change"
    id: int = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    at: datetime = _ts()


class Evidence(Table, table=True):
    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("submission_id", "unique_id", name="uq_evidence_photo"),)
    id: int = Field(default=None, primary_key=True)
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


class RefCounter(Table, table=True):
    """The last reference number given per prefix (BC, DC, DN): one counter per kind."""

    __tablename__ = "ref_counter"
    prefix: str = Field(primary_key=True, max_length=8)
    value: int = Field(default=0)
