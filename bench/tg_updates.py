"""Telegram channel throughput through the real python-telegram-bot Application (long polling)
against the fake Bot API server on 127.0.0.1 (tests/fakes/telegram_api.py), on a temporary
SQLite file, beside a bare python-telegram-bot echo bot on the same fake.

1. Throughput: N first-time users send /start at once, the rate limiter raised in both (the
   adapter and core against PTB alone): updates/s and the ratio. Target >= 0.5.
2. One busy chat: it sends 15 messages, then 100 other chats send /start, both bots behind
   the production limiter (30 messages/s): how fast the 100 others are served, and the
   ratio. Target >= 0.9.
A chat counts as served when the fake receives the bot's first message to it.

Run 1 prints a third line, the floor of any bot that promises a turn is on disk before
anyone is told: the bare echo bot that first writes one row per update to SQLite
(raw sqlite3, WAL, synchronous=FULL: one INSERT and its commit, in a thread) and then answers
with the project's own first reply (its text and its four buttons, copied from what the
project sent). No ORM, no conversation, no outbox: what storing and that reply cost at least.

Both bots are warm before the clock starts: each serves one /start from a chat outside the
measured ones (for the project that is its first SQL statements compiled, the flows' and the
catalog's lazy parts loaded, the first connections opened; for PTB its first request). A
serving bot is warm; the figure is the rate it serves at, not its start-up (bench/startup.py
measures that). The throughput run uses 300 chats by default, so a few slow updates weigh
little either way.

    python bench/tg_updates.py [--n 300]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import InlineKeyboardMarkup  # noqa: E402
from telegram.ext import AIORateLimiter, Application, MessageHandler, filters  # noqa: E402

from bot.bootstrap import build  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.telegram import TelegramChannel  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

PRODUCTION = 30  # messages per second, the project's AIORateLimiter setting
RAISED = 100_000
FIRST_CHAT = 100_000


class Bare:
    """A bare python-telegram-bot echo bot: one MessageHandler, default (sequential) updates."""

    def __init__(self, fake: FakeTelegram, limit: float) -> None:
        limiter = AIORateLimiter(overall_max_rate=limit, overall_time_period=1)
        self.app = (
            Application.builder()
            .token(fake.token)
            .base_url(fake.base_url)
            .base_file_url(fake.file_url)
            .rate_limiter(limiter)
            .build()
        )

        async def echo(update, context):
            await update.message.reply_text(update.message.text or "…")

        self.app.add_handler(MessageHandler(filters.ALL, echo))

    async def start(self) -> None:
        await self.app.initialize()
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)

    async def stop(self) -> None:
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()


class Floor(Bare):
    """The bare bot + one durable SQLite row per update + the project's reply (see above)."""

    def __init__(self, fake: FakeTelegram, limit: float, tmp: str, reply: dict) -> None:
        super().__init__(fake, limit)
        self.app.handlers.clear()
        db = sqlite3.connect(f"{tmp}/floor.db", check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE turn (update_id INTEGER PRIMARY KEY, reply TEXT)")
        self.db = db
        text = reply["text"]
        markup = InlineKeyboardMarkup.de_json(reply["reply_markup"], None)

        def store(update_id: int) -> None:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO turn VALUES (?, ?)", (update_id, text))
            db.execute("COMMIT")

        async def answer(update, context):
            await asyncio.to_thread(store, update.update_id)
            await update.message.reply_text(text, reply_markup=markup)

        self.app.add_handler(MessageHandler(filters.ALL, answer))

    async def stop(self) -> None:
        await super().stop()
        self.db.close()


class Project:
    """The project's Telegram channel on the app as `make run` builds it."""

    def __init__(self, fake: FakeTelegram, limit: float, tmp: str) -> None:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp}/bench.db",
            campaign_file=ROOT / "campaigns" / "tran-ninh-2024.toml",
            telegram_bot_token=fake.token,
            telegram_base_url=fake.base_url,
            telegram_base_file_url=fake.file_url,
            webhook_base_url=None,
        )
        self.app = build(settings)
        if limit == PRODUCTION:  # as `make run` builds it
            self.channel = TelegramChannel(self.app)
        else:  # PTB's limiter and the project's own pacing both raised
            self.channel = TelegramChannel(
                self.app,
                overall_rate=limit,
                rate_limiter=AIORateLimiter(overall_max_rate=limit, overall_time_period=1),
            )

    async def start(self) -> None:
        await self.channel.start()

    async def stop(self) -> None:
        await self.channel.stop()
        self.app.db.dispose()


