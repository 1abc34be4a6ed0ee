"""Delivers queued messages (notifications, reminders, digests) through a channel's sender.

A row is marked sent only after the channel accepted it; a failure keeps it for a later try
with back-off (storage.repo.outbox_failed). Nothing is dropped.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.clock import Clock
from handlers.events import reply_from_dict
from storage import repo

from .channel import Channel, SendError

log = logging.getLogger(__name__)


class OutboxDispatcher:
    def __init__(self, db: Engine, channel: Channel, clock: Clock, *, interval: float = 2.0,
                 batch: int = 200, max_attempts: int = 8) -> None:
        self.db = db
        self.channel = channel
        self.clock = clock
        self.interval = interval
        self.batch = batch
        self.max_attempts = max_attempts
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def poke(self) -> None:
        """Something was queued: deliver now rather than at the next interval."""
        self._wake.set()

    async def run_once(self) -> tuple[int, int]:
        """Deliver what is due now. Returns (sent, failed)."""
        now = self.clock.now()
        sent = failed = 0
        with Session(self.db, expire_on_commit=False) as s:
            rows = list(repo.due_outbox(s, now, self.channel.name, limit=self.batch))
        for row in rows:
            try:
                await self.channel.send(row.chat_id, reply_from_dict(row.payload))
            except SendError as exc:
                failed += 1
                with Session(self.db, expire_on_commit=False) as s:
                    fresh = s.get(type(row), row.id)
                    repo.outbox_failed(s, fresh, self.clock.now(), str(exc),
                                       max_attempts=1 if exc.permanent else self.max_attempts,
                                       base_delay=exc.retry_after or 30.0)
                    s.commit()
                log.warning("outbox %s via %s failed (attempt %s): %s", row.id, self.channel.name,
                            row.attempts + 1, exc)
                continue
            except Exception as exc:  # noqa: BLE001 - keep the row, log, go on
                failed += 1
                with Session(self.db, expire_on_commit=False) as s:
                    repo.outbox_failed(s, s.get(type(row), row.id), self.clock.now(), repr(exc),
                                       max_attempts=self.max_attempts)
                    s.commit()
                log.exception("outbox %s via %s failed", row.id, self.channel.name)
                continue
            sent += 1
            with Session(self.db, expire_on_commit=False) as s:
                repo.outbox_sent(s, s.get(type(row), row.id), self.clock.now())
                s.commit()
        return sent, failed

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # noqa: BLE001
                log.exception("outbox loop error on %s", self.channel.name)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            except asyncio.TimeoutError:
                pass

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name=f"outbox-{self.channel.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
