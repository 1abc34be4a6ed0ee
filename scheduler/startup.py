"""The scheduler in the serving process: it runs where it holds the leader lock.

Several processes may serve one PostgreSQL database; one schedules. At start-up the leader
builds the AsyncIOScheduler (scheduler/apscheduler_jobs.py), catches up on missed slots, and runs the
jobs; a follower tries the lock again every `retry_every` seconds and takes over when the
leader is gone. The leader checks its lock every `check_every` seconds: when the lock's
connection is lost (server restart, network, pg_terminate_backend) it stops scheduling and
becomes a follower, since another process may lead by then. What a slot queues is announced through `on_queued` (the wiring wakes the
channels' outbox dispatchers with it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from domain import campaigns
from domain.clock import Clock
from domain.uow import UnitOfWork
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
    ) -> None:
        self.core, self.clock, self.chart_dir, self.on_queued = core, clock, chart_dir, on_queued
        # the deployment's own campaign; each other open campaign of the commune gets its own
        self.runner = SlotRunner(core, clock=clock, chart_dir=chart_dir, on_queued=on_queued)
        self.others: dict[str, SlotRunner] = {}
        self.lock = LeaderLock(core.db, f"thidua-scheduler:{core.campaign.code}")
        self.retry_every = retry_every
        self.check_every = check_every
        self.scheduler: AsyncIOScheduler | None = None  # None while another process leads
        self._catch_up: asyncio.Task | None = None
        self.scheduled: dict[str, SlotRunner] = {}  # by campaign code: whose jobs are in the scheduler
        self._duty: asyncio.Task | None = None

    async def start(self) -> None:
        if await asyncio.to_thread(self.lock.try_acquire):
            self._lead()
        else:
            log.info("scheduler: another process runs it; this one waits to take over")
        self._duty = asyncio.create_task(self._keep_duty(), name="scheduler-leader")

    def runners(self) -> list[SlotRunner]:
        """A runner per open campaign of the commune (the core's own alone while the table is
        empty); the deployment's own campaign keeps the deadline it was started with."""
        with UnitOfWork.begin(self.core.db, self.clock.now()) as uow:
            current = campaigns.current(uow)
        if not current.stored:
            return [self.runner]
        out: list[SlotRunner] = []
        for campaign in current.open:
            if campaign.code == self.core.campaign.code:
                out.append(self.runner)
                continue
            runner = self.others.get(campaign.code)
            if runner is None or runner.campaign != campaign:
                runner = SlotRunner(
                    self.core,
                    campaign=campaign,
                    clock=self.clock,
                    chart_dir=self.chart_dir,
                    on_queued=self.on_queued,
                )
                self.others[campaign.code] = runner
            out.append(runner)
        return out

    def _lead(self) -> None:
        from .apscheduler_jobs import REFRESH_JOB, build_scheduler  # APScheduler loads where it runs

        runners = self.runners()
        # the deployment's own campaign as before (and the housekeeping), then the others open
        sched = build_scheduler(self.runner)
        others = [r for r in runners if r is not self.runner]
        for runner in others:
            build_scheduler(runner, scheduler=sched)
        self.scheduled = {r.campaign.code: r for r in runners}
        # a campaign opened (or closed) on the web console meanwhile: its jobs added or removed
        sched.add_job(
            self.refresh, "interval", minutes=5, id=REFRESH_JOB, name=REFRESH_JOB, replace_existing=True
        )
        sched.start()
        self.scheduler = sched
        jobs = sched.get_jobs()
        log.info("scheduler: %s jobs (%s)", len(jobs), ", ".join(j.id for j in jobs) or "none")

        async def catch_up() -> None:
            for runner in [self.runner, *others]:
                await runner.catch_up()

        self._catch_up = asyncio.create_task(catch_up(), name="scheduler-catch-up")

    async def refresh(self) -> None:
        """The open campaigns again: jobs for one newly opened (its missed slots caught up),
        none left for one closed or archived."""
        from .apscheduler_jobs import build_scheduler

        sched = self.scheduler
        if sched is None:
            return
        runners = await asyncio.to_thread(self.runners)
        wanted = {r.campaign.code: r for r in runners}
        for code, runner in list(self.scheduled.items()):
            if wanted.get(code) is not runner and runner.tag:
                for job in sched.get_jobs():
                    if job.id.endswith(runner.tag):
                        job.remove()
        for code, runner in wanted.items():
            if self.scheduled.get(code) is not runner:
                build_scheduler(runner, scheduler=sched)
                await runner.catch_up()
        self.scheduled = wanted

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
