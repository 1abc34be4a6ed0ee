"""A channel's paid sends (above the platform's free limit) counted in memory and written to
the database about once a second: one upsert for all those sent meanwhile, off the event loop."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.clock import Clock
from storage import paid_sends

log = logging.getLogger(__name__)


class PaidTally:
    def __init__(self, db: Engine, clock: Clock, channel: str, every: float = 1.0) -> None:
        self.db, self.clock, self.channel, self.every = db, clock, channel, every
        self.pending = 0
        self._timer: asyncio.TimerHandle | None = None
        self._writes: set[asyncio.Task] = set()

    def add(self) -> None:
        self.pending += 1
        if self._timer is None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(self.every, self._write_later)

    def _write_later(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(self.flush))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    def flush(self) -> None:
        """Writes what was counted since the last write (kept for the next one if it fails)."""
        n, self.pending = self.pending, 0
        if not n:
            return
        try:
            with Session(self.db) as s:
                paid_sends.add(s, self.channel, self.clock.now(), n)
                s.commit()
        except Exception:  # the count is kept; the sends went anyway
            self.pending += n
            log.exception("%s: paid sends not counted yet", self.channel)

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
        await asyncio.to_thread(self.flush)
