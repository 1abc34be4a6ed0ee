"""The web console's one-time sign-in links and sessions."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from .base import Table, _ts


class WebLink(Table, table=True):
    """A one-time sign-in link to the web console (only its SHA-256 is kept). With a member it
    signs that member in; without one (an office starting from the web) it carries the role and
    unit and asks the person's name on first use."""

    __tablename__ = "web_link"
    id: int = Field(default=None, primary_key=True)
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
    id: int = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    csrf: str = Field(max_length=64)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    revoked_at: datetime | None = _ts(nullable=True)
