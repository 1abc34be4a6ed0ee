"""Telegram channel throughput: N first-time users send /start at once through the real
python-telegram-bot Application (long polling, AIORateLimiter 30 msg/s) against the fake Bot API
server on 127.0.0.1, on a temporary SQLite file. Prints updates/s and per-update latency, with the production limiter and without it.

    python bench/tg_updates.py [N]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.bootstrap import build  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.telegram import TelegramChannel  # noqa: E402
from telegram.ext import AIORateLimiter  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402


async def run(n: int, limit: float) -> None:
    fake = await FakeTelegram().start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp}/bench.db",
                            campaign_file=ROOT / "campaigns" / "tran-ninh-2024.toml",
                            telegram_bot_token=fake.token, telegram_base_url=fake.base_url,
                            telegram_base_file_url=fake.file_url, webhook_base_url=None)
        app = build(settings)
        ch = TelegramChannel(app, rate_limiter=AIORateLimiter(overall_max_rate=limit, overall_time_period=1))
        await ch.start()
        pushed: dict[int, float] = {}
        t0 = time.perf_counter()
        for i in range(n):
            u = fake.push(fake.message_update(100_000 + i, text="/start"))
            pushed[u["update_id"]] = time.perf_counter()
        done: dict[int, float] = {}
        while len(done) < n:
            for uid in list(ch.processed):
                if uid in pushed and uid not in done:
                    done[uid] = time.perf_counter()
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - t0
        lat = sorted(done[k] - pushed[k] for k in pushed)
        sends = len(fake.of("sendMessage"))
        await ch.stop()
        app.db.dispose()
    await fake.stop()
    print(f"limiter {limit:g} messages/s: updates {n}, messages sent {sends}, wall {elapsed:.2f} s, "
          f"throughput {n / elapsed:.1f} updates/s")
    print(f"latency from arrival to handled: p50 {statistics.median(lat) * 1000:.0f} ms, "
          f"p95 {lat[int(len(lat) * 0.95) - 1] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms")


async def main(n: int) -> None:
    await run(n, 30)  # the production setting
    await run(n, 100_000)  # the adapter and core alone


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 90))
