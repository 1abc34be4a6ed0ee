"""Zalo Official Account figures against the local fakes, in one run:
1. webhook turns per second: the OA's /zalo-oa (signature checked, turn stored, replies sent
   through the v3 message API) beside the Zalo Bot Platform's /zalo webhook, the same load
   (users in parallel, each person's messages one after another), SQLite file each;
2. an announcement to 2,000 OA followers, half of them outside the 48-hour window: every row
   ends sent, templated (ZNS), rerouted (their Telegram) or kept «ngoài khung 48 giờ».
Prints figures; asserts nothing but the count of the announcement's rows. Run:
python bench/zalo_oa_webhook.py
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bot.bootstrap import App  # noqa: E402
from bot.outbox_dispatcher import OutboxDispatcher  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.webhook_server import make_app  # noqa: E402
from bot.zalo import ZaloChannel  # noqa: E402
from bot.zalo_oa import ZaloOaChannel  # noqa: E402
from domain import broadcasts as bc  # noqa: E402
from domain.campaign import load_campaign  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from domain.uow import UnitOfWork  # noqa: E402
from handlers.core import Core  # noqa: E402
from storage.db import make_engine, migrate  # noqa: E402
from storage.models import Identity, Member, Outbox  # noqa: E402
from tests.fakes.serving import Served, bind_free_port, serve  # noqa: E402
from tests.fakes.zalo_api import TOKEN, FakeZalo  # noqa: E402
from tests.fakes.zalo_oa_api import APP_ID, APP_SECRET, OA_ID, OA_SECRET, FakeZaloOa  # noqa: E402

SECRET = "bench-webhook-secret"
FAST = dict(zalo_rate=1000, zalo_chat_rate=1000, zalo_chat_burst=1000)
TEMPLATES = {"announcement": {"id": "310003", "params": {"ten": "name", "noi_dung": "text"}}}


def app_for(tmp: Path, **kw) -> App:
    settings = Settings(
        _env_file=None,
        media_dir=tmp / "data" / "media",
        database_url=f"sqlite:///{tmp}/bench.db",
        **FAST,
        **kw,
    )
    db = make_engine(settings.database_url)
    migrate(db)
    campaign = load_campaign(ROOT / "campaigns" / "tran-ninh-2024.toml")
    campaign = campaign.with_deadline(campaign.local(SystemClock().now()).date().replace(year=2099))
    clock = SystemClock()
    return App(settings=settings, db=db, campaign=campaign, core=Core(db, campaign, clock), clock=clock)


async def serve_routes(routes) -> Served:
    # connections kept open as long as a run lasts: a loaded machine must not meet a closed one
    return await serve(make_app(routes), timeout_keep_alive=120)


async def drive(post, users: int, each: int) -> float:
    """Seconds for `users` people in parallel, each sending `each` messages one after another
    (one HTTP client for all, as a platform keeps its connections)."""
    async with httpx.AsyncClient(timeout=60) as http:

        async def person(u: int) -> None:
            for n in range(each):
                resp = await post(http, f"user-{u}", "xin chao" if n == 0 else "abc")
                assert resp.status_code == 200, resp.text

        t0 = time.perf_counter()
        await asyncio.gather(*(person(u) for u in range(users)))
        return time.perf_counter() - t0


def zalo_post(fake: FakeZalo):
    async def post(http: httpx.AsyncClient, user: str, text: str) -> httpx.Response:
        headers = {"X-Bot-Api-Secret-Token": fake.webhook_secret}
        return await http.post(fake.webhook_url, json=fake.update(user, text), headers=headers)

    return post


def oa_post(fake: FakeZaloOa):
    async def post(http: httpx.AsyncClient, user: str, text: str) -> httpx.Response:
        body = fake.event(user, text)
        fake.followers.add(user)  # what FakeZaloOa.post records, without its client per call
        fake.last_inbound[user] = fake.now()
        raw = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json", "X-ZEvent-Signature": fake.sign(raw, body)}
        return await http.post(fake.webhook_url, content=raw, headers=headers)

    return post


async def zalo_bot_turns(users: int, each: int) -> float:
    fake = await FakeZalo().start()
    with tempfile.TemporaryDirectory() as d:
        sock, port = bind_free_port()
        sock.close()
        app = app_for(
            Path(d),
            zalo_bot_token=TOKEN,
            zalo_base_url=fake.base_url,
            webhook_base_url=f"http://127.0.0.1:{port}",
            webhook_secret=SECRET,
        )
        ch = ZaloChannel(app)
        await ch.start()
        served = await serve_routes(ch.routes())
        fake.webhook_url = f"http://127.0.0.1:{served.port}/zalo"
        dt = await drive(zalo_post(fake), users, each)
        while ch.handled < users * each:
            await asyncio.sleep(0.01)
        await served.stop()
        await ch.stop()
    await fake.stop()
    return users * each / dt


async def oa_turns(users: int, each: int) -> float:
    fake = await FakeZaloOa().start()
    with tempfile.TemporaryDirectory() as d:
        app = oa_app(fake, Path(d))
        ch = ZaloOaChannel(app)
        await ch.start()
        served = await serve_routes(ch.routes())
        fake.webhook_url = f"http://127.0.0.1:{served.port}/zalo-oa"
        dt = await drive(oa_post(fake), users, each)
        while ch.handled < users * each:
            await asyncio.sleep(0.01)
        await served.stop()
        await ch.stop()
    await fake.stop()
    return users * each / dt


def oa_app(fake: FakeZaloOa, tmp: Path, **kw) -> App:
    access, refresh = fake.issue()
    return app_for(
        tmp,
        zalo_oa_app_id=APP_ID,
        zalo_oa_app_secret=APP_SECRET,
        zalo_oa_secret_key=OA_SECRET,
        zalo_oa_id=OA_ID,
        zalo_oa_access_token=access,
        zalo_oa_refresh_token=refresh,
        zalo_oa_api_url=fake.base_url,
        zalo_oa_oauth_url=fake.base_url,
        zalo_oa_zns_url=fake.base_url,
        **kw,
    )


def followers(app: App, fake: FakeZaloOa, n: int) -> dict[str, int]:
    """n OA followers in one unit: the first half wrote 2 hours ago, the rest 72 hours ago; of
    those, 2 in 5 gave a phone (a template reaches them), 3 in 10 also use Telegram."""
    now = datetime.now(UTC)
    plan = {"inside": 0, "phone": 0, "telegram": 0, "nothing": 0}
    with Session(app.db) as s:
        members, idents = [], []
        for i in range(n):
            inside = i < n // 2
            k = i % 10
            kind = "inside" if inside else ("phone" if k < 4 else "telegram" if k < 7 else "nothing")
            plan[kind] += 1
            members.append(
                dict(
                    id=i + 1,
                    full_name=f"Người dân {i}",
                    phone="0912" + f"{i:06d}" if kind == "phone" else None,
                    role="resident",
                    unit_code="T01",
                    created_at=now,
                    updated_at=now,
                )
            )
            last = now - timedelta(hours=2 if inside else 72)
            idents.append(
                dict(
                    member_id=i + 1,
                    channel="zalo_oa",
                    external_id=f"f{i}",
                    chat_id=f"f{i}",
                    last_inbound_at=last,
                    created_at=now,
                )
            )
            if kind == "telegram":
                idents.append(
                    dict(
                        member_id=i + 1,
                        channel="telegram",
                        external_id=f"t{i}",
                        chat_id=f"t{i}",
                        created_at=now,
                    )
                )
            fake.followers.add(f"f{i}")
            fake.last_inbound[f"f{i}"] = last
        s.execute(insert(Member), members)
        s.execute(insert(Identity), idents)
        s.commit()
    return plan


async def announcement(n: int = 2000) -> None:
    fake = await FakeZaloOa().start()
    with tempfile.TemporaryDirectory() as d:
        app = oa_app(fake, Path(d), zalo_oa_templates=TEMPLATES)
        ch = ZaloOaChannel(app)
        await ch.start()
        plan = followers(app, fake, n)
        with Session(app.db) as s:
            [done] = bc.announce(
                UnitOfWork(s, app.clock.now()),
                None,
                app.campaign,
                bc.Audience("all"),
                "Họp thôn lúc 19 giờ.",
                channel="cli",
            )
            s.commit()
        dispatcher = OutboxDispatcher(app.db, ch, app.clock, batch=500)
        t0 = time.perf_counter()
        while True:
            await dispatcher.run_once()
            with Session(app.db) as s:
                left = s.execute(
                    select(Outbox.id).where(Outbox.channel == "zalo_oa", Outbox.status == "pending").limit(1)
                ).first()
            if left is None:
                break
        dt = time.perf_counter() - t0
        with Session(app.db) as s:
            f = bc.figures(s, done.announcement_id)
        oa_rows = f.sent + f.templated + f.rerouted + f.outside_window
        telegram_rows = f.queued  # Telegram's own rows: waiting for the Telegram sender (not run here)
        print(
            f"announcement to {n} OA followers ({plan['inside']} inside the window, {n - plan['inside']} "
            f"outside: {plan['phone']} with a phone, {plan['telegram']} also on Telegram, "
            f"{plan['nothing']} neither), settled in {dt:.2f} s = {oa_rows / dt:.0f} rows/s:"
        )
        print(
            f"  sent free-form {f.sent}, templated {f.templated} (ZNS calls {len(fake.zns())}), "
            f"rerouted {f.rerouted}, kept «ngoài khung 48 giờ» {f.outside_window}; "
            f"Telegram rows queued {telegram_rows}; free-form sends refused for the window: "
            f"{sum(c.path.endswith('!window') for c in fake.calls)}"
        )
        assert oa_rows == n, (oa_rows, n)  # every OA row settled one of the four ways
        await ch.stop()
    await fake.stop()


async def main() -> None:
    users, each = 20, 10
    bot = await zalo_bot_turns(users, each)
    oa = await oa_turns(users, each)
    print(
        f"webhook turns, {users} users x {each} messages, SQLite file, unpaced: "
        f"Zalo Bot Platform {bot:.0f} turns/s (baseline), Zalo OA {oa:.0f} turns/s = {oa / bot:.2f}x"
    )
    await announcement()


if __name__ == "__main__":
    asyncio.run(main())
