"""A row per thing that two staff must not do at once (a campaign's council round, an award's
list): taking it (an upsert) holds the row until the transaction ends."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from .base import Table, _ts


class CampaignLock(Table, table=True):
    __tablename__ = "campaign_lock"
    campaign_code: str = Field(max_length=40, primary_key=True)
    name: str = Field(max_length=48, primary_key=True)  # "round", "list:<award key>"
    taken_at: datetime = _ts()
