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
from collections.abc import Callable, Sequence
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


class CommuneJobs:
    """One commune's jobs: a runner per open campaign of the commune (the core's own alone while
    its campaign table is empty), each campaign's slot ids tagged apart, every job id behind
    the commune's `prefix` (the first commune's is empty: its ids as before)."""

    def __init__(self, runner: SlotRunner, prefix: str = "") -> None:
        self.runner = runner  # the core's own campaign
        self.prefix = prefix
        self.others: dict[str, SlotRunner] = {}
        self.scheduled: dict[str, SlotRunner] = {}  # by campaign code: whose jobs are in the scheduler

    def runners(self) -> list[SlotRunner]:
        """A runner per open campaign of the commune; the deployment's own campaign keeps the
        deadline it was started with."""
        own = self.runner
        with UnitOfWork.begin(own.core.db, own.clock.now()) as uow:
            current = campaigns.current(uow)
        if not current.stored:
            return [own]
        out: list[SlotRunner] = []
        for campaign in current.open:
            if campaign.code == own.core.campaign.code:
                out.append(own)
                continue
            runner = self.others.get(campaign.code)
            if runner is None or runner.campaign != campaign:
                runner = SlotRunner(
                    own.core,
                    campaign=campaign,
                    clock=own.clock,
                    chart_dir=own.chart_dir,
                    on_queued=own.on_queued,
                )
                self.others[campaign.code] = runner
            out.append(runner)
        return out

    def add_to(self, sched: AsyncIOScheduler) -> None:
        from .apscheduler_jobs import build_scheduler

        runners = self.runners()
        for runner in runners:
            build_scheduler(runner, scheduler=sched, prefix=self.prefix)
        self.scheduled = {r.campaign.code: r for r in runners}

    async def catch_up(self) -> None:
        for runner in list(self.scheduled.values()):
            await runner.catch_up()

    async def refresh(self, sched: AsyncIOScheduler) -> None:
        """The open campaigns again: jobs for one newly opened (its missed slots caught up),
        none left for one closed or archived."""
        from .apscheduler_jobs import build_scheduler

        runners = await asyncio.to_thread(self.runners)
        wanted = {r.campaign.code: r for r in runners}
        for code, runner in list(self.scheduled.items()):
            if wanted.get(code) is not runner and runner.tag:
                for job in sched.get_jobs():
                    if job.id.startswith(self.prefix) and job.id.endswith(runner.tag):
                        job.remove()
        for code, runner in wanted.items():
            if self.scheduled.get(code) is not runner:
                build_scheduler(runner, scheduler=sched, prefix=self.prefix)
                await runner.catch_up()
        self.scheduled = wanted


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
        # the first commune's jobs (ids as before), then every other commune's behind its code
        self.runner = SlotRunner(core, clock=clock, chart_dir=chart_dir, on_queued=on_queued)
        self.own = CommuneJobs(self.runner)
        self.communes = [(code, CommuneJobs(runner, f"{code}/")) for code, runner in communes]
        self.lock = LeaderLock(core.db, f"thidua-scheduler:{core.campaign.code}")
        self.retry_every = retry_every
        self.check_every = check_every
        self.scheduler: AsyncIOScheduler | None = None  # None while another process leads
        self._catch_up: asyncio.Task | None = None
        self._duty: asyncio.Task | None = None

    @property
    def scheduled(self) -> dict[str, SlotRunner]:
        """The first commune's campaigns whose jobs are in the scheduler, by campaign code."""
        return self.own.scheduled

    def runners(self) -> list[SlotRunner]:
        return self.own.runners()

    async def start(self) -> None:
        if await asyncio.to_thread(self.lock.try_acquire):
            self._lead()
        else:
            log.info("scheduler: another process runs it; this one waits to take over")
        self._duty = asyncio.create_task(self._keep_duty(), name="scheduler-leader")

    def jobs(self) -> AsyncIOScheduler:
        """The scheduler with every commune's jobs (each open campaign's), not started yet."""
        from .apscheduler_jobs import REFRESH_JOB, build_scheduler  # APScheduler loads where it runs

        sched = build_scheduler(self.runner)  # the housekeeping, and the first campaign's as before
        self.own.add_to(sched)
        for code, jobs in self.communes:
            try:
                jobs.add_to(sched)
            except Exception:
                log.exception("scheduler: the jobs of commune %s could not be read", code)
        # a campaign opened (or closed) on the web console meanwhile: its jobs added or removed
        sched.add_job(
            self.refresh, "interval", minutes=5, id=REFRESH_JOB, name=REFRESH_JOB, replace_existing=True
        )
        return sched

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
        await self.own.catch_up()
        for code, jobs in self.communes:
            try:
                await jobs.catch_up()
            except Exception:
                log.exception("scheduler: catching up commune %s failed", code)

    async def refresh(self) -> None:
        sched = self.scheduler
        if sched is None:
            return
        await self.own.refresh(sched)
        for code, jobs in self.communes:
            try:
                await jobs.refresh(sched)
            except Exception:
                log.exception("scheduler: the campaigns of commune %s could not be read again", code)

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
