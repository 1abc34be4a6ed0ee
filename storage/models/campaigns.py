"""The commune's campaigns over time: each row is one campaign, made from its TOML text, with
its lifecycle (draft → open → closed → decided → archived). No commune column: the storage
scope (a schema or a file per commune) is the commune."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

from .base import Table, _ts

CAMPAIGN_STATUSES = ("draft", "open", "closed", "decided", "archived")


class CampaignRecord(Table, table=True):
    __tablename__ = "campaign"
    code: str = Field(max_length=40, primary_key=True)
    title: str = Field(max_length=400)
    status: str = Field(max_length=16, index=True)
    source: str = Field(sa_column=Column(Text, nullable=False))  # the campaign file's TOML text
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    opened_at: datetime | None = _ts(nullable=True)
    closed_at: datetime | None = _ts(nullable=True)
    # every change adds one; a move is an UPDATE conditioned on the status (and the version seen)
    version: int = Field(default=1)
