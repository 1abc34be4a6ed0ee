"""The Zalo Official Account: its token pair, and each OA account's inbound window (SQL only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from .models import Identity, Member, OaToken, Outbox

HELD = "window"  # an outbox row that may not go free-form now: it waits for the person to write


def get(s: Session, oa_id: str) -> OaToken | None:
    return s.exec(select(OaToken).where(col(OaToken.oa_id) == oa_id)).first()


def seed(s: Session, oa_id: str, access: str, refresh: str, expires_at: datetime) -> OaToken:
    """The first pair (from the settings), once: an existing row is left as it is."""
    row = get(s, oa_id)
    if row is None:
        row = OaToken(
            oa_id=oa_id, access_token=access, refresh_token=refresh, access_expires_at=expires_at, version=0
        )
        s.add(row)
        s.flush()
    return row


def claim(s: Session, oa_id: str, version: int, claimer: str, now: datetime, until: datetime) -> bool:
    """Take the right to renew the pair of `version` (one process at a time): a conditional
    UPDATE, atomic on SQLite and PostgreSQL alike. False when another holds it or renewed."""
    n = s.exec(
        update(OaToken)
        .where(
            col(OaToken.oa_id) == oa_id,
            col(OaToken.version) == version,
            or_(
                col(OaToken.renewing_until).is_(None),
                col(OaToken.renewing_until) <= now,
                col(OaToken.renewing_by) == claimer,
            ),
        )
        .values(renewing_by=claimer, renewing_until=until)
    ).rowcount
    return bool(n)


def renewed(
    s: Session,
    oa_id: str,
    *,
    replaces: str,
    access: str,
    refresh: str,
    expires_at: datetime,
    now: datetime,
) -> bool:
    """Store a renewal: the new pair, version + 1, the claim released, in the caller's
    transaction. Only over the pair whose refresh token it used (`replaces`)."""
    n = s.exec(
        update(OaToken)
        .where(col(OaToken.oa_id) == oa_id, col(OaToken.refresh_token) == replaces)
        .values(
            access_token=access,
            refresh_token=refresh,
            access_expires_at=expires_at,
            version=OaToken.version + 1,
            renewals=OaToken.renewals + 1,
            renewed_at=now,
            renewing_by=None,
            renewing_until=None,
        )
    ).rowcount
    return bool(n)


def release(s: Session, oa_id: str, claimer: str) -> None:
    s.exec(
        update(OaToken)
        .where(col(OaToken.oa_id) == oa_id, col(OaToken.renewing_by) == claimer)
        .values(renewing_by=None, renewing_until=None)
    )


def expire_access(s: Session, oa_id: str, version: int, now: datetime) -> None:
    """The platform called the access token expired: renew at the next use."""
    s.exec(
        update(OaToken)
        .where(col(OaToken.oa_id) == oa_id, col(OaToken.version) == version)
        .values(access_expires_at=now)
    )


# -- the window ---------------------------------------------------------------------------------


def wrote(s: Session, channel: str, user_id: str, now: datetime) -> None:
    """The person wrote: their window opens again, and what waited for it goes out."""
    s.exec(
        update(Identity)
        .where(col(Identity.channel) == channel, col(Identity.external_id) == user_id)
        .values(last_inbound_at=now)
    )
    s.exec(
        update(Outbox)
        .where(
            and_(col(Outbox.channel) == channel, col(Outbox.chat_id) == user_id, col(Outbox.status) == HELD)
        )
        .values(status="pending", next_attempt_at=now, last_error=None)
    )


def person(s: Session, channel: str, chat_id: str) -> dict[str, Any] | None:
    """The member behind a chat on the channel: id, name, phone and last inbound time."""
    row = s.exec(
        select(Identity.member_id, Member.full_name, Member.phone, Identity.last_inbound_at)
        .join(Member, col(Member.id) == col(Identity.member_id))
        .where(col(Identity.channel) == channel, col(Identity.chat_id) == chat_id)
    ).first()
    if row is None:
        return None
    return {"member_id": row[0], "name": row[1], "phone": row[2], "last": row[3]}


def other_chats(s: Session, member_id: int, channel: str) -> list[tuple[str, str]]:
    """(channel, chat id) of the member's other accounts that can be reached."""
    rows = s.exec(
        select(Identity.channel, Identity.chat_id)
        .where(
            col(Identity.member_id) == member_id,
            col(Identity.channel) != channel,
            col(Identity.unreachable_at).is_(None),
        )
        .order_by(col(Identity.id))
    ).all()
    return [(c, chat) for c, chat in rows]
