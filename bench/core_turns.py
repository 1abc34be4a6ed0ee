"""How fast is one conversation turn? N residents register and nominate through the core on a
SQLite file (WAL). Prints turns per second, latency percentiles and peak memory.

With --kept each turn also does what the delivery path does for kill -9 safety: its replies are
written to the outbox in the turn's transaction, then marked sent in one UPDATE (the sends
themselves are not timed: a sender that sends nothing).

    .venv/bin/python bench/core_turns.py [--users 200] [--db sqlite:///...]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.bootstrap import wire_events
from bot.delivery import Delivery, Turn
from bot.outbox_dispatcher import OutboxBell
from domain.campaign import load_campaign
from domain.clock import ManualClock
from handlers.core import Core
from messages.model import InboundEvent
from storage.db import make_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = [
    "/start",
    "1",
    "Nguyễn Văn Bình",
    "1",
    "bo qua",
    "1",
    "ho gia dinh",
    "Hộ ông Hoàng Văn Tư",
    "1",
    "2 3",
    "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn.",
    "60 triệu",
    "khong",
    "bo qua",
    "1",
    "1",
]


class _Quiet:
    """A sender whose sends cost nothing: only the storage work is timed."""

    name = "bench"

    def pieces(self, reply):
        return [reply]

    async def send_piece(self, chat_id, piece, *, last=False, context=None):
        return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--db", default=None)
    ap.add_argument("--kept", action="store_true", help="store and mark the replies (bot/delivery.py)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.db or f"sqlite:///{tmp}/bench.db"
    engine = make_engine(url)
    migrate(engine)
    wire_events()
    core = Core(
        engine,
        load_campaign(ROOT / "campaigns" / "tran-ninh-2024.toml"),
        ManualClock(datetime(2024, 11, 5, 3, 0, tzinfo=UTC)),
    )
    delivery = Delivery(engine, core.clock, OutboxBell())
    sender = _Quiet()
    loop = asyncio.new_event_loop()  # one loop, as in the serving process
    latencies: list[float] = []
    start = time.perf_counter()
    n = 0
    for u in range(args.users):
        for line in SCRIPT:
            n += 1
            if line.startswith("/"):
                ev = InboundEvent(
                    channel="bench",
                    user_id=f"u{u}",
                    chat_id=f"u{u}",
                    key=str(n),
                    kind="command",
                    command=line[1:],
                )
            else:
                ev = InboundEvent(
                    channel="bench", user_id=f"u{u}", chat_id=f"u{u}", key=str(n), kind="text", text=line
                )
            t0 = time.perf_counter()
            if args.kept:
                kept = delivery.keeper(sender, Turn("bench", ev.chat_id, ev.user_id, ev.key))
                replies = core.handle(ev, kept)
                loop.run_until_complete(delivery.send_turn(sender, kept.turn, replies, kept))
            else:
                replies = core.handle(ev)
            latencies.append(time.perf_counter() - t0)
            assert replies, line
    total = time.perf_counter() - start
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {engine.url.get_backend_name()}, replies kept in the outbox: {args.kept}")
    print(f"users: {args.users}, turns: {n}, nominations: {args.users}")
    print(f"total: {total:.2f} s, throughput: {n / total:.0f} turns/s")
    print(
        f"latency per turn: p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
    )
    print(f"peak memory (RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
