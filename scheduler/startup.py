"""The scheduler in the serving process: it runs where it holds the leader lock.

Several processes may serve one PostgreSQL database; one schedules. At start-up the leader
builds the AsyncIOScheduler (scheduler/apscheduler_jobs.py), catches up on missed slots, and runs the
jobs; a follower tries the lock again every `retry_every` seconds and takes over when the
leader is gone. The leader checks its lock every `check_every` seconds: when the lock's
connection is lost (server restart, network, pg_terminate_backend) it stops scheduling and
becomes a follower, since another process may lead by then. What a slot queues is announced through `on_queued` (the wiring wakes the
channels' outbox dispatchers with it).

One lock for the deployment, however many communes it serves: the leader schedules the first
commune's jobs (`core`) and every other commune's (`communes`: its code and its SlotRunner,
built on its own Core and storage scope; their job ids start with the code).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from domain.clock import Clock
from handlers.core import Core
from storage.db import LeaderLock

from .jobs import SlotRunner

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger("thidua")


class SchedulerInProcess:
    def __init__(
        self,
        core: Core,
        *,
        clock: Clock,
        chart_dir: Path,
        on_queued: Callable[[], None] | None = None,
        retry_every: float = 30.0,
        check_every: float = 15.0,
        communes: Sequence[tuple[str, SlotRunner]] = (),
    ) -> None:
        self.runner = SlotRunner(core, clock=clock, chart_dir=chart_dir, on_queued=on_queued)
        self.communes = list(communes)
        self.lock = LeaderLock(core.db, f"thidua-scheduler:{core.campaign.code}")
        self.retry_every = retry_every
        self.check_every = check_every
        self.scheduler: AsyncIOScheduler | None = None  # None while another process leads
        self._catch_up: asyncio.Task | None = None
        self._duty: asyncio.Task | None = None

    async def start(self) -> None:
        if await asyncio.to_thread(self.lock.try_acquire):
            self._lead()
        else:
            log.info("scheduler: another process runs it; this one waits to take over")
        self._duty = asyncio.create_task(self._keep_duty(), name="scheduler-leader")

    def _lead(self) -> None:
        sched = self.jobs()
        sched.start()
        self.scheduler = sched
        jobs = sched.get_jobs()
        log.info("scheduler: %s jobs (%s)", len(jobs), ", ".join(j.id for j in jobs) or "none")
        self._catch_up = asyncio.create_task(self._catch_up_all(), name="scheduler-catch-up")

    async def _catch_up_all(self) -> None:
        """Every commune's missed slots, one commune after another; one that fails is logged
        and the others still catch up."""
        await self.runner.catch_up()
        for code, runner in self.communes:
            try:
                await runner.catch_up()
            except Exception:
                log.exception("scheduler: catching up commune %s failed", code)

    def jobs(self) -> AsyncIOScheduler:
        """The scheduler with every commune's jobs, not started yet."""
        from .apscheduler_jobs import build_scheduler  # APScheduler loads where it runs: the leader

        sched = build_scheduler(self.runner)
        for code, runner in self.communes:
            build_scheduler(runner, scheduler=sched, prefix=f"{code}/")
        return sched

    async def _step_down(self) -> None:
        await self._end(self._catch_up)
        sched, self.scheduler, self._catch_up = self.scheduler, None, None
        if sched is not None:
            sched.shutdown(wait=False)  # AsyncIOScheduler runs this in the loop: let it
            await asyncio.sleep(0)

    async def _keep_duty(self) -> None:
        """Lead while the lock holds; wait for it while another process has it."""
        while True:
            if self.lock.held:
                await asyncio.sleep(self.check_every)
                if not await asyncio.to_thread(self.lock.check):
                    log.warning("scheduler: the leader lock was lost; this process stops scheduling")
                    await self._step_down()
                continue
            try:
                got = await asyncio.to_thread(self.lock.try_acquire)
            except Exception as exc:
                log.warning(
                    "scheduler: cannot reach the database for the leader lock: %s", type(exc).__name__
                )
                got = False
            if got:
                log.info("scheduler: this process takes over")
                self._lead()
                continue
            await asyncio.sleep(self.retry_every)

    @staticmethod
    async def _end(task: asyncio.Task[None] | None) -> None:
        if task is None:
            return
        task.cancel()
        [result] = await asyncio.gather(task, return_exceptions=True)
        if isinstance(result, Exception) and not isinstance(result, asyncio.CancelledError):
            log.error("scheduler: a start-up task ended with an error: %r", result)

    async def stop(self) -> None:
        await self._end(self._duty)
        self._duty = None
        await self._step_down()
        await asyncio.to_thread(self.lock.release)
