"""The APScheduler side: one AsyncIOScheduler in the serving process, jobs from the campaign's
reminder plan (campaign timezone), stable ids, replace_existing so a rebuild never doubles."""

from __future__ import annotations

from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from .jobs import SlotRunner
from .plan import close_slot, launch_slot, reminder_slots

DIGEST_JOB = "digest:daily"
HOUSEKEEPING_JOB = "housekeeping:daily"
REFRESH_JOB = "campaigns:refresh"


def build_scheduler(
    runner: SlotRunner, now: datetime | None = None, scheduler: AsyncIOScheduler | None = None
) -> AsyncIOScheduler:
    """Add (or replace) the campaign's jobs. Slots already past are left to runner.catch_up()."""
    campaign = runner.campaign
    now = now or runner.clock.now()
    sched = scheduler or AsyncIOScheduler(timezone=campaign.tz)
    grace = max(1, int(campaign.reminders.grace_hours * 3600))
    common = dict(replace_existing=True, misfire_grace_time=grace, coalesce=True, max_instances=1)
    tag = runner.tag  # another campaign than the deployment's own: its slots and digest apart
    for slot in [launch_slot(campaign, tag), *reminder_slots(campaign, tag), close_slot(campaign, tag)]:
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
            id=DIGEST_JOB + tag,
            name=DIGEST_JOB + tag,
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
