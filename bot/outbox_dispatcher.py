"""Delivers queued messages (notifications, reminders, digests) through a channel's sender.

A row is marked sent only after the channel accepted it; a failure keeps it for a later try
with back-off (storage.outbox.outbox_failed), up to max_attempts, then it stays as "failed".
Nothing is dropped. A "slow down" from the platform (SendError with retry_after, HTTP 429)
is not the message's fault: the row waits that long without using an attempt, and the whole
channel pauses (the limit is per bot, not per message). An optional `rate` paces sends to
at most `rate` messages in any `per` seconds, so a fan-out of thousands stays under the
platform's limit instead of bouncing off it. Database work runs in a worker thread.

Several processes may drain one database: each dispatcher claims the rows it sends
(storage.outbox.claim_due: FOR UPDATE SKIP LOCKED on PostgreSQL, one atomic UPDATE on SQLite)
for a lease; rows of a dispatcher that died are free again when the lease ends. A send that
hangs is given up after `send_timeout` (and tried again later), so one chat cannot hold the
drain. When the "sent" mark cannot be written (database read-only, full, or away), the
dispatcher remembers in memory what it sent, does not send it again, and keeps trying to
write the mark with back-off before it claims anything new.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.clock import Clock
from messages.model import reply_from_dict
from storage import announcements, outbox
from storage.models import Outbox

from .cancel_task import cancel
from .channel import Channel, SendError
from .pacing import Pacer, in_lane

log = logging.getLogger(__name__)


class DatabaseAway(Exception):
    """The outbox could not record a delivery: wait before claiming more."""


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
    def __init__(
        self,
        db: Engine,
        channel: Channel,
        clock: Clock,
        *,
        bell: OutboxBell | None = None,
        interval: float = 2.0,
        batch: int = 200,
        max_attempts: int = 8,
        rate: float | None = None,
        per: float = 1.0,
        lease: float = 300.0,
        send_timeout: float = 20.0,
        max_backoff: float = 60.0,
    ) -> None:
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
        self.claimer = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = timedelta(seconds=lease)
        self.send_timeout = send_timeout
        self.max_backoff = max_backoff
        self._backoff = 0.0  # seconds to wait after a database failure (doubles, up to max_backoff)
        # row id -> the mark that could not be written (sent, failed ...): never sent again here
        self._unmarked: dict[int, tuple] = {}
        self._sleep = asyncio.sleep  # the back-off's wait (tests count it instead)

    def poke(self) -> None:
        """Something was queued: deliver now rather than at the next interval."""
        self._wake.set()

    def _claim(self, now):
        with Session(self.db, expire_on_commit=False) as s:
            rows = list(
                outbox.claim_due(s, now, self.channel.name, self.claimer, lease=self.lease, limit=self.batch)
            )
            s.commit()
        return [r for r in rows if r.id not in self._unmarked]

    async def _record(self, row_id: int, outcome: str, error: str = "", **kw) -> bool:
        """Write what happened to a row; if the database refuses, keep it in memory (the row
        is not sent again by this process) and say False."""
        try:
            await asyncio.to_thread(self._mark, row_id, outcome, error, **kw)
        except Exception as exc:
            self._unmarked[row_id] = (outcome, error, kw)
            log.warning(
                "outbox %s via %s: %s, but the mark could not be written (%s); kept in "
                "memory, not sent again",
                row_id,
                self.channel.name,
                outcome,
                type(exc).__name__,
            )
            return False
        return True

    async def _write_unmarked(self) -> bool:
        """Write the marks remembered in memory; True when none is left."""
        for row_id, (outcome, error, kw) in list(self._unmarked.items()):
            try:
                await asyncio.to_thread(self._mark, row_id, outcome, error, **kw)
            except Exception:
                return False
            del self._unmarked[row_id]
        return True

    def _mark(
        self,
        row_id: int,
        outcome: str,
        error: str = "",
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        status: str = "",
    ) -> None:
        with Session(self.db, expire_on_commit=False) as s:
            row = s.get(Outbox, row_id)
            now = self.clock.now()
            if outcome == "sent":
                outbox.outbox_sent(s, row, now)
            elif outcome == "settled":
                outbox.outbox_settled(s, row, now, status, error)
            elif outcome == "blocked":  # the chat blocked the bot: no more sends or retries there
                announcements.mark_unreachable(s, row.channel, row.chat_id, now)
            elif outcome == "defer":
                outbox.outbox_defer(s, row, now + timedelta(seconds=retry_after or 1.0), error)
            else:
                outbox.outbox_failed(
                    s,
                    row,
                    now,
                    error,
                    max_attempts=1 if permanent else self.max_attempts,
                    base_delay=retry_after or 30.0,
                )
            s.commit()

    async def _send(self, row: Outbox) -> tuple[str, str] | None:
        """Send one row. A channel with rules of its own for queued messages (send_row: the
        Zalo OA's window) says how it settled it: (status, note), None when simply sent."""
        send_row = getattr(self.channel, "send_row", None)
        if send_row is not None:
            status, note = await send_row(row)
            return None if status == "sent" else (status, note)
        await self.channel.send(row.chat_id, reply_from_dict(row.payload))
        return None

    async def run_once(self) -> tuple[int, int]:
        """Deliver what is due now. Returns (sent, not sent)."""
        if not await self._write_unmarked():
            raise DatabaseAway("marks not written yet")
        rows = await asyncio.to_thread(self._claim, self.clock.now())
        self._more = len(rows) >= self.batch
        sent = failed = 0
        ready = getattr(self.channel, "ready", None)
        for row in rows:
            if ready is not None and not ready(row.chat_id):
                # that chat's own pace (about 1/s): its row waits a moment, the others go on
                await self._record(row.id, "defer", "paced", retry_after=1.0)
                continue
            try:
                try:
                    with in_lane(row.lane, row.chat_id):  # its place under the platform's limit
                        if self.pacer is not None:
                            await self.pacer.wait()
                        outcome = await asyncio.wait_for(self._send(row), timeout=self.send_timeout)
                except TimeoutError:
                    raise SendError(f"no answer in {self.send_timeout:g} s") from None
            except SendError as exc:
                failed += 1
                if exc.retry_after is not None and not exc.permanent:
                    # the platform's flood limit: wait as told, keep the attempt, pause the channel
                    self.stats["deferred"] += 1
                    self._paused_until = time.monotonic() + exc.retry_after
                    await self._record(row.id, "defer", str(exc), retry_after=exc.retry_after)
                    log.info(
                        "outbox %s via %s: slow down, retry in %ss",
                        row.id,
                        self.channel.name,
                        exc.retry_after,
                    )
                    self._more = True
                    break
                self.stats["failed"] += 1
                await self._record(
                    row.id, "blocked" if exc.blocked else "failed", str(exc), permanent=exc.permanent
                )
                log.warning(
                    "outbox %s via %s failed (attempt %s): %s",
                    row.id,
                    self.channel.name,
                    row.attempts + 1,
                    exc,
                )
                continue
            except Exception as exc:
                failed += 1
                self.stats["failed"] += 1
                await self._record(row.id, "failed", repr(exc))
                log.exception("outbox %s via %s failed", row.id, self.channel.name)
                continue
            sent += 1
            self.stats["sent"] += 1
            if outcome is not None:  # settled another way than sent (the OA's window)
                await self._record(row.id, "settled", outcome[1], status=outcome[0])
                continue
            if not await self._record(row.id, "sent"):
                self._more = False
                raise DatabaseAway("sent mark not written")  # stop claiming; back off
        return sent, failed

    async def _loop(self) -> None:
        while True:
            pause = self._paused_until - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            try:
                await self.run_once()
                self._backoff = 0.0
            except Exception as exc:
                self._backoff = min(self.max_backoff, max(self.interval, self._backoff * 2))
                if isinstance(exc, DatabaseAway):
                    log.warning("outbox on %s: %s; next try in %.0f s", self.channel.name, exc, self._backoff)
                else:
                    log.exception(
                        "outbox loop error on %s; next try in %.0f s", self.channel.name, self._backoff
                    )
                self._more = False
                await self._sleep(self._backoff)
                continue
            if self._more:
                await asyncio.sleep(0)
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            except TimeoutError:
                pass

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name=f"outbox-{self.channel.name}")

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None
