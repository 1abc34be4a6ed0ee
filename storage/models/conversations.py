"""Conversations: where each person is in a flow, and the events already processed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Integer, UniqueConstraint
from sqlmodel import Field

from .base import Table, _json, _ts

# the optimistic version counter of a conversation (a double tap reaching two processes saves once)
_VERSION = Column("version", Integer, nullable=False, server_default="0")


class ConversationState(Table, table=True):
    """Where a person is in a conversation: a row, so a restart continues it."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_state_channel_user"),)
    id: int = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=128)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    flow: str | None = Field(default=None, max_length=32, index=True)
    step: str | None = Field(default=None, max_length=48)
    seq: int = Field(default=0)  # bumps with every question: a button from an older one is stale
    data: dict[str, Any] = _json(dict)
    # the campaign the person chose to take part in, when more than one is open
    campaign_code: str | None = Field(default=None, max_length=40)
    # bumps with every save; a save from a stale read (another process moved this person on
    # meanwhile) raises StaleDataError instead of overwriting: SQLAlchemy's optimistic lock
    version: int = Field(default=0, sa_column=_VERSION)
    updated_at: datetime = _ts()

    __mapper_args__ = {"version_id_col": _VERSION}


class ProcessedEvent(Table, table=True):
    __tablename__ = "processed_event"
    key: str = Field(primary_key=True, max_length=200)
    at: datetime = _ts(index=True)
