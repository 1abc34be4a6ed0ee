"""The audit log, the outbox, announcements and linked village groups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from .base import Table, UTCDateTime, _json, _ts


class AuditLog(Table, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (
        # the last digest slot before a time (storage/slots.last_slot_run): a seek, not a scan
        Index("ix_audit_log_entity_action_at", "entity", "action", "at", "id"),
        # one dossier's trail (the web console's dossier page, exports of a few dossiers)
        Index("ix_audit_log_entity_id", "entity", "entity_id", "id"),
    )
    id: int = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    action: str = Field(max_length=48)
    entity: str = Field(max_length=32)
    entity_id: str | None = Field(default=None, max_length=32)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
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
    id: int = Field(default=None, primary_key=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    channel: str | None = Field(default=None, max_length=16)  # None: every identity of the member
    chat_id: str | None = Field(default=None, max_length=128)
    payload: dict[str, Any] = _json(dict)  # a serialised reply
    dedupe_key: str | None = Field(default=None, max_length=200)
    status: str = Field(default="pending", max_length=16)  # pending|sent|failed
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _ts()
    next_attempt_at: datetime = _ts()
    sent_at: datetime | None = _ts(nullable=True)
    # a sender claims a row before sending it; the claim lapses at claimed_until if it dies
    lane: int = Field(default=2)  # storage.outbox.LANE_*: lower goes first under the limit
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = _ts(nullable=True)


class Announcement(Table, table=True):
    """A message from staff to an audience (IV.1: bring the campaign to everyone). Its
    deliveries are outbox rows keyed "ann:<id>:<member or group>"; the counts come from there."""

    __tablename__ = "announcement"
    id: int = Field(default=None, primary_key=True)
    # set for announcements that must exist once ("launch:<campaign>"); UNIQUE guards a race
    key: str | None = Field(default=None, max_length=80, unique=True)
    campaign_code: str = Field(max_length=40)
    kind: str = Field(default="announce", max_length=16)  # announce | launch
    audience: dict[str, Any] = _json(dict)  # {"kind": "unit", "units": ["T01"]} ...
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
    id: int = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    unit_code: str = Field(max_length=16, index=True)
    title: str | None = Field(default=None, max_length=255)
    linked_by: int | None = Field(default=None, foreign_key="member.id")
    linked_at: datetime = _ts()


class OaToken(Table, table=True):
    """The Zalo Official Account's token pair. The refresh token is single use: each renewal
    writes the new pair with `version` + 1 in one transaction; `renewing_by`/`renewing_until`
    is the claim that lets one process at a time renew (it lapses if its holder dies)."""

    __tablename__ = "oa_token"
    id: int | None = Field(default=None, primary_key=True)
    oa_id: str = Field(max_length=64, unique=True)
    access_token: str = Field(sa_column=Column(Text, nullable=False))
    refresh_token: str = Field(sa_column=Column(Text, nullable=False))
    access_expires_at: datetime = _ts()
    version: int = Field(default=0)
    renewed_at: datetime | None = _ts(nullable=True)
    renewals: int = Field(default=0)
    renewing_by: str | None = Field(default=None, max_length=64)
    renewing_until: datetime | None = _ts(nullable=True)


class PaidSend(Table, table=True):
    """Messages sent above the platform's free limit (Telegram's paid broadcast), counted per
    channel and UTC minute: what the digest reports with its cost."""

    __tablename__ = "paid_send"
    channel: str = Field(primary_key=True, max_length=16)
    minute: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    sends: int = Field(default=0)
