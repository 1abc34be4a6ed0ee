"""Delivers queued messages (notifications, reminders, digests) through a channel's sender.

A row is marked sent only after the channel accepted it; a failure keeps it for a later try
with back-off (storage.outbox.outbox_failed), up to max_attempts, then it stays as "failed".
Nothing is dropped. A "slow down" from the platform (SendError with retry_after, HTTP 429)
is not the message's fault: the row waits that long without using an attempt, and the whole
channel pauses (the limit is per bot, not per message). An optional `rate` paces sends to
at most `rate` messages in any `per` seconds, so a fan-out of thousands stays under the
platform's limit instead of bouncing off it. Database work runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.clock import Clock
from messages.model import reply_from_dict
from storage import announcements, outbox
from storage.models import Outbox

from .channel import Channel, SendError
from .pacing import Pacer
from .cancel_task import cancel

log = logging.getLogger(__name__)


class OutboxBell:
    """Wakes the outbox dispatcher of a channel when something was queued for it (by a
    turn whose reply could not go out, or by a scheduler slot): one event per channel name."""

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}

    def event(self, channel: str) -> asyncio.Event:
        return self._events.setdefault(channel, asyncio.Event())

    def ring(self, channel: str | None = None) -> None:
        """Wake one channel's dispatcher, or every dispatcher (None)."""
        for name, event in self._events.items():
            if channel is None or name == channel:
                event.set()


class OutboxDispatcher:
    def __init__(self, db: Engine, channel: Channel, clock: Clock, *, bell: OutboxBell | None = None,
                 interval: float = 2.0, batch: int = 200, max_attempts: int = 8,
                 rate: float | None = None, per: float = 1.0) -> None:
        self.db = db
        self.channel = channel
        self.clock = clock
        self.interval = interval
        self.batch = batch
        self.max_attempts = max_attempts
        self.pacer = Pacer(rate, per) if rate else None
        self.stats = {"sent": 0, "failed": 0, "deferred": 0}
        self._paused_until = 0.0  # time.monotonic() before which nothing is sent
        self._more = False  # the last batch was full: more may be due right away
        self._wake = bell.event(channel.name) if bell is not None else asyncio.Event()
        self._task: asyncio.Task | None = None

    def poke(self) -> None:
        """Something was queued: deliver now rather than at the next interval."""
        self._wake.set()

    def _due(self, now):
        with Session(self.db, expire_on_commit=False) as s:
            return list(outbox.due_outbox(s, now, self.channel.name, limit=self.batch))

    def _mark(self, row_id: int, outcome: str, error: str = "", *, permanent: bool = False,
              retry_after: float | None = None) -> None:
        with Session(self.db, expire_on_commit=False) as s:
            row = s.get(Outbox, row_id)
            now = self.clock.now()
            if outcome == "sent":
                outbox.outbox_sent(s, row, now)
            elif outcome == "blocked":  # the chat blocked the bot: no more sends or retries there
                announcements.mark_unreachable(s, row.channel, row.chat_id, now)
            elif outcome == "defer":
                outbox.outbox_defer(s, row, now + timedelta(seconds=retry_after or 1.0), error)
            else:
                outbox.outbox_failed(s, row, now, error,
                                   max_attempts=1 if permanent else self.max_attempts,
                                   base_delay=retry_after or 30.0)
            s.commit()

    async def run_once(self) -> tuple[int, int]:
        """Deliver what is due now. Returns (sent, not sent)."""
        rows = await asyncio.to_thread(self._due, self.clock.now())
        self._more = len(rows) >= self.batch
        sent = failed = 0
        ready = getattr(self.channel, "ready", None)
        for row in rows:
            if ready is not None and not ready(row.chat_id):
                # that chat's own pace (about 1/s): its row waits a moment, the others go on
                await asyncio.to_thread(self._mark, row.id, "defer", "paced", retry_after=1.0)
                continue
            if self.pacer is not None:
                await self.pacer.wait()
            try:
                await self.channel.send(row.chat_id, reply_from_dict(row.payload))
            except SendError as exc:
                failed += 1
                if exc.retry_after is not None and not exc.permanent:
                    # the platform's flood limit: wait as told, keep the attempt, pause the channel
                    self.stats["deferred"] += 1
                    self._paused_until = time.monotonic() + exc.retry_after
                    await asyncio.to_thread(self._mark, row.id, "defer", str(exc),
                                            retry_after=exc.retry_after)
                    log.info("outbox %s via %s: slow down, retry in %ss", row.id,
                             self.channel.name, exc.retry_after)
                    self._more = True
                    break
                self.stats["failed"] += 1
                await asyncio.to_thread(self._mark, row.id, "blocked" if exc.blocked else "failed",
                                        str(exc), permanent=exc.permanent)
                log.warning("outbox %s via %s failed (attempt %s): %s", row.id, self.channel.name,
                            row.attempts + 1, exc)
                continue
            except Exception as exc:  # noqa: BLE001 - keep the row, log, go on
                failed += 1
                self.stats["failed"] += 1
                await asyncio.to_thread(self._mark, row.id, "failed", repr(exc))
                log.exception("outbox %s via %s failed", row.id, self.channel.name)
                continue
            sent += 1
            self.stats["sent"] += 1
            await asyncio.to_thread(self._mark, row.id, "sent")
        return sent, failed

    async def _loop(self) -> None:
        while True:
            pause = self._paused_until - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            try:
                await self.run_once()
            except Exception:  # noqa: BLE001
                log.exception("outbox loop error on %s", self.channel.name)
                self._more = False
            if self._more:
                await asyncio.sleep(0)
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            except asyncio.TimeoutError:
                pass

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name=f"outbox-{self.channel.name}")

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None
