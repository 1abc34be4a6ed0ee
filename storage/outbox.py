"""The outbox: messages waiting for delivery on a channel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, update
from sqlmodel import Session, col, select

from .members import identities_of
from .models import (
    Outbox,
)

# Delivery lanes under one platform limit, lower first (bot/pacing.py serves them so): the
# reply to staff and the council, the reply to anyone who just wrote, a notice about someone's
# own dossier, reminders / digests / announcements. Kept on each queued row, so a restart
# sends in the same order.
LANE_STAFF_REPLY, LANE_REPLY, LANE_DOSSIER, LANE_BROADCAST = 0, 1, 2, 3
# of a claimed batch, this share is the oldest due rows whatever their lane: no lane starves
SHARE = 5


def enqueue(
    s: Session,
    *,
    member_id: int | None,
    payload: dict[str, Any],
    now: datetime,
    channel: str | None = None,
    chat_id: str | None = None,
    dedupe_key: str | None = None,
    lane: int = LANE_DOSSIER,
) -> list[Outbox]:
    """Queue a message for delivery: one row per channel identity of the member (or the one
    channel and chat given). With a dedupe_key a second enqueue of the same key adds nothing."""
    targets: list[tuple[str, str]]
    if channel is not None and chat_id is not None:
        targets = [(channel, chat_id)]
    elif member_id is not None:
        targets = [
            (i.channel, i.chat_id)
            for i in identities_of(s, member_id)
            if channel is None or i.channel == channel
        ]
    else:
        raise ValueError("enqueue needs a member or a channel and chat")
    rows: list[Outbox] = []
    for ch, chat in targets:
        key = None if dedupe_key is None else f"{dedupe_key}|{ch}"
        if key is not None and s.exec(select(Outbox).where(Outbox.dedupe_key == key)).first():
            continue
        row = Outbox(
            member_id=member_id,
            channel=ch,
            chat_id=chat,
            payload=payload,
            dedupe_key=key,
            created_at=now,
            next_attempt_at=now,
            lane=lane,
        )
        s.add(row)
        rows.append(row)
    s.flush()
    return rows


def _due(now: datetime, channel: str) -> tuple[ColumnElement[bool], ...]:
    return (
        col(Outbox.status) == "pending",
        col(Outbox.next_attempt_at) <= now,
        col(Outbox.channel) == channel,
        or_(col(Outbox.claimed_until).is_(None), col(Outbox.claimed_until) <= now),
    )


def due_outbox(s: Session, now: datetime, channel: str, limit: int = 100) -> Sequence[Outbox]:
    """Due rows nobody holds (read only: the dispatcher claims them with claim_due)."""
    q = select(Outbox).where(*_due(now, channel))
    return s.exec(q.order_by(col(Outbox.id)).limit(limit)).all()


def claim_due(
    s: Session, now: datetime, channel: str, claimer: str, *, lease: timedelta, limit: int = 100
) -> Sequence[Outbox]:
    """Take up to `limit` due rows for `claimer` until now + lease, and return them.

    UPDATE ... WHERE id IN (due rows): on PostgreSQL the inner SELECT locks its
    rows FOR UPDATE SKIP LOCKED, so two processes claiming at once take different rows; on
    SQLite the UPDATE runs under the database's single write lock. A claimer that dies leaves
    its rows claimed until the lease ends; then anyone may take them. The caller commits.

    Lanes: most of the batch is the due rows by lane (lower first), a share (1/SHARE) the
    oldest due rows whatever their lane, and the due rows of the chats taken (their order);
    returned in sending order (in_sending_order)."""
    postgres = s.get_bind().dialect.name == "postgresql"

    def take(ids: Any) -> None:
        if postgres:
            ids = ids.with_for_update(skip_locked=True)
        s.exec(
            update(Outbox)
            .where(col(Outbox.id).in_(ids.scalar_subquery()))
            .values(claimed_by=claimer, claimed_until=now + lease)
            .execution_options(synchronize_session=False)
        )

    oldest = max(1, limit // SHARE)
    by_age: tuple[Any, ...] = (col(Outbox.id),)
    for order, n in ((by_age, oldest), ((col(Outbox.lane), col(Outbox.id)), limit - oldest)):
        take(select(Outbox.id).where(*_due(now, channel)).order_by(*order).limit(n))
    mine = (
        Outbox.claimed_by == claimer,
        Outbox.status == "pending",
        col(Outbox.claimed_until) > now,
        Outbox.channel == channel,
    )
    # a chat's earlier due messages come with its claimed ones: its order holds across batches
    chats = select(Outbox.chat_id).where(*mine).distinct()
    take(select(Outbox.id).where(*_due(now, channel), col(Outbox.chat_id).in_(chats.scalar_subquery())))
    return in_sending_order(s.exec(select(Outbox).where(*mine).order_by(col(Outbox.id))).all())


def in_sending_order(rows: Sequence[Outbox]) -> list[Outbox]:
    """By lane, then as they came; a chat's messages keep their order whatever their lanes (an
    earlier message to a chat goes in the lane of the chat's most urgent later one)."""
    best: dict[str | None, int] = {}
    lane_of: dict[int, int] = {}
    for row in sorted(rows, key=lambda r: r.id, reverse=True):
        best[row.chat_id] = min(best.get(row.chat_id, row.lane), row.lane)
        lane_of[row.id] = best[row.chat_id]
    return sorted(rows, key=lambda r: (lane_of[r.id], r.id))


