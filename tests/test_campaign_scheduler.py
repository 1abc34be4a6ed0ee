"""Reminders and digests per open campaign: two campaigns with different deadlines; each head
is reminded of the campaign they take part in (their choice, else the newest open), each
campaign has its own slots and digest, and the deadline slot closes the campaign's row."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from domain import campaigns as ops
from domain.uow import UnitOfWork
from messages.model import reply_from_dict
from scheduler.apscheduler_jobs import DIGEST_JOB
from scheduler.jobs import SlotRunner
from scheduler.plan import close_slot, digest_slot_at, reminder_slots, slot_tag
from scheduler.startup import SchedulerInProcess
from storage.models import CampaignRecord, ConversationState

from .campaign_texts import open_two_campaigns
from .test_scheduler import add_member, local, outbox

WINTER = "vu-dong-2024"


def two_campaigns(db, clock, core):
    open_two_campaigns(db, clock.now(), WINTER)
    h1 = add_member(db, clock.now(), name="Trưởng thôn Một", role="head", unit="T01", uid="h1")
    h2 = add_member(db, clock.now(), name="Trưởng thôn Hai", role="head", unit="T02", uid="h2")
    with Session(db) as s:  # h1 chose the 60th anniversary campaign; h2 chose none
        s.add(
            ConversationState(
                channel="console",
                user_id="h1",
                member_id=h1.id,
                data={},
                campaign_code="tran-ninh-2024",
                updated_at=clock.now(),
            )
        )
        s.commit()
        uow = UnitOfWork(s, clock.now())
        own, winter = sorted(ops.open_campaigns(uow), key=lambda c: c.code)
    return h1, h2, own, winter


def reminded(db, slot) -> list[int]:
    return sorted(r.member_id for r in outbox(db, slot.id + ":"))


def test_each_head_is_reminded_of_the_campaign_they_take_part_in(core, db, clock):
    h1, h2, own, winter = two_campaigns(db, clock, core)
    tag = slot_tag(WINTER, core.campaign.code)
    own_slot = next(s for s in reminder_slots(own) if s.id == "remind:2024-11-29T08:00")
    winter_slot = next(s for s in reminder_slots(winter, tag) if s.id.startswith("remind:2024-12-13T08:00~"))
    assert len(winter_slot.id) <= 32  # an audit row's entity id
    clock.set(own_slot.at)
    assert SlotRunner(core).run_sync(own_slot).status == "ran"
    clock.set(winter_slot.at)
    assert SlotRunner(core, campaign=winter).run_sync(winter_slot).status == "ran"
    assert reminded(db, own_slot) == [h1.id]
    assert reminded(db, winter_slot) == [h2.id]
    [to_h2] = outbox(db, winter_slot.id + ":")
    assert "20/12/2024" in reply_from_dict(to_h2.payload).text  # the winter campaign's deadline


def test_each_open_campaign_has_its_digest_and_its_deadline_closes_it(core, db, clock):
    _, _, own, winter = two_campaigns(db, clock, core)
    tag = slot_tag(WINTER, core.campaign.code)
    at = local(own, 2024, 11, 20, 18)
    clock.set(at)
    mine, theirs = digest_slot_at(own, at), digest_slot_at(winter, at, tag)
    assert mine.at == theirs.at and mine.id != theirs.id  # the same moment, two slots
    assert SlotRunner(core).run_sync(mine).status == "ran"
    assert SlotRunner(core, campaign=winter).run_sync(theirs).status == "ran"
    texts = [reply_from_dict(r.payload).text for r in outbox(db, "digest:")]
    assert len(texts) == 2  # the office's clerk (open_two_campaigns made one): a digest of each
    assert {t.splitlines()[1] for t in texts} == {
        "Đợt: «Thi đua chào mừng 60 năm huyện Văn Quan»",
        "Đợt: «Thi đua sản xuất vụ đông»",
    }
    close = close_slot(own)
    clock.set(close.at + timedelta(minutes=1))
    assert SlotRunner(core).run_sync(close).status == "ran"
    with Session(db) as s:
        assert {r.code: r.status for r in s.exec(select(CampaignRecord))} == {
            "tran-ninh-2024": "closed",
            WINTER: "open",
        }


async def test_the_scheduler_runs_the_jobs_of_every_open_campaign(core, db, clock, tmp_path):
    _, _, own, winter = two_campaigns(db, clock, core)
    running = SchedulerInProcess(core, clock=clock, chart_dir=tmp_path)
    await running.start()
    try:
        ids = {j.id for j in running.scheduler.get_jobs()}
    finally:
        await running.stop()
    tag = slot_tag(WINTER, core.campaign.code)
    assert {s.id for s in reminder_slots(own) if s.at > clock.now()} <= ids
    assert {s.id for s in reminder_slots(winter, tag) if s.at > clock.now()} <= ids
    assert {DIGEST_JOB, DIGEST_JOB + tag, close_slot(winter, tag).id} <= ids
