"""The commune's units (villages, agencies, unions): commune data, filled at the first start
from the campaign file's [[units]] and extended by the office's spreadsheet import."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from .base import Table, _ts


class UnitRow(Table, table=True):
    __tablename__ = "unit"
    id: int = Field(default=None, primary_key=True)
    # unique: two imports adding the same unit at once store it once
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=16)  # village | agency | union
    reports: bool = Field(default=True)  # false: sends no unit report (the office, ...)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
