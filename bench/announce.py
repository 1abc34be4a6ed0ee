"""Announcement benchmark: one announcement to N members delivered through a fake Telegram that
allows LIMIT messages in any second and answers 429 (retry_after) beyond it.

It drives the production path: the announce operation queues the outbox rows in one
transaction, the served outbox dispatcher (bot.bootstrap.build_dispatcher, woken by the bell)
sends each through the real TelegramSender and python-telegram-bot's ExtBot with the
production AIORateLimiter; only the HTTP layer is fake (bench/fanout.py's FakePlatform behind a
PTB request object). It prints the limit as the baseline beside the achieved rate, the ratio,
how many were lost (never delivered) and doubled (delivered twice), and the 429 answers.

    python bench/announce.py                  # 10,000 members: about 5.5 minutes at 30/s
    python bench/announce.py --n 600          # a shorter run
Targets: ratio >= 0.95, 0 lost, 0 doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlmodel import Session, func, select  # noqa: E402
from telegram.ext import ExtBot  # noqa: E402
from telegram.request import BaseRequest, RequestData  # noqa: E402

from bot.bootstrap import build, build_dispatcher  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.telegram.buttons import Keyboards  # noqa: E402
from bot.telegram.channel import production_limiter  # noqa: E402
from bot.delivery import send_reply  # noqa: E402
from bot.telegram.outbound import Masker, TelegramSender  # noqa: E402
from domain import broadcasts  # noqa: E402
from domain.broadcasts import Audience  # noqa: E402
from domain.uow import UnitOfWork  # noqa: E402
from fanout import FakePlatform  # noqa: E402
from storage import members  # noqa: E402
from storage.models import Outbox  # noqa: E402

CHANNEL = "telegram"
TEXT = "Xã phát động phong trào thi đua chào mừng 60 năm huyện Văn Quan. Gõ /decu để đề cử."


class PlatformRequest(BaseRequest):
    """PTB's HTTP layer answered by the fake platform: getMe, then sendMessage within the limit
    (200) or beyond it (429 with retry_after), as the Bot API does."""

    def __init__(self, platform: FakePlatform) -> None:
        self.platform = platform
        self.message_id = 0

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=None, write_timeout=None, connect_timeout=None,
                         pool_timeout=None) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        if endpoint == "getMe":
            return 200, _ok({"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"})
        params = request_data.parameters if request_data is not None else {}
        chat_id = str(params.get("chat_id"))
        status, retry_after = self.platform.post(chat_id)
        if status == 429:
            wait = math.ceil(retry_after or 1)
            return 429, json.dumps({"ok": False, "error_code": 429, "parameters": {"retry_after": wait},
                                    "description": f"Too Many Requests: retry after {wait}"}).encode()
        self.message_id += 1
        return 200, _ok({"message_id": self.message_id, "date": int(time.time()),
                         "chat": {"id": int(chat_id), "type": "private"}, "text": params.get("text", "")})


def _ok(result: dict) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()


class BenchTelegram:
    """The Telegram channel's sending half (TelegramChannel.send) on a bot whose HTTP is fake."""

    name = CHANNEL

    def __init__(self, bot: ExtBot, send_rate: float) -> None:
        self.send_rate = send_rate  # as TelegramChannel.send_rate: its limiter's overall rate
        self.sender = TelegramSender(bot, Keyboards(), Masker("bench"))

    async def send(self, chat_id: str, reply) -> None:
        await send_reply(self.sender, chat_id, reply)


def seed(db, n: int, now) -> None:
    units = ["T01", "T02", "T03", "T04", "T05"]
    with Session(db) as s:
        for i in range(n):
            chat = str(100_000 + i)
            members.create_member(s, full_name=f"Người dân {i}", role="resident", unit_code=units[i % 5],
                                  phone=None, channel=CHANNEL, external_id=chat, chat_id=chat,
                                  display_name=None, now=now)
        s.commit()


def pending(db, prefix: str) -> int:
    with Session(db) as s:
        return s.exec(select(func.count()).select_from(Outbox).where(
            Outbox.dedupe_key.startswith(prefix), Outbox.status == "pending")).one()


async def main_async(args) -> int:
    logging.basicConfig(level=logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="announce-"))
    settings = load_settings(database_url=f"sqlite:///{tmp / 'bench.db'}", media_dir=tmp / "media",
                             telegram_bot_token=None, zalo_bot_token=None)
    app = build(settings)
    t0 = time.monotonic()
    seed(app.db, args.n, app.clock.now())
    seeded = time.monotonic() - t0

    platform = FakePlatform(args.limit)
    bot = ExtBot("1:bench", request=PlatformRequest(platform), get_updates_request=PlatformRequest(platform),
                 rate_limiter=production_limiter(args.limit))
    await bot.initialize()
    dispatcher = build_dispatcher(app, BenchTelegram(bot, args.limit))
    dispatcher.start()

    t0 = time.monotonic()
    with UnitOfWork.begin(app.db, app.clock.now()) as uow:
        [done] = broadcasts.announce(uow, None, app.campaign, Audience("all"), TEXT, channel="bench")
        uow.commit()
    queued_in = time.monotonic() - t0
    app.outbox_bell.ring(CHANNEL)
    prefix = f"ann:{done.announcement_id}:"
    give_up = time.monotonic() + args.n / args.limit * 3 + 60
    while time.monotonic() < give_up and pending(app.db, prefix):
        await asyncio.sleep(0.5)
    await dispatcher.stop()
    await bot.shutdown()

    with Session(app.db) as s:
        statuses = Counter(s.exec(select(Outbox.status).where(Outbox.dedupe_key.startswith(prefix))).all())
        figures = broadcasts.figures(s, done.announcement_id)
    delivered = sum(platform.accepted.values())
    doubled = sum(c - 1 for c in platform.accepted.values() if c > 1)
    lost = args.n - sum(1 for c in platform.accepted.values() if c >= 1)
    # the limit is per sliding second: from the first send to one second after the last
    span = (platform.last - platform.first) + platform.per if platform.last else float("inf")
    rate = delivered / span
    print(f"announce: {args.n} members, fake Telegram limited to {args.limit} messages/s")
    print(f"seeded in {seeded:.1f}s; queued {done.rows} rows in {queued_in:.2f}s")
    print(f"baseline (the platform's limit): {args.limit:.2f}/s")
    print(f"delivered in {span:.1f}s: {rate:.2f}/s, ratio to the limit {rate / args.limit:.3f}")
    print(f"figures: sent {figures.sent}, queued {figures.queued}, failed {figures.failed}, "
          f"unreachable {figures.unreachable} (outbox {dict(statuses)})")
    print(f"lost {lost}  doubled {doubled}  429 answers {platform.rejected}  "
          f"dispatcher deferrals {dispatcher.stats['deferred']}")
    ok = rate / args.limit >= 0.95 and lost == 0 and doubled == 0
    print("target (ratio >= 0.95, 0 lost, 0 doubled):", "MET" if ok else "NOT MET")
    return 0 if ok else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10_000, help="members (default 10000)")
    p.add_argument("--limit", type=int, default=30, help="the platform's limit, messages per second")
    return asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
