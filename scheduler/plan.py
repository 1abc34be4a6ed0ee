"""The campaign's schedule as slots: the launch announcement at the opening, reminders before
the deadline, daily staff digests and the deadline itself. A slot id is stable ("remind:2024-11-23T08:00", local time), so the same
moment always has the same id: job ids, dedupe keys and the record of what ran all use it."""

from __future__ import annotations

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


def _slot(campaign: Campaign, kind: str, at: datetime, **kw) -> Slot:
    local = campaign.local(at)
    return Slot(kind=kind, at=at.astimezone(UTC), id=f"{kind}:{local:%Y-%m-%dT%H:%M}", **kw)


def _at(campaign: Campaign, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, campaign.tz).astimezone(UTC)


def reminder_slots(campaign: Campaign) -> list[Slot]:
    """days_before the deadline day at `time`, and the deadline day at `deadline_day_time`;
    only moments inside the submission window."""
    r = campaign.reminders
    last_day = campaign.deadline_local.date()
    moments = [_at(campaign, last_day - timedelta(days=d), r.time) for d in r.days_before]
    moments.append(_at(campaign, last_day, r.deadline_day_time))
    moments = sorted({m for m in moments if campaign.opens_at <= m < campaign.closes_at})
    first_stale = len(moments) - r.stale_last_slots
    return [_slot(campaign, REMIND, m, stale=i >= first_stale) for i, m in enumerate(moments)]


def launch_slot(campaign: Campaign) -> Slot:
    """The campaign's launch announcement to every member (IV.1), at the opening."""
    return _slot(campaign, LAUNCH, campaign.launch_at)


def close_slot(campaign: Campaign) -> Slot:
    return _slot(campaign, CLOSE, campaign.closes_at)


def digest_slot_at(campaign: Campaign, moment: datetime) -> Slot | None:
    """The latest daily digest moment at or before `moment` inside the window (or None)."""
    day = campaign.local(moment).date()
    for d in (day, day - timedelta(days=1)):
        at = _at(campaign, d, campaign.reminders.digest_time)
        if at <= moment:
            if campaign.opens_at <= at < campaign.closes_at:
                return _slot(campaign, DIGEST, at)
            return None
    return None


def reminder_slot_at(campaign: Campaign, moment: datetime) -> Slot | None:
    """The latest reminder slot at or before `moment` (what a reminder at that moment is)."""
    past = [s for s in reminder_slots(campaign) if s.at <= moment]
    return past[-1] if past else None


def past_slots(campaign: Campaign, now: datetime) -> list[Slot]:
    """Slots whose time has come by `now`: the launch, every reminder, the latest digest and
    the close."""
    slots = [s for s in [launch_slot(campaign), *reminder_slots(campaign)] if s.at <= now]
    digest = digest_slot_at(campaign, now)
    if digest is not None:
        slots.append(digest)
    close = close_slot(campaign)
    if close.at <= now:
        slots.append(close)
    return sorted(slots, key=lambda s: s.at)