def _unclaim(row: Outbox) -> None:
    row.claimed_by = None
    row.claimed_until = None


def outbox_sent(s: Session, row: Outbox, now: datetime) -> None:
    row.status = "sent"
    row.sent_at = now
    row.attempts += 1
    _unclaim(row)
    s.add(row)


def outbox_settled(s: Session, row: Outbox, now: datetime, status: str, note: str) -> None:
    """Done with another outcome than "sent" (the Zalo OA's window: templated, rerouted, or
    "window": kept until the person writes again), with a note saying how."""
    row.status = status
    row.last_error = note[:500] or None
    row.attempts += 1
    if status != "window":
        row.sent_at = now
    _unclaim(row)
    s.add(row)


def outbox_failed(
    s: Session, row: Outbox, now: datetime, error: str, *, max_attempts: int = 8, base_delay: float = 30.0
) -> None:
    """Keep a failed message for a later try, backing off; after max_attempts it is marked
    failed (still kept, visible to staff) rather than dropped silently."""
    row.attempts += 1
    row.last_error = error[:500]
    _unclaim(row)
    if row.attempts >= max_attempts:
        row.status = "failed"
    else:
        row.next_attempt_at = now + timedelta(seconds=base_delay * 2 ** (row.attempts - 1))
    s.add(row)


def enqueue_many(s: Session, items: Iterable[dict[str, Any]], now: datetime, chunk: int = 500) -> int:
    """Queue many messages in one statement per chunk (reminder fan-out to thousands).

    Each item: member_id, channel, chat_id, payload, dedupe_key (required; "|channel" is added
    as in enqueue), lane (a reminder's, a digest's, an announcement's by default). A key already queued is skipped, so a second run of a slot adds nothing;
    the UNIQUE dedupe_key column is the final guard. Returns how many rows were added."""
    from sqlalchemy import insert

    items = list(items)
    added = 0
    for i in range(0, len(items), chunk):
        part = items[i : i + chunk]
        keys = {f"{it['dedupe_key']}|{it['channel']}": it for it in part}
        existing = set(
            s.exec(select(col(Outbox.dedupe_key)).where(col(Outbox.dedupe_key).in_(list(keys)))).all()
        )
        rows = [
            dict(
                member_id=it.get("member_id"),
                channel=it["channel"],
                chat_id=it["chat_id"],
                payload=it["payload"],
                dedupe_key=key,
                status="pending",
                attempts=0,
                created_at=now,
                next_attempt_at=now,
                lane=it.get("lane", LANE_BROADCAST),
            )
            for key, it in keys.items()
            if key not in existing
        ]
        if rows:
            s.exec(insert(Outbox), params=rows)
            added += len(rows)
    return added


def outbox_defer(s: Session, row: Outbox, until: datetime, error: str) -> None:
    """The platform asked to wait (HTTP 429 retry_after): try again then, without counting an
    attempt (the message itself is fine)."""
    row.next_attempt_at = until
    row.last_error = error[:500]
    _unclaim(row)
    s.add(row)


def outbox_by_prefix(s: Session, prefix: str) -> Sequence[Outbox]:
    return s.exec(
        select(Outbox).where(col(Outbox.dedupe_key).startswith(prefix)).order_by(col(Outbox.id))
    ).all()
