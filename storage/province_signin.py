"""The province administrators and their sign-in rows (province_admin, province_web_link,
province_web_session in the registry's database): the same shape as a commune's web sign-in
(storage/weblogin.py), kept apart so that no commune's session opens the province's pages and
no province session opens a commune's.

Only SHA-256 digests of the secrets are stored; a link is used by one conditional UPDATE."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select

from .models.province import ProvinceAdmin, ProvinceWebLink, ProvinceWebSession
from .weblogin import LinkCheck, Opened, check_link_of, digest
from .weblogin import take_link as take_link  # the province uses its links as a commune does

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


def check_link(s: Session, token: str, now: datetime) -> LinkCheck[ProvinceWebLink]:
    return check_link_of(ProvinceWebLink, s, token, now)


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
