"""Announcements, their audiences (as SQL) and village groups linked to units."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from .models import Announcement, ConversationState, GroupLink, Identity, Member, Outbox, Submission


def audience_members(
    s: Session,
    *,
    campaign_code: str,
    roles: Iterable[str] | None = None,
    units: Iterable[str] | None = None,
    in_flows: Iterable[str] | None = None,
    without_submission: bool = False,
    include_opted_out: bool = False,
) -> SelectOfScalar[int]:
    """A select of the members an audience names (ids only, for counting or fan-out)."""
    q = select(Member.id)
    if not include_opted_out:
        q = q.where(col(Member.opted_out_at).is_(None))
    if roles is not None:
        q = q.where(col(Member.role).in_(list(roles)))
    if units is not None:
        q = q.where(col(Member.unit_code).in_(list(units)))
    if in_flows is not None:
        q = q.where(
            exists().where(
                col(ConversationState.member_id) == col(Member.id),
                col(ConversationState.flow).in_(list(in_flows)),
            )
        )
    if without_submission:
        q = q.where(
            ~exists().where(
                col(Submission.submitter_id) == col(Member.id), col(Submission.campaign_code) == campaign_code
            )
        )
    return q


def reachable_identities(s: Session, member_ids: SelectOfScalar[int]) -> Sequence[tuple[int, str, str]]:
    """(member_id, channel, chat_id) of every channel account that has not blocked the bot."""
    q = (
        select(Identity.member_id, Identity.channel, Identity.chat_id)
        .where(col(Identity.member_id).in_(member_ids), col(Identity.unreachable_at).is_(None))
        .order_by(col(Identity.member_id), col(Identity.id))
    )
    return s.exec(q).all()


def count_reachable_members(s: Session, member_ids: SelectOfScalar[int]) -> int:
    q = select(func.count(func.distinct(Identity.member_id))).where(
        col(Identity.member_id).in_(member_ids), col(Identity.unreachable_at).is_(None)
    )
    return s.exec(q).one()


def count_unreachable_members(s: Session) -> int:
    """Members who have a channel account and none of whose accounts can be reached any more
    (they refused delivery). Someone with no chat account at all (a clerk who uses only the web
    console) never blocked anything and is not counted."""
    reachable = exists().where(
        col(Identity.member_id) == col(Member.id), col(Identity.unreachable_at).is_(None)
    )
    has_chat = exists().where(col(Identity.member_id) == col(Member.id))
    return s.exec(select(func.count()).select_from(Member).where(has_chat, ~reachable)).one()


def groups_of(s: Session, units: Iterable[str] | None) -> Sequence[GroupLink]:
    q = select(GroupLink)
    if units is not None:
        q = q.where(col(GroupLink.unit_code).in_(list(units)))
    return s.exec(q.order_by(col(GroupLink.id))).all()


def add(s: Session, ann: Announcement) -> Announcement:
    s.add(ann)
    s.flush()
    return ann


def get(s: Session, ann_id: int) -> Announcement | None:
    return s.get(Announcement, ann_id)


def latest(s: Session, campaign_code: str, limit: int = 5) -> Sequence[Announcement]:
    return s.exec(
        select(Announcement)
        .where(Announcement.campaign_code == campaign_code)
        .order_by(col(Announcement.id).desc())
        .limit(limit)
    ).all()


def launched(s: Session, campaign_code: str) -> Announcement | None:
    return s.exec(
        select(Announcement).where(Announcement.campaign_code == campaign_code, Announcement.kind == "launch")
    ).first()


def delivery_prefix(ann_id: int) -> str:
    return f"ann:{ann_id}:"


def delivery_counts(s: Session, ann_id: int) -> dict[str, int]:
    """Outbox rows of an announcement by status (pending, sent, failed, unreachable)."""
    rows = s.exec(
        select(Outbox.status, func.count())
        .where(col(Outbox.dedupe_key).startswith(delivery_prefix(ann_id)))
        .group_by(Outbox.status)
    ).all()
    return dict(rows)


def retry_failed(s: Session, ann_id: int, now: datetime) -> int:
    """Failed deliveries of an announcement go back to the queue (unreachable ones do not)."""
    result = s.exec(
        update(Outbox)
        .where(
            and_(col(Outbox.dedupe_key).startswith(delivery_prefix(ann_id)), col(Outbox.status) == "failed")
        )
        .values(status="pending", attempts=0, next_attempt_at=now, last_error=None)
    )
    return result.rowcount or 0


def link_group(
    s: Session,
    *,
    channel: str,
    chat_id: str,
    unit_code: str,
    title: str | None,
    member_id: int | None,
    now: datetime,
) -> GroupLink:
    link = s.exec(select(GroupLink).where(GroupLink.channel == channel, GroupLink.chat_id == chat_id)).first()
    if link is None:
        link = GroupLink(channel=channel, chat_id=chat_id, unit_code=unit_code)
    link.unit_code, link.title, link.linked_by, link.linked_at = unit_code, title, member_id, now
    s.add(link)
    s.flush()
    return link


def mark_unreachable(s: Session, channel: str, chat_id: str, now: datetime) -> int:
    """The chat blocked the bot (or removed it from a group): mark its identity, unlink the
    group, and stop its pending deliveries."""
    s.exec(delete(GroupLink).where(col(GroupLink.channel) == channel, col(GroupLink.chat_id) == chat_id))
    n = (
        s.exec(
            update(Identity)
            .where(
                col(Identity.channel) == channel,
                col(Identity.chat_id) == chat_id,
                col(Identity.unreachable_at).is_(None),
            )
            .values(unreachable_at=now)
        ).rowcount
        or 0
    )
    s.exec(
        update(Outbox)
        .where(
            col(Outbox.channel) == channel, col(Outbox.chat_id) == chat_id, col(Outbox.status) == "pending"
        )
        .values(status="unreachable", last_error="blocked by the user")
    )
    return n


def set_opt_out(s: Session, member: Member, opted_out: bool, now: datetime) -> None:
    member.opted_out_at = now if opted_out else None
    member.updated_at = now
    s.add(member)
