"""«Mở đợt» schedules the launch: a campaign opened on the console gets its slots at the
scheduler's next look at the open campaigns (scheduler/startup.py `refresh`); its launch text
goes to every member at its launch time, or at once when the office opened it after that time
(its launch is due at its opening), through the campaign file's own launch slot; once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session

from domain import campaigns
from domain.uow import UnitOfWork
from scheduler.plan import launch_slot, slot_tag
from scheduler.startup import SchedulerInProcess
from storage.models import Announcement, Outbox

from .campaign_texts import campaign_text, file_text
from .conftest import rows
from .web_helpers import csrf_of, people, web  # noqa: F401


@pytest.fixture
def offices(db, campaign, clock, people):
    with Session(db) as s:
        campaigns.store_file_campaign(UnitOfWork(s, clock.now()), campaign, file_text())
        s.commit()
    return people


def draft(db, clock, web, staff_id: int, code: str, opens_on: str) -> None:
    text = campaign_text(code, short_title="Thi đua vụ đông", opens_on=opens_on, deadline_on="2024-12-20")
    assert '[launch]\ntime = "08:00"\n' in text
    with Session(db) as s:
        campaigns.save_draft(UnitOfWork(s, clock.now()), web.member(staff_id), text)
        s.commit()


def open_on_the_console(web, staff_id: int, code: str) -> None:
    c = web.signed_in(staff_id)
    html = c.get("/dot-thi-dua").text
    seen = re.search(rf'action="/dot-thi-dua/{code}/mo".*?name="seen" value="(\d+)"', html, re.S)
    r = c.post(f"/dot-thi-dua/{code}/mo", data={"csrf": csrf_of(html), "seen": seen.group(1)})
    assert r.status_code == 303, r.text


def launched(db, code: str) -> list[Outbox]:
    anns = [a for a in rows(db, Announcement) if a.kind == "launch" and a.campaign_code == code]
    assert len(anns) <= 1
    return [o for a in anns for o in rows(db, Outbox) if o.dedupe_key.startswith(f"ann:{a.id}:")]


def the_campaign(db, clock, code: str):
    with Session(db) as s:
        return campaigns.campaign_by_code(UnitOfWork(s, clock.now()), code)


async def test_an_opened_campaign_is_launched_at_its_launch_time_once(
    web, offices, core, db, clock, tmp_path
):
    staff = offices["ids"]["staff"]
    # tomorrow 08:00 in Hà Nội (the clock says 10:00 there, 05/11/2024)
    draft(db, clock, web, staff, "vu-dong-2024", "2024-11-06")
    running = SchedulerInProcess(core, clock=clock, chart_dir=tmp_path)
    await running.start()
    try:
        tag = slot_tag("vu-dong-2024", core.campaign.code)
        assert not any(j.id.endswith(tag) for j in running.scheduler.get_jobs())  # a draft: nothing
        open_on_the_console(web, staff, "vu-dong-2024")
        await running.refresh()  # the scheduler's look at the open campaigns (every 5 minutes)
        winter = the_campaign(db, clock, "vu-dong-2024")
        job = running.scheduler.get_job(launch_slot(winter, tag).id)
        assert job is not None and job.trigger.run_date == winter.launch_at
        assert launched(db, "vu-dong-2024") == []  # not yet its time
        clock.set(winter.launch_at + timedelta(seconds=20))
        runner = running.scheduled["vu-dong-2024"]
        assert (await runner.run(launch_slot(winter, tag))).status == "ran"
        sent = launched(db, "vu-dong-2024")
        assert {o.member_id for o in sent} == set(offices["ids"].values())  # every member
        text = sent[0].payload["text"]
        assert text.startswith("UBND xã Trần Ninh phát động «Thi đua vụ đông».") and "20/12/2024" in text
        await running.refresh()  # again, and the slot again: nothing twice
        assert (await runner.run(launch_slot(winter, tag))).status == "already"
        assert len(launched(db, "vu-dong-2024")) == len(sent)
        assert launched(db, core.campaign.code) == []  # the first campaign's launch long passed
    finally:
        await running.stop()


async def test_a_campaign_opened_after_its_launch_time_is_launched_at_its_opening(
    web,
    offices,
    core,
    db,
    clock,
    tmp_path,
):
    staff = offices["ids"]["staff"]
    draft(db, clock, web, staff, "mua-thu-2024", "2024-10-01")  # its launch was a month ago
    running = SchedulerInProcess(core, clock=clock, chart_dir=tmp_path)
    await running.start()
    try:
        clock.advance(hours=2)
        open_on_the_console(web, staff, "mua-thu-2024")
        await running.refresh()  # its missed slots caught up: the launch is due at the opening
        assert {o.member_id for o in launched(db, "mua-thu-2024")} == set(offices["ids"].values())
    finally:
        await running.stop()
