"""Reminders: the plan from the campaign file, exactly-once slots across restarts, catch-up
within the grace period, who is reminded, the reminder's question, the deadline close, the
dry-run command and the dispatcher's retries. Clock controlled, no sleeping."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from bot.channel import SendError
from bot.outbox_dispatcher import OutboxDispatcher
from handlers.core import Core
from messages.model import Question, Text, reply_from_dict
from scheduler.apscheduler_jobs import DIGEST_JOB, HOUSEKEEPING_JOB, REFRESH_JOB, build_scheduler
from scheduler.jobs import SlotRunner
from scheduler.plan import close_slot, digest_slot_at, past_slots, reminder_slots
from storage import conversations
from storage import outbox as outbox_store
from storage.db import make_engine
from storage.models import AuditLog, ConversationState, Outbox

from . import seed as seeding
from .conftest import CAMPAIGN_FILE, Player, register_resident, rows

UTC = UTC


def local(campaign, y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=campaign.tz).astimezone(UTC)


def add_member(db, now, *, name, role, unit=None, channel="console", uid=None):
    with Session(db, expire_on_commit=False) as s:
        m = seeding.create_member(
            s,
            full_name=name,
            role=role,
            unit_code=unit,
            phone=None,
            channel=channel,
            external_id=uid or name,
            chat_id=uid or name,
            display_name=None,
            now=now,
        )
        s.commit()
        return m


def add_report(db, now, member, unit):
    with Session(db, expire_on_commit=False) as s:
        sub = seeding.create_submission(
            s,
            kind="report",
            campaign_code="tran-ninh-2024",
            submitter_id=member.id,
            now=now,
            unit_code=unit,
            achievements="Báo cáo thành tích của đơn vị trong đợt thi đua.",
        )
        s.commit()
        return sub


def slot_named(campaign, slot_id):
    return next(s for s in [*reminder_slots(campaign), close_slot(campaign)] if s.id == slot_id)


def outbox(db, prefix=""):
    return [r for r in rows(db, Outbox) if (r.dedupe_key or "").startswith(prefix)]


# -- the plan ---------------------------------------------------------------------------------


def test_slots_from_the_campaign_file(campaign):
    slots = reminder_slots(campaign)
    assert [s.id for s in slots] == [
        "remind:2024-11-23T08:00",
        "remind:2024-11-27T08:00",
        "remind:2024-11-29T08:00",
        "remind:2024-11-30T07:30",
    ]
    assert [s.stale for s in slots] == [False, False, True, True]  # stale_last_slots = 2
    assert slots[0].at == local(campaign, 2024, 11, 23, 8)
    assert close_slot(campaign).id == "close:2024-12-01T00:00"
    assert close_slot(campaign).at == campaign.closes_at


def test_campaign_deadline_moves_everything(campaign):
    later = campaign.with_deadline(date(2024, 12, 10))
    assert [s.id for s in reminder_slots(later)] == [
        "remind:2024-12-03T08:00",
        "remind:2024-12-07T08:00",
        "remind:2024-12-09T08:00",
        "remind:2024-12-10T07:30",
    ]
    assert close_slot(later).id == "close:2024-12-11T00:00"
    assert digest_slot_at(later, local(later, 2024, 12, 5, 18)).id == "digest:2024-12-05T17:00"
    assert digest_slot_at(campaign, local(campaign, 2024, 12, 5, 18)) is None  # closed by then


def test_scheduler_jobs_have_stable_ids_and_times(core, campaign, clock):
    runner = SlotRunner(core)
    sched = build_scheduler(runner, now=clock.now())
    ids = sorted(j.id for j in sched.get_jobs())
    assert ids == sorted(
        [s.id for s in reminder_slots(campaign)] + ["close:2024-12-01T00:00", DIGEST_JOB, HOUSEKEEPING_JOB]
    )
    job = next(j for j in sched.get_jobs() if j.id == "remind:2024-11-27T08:00")
    assert job.trigger.run_date == local(campaign, 2024, 11, 27, 8)
    assert job.misfire_grace_time == 6 * 3600
    digest = next(j for j in sched.get_jobs() if j.id == DIGEST_JOB)
    assert digest.trigger.get_next_fire_time(None, clock.now()) == local(campaign, 2024, 11, 5, 17)
    # a slot already past is left to the catch-up, not scheduled
    clock.set(local(campaign, 2024, 11, 28, 9))
    later_ids = {j.id for j in build_scheduler(runner, now=clock.now()).get_jobs()}
    assert "remind:2024-11-27T08:00" not in later_ids and "remind:2024-11-29T08:00" in later_ids


async def test_running_scheduler_rebuilt_has_no_duplicate_jobs(core, campaign, clock):
    runner = SlotRunner(core)
    sched = build_scheduler(runner, now=clock.now())
    sched.start(paused=True)
    try:
        build_scheduler(runner, now=clock.now(), scheduler=sched)  # a rebuild: replace_existing
        ids = [j.id for j in sched.get_jobs()]
        assert len(ids) == len(set(ids)) == 7  # 4 reminders, the close, the digest, housekeeping
        assert str(sched.timezone) == "Asia/Ho_Chi_Minh"
        job = sched.get_job("remind:2024-11-23T08:00")
        assert job.next_run_time == local(campaign, 2024, 11, 23, 8)
    finally:
        sched.shutdown(wait=False)


# -- exactly once -----------------------------------------------------------------------------


def test_each_slot_fires_once(core, db, campaign, clock):
    head = add_member(db, clock.now(), name="Trưởng thôn Một", role="head", unit="T01")
    slot = slot_named(campaign, "remind:2024-11-23T08:00")
    clock.set(slot.at)
    runner = SlotRunner(core)
    first = runner.run_sync(slot)
    assert (first.status, first.queued, first.people) == ("ran", 1, 1)
    assert runner.run_sync(slot).status == "already"
    sent = outbox(db, "remind:")
    assert [r.dedupe_key for r in sent] == [f"remind:2024-11-23T08:00:{head.id}|console"]
    text = reply_from_dict(sent[0].payload).text
    assert "Còn 7 ngày" in text and "Thôn 1 chưa gửi báo cáo" in text
    # the next slot is a new slot: one more row, not a repeat of the first
    nxt = slot_named(campaign, "remind:2024-11-27T08:00")
    clock.set(nxt.at)
    assert runner.run_sync(nxt).queued == 1
    assert len(outbox(db, "remind:")) == 2
    assert len([a for a in rows(db, AuditLog) if a.action == "slot.run"]) == 2


async def test_restart_between_two_runs_sends_nothing_twice(db_path, campaign, clock):
    slot = slot_named(campaign, "remind:2024-11-27T08:00")
    engine = make_engine(f"sqlite:///{db_path}")
    add_member(engine, clock.now(), name="Trưởng thôn Hai", role="head", unit="T02")
    clock.set(slot.at + timedelta(minutes=1))
    assert (await SlotRunner(Core(engine, campaign, clock)).run(slot)).queued == 1
    engine.dispose()
    # "restart": new engine, new core, new runner, new scheduler, same database file
    engine2 = make_engine(f"sqlite:///{db_path}")
    runner2 = SlotRunner(Core(engine2, campaign, clock))
    build_scheduler(runner2, now=clock.now())
    outcomes = await runner2.catch_up()
    assert [(o.slot, o.status) for o in outcomes] == [
        ("launch:2024-02-28T08:00", "skipped"),
        ("remind:2024-11-23T08:00", "skipped"),
        ("digest:2024-11-26T17:00", "skipped"),
        ("remind:2024-11-27T08:00", "already"),
    ]
    assert (await runner2.run(slot)).status == "already"
    assert len(outbox(engine2, "remind:")) == 1
    engine2.dispose()


def test_a_second_runner_racing_is_stopped_by_the_unique_key(core, db, campaign, clock):
    """Even without the slot record, the UNIQUE dedupe key keeps one row per member."""
    head = add_member(db, clock.now(), name="Trưởng thôn Ba", role="head", unit="T03")
    slot = slot_named(campaign, "remind:2024-11-29T08:00")
    clock.set(slot.at)
    runner = SlotRunner(core)
    with Session(db) as s:
        items, _ = runner.items(s, slot, clock.now())
        assert outbox_store.enqueue_many(s, items, clock.now()) == 1
        assert outbox_store.enqueue_many(s, items, clock.now()) == 0
        s.commit()
    assert runner.run_sync(slot).queued == 0
    assert [r.member_id for r in outbox(db, "remind:")] == [head.id]


async def test_missed_slot_within_grace_sends_once_after_it_none(core, db, campaign, clock):
    add_member(db, clock.now(), name="Trưởng thôn Bốn", role="head", unit="T04")
    first, second = reminder_slots(campaign)[:2]
    # down at 08:00 on 23/11, back at 13:00 (5 h late, grace 6 h): sent once
    clock.set(first.at + timedelta(hours=5))
    runner = SlotRunner(core)
    outcomes = {o.slot: o.status for o in await runner.catch_up()}
    assert outcomes[first.id] == "ran"
    assert len(outbox(db, first.id)) == 1
    assert {o.slot: o.status for o in await runner.catch_up()}[first.id] == "already"
    # down at 08:00 on 27/11, back at 15:00 (7 h late): skipped, recorded, nothing sent
    clock.set(second.at + timedelta(hours=7))
    outcomes = {o.slot: o.status for o in await runner.catch_up()}
    assert outcomes[second.id] == "skipped"
    assert outbox(db, second.id) == []
    skip = [a for a in rows(db, AuditLog) if a.action == "slot.skip" and a.entity_id == second.id]
    assert len(skip) == 1 and "grace" in skip[0].reason
    assert {o.slot: o.status for o in await runner.catch_up()}[second.id] == "already"
    assert outbox(db, second.id) == []


def test_past_slots_are_launch_reminders_latest_digest_and_close(campaign):
    after = local(campaign, 2024, 12, 1, 3)
    assert [s.id for s in past_slots(campaign, after)] == [
        "launch:2024-02-28T08:00",
        "remind:2024-11-23T08:00",
        "remind:2024-11-27T08:00",
        "remind:2024-11-29T08:00",
        "remind:2024-11-30T07:30",
        "digest:2024-11-30T17:00",
        "close:2024-12-01T00:00",
    ]


# -- who is reminded --------------------------------------------------------------------------


def test_units_with_a_report_are_not_reminded_stale_ones_on_last_slots(core, db, campaign, clock):
    h1 = add_member(db, clock.now(), name="Trưởng thôn Một", role="head", unit="T01")
    h2 = add_member(db, clock.now(), name="Trưởng thôn Hai", role="head", unit="T02")
    h3 = add_member(db, clock.now(), name="Trưởng thôn Ba", role="head", unit="T03")
    add_member(db, clock.now(), name="Người dân", role="resident", unit="T01")
    add_report(db, local(campaign, 2024, 11, 10, 9), h2, "T02")  # old report (stale by 29/11)
    add_report(db, local(campaign, 2024, 11, 26, 9), h3, "T03")  # fresh report
    runner = SlotRunner(core)
    early = slot_named(campaign, "remind:2024-11-27T08:00")
    clock.set(early.at)
    runner.run_sync(early)
    assert {r.member_id for r in outbox(db, early.id)} == {h1.id}
    late = slot_named(campaign, "remind:2024-11-29T08:00")  # one of the last two: stale too
    clock.set(late.at)
    runner.run_sync(late)
    got = {r.member_id: reply_from_dict(r.payload).text for r in outbox(db, late.id)}
    assert set(got) == {h1.id, h2.id}
    assert "chưa cập nhật từ 10/11/2024" in got[h2.id] and "Còn 1 ngày" in got[h2.id]


def test_people_with_a_draft_are_reminded_and_continue_where_they_were(core, db, campaign, clock):
    p = Player(core, "draft-user")
    register_resident(p)
    p.press("nominate")  # asked for the nominee's name
    nominee_q = p.question
    with Session(db) as s:
        before = conversations.get_state(s, "console", "draft-user")
        seq_before, step_before = before.seq, before.step
    slot = slot_named(campaign, "remind:2024-11-30T07:30")
    clock.set(slot.at)
    SlotRunner(core).run_sync(slot)
    [row] = outbox(db, slot.id)
    reply = reply_from_dict(row.payload)
    assert isinstance(reply, Question)
    assert "Bạn còn một đề cử chưa gửi" in reply.text and "Hôm nay là hạn cuối" in reply.text
    assert nominee_q.text in reply.text and reply.seq == seq_before
    with Session(db) as s:  # the reminder changed nothing in the conversation
        after = conversations.get_state(s, "console", "draft-user")
        assert (after.seq, after.step, after.flow) == (seq_before, step_before, "nomination")
    # answering the reminder's question is answering the current step
    p.say("Hộ bà Lường Thị Mai")
    assert "thành tích" in p.question.text.lower()
    with Session(db) as s:
        assert (
            conversations.get_state(s, "console", "draft-user").data["answers"]["nominee"]
            == "Hộ bà Lường Thị Mai"
        )


def test_reminder_button_from_the_menu_starts_the_flow_and_is_stale_later(core, db, campaign, clock):
    head = add_member(db, clock.now(), name="Trưởng thôn Năm", role="head", unit="T05", uid="head5")
    p = Player(core, "head5")
    p.say("/start")  # at the menu
    slot = slot_named(campaign, "remind:2024-11-23T08:00")
    clock.set(slot.at)
    SlotRunner(core).run_sync(slot)
    [row] = outbox(db, slot.id)
    q = reply_from_dict(row.payload)
    assert row.member_id == head.id
    assert "report" in [o.value for o in q.options] and "Chọn «" in q.text
    p.last = [q]  # the person presses the reminder's button
    p.press("report")
    assert "Báo cáo của Thôn 5: gõ 11 số liệu" in p.text  # the unit report flow started
    p.last = [q]  # pressing the old reminder again, after moving on: stale, nothing breaks
    p.press("report")
    assert p.last == [Text("Câu hỏi này đã qua.", toast=True)]


def test_deadline_close_tells_drafts_once_and_sends_the_final_digest(core, db, campaign, clock):
    p = Player(core, "late-user")
    register_resident(p)
    p.press("nominate")
    add_member(db, clock.now(), name="Cán bộ Văn phòng", role="staff", unit="VPTK", uid="staff1")
    slot = close_slot(campaign)
    clock.set(slot.at + timedelta(minutes=1))
    runner = SlotRunner(core)
    assert runner.run_sync(slot).status == "ran"
    assert runner.run_sync(slot).status == "already"
    closed = outbox(db, "closed:")
    assert len(closed) == 1 and closed[0].dedupe_key.startswith("closed:2024-12-01T00:00:")
    assert "Đã hết hạn gửi hồ sơ" in reply_from_dict(closed[0].payload).text
    final = outbox(db, slot.id)
    assert len(final) == 1 and "TỔNG HỢP CUỐI" in reply_from_dict(final[0].payload).text
    # and the flow refuses to send now
    p.say("Hộ ông Vi Văn Sáu")
    assert "thành tích" in p.question.text.lower()
    assert SlotRunner(core).run_sync(slot_named(campaign, "remind:2024-11-30T07:30")).status == "skipped"


# -- commands ---------------------------------------------------------------------------------


def test_remind_dry_run_prints_who_and_why_and_writes_nothing(
    db, db_path, campaign, clock, monkeypatch, capsys
):
    h1 = add_member(db, clock.now(), name="Trưởng thôn Một", role="head", unit="T01")
    h2 = add_member(db, clock.now(), name="Trưởng thôn Hai", role="head", unit="T02")
    add_report(db, local(campaign, 2024, 11, 1, 9), h2, "T02")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    from bot.cli import main

    n_audit = len(rows(db, AuditLog))
    assert main(["remind", "--dry-run", "--at", "2024-11-29T08:00"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("Nhắc lúc 08:00 29/11/2024 (remind:2024-11-29T08:00)")
    assert lines[1:] == [
        f"Trưởng thôn Một · trưởng đơn vị · Thôn 1 · #{h1.id}: chưa gửi báo cáo",
        f"Trưởng thôn Hai · trưởng đơn vị · Thôn 2 · #{h2.id}: báo cáo chưa cập nhật từ 01/11/2024",
    ]
    assert main(["remind", "--dry-run", "--at", "2024-11-23T08:00"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2  # no stale rule yet
    assert rows(db, Outbox) == [] and len(rows(db, AuditLog)) == n_audit
    assert rows(db, ConversationState) == []


# -- delivery ---------------------------------------------------------------------------------


class FlakyChannel:
    name = "console"

    def __init__(self, errors):
        self.errors = list(errors)
        self.delivered = []

    async def send(self, chat_id, reply):
        if self.errors:
            raise self.errors.pop(0)
        self.delivered.append((chat_id, reply))


async def test_send_failure_is_retried_with_back_off_and_recorded(core, db, campaign, clock):
    add_member(db, clock.now(), name="Trưởng thôn Một", role="head", unit="T01", uid="h1")
    slot = slot_named(campaign, "remind:2024-11-23T08:00")
    clock.set(slot.at)
    SlotRunner(core).run_sync(slot)
    channel = FlakyChannel([SendError("network down"), SendError("slow down", retry_after=3)])
    d = OutboxDispatcher(db, channel, clock, max_attempts=3)
    assert await d.run_once() == (0, 1)
    [row] = outbox(db, slot.id)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "network down")
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert await d.run_once() == (0, 0)  # backing off: not due yet
    clock.advance(seconds=31)
    assert await d.run_once() == (0, 1)  # a 429: waits as told, no attempt used
    [row] = outbox(db, slot.id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == clock.now() + timedelta(seconds=3)
    clock.advance(seconds=3)
    assert await d.run_once() == (1, 0)
    [row] = outbox(db, slot.id)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 2, clock.now())
    assert [c for c, _ in channel.delivered] == ["h1"]
    assert await d.run_once() == (0, 0)  # never twice


async def test_failures_are_bounded_and_kept(core, db, campaign, clock):
    add_member(db, clock.now(), name="Trưởng thôn Một", role="head", unit="T01", uid="h1")
    slot = slot_named(campaign, "remind:2024-11-23T08:00")
    clock.set(slot.at)
    SlotRunner(core).run_sync(slot)
    d = OutboxDispatcher(db, FlakyChannel([SendError("boom")] * 5), clock, max_attempts=3)
    for _ in range(5):
        await d.run_once()
        clock.advance(hours=1)
    [row] = outbox(db, slot.id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "boom")


# -- in the serving process -------------------------------------------------------------------


async def test_the_serving_process_runs_the_scheduler_with_campaign_deadline(tmp_path, monkeypatch):
    """The scheduler as bot/bootstrap.py wires it: CAMPAIGN_DEADLINE moves the jobs, missed slots are
    caught up (here: too late, recorded as skipped), and the stopper shuts it down."""
    from bot.bootstrap import build, build_scheduler
    from bot.settings import Settings
    from domain.clock import ManualClock

    now = datetime.now(UTC)
    clock = ManualClock(now)
    deadline = (now + timedelta(days=5)).date()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'serve.db'}",
        campaign_file=str(CAMPAIGN_FILE),
        campaign_deadline=deadline.isoformat(),
        media_dir=str(tmp_path / "media"),
    )
    app = build(settings, clock=clock)
    running = build_scheduler(app)
    await running.start()
    stop = running.stop
    try:
        sched = running.scheduler
        slots = reminder_slots(app.campaign)
        assert slots[-1].id == f"remind:{deadline.isoformat()}T07:30"
        future = [s for s in slots if s.at > now]
        ids = {j.id for j in sched.get_jobs()}
        own = {*(s.id for s in future), close_slot(app.campaign).id, DIGEST_JOB, HOUSEKEEPING_JOB}
        assert ids == own | {REFRESH_JOB}  # REFRESH_JOB: the campaigns opened on the web since
        assert sched.get_job(future[0].id).next_run_time == future[0].at
        missed = [s for s in slots if s.at <= now]  # 7 days before a deadline 5 days away
        assert missed
        for _ in range(500):  # the catch-up task runs in the background: bounded wait
            done = {a.entity_id for a in rows(app.db, AuditLog) if a.entity == "slot"}
            if {s.id for s in missed} <= done:
                break
            await asyncio.sleep(0.01)
        skipped = {a.entity_id for a in rows(app.db, AuditLog) if a.action == "slot.skip"}
        assert {s.id for s in missed} <= skipped
    finally:
        await stop()
    assert not sched.running


def test_housekeeping_forgets_event_keys_older_than_30_days(core, db, clock):
    from storage.models import ProcessedEvent

    old = Player(core, "old-user")
    old.say("/start", key="old-event")
    clock.advance(days=31)
    new = Player(core, "new-user")
    new.say("/start", key="new-event")
    assert SlotRunner(core).housekeeping_sync() == 1
    assert [e.key for e in rows(db, ProcessedEvent)] == ["console:new-event"]
