"""«Mở đợt» schedules the launch: a campaign opened on the console has its launch text sent to
every member at its launch time (or at once, when opened after it), once, through the launch
announcement the campaign file's own slot uses; a draft is never announced."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session

from domain import campaigns
from domain.uow import UnitOfWork
from scheduler.jobs import SlotRunner
from scheduler.launches import launch_due
from storage.models import Announcement, Outbox

from .campaign_texts import campaign_text, file_text
from .conftest import rows
from .web_helpers import csrf_of, people, web  # noqa: F401

LAUNCH = '[launch]\ntime = "08:00"\n'
# each test its own campaign code: parsed campaigns are cached by code and version in the process


@pytest.fixture
def offices(db, campaign, clock, people):
    with Session(db) as s:
        campaigns.store_file_campaign(UnitOfWork(s, clock.now()), campaign, file_text())
        s.commit()
    return people


def draft(db, clock, web, staff_id: int, code: str, opens_on: str) -> None:
    text = campaign_text(code, short_title="Thi đua vụ đông", opens_on=opens_on, deadline_on="2024-12-20")
    assert LAUNCH in text
    with Session(db) as s:
        campaigns.save_draft(UnitOfWork(s, clock.now()), web.member(staff_id), text)
        s.commit()


def open_on_the_console(web, staff_id: int, code: str) -> None:
    c = web.signed_in(staff_id)
    html = c.get("/dot-thi-dua").text
    seen = re.search(rf'action="/dot-thi-dua/{code}/mo".*?name="seen" value="(\d+)"', html, re.S)
    r = c.post(f"/dot-thi-dua/{code}/mo", data={"csrf": csrf_of(html), "seen": seen.group(1)})
    assert r.status_code == 303, r.text


def launch_rows(db, code: str) -> list[Outbox]:
    [ann] = [a for a in rows(db, Announcement) if a.kind == "launch" and a.campaign_code == code] or [None]
    if ann is None:
        return []
    return [o for o in rows(db, Outbox) if o.dedupe_key.startswith(f"ann:{ann.id}:")]


def test_an_opened_campaign_is_launched_at_its_launch_time_once(web, offices, db, clock, campaign):
    staff = offices["ids"]["staff"]
    # tomorrow, 08:00 in Hà Nội (the clock is 10:00 there on 05/11/2024)
    draft(db, clock, web, staff, "vu-dong-2024", "2024-11-06")
    assert launch_due(db, clock.now()) == []  # a draft: nothing
    open_on_the_console(web, staff, "vu-dong-2024")
    assert launch_due(db, clock.now()) == []  # not yet its time
    opened = campaigns.campaign_by_code(UnitOfWork(Session(db), clock.now()), "vu-dong-2024")
    clock.set(opened.launch_at + timedelta(seconds=30))
    assert launch_due(db, clock.now()) == ["vu-dong-2024"]
    sent = launch_rows(db, "vu-dong-2024")
    members = {o.member_id for o in sent}
    assert len(members) == 4  # the resident, the head, the staff member, the admin
    text = sent[0].payload["text"]
    assert (
        text.startswith("UBND xã Trần Ninh phát động «Thi đua vụ đông».") and "23:59 ngày 20/12/2024" in text
    )
    # a minute later, and the campaign's own slot too: nothing twice
    clock.advance(minutes=1)
    assert launch_due(db, clock.now()) == []
    assert len(launch_rows(db, "vu-dong-2024")) == len(sent)
    # the first campaign, open since long before: its launch passed, never announced late
    assert launch_rows(db, campaign.code) == []


def test_a_campaign_opened_after_its_launch_day_is_launched_at_its_opening(web, offices, db, clock):
    staff = offices["ids"]["staff"]
    draft(db, clock, web, staff, "mua-thu-2024", "2024-10-01")
    clock.advance(hours=2)
    open_on_the_console(web, staff, "mua-thu-2024")
    assert launch_due(db, clock.now()) == ["mua-thu-2024"]
    assert launch_rows(db, "mua-thu-2024")


async def test_the_leader_checks_the_opened_campaigns_at_start_and_every_minute(
    web, offices, core, db, clock
):
    from scheduler.apscheduler_jobs import build_scheduler
    from scheduler.launches import EVERY_SECONDS, LAUNCH_WATCH_JOB

    staff = offices["ids"]["staff"]
    draft(db, clock, web, staff, "he-thu-2024", "2024-10-01")
    open_on_the_console(web, staff, "he-thu-2024")
    woken = []
    runner = SlotRunner(core, on_queued=lambda: woken.append(1))
    job = build_scheduler(runner, now=clock.now()).get_job(LAUNCH_WATCH_JOB)
    assert job.trigger.interval == timedelta(seconds=EVERY_SECONDS)
    await runner.catch_up()
    assert launch_rows(db, "he-thu-2024") and woken == [1]
