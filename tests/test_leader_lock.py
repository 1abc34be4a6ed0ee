"""The scheduler's leader lock on PostgreSQL survives nothing silently: when the lock's
connection is killed, the old leader stops scheduling and another process can lead."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from sqlalchemy import text

from domain.clock import ManualClock
from handlers.core import Core
from scheduler.startup import SchedulerInProcess
from storage.db import LeaderLock, make_engine


def test_sqlite_commits_are_durable(db):
    """synchronous=FULL (2), not NORMAL (1), in WAL mode."""
    with db.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2


async def test_a_leader_whose_lock_connection_dies_stops_and_another_leads(pg_db, campaign, tmp_path):
    """pg_terminate_backend on the lock's connection."""
    clock = ManualClock(datetime(2024, 11, 20, 1, 0, tzinfo=UTC))

    def in_process() -> SchedulerInProcess:
        return SchedulerInProcess(
            Core(pg_db, campaign, clock),
            clock=clock,
            chart_dir=tmp_path / "charts",
            retry_every=0.02,
            check_every=0.02,
        )

    first, second = in_process(), in_process()
    await first.start()
    await second.start()
    try:
        assert first.scheduler is not None and second.scheduler is None
        admin = make_engine(pg_db.url.render_as_string(hide_password=False))
        with admin.begin() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first.lock.pid}).scalar()
        admin.dispose()
        # both check every 20 ms; the bound is generous for a loaded machine (threads, a
        # reconnect to PostgreSQL): the loop ends as soon as the hand-over is seen
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if second.scheduler is not None and first.scheduler is None:
                break
            await asyncio.sleep(0.01)
        assert first.scheduler is None, "the old leader still schedules"
        assert second.scheduler is not None and second.scheduler.get_jobs()
        assert first.lock.held is False and second.lock.held is True
        await asyncio.sleep(0.1)  # the old leader is a follower now: it does not lead again
        assert first.scheduler is None
    finally:
        await first.stop()
        await second.stop()
    lock = LeaderLock(pg_db, f"thidua-scheduler:{campaign.code}")
    assert lock.try_acquire() is True
    lock.release()


async def test_a_slot_firing_while_two_processes_lead_is_delivered_once(pg_db, campaign, monkeypatch):
    """In the seconds after a leader's lock connection dies, both processes may schedule: the
    same slot then runs in both at once. Both pass the «already ran?» check before either
    writes; the outbox's unique delivery keys keep one row per person, and two dispatchers
    draining at once send each row once."""
    import threading

    from bot.outbox_dispatcher import OutboxDispatcher
    from scheduler.jobs import SlotRunner
    from storage import slots
    from storage.models import Outbox

    from .conftest import rows
    from .test_scheduler import add_member, slot_named

    slot = slot_named(campaign, "remind:2024-11-27T08:00")
    clock = ManualClock(slot.at)
    heads = [
        add_member(pg_db, clock.now(), name=f"Trưởng thôn {u}", role="head", unit=u) for u in ("T01", "T02")
    ]
    both_checked = threading.Barrier(2, timeout=10)
    real = slots.slot_record
    checked = threading.local()

    def slot_record(s, slot_id):
        found = real(s, slot_id)
        if not getattr(checked, "done", False):
            checked.done = True
            both_checked.wait()  # neither has written: both would run the slot
        return found

    monkeypatch.setattr(slots, "slot_record", slot_record)
    runners = [SlotRunner(Core(pg_db, campaign, clock)) for _ in range(2)]  # two leaders
    outcomes = await asyncio.gather(*(asyncio.to_thread(r.run_sync, slot) for r in runners))
    # the later one finds the rows the first committed (ran, queuing nothing) or collides
    # with them on the unique keys (already): either way one run queued the reminders
    assert [o.queued for o in outcomes if o.queued] == [len(heads)]
    reminders = [r for r in rows(pg_db, Outbox) if r.dedupe_key.startswith("remind:")]
    assert sorted(r.member_id for r in reminders) == sorted(h.id for h in heads)

    class Channel:
        name = "console"

        def __init__(self) -> None:
            self.sent: list[str] = []

        async def send(self, chat_id, reply) -> None:
            self.sent.append(chat_id)

    channels = [Channel(), Channel()]
    dispatchers = [OutboxDispatcher(pg_db, c, clock) for c in channels]
    await asyncio.gather(*(d.run_once() for d in dispatchers))
    sent = channels[0].sent + channels[1].sent
    assert sorted(sent) == sorted({r.chat_id for r in reminders}) and len(sent) == len(reminders)
