"""Serving several communes in one process beyond Telegram: the shared Zalo bot (numbered
choices, no buttons: one message to ask, one to greet), and the scheduler: one leader lock for
the deployment, every commune's jobs beside the first's, each slot writing only in its own
commune's scope and waking only its own commune's senders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.bootstrap import build_scheduler, build_services
from bot.zalo import ZaloChannel
from messages.catalog import t
from scheduler.plan import launch_slot
from storage.models import AuditLog, Member, Outbox, ProvinceChatRoute

from . import seed as seeding
from .conftest import rows
from .fakes.zalo_api import FakeZalo
from .province_fixtures import province_app
from .test_shared_bot import base_engine
from .test_zalo import Chat, settings_for

YEN_PHUC = {"yen-phuc": "Xã Yên Phúc"}


@pytest.fixture
async def fake():
    f = FakeZalo()
    await f.start()
    yield f
    await f.stop()


async def test_the_shared_zalo_bot_asks_by_number_and_routes_by_it(fake, db_path, clock, tmp_path):
    settings = settings_for(fake, tmp_path, database_url=f"sqlite:///{db_path}")
    app = province_app(settings, clock, base_engine(db_path), YEN_PHUC)
    [ch] = build_services(app).channels
    assert isinstance(ch, ZaloChannel)
    ch.retry_delays, ch.poll_backoff = (0.01,), (0.01, 0.05)
    await ch.start()
    try:
        u = Chat(fake, ch, user_id="zu-9")
        [asked] = await u.send(fake.update("zu-9", "chào bot"))  # one message
        assert t("province.ask") in asked and "1. Xã Trần Ninh" in asked and "2. Xã Yên Phúc" in asked
        # a photo before the commune is known: asked again, nothing fetched or kept
        photo = fake.update("zu-9", photo_url=fake.image_url("none.jpg"), caption="ảnh")
        [again] = await u.send(photo)
        assert t("province.ask") in again and not list((tmp_path / "media").rglob("*.jpg"))
        [greeting] = await u.send(fake.update("zu-9", "2"))
        assert "UBND xã Yên Phúc" in greeting
        [route] = rows(app.db, ProvinceChatRoute)
        assert (route.channel, route.external_id) == ("zalo", "zu-9")
        assert route.commune_id == app.tenants["yen-phuc"].commune.id
        await u.say("/start")
        assert rows(app.tenants["tran-ninh"].db, Member) == []
    finally:
        await ch.stop()


async def test_one_leader_schedules_every_communes_jobs_each_in_its_own_scope(db_path, clock, tmp_path):
    from bot.settings import Settings

    settings = Settings(_env_file=None, database_url=f"sqlite:///{db_path}", media_dir=tmp_path / "media")
    app = province_app(settings, clock, base_engine(db_path), YEN_PHUC)
    for code, name in (("tran-ninh", "Nguyễn Văn Bình"), ("yen-phuc", "Khổng Văn Zụt")):
        with Session(app.tenants[code].db) as s:
            seeding.console_member(s, name, "resident", "r1", clock.now(), "T01")
            s.commit()
    rung: list[str] = []
    for code, tenant in app.tenants.items():
        tenant.bell.ring = lambda channel=None, code=code: rung.append(code)  # type: ignore[method-assign]
    sched = build_scheduler(app)
    assert [code for code, _ in sched.communes] == ["yen-phuc"]  # beside the first's, one lock
    ids = {j.id for j in sched.jobs().get_jobs()}
    assert {
        "digest:daily",
        "yen-phuc/digest:daily",
        "housekeeping:daily",
        "yen-phuc/housekeeping:daily",
    } <= ids
    reminders = {i for i in ids if i.startswith("remind:")}
    assert reminders and {f"yen-phuc/{i}" for i in reminders} <= ids
    launch = launch_slot(app.tenants["tran-ninh"].campaign)
    clock.set(launch.at + timedelta(hours=1))  # started an hour after the launch: it catches up
    await sched._catch_up_all()
    launch = launch.id
    for code in app.tenants:
        db = app.tenants[code].db
        runs = [a for a in rows(db, AuditLog) if a.action == "slot.run" and a.entity_id == launch]
        assert len(runs) == 1  # the launch caught up once in each commune, in its own scope
        [row] = rows(db, Outbox)  # the launch announcement to the commune's one member
        assert (row.chat_id, row.member_id) == ("r1", rows(db, Member)[0].id)
        assert "phát động" in row.payload["text"]
    assert sorted(set(rung)) == ["tran-ninh", "yen-phuc"]  # each commune woke its own senders
