"""The APScheduler side: one AsyncIOScheduler in the serving process, jobs from the campaign's
reminder plan (campaign timezone), stable ids, replace_existing so a rebuild never doubles."""

from __future__ import annotations

from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .jobs import SlotRunner
from .launches import EVERY_SECONDS, LAUNCH_WATCH_JOB
from .plan import close_slot, launch_slot, reminder_slots

DIGEST_JOB = "digest:daily"
HOUSEKEEPING_JOB = "housekeeping:daily"


def build_scheduler(
    runner: SlotRunner, now: datetime | None = None, scheduler: AsyncIOScheduler | None = None
) -> AsyncIOScheduler:
    """Add (or replace) the campaign's jobs. Slots already past are left to runner.catch_up()."""
    campaign = runner.campaign
    now = now or runner.clock.now()
    sched = scheduler or AsyncIOScheduler(timezone=campaign.tz)
    grace = max(1, int(campaign.reminders.grace_hours * 3600))
    common = dict(replace_existing=True, misfire_grace_time=grace, coalesce=True, max_instances=1)
    for slot in [launch_slot(campaign), *reminder_slots(campaign), close_slot(campaign)]:
        if slot.at > now:
            sched.add_job(
                runner.run,
                DateTrigger(run_date=slot.at, timezone=campaign.tz),
                args=[slot],
                id=slot.id,
                name=slot.id,
                **common,
            )
    if campaign.closes_at > now:
        d = campaign.reminders.digest_time
        sched.add_job(
            runner.run_digest,
            CronTrigger(
                hour=d.hour,
                minute=d.minute,
                timezone=campaign.tz,
                start_date=max(now, campaign.opens_at),
                end_date=campaign.closes_at,
            ),
            id=DIGEST_JOB,
            name=DIGEST_JOB,
            **common,
        )
    # campaigns opened on the console: each launched at its launch time (scheduler/launches.py)
    sched.add_job(
        runner.run_launches,
        IntervalTrigger(seconds=EVERY_SECONDS, timezone=campaign.tz),
        id=LAUNCH_WATCH_JOB,
        name=LAUNCH_WATCH_JOB,
        **common,
    )
    sched.add_job(
        runner.housekeeping,
        CronTrigger(hour=3, minute=17, timezone=campaign.tz),
        id=HOUSEKEEPING_JOB,
        name=HOUSEKEEPING_JOB,
        **common,
    )
    return sched
