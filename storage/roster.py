"""The office's list of people: members listed before they write to the bot (a phone, a role,
a unit, no channel account yet) and the invite each was given."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from .models import Invite, Member

PERSON = "person"  # an invite's purpose: joins its holder's account to the member listed


def members_by_phone(s: Session, phones: Iterable[str]) -> dict[str, Member]:
    """Members by phone (the first added when two share one)."""
    wanted = sorted(set(phones))
    if not wanted:
        return {}
    found: dict[str, Member] = {}
    for m in s.exec(select(Member).where(col(Member.phone).in_(wanted)).order_by(col(Member.id))).all():
        found.setdefault(m.phone or "", m)
    return found


def add_listed_member(
    s: Session, *, full_name: str, phone: str, role: str, unit_code: str | None, now: datetime
) -> Member:
    member = Member(
        full_name=full_name, phone=phone, role=role, unit_code=unit_code, created_at=now, updated_at=now
    )
    s.add(member)
    s.flush()
    return member


def waiting_invites(s: Session, now: datetime) -> Sequence[tuple[Invite, Member]]:
    """The person invites not used and not expired, with their member, by unit then name."""
    rows = s.exec(
        select(Invite, Member)
        .join(Member, col(Member.id) == col(Invite.member_id))
        .where(
            col(Invite.purpose) == PERSON,
            col(Invite.used_at).is_(None),
            col(Invite.expires_at) > now,
        )
        .order_by(col(Member.unit_code), col(Member.full_name), col(Invite.id))
    ).all()
    return [(inv, m) for inv, m in rows]


def invited(s: Session, member_ids: Iterable[int]) -> set[int]:
    """Which of these members were listed by the office and hold a person invite not used yet."""
    wanted = sorted(set(member_ids))
    if not wanted:
        return set()
    q = select(col(Invite.member_id)).where(
        col(Invite.member_id).in_(wanted), col(Invite.purpose) == PERSON, col(Invite.used_at).is_(None)
    )
    return {i for i in s.exec(q).all() if i is not None}
