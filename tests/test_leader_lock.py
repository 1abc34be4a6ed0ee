"""The scheduler's leader lock on PostgreSQL survives nothing silently: when the lock's
connection is killed, the old leader stops scheduling and another process can lead."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from sqlalchemy import text

from bot.app import App
from bot.schedule import start_scheduler
from bot.settings import Settings
from domain.clock import ManualClock
from handlers.core import Core
from storage.db import LeaderLock, make_engine


def test_sqlite_commits_are_durable(db):
    """Issue 11 #9: synchronous=FULL (2), not NORMAL (1), in WAL mode."""
    with db.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2


async def test_a_leader_whose_lock_connection_dies_stops_and_another_leads(pg_db, campaign, tmp_path):
    """Issue 11 #10: pg_terminate_backend on the lock's connection."""
    clock = ManualClock(datetime(2024, 11, 20, 1, 0, tzinfo=timezone.utc))

    def app() -> App:
        settings = Settings(_env_file=None, media_dir=str(tmp_path / "media"))
        return App(settings=settings, db=pg_db, campaign=campaign, core=Core(pg_db, campaign, clock),
                   clock=clock)

    first, second = app(), app()
    stop_first = await start_scheduler(first, [], check_every=0.02, retry_every=0.02)
    stop_second = await start_scheduler(second, [], check_every=0.02, retry_every=0.02)
    try:
        assert first.scheduler is not None and second.scheduler is None
        pid = first.scheduler_lock.pid
        admin = make_engine(str(pg_db.url.render_as_string(hide_password=False)))
        with admin.begin() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
        admin.dispose()
        for _ in range(500):  # bounded: both check every 20 ms
            if second.scheduler is not None and first.scheduler is None:
                break
            await asyncio.sleep(0.01)
        assert first.scheduler is None, "the old leader still schedules"
        assert second.scheduler is not None and second.scheduler.get_jobs()
        assert first.scheduler_lock.held is False and second.scheduler_lock.held is True
        # the old leader is now a follower: it does not take the lock back
        await asyncio.sleep(0.1)
        assert first.scheduler is None
    finally:
        await stop_first()
        await stop_second()
    lock = LeaderLock(pg_db, f"thidua-scheduler:{campaign.code}")
    assert lock.try_acquire() is True
    lock.release()
