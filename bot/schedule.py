"""Wiring for reminders and digests: the scheduler in the serving process (a start-up hook)
and the staff commands `remind --dry-run` and `digest`."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from handlers import digest as dg
from handlers import reminders as rm
from messages.catalog import t
from scheduler.jobs import SlotRunner
from scheduler.plan import reminder_slot_at
from scheduler.service import build_scheduler

from .app import App, build
from .settings import sane_moment
from .tasks import cancel

log = logging.getLogger("thidua")


def chart_dir(app: App) -> Path:
    return Path(app.settings.media_dir) / "digests"


async def start_scheduler(app: App, channels, *, retry_every: float = 30.0,
                          check_every: float = 15.0) -> object:
    """STARTUP_HOOKS entry: run the AsyncIOScheduler in this process if it holds the leader
    lock (several processes may serve one PostgreSQL database: one schedules), catch up on
    missed slots, and return the stopper. A follower tries again every `retry_every` seconds
    and takes over when the leader is gone. The leader checks its lock every `check_every`
    seconds: when the lock's connection is lost it stops scheduling and becomes a follower
    (another process may lead by then). Queued messages wake the OutboxDispatchers."""
    import asyncio

    from storage.db import LeaderLock

    def poke() -> None:
        for d in getattr(app, "dispatchers", []):
            d.poke()

    runner = SlotRunner(app.core, clock=app.clock, chart_dir=chart_dir(app), on_queued=poke)
    lock = LeaderLock(app.db, f"thidua-scheduler:{app.campaign.code}")
    state: dict = {"sched": None, "catch_up": None}

    def lead() -> None:
        sched = build_scheduler(runner)
        sched.start()
        state["sched"] = app.scheduler = sched  # type: ignore[attr-defined]
        jobs = sched.get_jobs()
        log.info("scheduler: %s jobs (%s)", len(jobs), ", ".join(j.id for j in jobs) or "none")
        state["catch_up"] = asyncio.create_task(runner.catch_up(), name="scheduler-catch-up")

    async def step_down() -> None:
        await cancel(state["catch_up"])
        sched, state["sched"], state["catch_up"] = state["sched"], None, None
        app.scheduler = None  # type: ignore[attr-defined]
        if sched is not None:
            sched.shutdown(wait=False)
            await asyncio.sleep(0)

    async def duty() -> None:
        """Lead while the lock holds; wait for it while another process has it."""
        while True:
            if lock.held:
                await asyncio.sleep(check_every)
                if not await asyncio.to_thread(lock.check):
                    log.warning("scheduler: the leader lock was lost; this process stops scheduling")
                    await step_down()
                continue
            try:
                got = await asyncio.to_thread(lock.try_acquire)
            except Exception as exc:  # noqa: BLE001 - database away: try again later
                log.warning("scheduler: cannot reach the database for the leader lock: %s",
                            type(exc).__name__)
                got = False
            if got:
                log.info("scheduler: this process leads")
                lead()
                continue
            await asyncio.sleep(retry_every)

    app.scheduler = None  # type: ignore[attr-defined]
    if await asyncio.to_thread(lock.try_acquire):
        lead()
    else:
        log.info("scheduler: another process runs it; this one waits to take over")
    watching = asyncio.create_task(duty(), name="scheduler-leader")
    app.scheduler_lock = lock  # type: ignore[attr-defined]

    async def stop() -> None:
        await cancel(watching)
        await step_down()
        await asyncio.to_thread(lock.release)

    return stop


# -- commands ---------------------------------------------------------------------------------

def _moment(app: App, raw: str | None) -> datetime:
    if not raw:
        return app.clock.now()
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise SystemExit(f"--at: not an ISO-8601 moment: {raw!r} (e.g. 2024-11-27T08:00)") from None
    sane_moment("--at", at)
    return (at if at.tzinfo else at.replace(tzinfo=app.campaign.tz)).astimezone(app.campaign.tz)


def _stamp(app: App, at: datetime) -> str:
    return app.campaign.local(at).strftime("%H:%M %d/%m/%Y")


def remind_command(args, settings) -> int:
    if not args.dry_run:
        print("remind: only --dry-run is supported here; the scheduler sends reminders "
              "in `make run`.", file=sys.stderr)
        return 2
    app = build(settings)
    at = _moment(app, args.at)
    slot = reminder_slot_at(app.campaign, at)
    with Session(app.db) as s:
        found = rm.targets(s, app.campaign, at, stale=bool(slot and slot.stale))
        if not found:
            print(t("remind.cli_none", at=_stamp(app, at)))
            return 0
        print(t("remind.cli_head", at=_stamp(app, at), slot=slot.id if slot else "-"))
        for target in found:
            m = target.member
            unit = app.campaign.unit(m.unit_code).name if m.unit_code and app.campaign.has_unit(m.unit_code) else "-"
            print(t("remind.cli_line", name=m.full_name, role=t(f"role.{m.role}"), unit=unit,
                    id=m.id, why=rm.why(target)))
        s.rollback()  # a dry run writes nothing
    return 0


def digest_command(args, settings) -> int:
    app = build(settings)
    at = _moment(app, args.at)
    with Session(app.db) as s:
        d = dg.compute(s, app.campaign, at, final=not app.campaign.is_open(at))
        print(dg.text_table(app.campaign, d))
        if args.chart:
            c = dg.chart(app.campaign, d, Path(args.chart))
            print(c.path)
    return 0


def add_commands(sub) -> None:
    r = sub.add_parser("remind", help="who would be reminded at a moment, and why (no sending)")
    r.add_argument("--dry-run", action="store_true", help="print, do not send or write")
    r.add_argument("--at", default=None, help="ISO-8601 moment (local time if no offset); default now")
    r.set_defaults(handler=remind_command)
    d = sub.add_parser("digest", help="print the staff digest")
    d.add_argument("--at", default=None, help="ISO-8601 moment (local time if no offset); default now")
    d.add_argument("--chart", default=None, help="also write the PNG bar chart to this path")
    d.set_defaults(handler=digest_command)
