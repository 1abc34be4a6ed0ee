"""Reminder fan-out through the production wiring: the app, its Telegram channel and its
outbox dispatcher built by bot/bootstrap.py exactly as `make run` builds them (nothing set up
for the bench), the real python-telegram-bot over HTTP, against the fake Bot API
(tests/fakes/telegram_api.py) enforcing Telegram's flood limit: at most LIMIT messages in any
second, HTTP 429 (retry_after) beyond it.

N unit heads with Telegram accounts; the scheduler's reminder slot queues one reminder each
(SlotRunner, one enqueue transaction in a worker thread) and rings the outbox bell. Printed:
the achieved rate and its ratio to the limit, sent, 429 answers, lost (not delivered in the
end) and doubled (a chat that got it twice); the slot is run a second time (a restart) and
the event loop's worst stall while the rows are queued is shown.

    python bench/fanout.py             # 10,000 recipients: about 6 minutes at 30/s
    python bench/fanout.py --n 2000    # a shorter run (about 80 s)
Targets: ratio >= 0.95, 0 x 429, 0 lost, 0 doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bot.bootstrap import build, build_services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from domain.campaign import load_campaign  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from scheduler.jobs import SlotRunner  # noqa: E402
from scheduler.plan import reminder_slots  # noqa: E402
from storage import outbox  # noqa: E402
from storage.models import Identity, Member  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

CAMPAIGN = ROOT / "campaigns" / "tran-ninh-2024.toml"
FIRST_CHAT = 500_000


def seed(db, campaign, n: int, now) -> None:
    """n unit heads, each with a Telegram account (bulk insert)."""
    units = [u.code for u in campaign.units]
    members = [
        dict(
            id=i + 1,
            full_name=f"Trưởng đơn vị {i}",
            role="head",
            unit_code=units[i % len(units)],
            created_at=now,
            updated_at=now,
        )
        for i in range(n)
    ]
    idents = [
        dict(
            member_id=i + 1,
            channel="telegram",
            external_id=str(FIRST_CHAT + i),
            chat_id=str(FIRST_CHAT + i),
            display_name=None,
            created_at=now,
        )
        for i in range(n)
    ]
    with db.begin() as conn:
        conn.execute(insert(Member.__table__), members)
        conn.execute(insert(Identity.__table__), idents)


async def production(limit: int, prefix: str):
    """The fake Bot API (answering 429 beyond `limit` a second) and the app on a temporary
    SQLite file, wired as `make run` wires it; the deadline ten days ahead, so it is open.
    Returns (fake, tmp, clock, app, services)."""
    fake = await FakeTelegram(flood_limit=limit).start()
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    clock = SystemClock()
    deadline = load_campaign(CAMPAIGN).local(clock.now()).date() + timedelta(days=10)
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp / 'bench.db'}",
        campaign_file=CAMPAIGN,
        campaign_deadline=deadline,
        telegram_bot_token=fake.token,
        telegram_base_url=fake.base_url,
        telegram_base_file_url=fake.file_url,
        webhook_base_url=None,
        media_dir=str(tmp / "media"),
    )
    app = build(settings, clock=clock)  # the wiring `make run` uses
    return fake, tmp, clock, app, build_services(app)


async def serve(services) -> None:
    """The channels and the outbox dispatchers started, as serving starts them."""
    for ch in services.channels:
        await ch.start()
    for d in services.dispatchers:
        d.start()


async def stall_probe(stop: asyncio.Event, worst: list[float]) -> None:
    """How late a 10 ms tick comes: the event loop's stall (what a conversation would feel)."""
    while not stop.is_set():
        t0 = time.monotonic()
        await asyncio.sleep(0.01)
        worst[0] = max(worst[0], time.monotonic() - t0 - 0.01)


async def main_async(args) -> int:
    logging.basicConfig(level=logging.WARNING)
    fake, tmp, clock, app, services = await production(args.limit, "fanout-")
    t0 = time.monotonic()
    seed(app.db, app.campaign, args.n, clock.now())
    seeded = time.monotonic() - t0
    slot = reminder_slots(app.campaign)[0]
    runner = SlotRunner(app.core, on_queued=app.outbox_bell.ring)

    await serve(services)
    stop = asyncio.Event()
    worst = [0.0]
    probe = asyncio.create_task(stall_probe(stop, worst))
    t0 = time.monotonic()
    first = await runner.run(slot)
    queued_in = time.monotonic() - t0
    stop.set()
    await probe
    second = await runner.run(slot)  # a second run of the same slot (a restart): nothing new

    deadline_at = time.monotonic() + args.n / args.limit * 3 + 60
    while time.monotonic() < deadline_at:
        with Session(app.db) as s:
            left = len(outbox.due_outbox(s, clock.now() + timedelta(hours=1), "telegram", limit=1))
        if not left:
            break
        await asyncio.sleep(0.5)
    for d in services.dispatchers:
        await d.stop()
    for ch in services.channels:
        await ch.stop()
    await fake.stop()

    with Session(app.db) as s:
        rows = outbox.outbox_by_prefix(s, f"{slot.id}:")
    statuses = Counter(r.status for r in rows)
    got = Counter(c.params.get("chat_id") for c in fake.of("sendMessage"))
    reminded = {FIRST_CHAT + i for i in range(args.n)}
    sent = sum(1 for chat in reminded if got[chat] >= 1)
    doubled = sum(got[chat] - 1 for chat in reminded if got[chat] > 1)
    lost = args.n - statuses.get("sent", 0)
    times = fake.accepted_at
    # the limit is per sliding second: the run lasts from the first send to one second after
    # the window of the last send opened (conservative: a burst at the end counts a full second)
    span = times[-1] - times[0] + 1.0 if times else 0.0
    rate = len(times) / span if span else 0.0
    print(f"fanout through bot/bootstrap.py: {args.n} recipients, Telegram flood limit {args.limit}/s")
    print(
        f"seeded in {seeded:.1f}s; queued {first.queued} rows in {queued_in:.2f}s "
        f"(worker thread; worst event-loop stall {worst[0] * 1000:.0f} ms)"
    )
    print(f"second run of the slot: {second.status}, queued {second.queued}")
    print(f"delivered in {span:.1f}s: rate {rate:.2f}/s, ratio {rate / args.limit:.3f}")
    print(f"sent {sent}  429 answers {fake.flooded}  lost {lost}  doubled {doubled}")
    ok = (
        rate / args.limit >= 0.95
        and fake.flooded == 0
        and lost == 0
        and doubled == 0
        and first.queued == args.n
    )
    print("target (ratio >= 0.95, 0 x 429, 0 lost, 0 doubled):", "MET" if ok else "NOT MET")
    return 0 if ok else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10_000, help="recipients (default 10000)")
    p.add_argument(
        "--limit",
        type=int,
        default=30,
        help="the fake Bot API's flood limit, messages per second (Telegram: 30)",
    )
    return asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
