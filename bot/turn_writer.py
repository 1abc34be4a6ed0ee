"""The turns of a channel's chats, written by one thread, several to a transaction.

Every turn must be on disk before anyone is told anything (SQLite runs with synchronous=FULL:
one fsync per commit). Turns of different people that arrive while a commit is under way
wait for the next one and then commit together (`Core.handle_many`: each turn in its own
savepoint, one commit for the group): one fsync for all of them, and no turn waits in
SQLite's busy loop for another's write lock. A quiet bot commits each turn on its own at
once, as before; a busy one commits in groups of up to MAX_GROUP.

A person's turns still come one at a time (the channel's TurnOrder holds a person's next
turn until the previous one committed), so a group never holds two turns of one person.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from messages.model import InboundEvent, Reply

log = logging.getLogger(__name__)

# turns to one commit: a group's first replies wait for its last turn, so small groups; 8 still
# shares one fsync among 8 turns (bench/tg_updates.py: the first replies of a burst of 100
# went out at ~80 ms with 8, ~150 ms with 32, the same throughput)
MAX_GROUP = 8
# the one thread that writes turns, for every writer of the process (an idle one costs nothing;
# one per writer would leave a thread behind for each app a test builds)
_THREAD = ThreadPoolExecutor(1, thread_name_prefix="turns")


class TurnWriter:
    def __init__(self, core: Any, max_group: int = MAX_GROUP) -> None:
        self.core = core
        self.max_group = max_group
        self._waiting: list[tuple[InboundEvent, Any, asyncio.Future]] = []
        self._task: asyncio.Task | None = None
        self._thread = _THREAD
        self.groups = 0  # commits made (for tests and the bench)

    async def handle(self, event: InboundEvent, keep: Any = None) -> list[Reply]:
        """The turn's replies, once it has committed (with whichever turns came meanwhile)."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        if self._task is not None and self._task.get_loop() is not loop:  # an old loop's, gone
            self._task = None
            self._waiting = [w for w in self._waiting if w[2].get_loop() is loop]
        self._waiting.append((event, keep, done))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._write(), name="turn-writer")
        await asyncio.wait({done})  # a cancelled caller does not cancel the group's commit
        return done.result()

    async def run(self, fn: Any, *args: Any) -> Any:
        """Another write (e.g. the reply marks) in the same thread, between two groups."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    async def _write(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                group = self._waiting[: self.max_group]
                del self._waiting[: len(group)]
                try:
                    results = await loop.run_in_executor(
                        self._thread, self.core.handle_many, [(e, k) for e, k, _ in group]
                    )
                except asyncio.CancelledError:  # the loop is closing: nobody waits any more
                    for *_, done in group + self._waiting:
                        done.cancel()
                    self._waiting.clear()
                    raise
                except Exception as exc:
                    log.exception("turns not written")
                    for *_, done in group:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                self.groups += 1
                for (*_, done), replies in zip(group, results):
                    if not done.done():
                        done.set_result(replies)
        finally:
            self._task = None
