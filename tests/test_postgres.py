"""The same conversation on PostgreSQL (required in CI, skipped when no server is reachable)."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import inspect

from handlers.core import Core
from storage.models import AuditLog, Member, ProcessedEvent, StatusChange, Submission

from .conftest import Player, nominate_household, register_resident, rows


def test_migrations_and_a_full_nomination_on_postgresql(pg_db, campaign, clock):
    tables = set(inspect(pg_db).get_table_names())
    assert {
        "member",
        "identity",
        "invite",
        "submission",
        "submission_version",
        "status_change",
        "evidence",
        "conversation_state",
        "processed_event",
        "audit_log",
        "outbox",
    } <= tables
    p = Player(Core(pg_db, campaign, clock))
    register_resident(p, name="Nguyễn Thị Hoà")
    ref = nominate_household(p, photos=1, nominee="Hộ bà Đinh Thị Ngọc Ánh")
    assert ref == "DC-0001"
    [m] = rows(pg_db, Member)
    assert m.full_name == "Nguyễn Thị Hoà"
    [sub] = rows(pg_db, Submission)
    assert sub.nominee == "Hộ bà Đinh Thị Ngọc Ánh" and sub.contents == ["c2", "c3"]
    assert sub.submitted_at == clock.now() and sub.submitted_at.tzinfo == UTC
    assert [c.to_status for c in rows(pg_db, StatusChange)] == ["submitted"]
    assert len(rows(pg_db, AuditLog)) == 3
    # a redelivered event is processed once on PostgreSQL too
    before = len(rows(pg_db, ProcessedEvent))
    p.say("/hoso", key="pg-dup")
    assert p.say("/hoso", key="pg-dup") == []
    assert len(rows(pg_db, ProcessedEvent)) == before + 1


async def test_one_process_schedules_the_other_takes_over_when_it_stops(pg_db, campaign, tmp_path):
    """Two serving processes on one PostgreSQL database: the advisory lock lets one run the
    scheduler; when it stops, the follower takes over (its retry is driven by hand here)."""
    import asyncio
    from datetime import datetime

    from bot.bootstrap import App
    from bot.settings import Settings
    from domain.clock import ManualClock
    from scheduler.startup import SchedulerInProcess
    from storage.db import LeaderLock

    clock = ManualClock(datetime(2024, 11, 20, 1, 0, tzinfo=UTC))

    def app() -> App:
        settings = Settings(_env_file=None, media_dir=str(tmp_path / "media"))
        return App(
            settings=settings, db=pg_db, campaign=campaign, core=Core(pg_db, campaign, clock), clock=clock
        )

    def in_process(app: App, **kw) -> SchedulerInProcess:
        return SchedulerInProcess(app.core, clock=clock, chart_dir=tmp_path / "charts", **kw)

    first, second = in_process(app()), in_process(app(), retry_every=0.01)
    await first.start()
    await second.start()
    stop_first, stop_second = first.stop, second.stop
    try:
        assert first.scheduler is not None and first.scheduler.get_jobs()
        assert second.scheduler is None  # a follower: it schedules nothing
        await stop_first()  # the leader goes away (its lock connection closes)
        for _ in range(500):  # bounded: the follower retries every 10 ms
            if second.scheduler is not None:
                break
            await asyncio.sleep(0.01)
        assert second.scheduler is not None and second.scheduler.get_jobs()
        assert LeaderLock(pg_db, f"thidua-scheduler:{campaign.code}").try_acquire() is False
    finally:
        await stop_second()
    lock = LeaderLock(pg_db, f"thidua-scheduler:{campaign.code}")
    assert lock.try_acquire() is True  # released on stop
    lock.release()
