"""The province administrators and their sign-in rows (province_admin, province_web_link,
province_web_session in the registry's database): the same shape as a commune's web sign-in
(storage/weblogin.py), kept apart so that no commune's session opens the province's pages and
no province session opens a commune's.

Only SHA-256 digests of the secrets are stored; a link is used by one conditional UPDATE."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from .models.province import ProvinceAdmin, ProvinceWebLink, ProvinceWebSession
from .weblogin import Opened, digest

LINK_TTL = timedelta(hours=24)
SESSION_TTL = timedelta(hours=12)


def add_admin(s: Session, *, name: str, phone: str | None, now: datetime) -> ProvinceAdmin:
    row = ProvinceAdmin(name=name, phone=phone, created_at=now)
    s.add(row)
    s.flush()
    return row


def admin_by_phone(s: Session, phone: str) -> ProvinceAdmin | None:
    return s.exec(select(ProvinceAdmin).where(ProvinceAdmin.phone == phone)).first()


def insert_link(s: Session, *, admin_id: int, now: datetime, ttl: timedelta = LINK_TTL) -> str:
    """A new one-time link; returns the secret token (shown once, never stored)."""
    token = secrets.token_urlsafe(32)
    s.add(ProvinceWebLink(token_hash=digest(token), admin_id=admin_id, created_at=now, expires_at=now + ttl))
    s.flush()
    return token


@dataclass
class LinkCheck:
    link: ProvinceWebLink | None
    problem: str | None  # None | "unknown" | "used" | "expired"


def check_link(s: Session, token: str, now: datetime) -> LinkCheck:
    link = s.exec(select(ProvinceWebLink).where(ProvinceWebLink.token_hash == digest(token or ""))).first()
    if link is None:
        return LinkCheck(None, "unknown")
    if link.used_at is not None:
        return LinkCheck(link, "used")
    if now >= link.expires_at:
        return LinkCheck(link, "expired")
    return LinkCheck(link, None)


def take_link(s: Session, link: ProvinceWebLink, now: datetime) -> bool:
    """Mark the link used; False when another request used it first."""
    res = s.exec(
        update(ProvinceWebLink)
        .where(col(ProvinceWebLink.id) == link.id, col(ProvinceWebLink.used_at).is_(None))
        .values(used_at=now)
    )
    return res.rowcount == 1


def open_session(s: Session, admin_id: int, now: datetime, ttl: timedelta = SESSION_TTL) -> Opened:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    row = ProvinceWebSession(
        token_hash=digest(token), admin_id=admin_id, csrf=csrf, created_at=now, expires_at=now + ttl
    )
    s.add(row)
    return Opened(token, csrf, row.expires_at)


def session_of(
    s: Session, token: str | None, now: datetime
) -> tuple[ProvinceWebSession, ProvinceAdmin] | None:
    """The live session of this cookie and its administrator, or None."""
    if not token:
        return None
    row = s.exec(select(ProvinceWebSession).where(ProvinceWebSession.token_hash == digest(token))).first()
    if row is None or row.revoked_at is not None or now >= row.expires_at:
        return None
    admin = s.get(ProvinceAdmin, row.admin_id)
    return (row, admin) if admin is not None else None


def revoke(s: Session, row: ProvinceWebSession, now: datetime) -> None:
    row.revoked_at = now
    s.add(row)
