"""The campaign's schedule as slots: the launch announcement at the opening, reminders before
the deadline, daily staff digests and the deadline itself. A slot id is stable ("remind:2024-11-23T08:00", local time), so the same
moment always has the same id: job ids, dedupe keys and the record of what ran all use it.

Several campaigns of a commune run side by side: a campaign other than the deployment's own
(its CAMPAIGN_FILE, whose ids stay as they were) carries a tag of its code after the moment
("remind:2024-12-13T08:00~3f9a1c"), so two campaigns' slots at the same moment are two slots."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.campaign import Campaign

LAUNCH, REMIND, DIGEST, CLOSE = "launch", "remind", "digest", "close"


@dataclass(frozen=True)
class Slot:
    kind: str  # launch | remind | digest | close
    at: datetime  # aware UTC
    id: str
    stale: bool = False  # a reminder among the last `stale_last_slots`: stale reports too


def slot_tag(code: str, own_code: str) -> str:
    """The tag of a campaign's slot ids: none for the deployment's own campaign; else a short
    digest of its code (a slot id is an audit row's entity id: 32 characters at most)."""
    return "" if code == own_code else "~" + hashlib.sha256(code.encode()).hexdigest()[:6]


def _slot(campaign: Campaign, kind: str, at: datetime, tag: str = "", **kw) -> Slot:
    local = campaign.local(at)
    return Slot(kind=kind, at=at.astimezone(UTC), id=f"{kind}:{local:%Y-%m-%dT%H:%M}{tag}", **kw)


def _at(campaign: Campaign, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, campaign.tz).astimezone(UTC)


def reminder_slots(campaign: Campaign, tag: str = "") -> list[Slot]:
    """days_before the deadline day at `time`, and the deadline day at `deadline_day_time`;
    only moments inside the submission window."""
    r = campaign.reminders
    last_day = campaign.deadline_local.date()
    moments = [_at(campaign, last_day - timedelta(days=d), r.time) for d in r.days_before]
    moments.append(_at(campaign, last_day, r.deadline_day_time))
    moments = sorted({m for m in moments if campaign.opens_at <= m < campaign.closes_at})
    first_stale = len(moments) - r.stale_last_slots
    return [_slot(campaign, REMIND, m, tag, stale=i >= first_stale) for i, m in enumerate(moments)]


def launch_slot(campaign: Campaign, tag: str = "") -> Slot:
    """The campaign's launch announcement to every member (IV.1), at the opening."""
    return _slot(campaign, LAUNCH, campaign.launch_at, tag)


def close_slot(campaign: Campaign, tag: str = "") -> Slot:
    return _slot(campaign, CLOSE, campaign.closes_at, tag)


def digest_slot_at(campaign: Campaign, moment: datetime, tag: str = "") -> Slot | None:
    """The latest daily digest moment at or before `moment` inside the window (or None)."""
    day = campaign.local(moment).date()
    for d in (day, day - timedelta(days=1)):
        at = _at(campaign, d, campaign.reminders.digest_time)
        if at <= moment:
            if campaign.opens_at <= at < campaign.closes_at:
                return _slot(campaign, DIGEST, at, tag)
            return None
    return None


def reminder_slot_at(campaign: Campaign, moment: datetime, tag: str = "") -> Slot | None:
    """The latest reminder slot at or before `moment` (what a reminder at that moment is)."""
    past = [s for s in reminder_slots(campaign, tag) if s.at <= moment]
    return past[-1] if past else None


def past_slots(campaign: Campaign, now: datetime, tag: str = "") -> list[Slot]:
    """Slots whose time has come by `now`: the launch, every reminder, the latest digest and
    the close."""
    slots = [s for s in [launch_slot(campaign, tag), *reminder_slots(campaign, tag)] if s.at <= now]
    digest = digest_slot_at(campaign, now, tag)
    if digest is not None:
        slots.append(digest)
    close = close_slot(campaign, tag)
    if close.at <= now:
        slots.append(close)
    return sorted(slots, key=lambda s: s.at)
