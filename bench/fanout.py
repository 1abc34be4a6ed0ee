"""Reminder fan-out benchmark: N recipients through a fake platform that allows LIMIT messages
in any second and answers 429 (retry_after) beyond it.

It drives the real path: the scheduler's SlotRunner (targeting + one enqueue transaction in a
worker thread), then the real OutboxDispatcher with its pacing sender, against a channel whose
platform enforces the limit. It prints the achieved rate, its ratio to the limit, and the
counts of sent, retried (429 answers), dropped (not delivered in the end) and duplicated
(a recipient who got the reminder more than once). It also runs the slot a second time (as
after a restart) and reports the event-loop stall while 10,000 rows are queued.

    python bench/fanout.py            # 10,000 recipients: about 5.5 minutes at 30/s
    python bench/fanout.py --n 600    # a shorter run
Targets: ratio >= 0.95, 0 dropped, 0 duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session  # noqa: E402

from bot.channel import SendError  # noqa: E402
from bot.outbox_dispatcher import OutboxDispatcher  # noqa: E402
from domain.campaign import load_campaign  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from handlers.core import Core  # noqa: E402
from scheduler.jobs import SlotRunner  # noqa: E402
from scheduler.plan import reminder_slots  # noqa: E402
from storage import members, outbox  # noqa: E402
from storage.db import make_engine, migrate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHANNEL = "bench"


class FakePlatform:
    """Accepts at most `limit` messages in any `per` seconds; beyond that, HTTP 429."""

    def __init__(self, limit: int, per: float = 1.0, retry_after: float = 1.0) -> None:
        self.limit, self.per, self.retry_after = limit, per, retry_after
        self.window: deque[float] = deque()
        self.accepted: Counter[str] = Counter()
        self.rejected = 0
        self.first = self.last = None

    def post(self, chat_id: str) -> tuple[int, float | None]:
        now = time.monotonic()
        while self.window and self.window[0] <= now - self.per:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.rejected += 1
            return 429, self.retry_after
        self.window.append(now)
        self.accepted[chat_id] += 1
        self.first = self.first or now
        self.last = now
        return 200, None


class FakeChannel:
    """A channel whose sender talks to the fake platform (a tiny await stands for the I/O)."""

    name = CHANNEL

    def __init__(self, platform: FakePlatform) -> None:
        self.platform = platform

    async def send(self, chat_id, reply) -> None:
        await asyncio.sleep(0)
        status, retry_after = self.platform.post(chat_id)
        if status == 429:
            raise SendError("429 Too Many Requests", retry_after=retry_after)


def seed(db, n: int, now) -> None:
    units = ["T01", "T02", "T03", "T04", "T05", "MTTQ", "DTN", "HPN", "HND", "HCCB", "CAX", "QSX", "VPTK"]
    with Session(db) as s:
        for i in range(n):
            members.create_member(s, full_name=f"Trưởng đơn vị {i}", role="head", unit_code=units[i % len(units)],
                               phone=None, channel=CHANNEL, external_id=f"u{i}", chat_id=f"u{i}",
                               display_name=None, now=now)
        s.commit()


async def stall_probe(stop: asyncio.Event, worst: list[float]) -> None:
    """How late a 10 ms tick comes: the event loop's stall (what a conversation would feel)."""
    while not stop.is_set():
        t0 = time.monotonic()
        await asyncio.sleep(0.01)
        worst[0] = max(worst[0], time.monotonic() - t0 - 0.01)


async def main_async(args) -> int:
    logging.basicConfig(level=logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="fanout-"))
    db = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    migrate(db)
    clock = SystemClock()
    base = load_campaign(ROOT / "campaigns" / "tran-ninh-2024.toml")
    today = base.local(clock.now()).date()
    campaign = base.with_deadline(today + timedelta(days=10))
    core = Core(db, campaign, clock)
    slot = reminder_slots(campaign)[0]

    t0 = time.monotonic()
    seed(db, args.n, clock.now())
    seeded = time.monotonic() - t0

    platform = FakePlatform(args.limit)
    channel = FakeChannel(platform)
    dispatcher = OutboxDispatcher(db, channel, clock, rate=args.pace or args.limit, interval=0.5)
    runner = SlotRunner(core, on_queued=dispatcher.poke)

    stop = asyncio.Event()
    worst = [0.0]
    probe = asyncio.create_task(stall_probe(stop, worst))
    t0 = time.monotonic()
    first = await runner.run(slot)
    queued_in = time.monotonic() - t0
    stop.set()
    await probe

    dispatcher.start()
    second = await runner.run(slot)  # a second run of the same slot (a restart): nothing new
    deadline = time.monotonic() + args.n / args.limit * 3 + 60
    while time.monotonic() < deadline:
        with Session(db) as s:
            left = len(outbox.due_outbox(s, clock.now() + timedelta(hours=1), CHANNEL, limit=1))
        if not left:
            break
        await asyncio.sleep(0.5)
    await dispatcher.stop()

    with Session(db) as s:
        rows = outbox.outbox_by_prefix(s, f"{slot.id}:")
    statuses = Counter(r.status for r in rows)
    sent = sum(1 for c in platform.accepted.values() if c >= 1)
    duplicated = sum(c - 1 for c in platform.accepted.values() if c > 1)
    dropped = args.n - statuses.get("sent", 0)
    elapsed = (platform.last - platform.first) if platform.last else 0.0
    # the limit is per sliding second: the run lasts from the first send to one second after
    # the window of the last send opened (conservative: a burst at the end counts a full second)
    span = elapsed + platform.per
    rate = sum(platform.accepted.values()) / span
    print(f"fanout: {args.n} recipients, limit {args.limit}/s, pacing {args.pace or args.limit}/s")
    print(f"seeded in {seeded:.1f}s; queued {first.queued} rows in {queued_in:.2f}s "
          f"(worker thread; worst event-loop stall {worst[0] * 1000:.0f} ms)")
    print(f"second run of the slot: {second.status}, queued {second.queued}")
    print(f"delivered in {span:.1f}s: rate {rate:.2f}/s, ratio {rate / args.limit:.3f}")
    print(f"sent {sent}  retried {platform.rejected}  dropped {dropped}  duplicated {duplicated}")
    ok = rate / args.limit >= 0.95 and dropped == 0 and duplicated == 0 and first.queued == args.n
    print("target (ratio >= 0.95, 0 dropped, 0 duplicated):", "MET" if ok else "NOT MET")
    return 0 if ok else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10_000, help="recipients (default 10000)")
    p.add_argument("--limit", type=int, default=30, help="platform limit, messages per second")
    p.add_argument("--pace", type=float, default=None,
                   help="dispatcher pacing per second (default: the limit; higher shows 429 handling)")
    return asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