async def served(fake: FakeTelegram, chats: set[int], timeout: float = 120) -> dict[int, float]:
    """When each chat got its first message (polled every 2 ms)."""
    at: dict[int, float] = {}
    seen = 0
    end = time.perf_counter() + timeout
    while len(at) < len(chats) and time.perf_counter() < end:
        calls = fake.calls
        now = time.perf_counter()
        for c in calls[seen:]:
            chat = c.params.get("chat_id")
            if c.method == "sendMessage" and chat in chats and chat not in at:
                at[chat] = now
        seen = len(calls)
        await asyncio.sleep(0.002)
    return at


FIRST_REPLY: dict = {}  # the project's first reply (text, reply_markup), for the floor


async def scenario(kind: str, limit: float, n: int, busy: int) -> tuple[float, list[float]]:
    """`busy` messages from one chat, then one /start from each of n other chats. Returns
    the others' rate (updates/s until the last of them is served) and their latencies."""
    fake = await FakeTelegram().start()
    with tempfile.TemporaryDirectory() as tmp:
        bot = (
            Bare(fake, limit)
            if kind == "bare"
            else Floor(fake, limit, tmp, FIRST_REPLY)
            if kind == "floor"
            else Project(fake, limit, tmp)
        )
        await bot.start()
        await fake.wait_for(lambda: fake.of("getUpdates"), timeout=30)
        warm = FIRST_CHAT - 2  # served before the clock starts, in both bots
        fake.push(fake.message_update(warm, text="/start"))
        await served(fake, {warm})
        t0 = time.perf_counter()
        for i in range(busy):
            fake.push(fake.message_update(FIRST_CHAT - 1, text=f"tin nhắn {i}"))
        pushed = {}
        for i in range(n):
            fake.push(fake.message_update(FIRST_CHAT + i, text="/start"))
            pushed[FIRST_CHAT + i] = time.perf_counter()
        at = await served(fake, set(pushed))
        if kind == "project" and not FIRST_REPLY:
            FIRST_REPLY.update(
                {k: v for k, v in fake.of("sendMessage")[-1].params.items() if k in ("text", "reply_markup")}
            )
        await bot.stop()
    await fake.stop()
    if len(at) < n:
        raise SystemExit(f"{kind}: only {len(at)} of {n} chats served")
    return n / (max(at.values()) - t0), sorted(at[c] - pushed[c] for c in pushed)


def line(label: str, rate: float, lat: list[float]) -> str:
    return (
        f"{label:44} {rate:7.1f} updates/s   latency p50 {statistics.median(lat) * 1000:6.0f} ms"
        f"  p95 {lat[int(len(lat) * 0.95) - 1] * 1000:6.0f} ms"
    )


async def main_async(n: int) -> int:
    print(f"1. {n} chats send /start at once; limiter raised to {RAISED:,}/s in both")
    bare, bare_lat = await scenario("bare", RAISED, n, 0)
    mine, mine_lat = await scenario("project", RAISED, n, 0)
    floor, floor_lat = await scenario("floor", RAISED, n, 0)
    print(line("   bare python-telegram-bot echo bot", bare, bare_lat))
    print(line("   floor: + a durable row, the same reply", floor, floor_lat))
    print(line("   project", mine, mine_lat))
    ok1 = mine / bare >= 0.5
    print(
        f"   ratio {mine / bare:.2f} (target >= 0.5): {'MET' if ok1 else 'NOT MET'}; "
        f"the floor {floor / bare:.2f}, the project {mine / floor:.2f} of the floor"
    )

    print(f"2. one chat sends 15 messages, then 100 other chats /start; limiter {PRODUCTION}/s in both")
    bare, bare_lat = await scenario("bare", PRODUCTION, 100, 15)
    mine, mine_lat = await scenario("project", PRODUCTION, 100, 15)
    print(line("   bare bot, the 100 others", bare, bare_lat))
    print(line("   project, the 100 others", mine, mine_lat))
    ok2 = mine / bare >= 0.9
    print(f"   ratio {mine / bare:.2f} (target >= 0.9): {'MET' if ok2 else 'NOT MET'}")
    return 0 if ok1 and ok2 else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=300, help="chats in the throughput run")
    return asyncio.run(main_async(p.parse_args().n))


if __name__ == "__main__":
    sys.exit(main())
