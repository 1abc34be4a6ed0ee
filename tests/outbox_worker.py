"""A process that drains the outbox of channel "probe" into a file (one line per send), for the
two-process test: python -m tests.outbox_worker DATABASE_URL OUT_FILE"""

from __future__ import annotations

import asyncio
import sys

from sqlmodel import Session, select

from bot.outbox_dispatcher import OutboxDispatcher
from domain.clock import SystemClock
from storage.db import make_engine
from storage.models import Outbox


class FileChannel:
    name = "probe"

    def __init__(self, path: str) -> None:
        self.out = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (open while the worker sends)

    async def send(self, chat_id, reply) -> None:
        await asyncio.sleep(0.001)  # a network call: lets the other process interleave
        self.out.write(f"{chat_id}\n")


def left(db) -> int:
    with Session(db) as s:
        return len(s.exec(select(Outbox.id).where(Outbox.status == "pending")).all())


async def main(url: str, path: str) -> None:
    db = make_engine(url)
    d = OutboxDispatcher(db, FileChannel(path), SystemClock(), batch=20)
    for _ in range(10_000):  # bounded
        await d.run_once()
        if left(db) == 0:
            break
        await asyncio.sleep(0.005)
    db.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
