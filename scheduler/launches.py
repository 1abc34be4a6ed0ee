"""The launch announcement of every campaign the office opened, at its launch time.

«Mở đợt» on the console (domain.campaigns.open_campaign) only moves the campaign's row; the
leader's scheduler looks at the open campaigns every minute and, for one whose launch time
has come, queues its launch text to every member through the launch announcement the
campaign file's own slot uses (domain.broadcasts.launch_items): once per campaign, whichever
process or slot gets there first (the announcement's key is unique). A campaign opened after
its launch time launches at its opening; one whose launch passed more than `grace_hours` ago
while it was already open (the bot was down) is not announced late, as a missed slot is not.
The database says what is open, so a campaign opened through any process is launched."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from domain import broadcasts, campaigns
from domain.uow import UnitOfWork
from storage import campaigns as campaign_rows
from storage import outbox, slots

log = logging.getLogger(__name__)

LAUNCH_WATCH_JOB = "launch:watch"
EVERY_SECONDS = 60


def launch_due(db: Engine, now: datetime) -> list[str]:
    """Queue the launch of each open campaign whose time has come; the codes launched."""
    with Session(db, expire_on_commit=False) as s:
        due = []
        for campaign in campaigns.open_campaigns(UnitOfWork(s, now)):
            row = campaign_rows.get(s, campaign.code)
            if row is None or now < campaign.launch_at:
                continue
            start = max(campaign.launch_at, row.opened_at or campaign.launch_at)
            if now - start <= timedelta(hours=campaign.reminders.grace_hours):
                due.append(campaign)
    launched = []
    for campaign in due:
        with Session(db, expire_on_commit=False) as s:
            try:
                prepared = broadcasts.launch_items(s, campaign, now=now)
                if prepared is None:  # already announced (its slot, another process)
                    continue
                queued = outbox.enqueue_many(s, prepared.items, now)
                slots.record_slot(
                    s,
                    f"launch:{campaign.code}",
                    ran=True,
                    now=now,
                    after={
                        "at": campaign.launch_at.isoformat(),
                        "queued": queued,
                        "people": prepared.members,
                    },
                )
                s.commit()
            except IntegrityError:  # launched meanwhile by another run
                s.rollback()
                continue
        log.info("launch of %s: %s messages to %s people", campaign.code, queued, prepared.members)
        launched.append(campaign.code)
    return launched
