"""Zalo channel figures against the local fake Zalo API (tests/fakes/zalo_api.py):
- the sender's pace with the default limits (20 msg/s overall, 1 msg/s per chat after 5);
- end-to-end turns per second over long polling (update -> core on SQLite -> replies sent).
Prints figures; asserts nothing. Run: python bench/zalo_channel.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.bootstrap import App, wire_events  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.zalo import ZaloChannel  # noqa: E402
from domain.campaign import load_campaign  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from handlers.core import Core  # noqa: E402
from messages.model import Text  # noqa: E402
from storage.db import make_engine, migrate  # noqa: E402
from tests.fakes.zalo_api import TOKEN, FakeZalo  # noqa: E402


def make(fake: FakeZalo, tmp: Path, **kw) -> ZaloChannel:
    settings = Settings(
        _env_file=None,
        zalo_bot_token=TOKEN,
        zalo_base_url=fake.base_url,
        media_dir=tmp / "media",
        database_url=f"sqlite:///{tmp}/bench.db",
        **kw,
    )
    wire_events()
    db = make_engine(settings.database_url)
    migrate(db)
    campaign = load_campaign(ROOT / "campaigns" / "tran-ninh-2024.toml")
    campaign = campaign.with_deadline(campaign.local(SystemClock().now()).date().replace(year=2099))
    app = App(
        settings=settings,
        db=db,
        campaign=campaign,
        core=Core(db, campaign, SystemClock()),
        clock=SystemClock(),
    )
    return ZaloChannel(app)


async def pace(fake: FakeZalo, tmp: Path) -> None:
    ch = make(fake, tmp)
    t0 = time.perf_counter()
    for i in range(10):
        await ch.send("one-chat", Text(f"tin {i}"))
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    await asyncio.gather(*(ch.send(f"chat-{i}", Text("tin")) for i in range(60)))
    many = time.perf_counter() - t0
    print(
        f"default pace: 10 messages to one chat in {one:.2f} s (burst 5, then 1/s); "
        f"60 messages to 60 chats in {many:.2f} s = {60 / many:.1f} msg/s (burst 20, then 20/s)"
    )
    await ch.stop()


async def turns(fake: FakeZalo, tmp: Path, users: int = 20, each: int = 10) -> None:
    ch = make(fake, tmp, zalo_rate=1000, zalo_chat_rate=1000, zalo_chat_burst=1000)
    await ch.start()
    t0 = time.perf_counter()
    for n in range(each):
        for u in range(users):
            fake.queue(fake.update(f"user-{u}", "xin chao" if n == 0 else "abc"))
    total = users * each
    while ch.handled < total:
        await asyncio.sleep(0.01)
    dt = time.perf_counter() - t0
    sent = len(fake.sent())
    print(
        f"long polling, unpaced: {total} updates from {users} users handled in {dt:.2f} s = "
        f"{total / dt:.0f} updates/s ({sent} messages sent, SQLite file)"
    )
    await ch.stop()


async def main() -> None:
    fake = await FakeZalo(poll_wait=0.05).start()
    with tempfile.TemporaryDirectory() as d:
        await pace(fake, Path(d))
        fake.calls.clear()
    with tempfile.TemporaryDirectory() as d:
        await turns(fake, Path(d))
    await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
