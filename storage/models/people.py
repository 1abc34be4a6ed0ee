"""People: members, their identities on each channel, invites."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .base import Table, _ts

DISPLAY_NAME_MAX = 256


class Member(Table, table=True):
    __tablename__ = "member"
    id: int = Field(default=None, primary_key=True)
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
    id: int = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    chat_id: str = Field(max_length=128)
    # Telegram: first (64) + " " + last name (64); Zalo sends longer ones: kept to DISPLAY_NAME_MAX
    display_name: str | None = Field(default=None, max_length=DISPLAY_NAME_MAX)
    # the chat blocked the bot (Telegram 403, Zalo's equivalent): nothing more is sent there
    unreachable_at: datetime | None = _ts(nullable=True)
    # the person's last message to the bot (Zalo OA: free-form messages only within a window after it)
    last_inbound_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()


class Invite(Table, table=True):
    __tablename__ = "invite"
    id: int = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    purpose: str = Field(default="role", max_length=16)  # role | link
    role: str | None = Field(default=None, max_length=16)
    unit_code: str | None = Field(default=None, max_length=16)
    member_id: int | None = Field(default=None, foreign_key="member.id")  # for link codes
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)
    used_by: int | None = Field(default=None, foreign_key="member.id")
