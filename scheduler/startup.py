"""The scheduler in the serving process: it runs where it holds the leader lock.

Several processes may serve one PostgreSQL database; one schedules. At start-up the leader
builds the AsyncIOScheduler (scheduler/apscheduler_jobs.py), catches up on missed slots, and runs the
jobs; a follower tries the lock again every `retry_every` seconds and takes over when the
leader is gone. What a slot queues is announced through `on_queued` (the wiring wakes the
channels' outbox dispatchers with it).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from domain.clock import Clock
from handlers.core import Core
from storage.db import LeaderLock

from .jobs import SlotRunner
from .apscheduler_jobs import build_scheduler

log = logging.getLogger("thidua")


class SchedulerInProcess:
    def __init__(self, core: Core, *, clock: Clock, chart_dir: Path,
                 on_queued: Callable[[], None] | None = None, retry_every: float = 30.0) -> None:
        self.runner = SlotRunner(core, clock=clock, chart_dir=chart_dir, on_queued=on_queued)
        self.lock = LeaderLock(core.db, f"thidua-scheduler:{core.campaign.code}")
        self.retry_every = retry_every
        self.scheduler: AsyncIOScheduler | None = None  # None while another process leads
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        if await asyncio.to_thread(self.lock.try_acquire):
            self._lead()
        else:
            log.info("scheduler: another process runs it; this one waits to take over")
            self._tasks.append(asyncio.create_task(self._follow(), name="scheduler-follow"))

    def _lead(self) -> None:
        sched = build_scheduler(self.runner)
        sched.start()
        self.scheduler = sched
        jobs = sched.get_jobs()
        log.info("scheduler: %s jobs (%s)", len(jobs), ", ".join(j.id for j in jobs) or "none")
        self._tasks.append(asyncio.create_task(self.runner.catch_up(), name="scheduler-catch-up"))

    async def _follow(self) -> None:
        while not await asyncio.to_thread(self.lock.try_acquire):
            await asyncio.sleep(self.retry_every)
        log.info("scheduler: this process takes over")
        self._lead()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        results = await asyncio.gather(*self._tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, Exception) and not isinstance(result, asyncio.CancelledError):
                log.error("scheduler: a start-up task ended with an error: %r", result)
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)  # AsyncIOScheduler runs this in the loop: let it
            await asyncio.sleep(0)
        await asyncio.to_thread(self.lock.release)
