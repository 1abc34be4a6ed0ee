"""The commune's campaigns: rows and their conditional moves. Rules (who may move a campaign,
which move is allowed) live in domain/campaigns.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from .models import CampaignRecord, ConversationState
from .rows import select_rows

TITLE_MAX = 400  # the column's size; the full title stays in the source


@dataclass(frozen=True)
class CampaignKey:
    """What a turn reads of each campaign: enough to find its parsed form in a cache."""

    code: str
    status: str
    version: int


def get(s: Session, code: str) -> CampaignRecord | None:
    """The row as the database has it now (not as this session last saw it)."""
    return s.exec(
        select(CampaignRecord).where(CampaignRecord.code == code).execution_options(populate_existing=True)
    ).first()


def status_of(s: Session, code: str) -> str | None:
    return s.exec(select(CampaignRecord.status).where(CampaignRecord.code == code)).first()


def all_rows(s: Session) -> Sequence[CampaignRecord]:
    """Every campaign, the newest first."""
    return s.exec(
        select(CampaignRecord).order_by(col(CampaignRecord.created_at).desc(), col(CampaignRecord.code))
    ).all()


def keys(s: Session, statuses: Iterable[str]) -> list[CampaignKey]:
    """The campaigns in these statuses, the most recently opened first (a never opened one last)."""
    q = (
        select_rows(CampaignRecord.code, CampaignRecord.status, CampaignRecord.version)
        .where(col(CampaignRecord.status).in_(tuple(statuses)))
        .order_by(
            col(CampaignRecord.opened_at).desc().nulls_last(),
            col(CampaignRecord.created_at).desc(),
            col(CampaignRecord.code),
        )
    )
    return [CampaignKey(str(r[0]), str(r[1]), int(r[2])) for r in s.exec(q).all()]


def count(s: Session) -> int:
    return int(s.exec(select(func.count()).select_from(CampaignRecord)).one())


def source_of(s: Session, code: str, version: int) -> str | None:
    """The TOML text of that version of the campaign (None when it changed since)."""
    return s.exec(
        select(CampaignRecord.source).where(CampaignRecord.code == code, CampaignRecord.version == version)
    ).first()


def add(
    s: Session, *, code: str, title: str, status: str, source: str, now: datetime, opened_at: datetime | None
) -> CampaignRecord:
    row = CampaignRecord(
        code=code,
        title=title[:TITLE_MAX],
        status=status,
        source=source,
        created_at=now,
        updated_at=now,
        opened_at=opened_at,
        closed_at=now if status == "closed" else None,
        version=1,
    )
    s.add(row)
    s.flush()  # a second campaign of the same code collides here (the primary key)
    return row


def move(
    s: Session,
    code: str,
    *,
    from_statuses: Iterable[str],
    to_status: str,
    now: datetime,
    seen_version: int | None = None,
    stamp: str | None = None,
) -> bool:
    """Set the status when it is still one of `from_statuses` (and the version the one seen,
    when given): one UPDATE, so of two staff pressing at once one moves it and the other is
    told. `stamp` names the time column this move sets (opened_at, closed_at)."""
    values: dict[str, object] = {
        "status": to_status,
        "updated_at": now,
        "version": CampaignRecord.version + 1,
    }
    if stamp is not None:
        values[stamp] = now
    q = update(CampaignRecord).where(
        col(CampaignRecord.code) == code, col(CampaignRecord.status).in_(tuple(from_statuses))
    )
    if seen_version is not None:
        q = q.where(col(CampaignRecord.version) == seen_version)
    return s.connection().execute(q.values(**values)).rowcount == 1


def replace_source(
    s: Session, code: str, *, title: str, source: str, now: datetime, seen_version: int | None
) -> bool:
    """A draft's new text, when it is still a draft (and at the version seen, when given)."""
    q = update(CampaignRecord).where(col(CampaignRecord.code) == code, col(CampaignRecord.status) == "draft")
    if seen_version is not None:
        q = q.where(col(CampaignRecord.version) == seen_version)
    q = q.values(title=title[:TITLE_MAX], source=source, updated_at=now, version=CampaignRecord.version + 1)
    return s.connection().execute(q).rowcount == 1


def chosen_by_member(s: Session) -> dict[int, set[str]]:
    """The campaigns members chose in their conversations (a member may have several)."""
    q = select_rows(ConversationState.member_id, ConversationState.campaign_code).where(
        col(ConversationState.member_id).is_not(None), col(ConversationState.campaign_code).is_not(None)
    )
    out: dict[int, set[str]] = {}
    for r in s.exec(q).all():
        out.setdefault(int(r[0]), set()).add(str(r[1]))
    return out
