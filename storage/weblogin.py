"""The web console's sign-in rows: one-time links and browser sessions (domain/console.py holds
the rules and writes the audit rows).

Only SHA-256 digests of the secrets are stored: a copy of the database signs nobody in. A link
is used by one conditional UPDATE (used_at IS NULL), so two clicks at once sign in once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import update
from sqlmodel import Session, col, select

from .models import Member, WebLink, WebSession
from .models.province import ProvinceWebLink

LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=12)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def insert_link(
    s: Session,
    *,
    now: datetime,
    member_id: int | None = None,
    role: str | None = None,
    unit_code: str | None = None,
    ttl: timedelta = LINK_TTL,
    created_by: int | None = None,
) -> str:
    """A new one-time link; returns the secret token (shown once, never stored)."""
    if member_id is None and role is None:
        raise ValueError("a link signs in a member or carries a role")
    token = secrets.token_urlsafe(32)
    link = WebLink(
        token_hash=digest(token),
        member_id=member_id,
        role=role,
        unit_code=unit_code,
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
    )
    s.add(link)
    s.flush()
    return token


# a one-time link's row: a commune's (web_link) or the province's (province_web_link); both
# hold the digest, the expiry and the moment of use, and are checked and used the same way
L = TypeVar("L", WebLink, ProvinceWebLink)


@dataclass
class LinkCheck(Generic[L]):
    link: L | None
    problem: str | None  # None | "unknown" | "used" | "expired"


def check_link_of(model: type[L], s: Session, token: str, now: datetime) -> LinkCheck[L]:
    link = s.exec(select(model).where(col(model.token_hash) == digest(token or ""))).first()
    if link is None:
        return LinkCheck(None, "unknown")
    if link.used_at is not None:
        return LinkCheck(link, "used")
    if now >= link.expires_at:
        return LinkCheck(link, "expired")
    return LinkCheck(link, None)


def check_link(s: Session, token: str, now: datetime) -> LinkCheck[WebLink]:
    return check_link_of(WebLink, s, token, now)


def link_member(s: Session, token: str) -> int | None:
    """The member a link signs in (None for an unknown link or one that asks the name)."""
    return s.exec(select(WebLink.member_id).where(WebLink.token_hash == digest(token or ""))).first()


def take_link(s: Session, link: WebLink | ProvinceWebLink, now: datetime) -> bool:
    """Mark the link used; False when another request used it first."""
    model = type(link)
    res = s.exec(
        update(model).where(col(model.id) == link.id, col(model.used_at).is_(None)).values(used_at=now)
    )
    return res.rowcount == 1


def mark_used_by(s: Session, link: WebLink, member_id: int) -> None:
    s.exec(update(WebLink).where(col(WebLink.id) == link.id).values(used_by=member_id))


@dataclass
class Opened:
    token: str
    csrf: str
    expires_at: datetime


def open_session(s: Session, member_id: int, now: datetime, ttl: timedelta = SESSION_TTL) -> Opened:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    row = WebSession(
        token_hash=digest(token), member_id=member_id, csrf=csrf, created_at=now, expires_at=now + ttl
    )
    s.add(row)
    return Opened(token, csrf, row.expires_at)


def session_of(s: Session, token: str | None, now: datetime) -> tuple[WebSession, Member] | None:
    """The live session of this cookie and its member, or None."""
    if not token:
        return None
    row = s.exec(select(WebSession).where(WebSession.token_hash == digest(token))).first()
    if row is None or row.revoked_at is not None or now >= row.expires_at:
        return None
    member = s.get(Member, row.member_id)
    return (row, member) if member is not None else None


def revoke(s: Session, row: WebSession, now: datetime) -> None:
    row.revoked_at = now
    s.add(row)


def insert_member(s: Session, *, full_name: str, role: str, unit_code: str | None, now: datetime) -> Member:
    """A member who starts from the web console (no chat account yet; «Liên kết» adds one)."""
    member = Member(full_name=full_name, role=role, unit_code=unit_code, created_at=now, updated_at=now)
    s.add(member)
    s.flush()
    return member


def links_issued(s: Session, member_id: int, since: datetime) -> int:
    """How many sign-in links this member was given since `since` (issuing is rate limited)."""
    from sqlalchemy import func

    return int(
        s.exec(
            select(func.count())
            .select_from(WebLink)
            .where(WebLink.member_id == member_id, WebLink.created_at >= since)
        ).one()
    )
