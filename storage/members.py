"""Members, their channel identities and invite codes."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from .models import (
    DISPLAY_NAME_MAX,
    Identity,
    Invite,
    Member,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def identity(s: Session, channel: str, external_id: str) -> Identity | None:
    return s.exec(
        select(Identity).where(Identity.channel == channel, Identity.external_id == external_id)
    ).first()


def member_by_identity(s: Session, channel: str, external_id: str) -> Member | None:
    ident = identity(s, channel, external_id)
    return s.get(Member, ident.member_id) if ident else None


def identities_of(s: Session, member_id: int) -> Sequence[Identity]:
    return s.exec(
        select(Identity).where(col(Identity.member_id) == member_id).order_by(col(Identity.id))
    ).all()


def create_member(
    s: Session,
    *,
    full_name: str,
    role: str,
    unit_code: str | None,
    phone: str | None,
    channel: str,
    external_id: str,
    chat_id: str,
    display_name: str | None,
    now: datetime,
) -> Member:
    member = Member(
        full_name=full_name, role=role, unit_code=unit_code, phone=phone, created_at=now, updated_at=now
    )
    s.add(member)
    s.flush()
    attach_identity(
        s,
        member,
        channel=channel,
        external_id=external_id,
        chat_id=chat_id,
        display_name=display_name,
        now=now,
    )
    return member


def attach_identity(
    s: Session,
    member: Member,
    *,
    channel: str,
    external_id: str,
    chat_id: str,
    display_name: str | None,
    now: datetime,
) -> Identity:
    display_name = (display_name or "")[:DISPLAY_NAME_MAX] or None  # platforms send longer ones
    ident = identity(s, channel, external_id)
    if ident is None:
        ident = Identity(
            member_id=member.id,
            channel=channel,
            external_id=external_id,
            chat_id=chat_id,
            display_name=display_name,
            created_at=now,
        )
        s.add(ident)
    else:
        ident.member_id = member.id
        ident.chat_id = chat_id
    s.flush()
    return ident


def set_role(s: Session, member: Member, *, role: str, unit_code: str | None, now: datetime) -> None:
    member.role = role
    member.unit_code = unit_code
    member.updated_at = now
    s.add(member)


def members(s: Session, *, role: str | None = None, unit_code: str | None = None) -> Sequence[Member]:
    q = select(Member)
    if role:
        q = q.where(Member.role == role)
    if unit_code:
        q = q.where(Member.unit_code == unit_code)
    return s.exec(q.order_by(col(Member.id))).all()


def count_members(s: Session) -> int:
    """How many members the commune has (every role)."""
    return int(s.exec(select(func.count()).select_from(Member)).one())


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def insert_invite(
    s: Session,
    *,
    role: str | None,
    unit_code: str | None,
    now: datetime,
    ttl: timedelta,
    purpose: str,
    member_id: int | None = None,
) -> Invite:
    """A new invite row with a fresh code nobody holds."""
    for _ in range(10):
        code = new_code()
        if s.exec(select(Invite).where(Invite.code == code)).first() is None:
            break
    inv = Invite(
        code=code,
        purpose=purpose,
        role=role,
        unit_code=unit_code,
        member_id=member_id,
        created_at=now,
        expires_at=now + ttl,
    )
    s.add(inv)
    s.flush()
    return inv


def find_invite(s: Session, code: str) -> Invite | None:
    return s.exec(select(Invite).where(Invite.code == code.strip().upper())).first()


def claim_invite(s: Session, inv: Invite, now: datetime) -> bool:
    """Take a one-time code for this transaction: a conditional UPDATE (... WHERE used_at IS
    NULL). Of several people sending the same code at once exactly one gets True; the others
    wait for its row lock (PostgreSQL) or the write lock (SQLite), then find it used."""
    from sqlalchemy import update

    result = s.exec(
        update(Invite)
        .where(col(Invite.id) == inv.id, col(Invite.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    inv.used_at = now
    return True


def mark_invite_used(s: Session, inv: Invite, member: Member, now: datetime) -> None:
    inv.used_at = now
    inv.used_by = member.id
    s.add(inv)


def member_names(s: Session, ids: Iterable[int | None] | None = None) -> dict[int, str]:
    """Members' names by id: all of them, or only those of `ids` (a page that names a few
    people reads a few rows, not the whole roll)."""
    q = select(col(Member.id), col(Member.full_name))
    if ids is not None:
        wanted = sorted({i for i in ids if i is not None})
        if not wanted:
            return {}
        q = q.where(col(Member.id).in_(wanted))
    return dict(s.exec(q).all())
