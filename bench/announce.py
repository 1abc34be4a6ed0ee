"""Announcement benchmark: one announcement to N members (and a few linked village groups)
through the production wiring: the app, its Telegram channel and its outbox dispatcher built by
bot/bootstrap.py as `make run` builds them, the real python-telegram-bot over HTTP, against the
fake Bot API (tests/fakes/telegram_api.py) enforcing Telegram's flood limit: at most LIMIT
messages in any second, HTTP 429 (retry_after) beyond it. Seeding as bench/fanout.py does.

The announce operation queues one outbox row per account and group in one transaction and the
bell wakes the dispatcher. Printed: the limit (the baseline) beside the achieved rate, the
ratio, 429 answers, lost (never delivered) and doubled (a chat that got it twice), the
announcement's figures as staff see them, and the same announcement's deliveries queued again
(as after a restart in the middle) adding nothing.

    python bench/announce.py                  # 10,000 members: about 6 minutes at 30/s
    python bench/announce.py --n 1000         # a shorter run (about 40 s)
Targets: ratio >= 0.95, 0 lost, 0 doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fanout import FIRST_CHAT, production, seed, serve  # noqa: E402
from sqlmodel import Session, func, select  # noqa: E402

from domain import broadcasts  # noqa: E402
from domain.broadcasts import Audience  # noqa: E402
from domain.uow import UnitOfWork  # noqa: E402
from storage import announcements  # noqa: E402
from storage.models import Outbox  # noqa: E402
from storage.outbox import enqueue_many  # noqa: E402

TEXT = "Xã phát động phong trào thi đua chào mừng 60 năm huyện Văn Quan. Gõ /decu để đề cử."
FIRST_GROUP = -1_000_000_000_000


def pending(db, prefix: str) -> int:
    with Session(db) as s:
        return s.exec(
            select(func.count())
            .select_from(Outbox)
            .where(Outbox.dedupe_key.startswith(prefix), Outbox.status == "pending")
        ).one()


def requeue(db, ann_id: int, now) -> int:
    """The announcement's own rows offered to the outbox again (a restart in the middle)."""
    with Session(db) as s:
        rows = s.exec(select(Outbox).where(Outbox.dedupe_key.startswith(f"ann:{ann_id}:"))).all()
        items = [
            dict(
                member_id=r.member_id,
                channel=r.channel,
                chat_id=r.chat_id,
                payload=r.payload,
                dedupe_key=r.dedupe_key.rsplit("|", 1)[0],
            )
            for r in rows
        ]
        added = enqueue_many(s, items, now)
        s.commit()
        return added


async def main_async(args) -> int:
    logging.basicConfig(level=logging.WARNING)
    fake, tmp, clock, app, services = await production(args.limit, "announce-")
    t0 = time.monotonic()
    seed(app.db, app.campaign, args.n, clock.now())
    units = [u.code for u in app.campaign.units][: args.groups]
    with Session(app.db) as s:  # village groups linked to their units
        for i, unit in enumerate(units):
            announcements.link_group(
                s,
                channel="telegram",
                chat_id=str(FIRST_GROUP - i),
                unit_code=unit,
                title=None,
                member_id=None,
                now=clock.now(),
            )
        s.commit()
    seeded = time.monotonic() - t0
    await serve(services)

    t0 = time.monotonic()
    with UnitOfWork.begin(app.db, clock.now()) as uow:
        [done] = broadcasts.announce(uow, None, app.campaign, Audience("all"), TEXT, channel="bench")
        uow.commit()
    queued_in = time.monotonic() - t0
    app.outbox_bell.ring("telegram")
    await asyncio.sleep(2)
    again = requeue(app.db, done.announcement_id, clock.now())

    prefix = f"ann:{done.announcement_id}:"
    give_up = time.monotonic() + (args.n + len(units)) / args.limit * 3 + 60
    while time.monotonic() < give_up and pending(app.db, prefix):
        await asyncio.sleep(0.5)
    for d in services.dispatchers:
        await d.stop()
    for ch in services.channels:
        await ch.stop()
    await fake.stop()

    with Session(app.db) as s:
        figures = broadcasts.figures(s, done.announcement_id)
    got = Counter(c.params.get("chat_id") for c in fake.of("sendMessage"))
    expected = {FIRST_CHAT + i for i in range(args.n)} | {FIRST_GROUP - i for i in range(len(units))}
    lost = sum(1 for chat in expected if got[chat] == 0)
    doubled = sum(got[chat] - 1 for chat in expected if got[chat] > 1)
    times = fake.accepted_at
    # the limit is per sliding second: from the first send to one second after the last
    span = times[-1] - times[0] + 1.0 if times else 0.0
    rate = len(times) / span if span else 0.0
    print(
        f"announce through bot/bootstrap.py: {args.n} members and {len(units)} village groups, "
        f"Telegram flood limit {args.limit}/s"
    )
    print(
        f"seeded in {seeded:.1f}s; queued {done.rows} rows in {queued_in:.2f}s; "
        f"queued again mid-run (a restart): {again} added"
    )
    print(f"baseline, the platform's limit: {args.limit:.2f}/s")
    print(f"announcement: {rate:.2f}/s over {span:.1f}s, ratio to the limit {rate / args.limit:.3f}")
    print(
        f"figures: sent {figures.sent}, queued {figures.queued}, failed {figures.failed}, "
        f"unreachable {figures.unreachable}"
    )
    print(f"429 answers {fake.flooded}  lost {lost}  doubled {doubled}")
    ok = rate / args.limit >= 0.95 and lost == 0 and doubled == 0 and again == 0
    print("target (ratio >= 0.95, 0 lost, 0 doubled):", "MET" if ok else "NOT MET")
    return 0 if ok else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10_000, help="members (default 10000)")
    p.add_argument("--groups", type=int, default=5, help="linked village groups (default 5)")
    p.add_argument(
        "--limit",
        type=int,
        default=30,
        help="the fake Bot API's flood limit, messages per second (Telegram: 30)",
    )
    return asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
