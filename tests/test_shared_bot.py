"""One Telegram bot shared by several communes: the real python-telegram-bot Application over
real HTTP against the fake Bot API. A person is routed to their commune by the deep link, by a
tap or by the commune's name typed without diacritics; every later turn is that commune's Core
on that commune's storage scope; the routing costs no message more than the commune's own bot
would send."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import Session, select

from bot.bootstrap import build_services
from bot.pacing import ChatPacers
from bot.reception import BUTTONS_MAX
from bot.settings import Settings, SettingsError
from bot.telegram import TelegramChannel
from bot.tenants import own_settings
from messages.catalog import t
from storage.models import Identity, Member, Outbox, ProcessedEvent, ProvinceChatRoute
from storage.outbox import enqueue

from . import seed as seeding
from .conftest import rows
from .fakes.telegram_api import FakeTelegram
from .province_fixtures import province_app
from .test_telegram import TgUser, tg_settings

YEN_PHUC = {"yen-phuc": "Xã Yên Phúc"}
MESSAGES = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup")


@pytest.fixture
async def fake():
    server = await FakeTelegram().start()
    yield server
    await server.stop()


def base_engine(db_path):
    from storage.db import make_engine

    return make_engine(f"sqlite:///{db_path}")


async def serving(app) -> tuple[list[TelegramChannel], list]:
    services = build_services(app)
    channels = [ch for ch in services.channels if isinstance(ch, TelegramChannel)]
    for ch in channels:
        ch.sender.pacer = ChatPacers(1000.0, 100.0)  # per-chat pacing has its own tests
        ch.backoff = 0.01
        await ch.start()
        await asyncio.wait_for(ch._menu_task, 10)
    return channels, services.dispatchers


@pytest.fixture
async def shared(db_path, fake, clock):
    """The deployment's bot shared by Trần Ninh (the first commune) and Yên Phúc."""
    app = province_app(tg_settings(db_path, fake), clock, base_engine(db_path), YEN_PHUC)
    [ch], dispatchers = await serving(app)
    yield app, ch, dispatchers
    await ch.stop()


def messages(u: TgUser) -> list:
    return [c for c in u.new if c.method in MESSAGES]


def members_of(app, code: str) -> list[Member]:
    return rows(app.tenants[code].db, Member)


async def test_a_tap_routes_a_newcomer_and_every_later_turn_is_that_communes(shared, fake):
    app, ch, _ = shared
    u = TgUser(fake, ch, user_id=7001)
    await u.say("/start")
    [asked] = messages(u)
    assert asked.params["text"].startswith(t("province.ask"))
    buttons = [b["text"] for row in asked.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Xã Trần Ninh", "Xã Yên Phúc"]
    # nothing is stored in any commune for a person who has no commune yet
    assert all(rows(tn.db, ProcessedEvent) == [] for tn in app.tenants.values())
    await u.press("Xã Yên Phúc")
    [greeting] = messages(u)  # the tap: one message, the commune's greeting and menu
    assert "UBND xã Yên Phúc" in greeting.params["text"]
    assert len(u.answered()) == 1
    await u.press("register")
    await u.say("Nguyễn Văn Bình")
    await u.say("1")
    await u.say("bo qua")
    assert "Đăng ký xong" in u.texts
    [m] = members_of(app, "yen-phuc")
    assert (m.full_name, m.unit_code) == ("Nguyễn Văn Bình", "T01")
    assert members_of(app, "tran-ninh") == []
    [route] = rows(app.db, ProvinceChatRoute)
    assert (route.channel, route.bot_key, route.external_id) == ("telegram", str(fake.bot_id), "7001")
    assert route.commune_id == app.tenants["yen-phuc"].commune.id


async def test_the_deep_link_with_an_invite_costs_what_the_communes_own_link_costs(shared, fake, clock):
    app, ch, _ = shared
    code = seeding.invite_code(app.tenants["yen-phuc"].db, clock.now(), "head", "T03")
    u = TgUser(fake, ch, user_id=7002)
    await u.say(f"/start c-yen-phuc-{code}")
    [asked] = messages(u)  # straight to the registration's first question: no commune question
    assert t("reg.name") in asked.params["text"]
    await u.say("Lý Văn Hùng")
    assert "Đăng ký xong: Lý Văn Hùng, trưởng đơn vị — Thôn 3." in u.texts
    [m] = members_of(app, "yen-phuc")
    assert (m.role, m.unit_code) == ("head", "T03")
    assert members_of(app, "tran-ninh") == []
    # the same invite on the first commune's side would not exist: the code is Yên Phúc's
    v = TgUser(fake, ch, user_id=7003)
    await v.say(f"/start c-tran-ninh-{code}")
    assert t("reg.name") not in v.texts
    assert members_of(app, "tran-ninh") == []


async def test_a_typed_name_without_diacritics_routes_and_a_wrong_one_is_asked_again(shared, fake):
    app, ch, _ = shared
    u = TgUser(fake, ch, user_id=7004)
    await u.say("Xã Bình Minh")
    [again] = messages(u)
    assert t("province.not_found", text="Xã Bình Minh") in again.params["text"]
    assert t("province.ask") in again.params["text"]  # the same question, in the same message
    assert rows(app.db, ProvinceChatRoute) == []
    await u.say("yen phuc")
    [greeting] = messages(u)
    assert "UBND xã Yên Phúc" in greeting.params["text"]
    await u.say("/start")
    assert "UBND xã Yên Phúc" in u.texts  # remembered: not asked again
    await u.say("/start c-khong-co")  # a link of no commune: the person stays in theirs
    assert "UBND xã Yên Phúc" in u.texts
    v = TgUser(fake, ch, user_id=7014)
    await v.say("/start c-khong-co")
    [asked] = messages(v)
    assert t("province.link_unknown") in asked.params["text"] and t("province.ask") in asked.params["text"]


async def test_a_person_the_first_commune_knew_before_the_bot_was_shared_is_not_asked(shared, fake, clock):
    app, ch, _ = shared
    with Session(app.tenants["tran-ninh"].db) as s:
        seeding.create_member(
            s,
            full_name="Hoàng Thị Lan",
            role="resident",
            unit_code="T02",
            phone=None,
            channel="telegram",
            external_id="7005",
            chat_id="7005",
            display_name=None,
            now=clock.now(),
        )
        s.commit()
    u = TgUser(fake, ch, user_id=7005)
    await u.say("/start")
    [greeting] = messages(u)
    assert "Hoàng Thị Lan" in greeting.params["text"] and "UBND xã Trần Ninh" in greeting.params["text"]


async def test_each_communes_queued_messages_go_through_the_shared_bot(shared, fake, clock):
    app, ch, dispatchers = shared
    mine = [d for d in dispatchers if d.channel is ch]
    assert sorted(id(d.db) for d in mine) == sorted(id(tn.db) for tn in app.tenants.values())
    for code, chat in (("tran-ninh", "801"), ("yen-phuc", "802")):
        with Session(app.tenants[code].db) as s:
            enqueue(
                s,
                member_id=None,
                channel="telegram",
                chat_id=chat,
                payload={"type": "text", "text": f"Tin của {code}"},
                now=clock.now(),
                dedupe_key=f"test:{code}",
            )
            s.commit()
    for d in mine:
        await d.run_once()
    sent = {
        c.params["chat_id"]: c.params["text"]
        for c in fake.of("sendMessage")
        if c.params["chat_id"] in (801, 802)
    }
    assert sent == {801: "Tin của tran-ninh", 802: "Tin của yen-phuc"}
    for code in app.tenants:
        assert [r.status for r in rows(app.tenants[code].db, Outbox)] == ["sent"]


async def test_many_communes_ask_for_the_name_typed(db_path, fake, clock):
    many = {f"xa-{n}": f"Xã Số {n}" for n in range(1, BUTTONS_MAX + 1)}
    app = province_app(tg_settings(db_path, fake), clock, base_engine(db_path), many)
    [ch], _ = await serving(app)
    try:
        u = TgUser(fake, ch, user_id=7006)
        await u.say("xin chao")
        [asked] = messages(u)
        assert t("province.ask_typed", example="Xã Trần Ninh") in asked.params["text"]
        assert "reply_markup" not in asked.params
        await u.say("so 7")
        assert "UBND xã Số 7" in u.texts
        [route] = rows(app.db, ProvinceChatRoute)
        assert route.commune_id == app.tenants["xa-7"].commune.id
    finally:
        await ch.stop()


async def test_a_commune_with_its_own_bot_is_served_there_and_not_asked_for(db_path, fake, clock):
    own = await FakeTelegram(token="654321:OWN-yen-phuc-token", username="yenphuc_bot").start()
    try:
        environ = {
            "TELEGRAM_BOT_TOKEN__YEN_PHUC": own.token,
            "TELEGRAM_BASE_URL__YEN_PHUC": own.base_url,
            "TELEGRAM_BASE_FILE_URL__YEN_PHUC": own.file_url,
        }
        app = province_app(tg_settings(db_path, fake), clock, base_engine(db_path), YEN_PHUC, environ)
        channels, dispatchers = await serving(app)
        shared_ch, own_ch = channels
        try:
            assert own_ch.settings.telegram_bot_token.get_secret_value() == own.token
            assert {(d.channel is own_ch, d.db is app.tenants["yen-phuc"].db) for d in dispatchers} == {
                (False, False),
                (True, True),
            }
            u = TgUser(fake, shared_ch, user_id=7007)  # the deployment's bot: Trần Ninh's alone now
            await u.say("/start")
            assert "UBND xã Trần Ninh" in u.texts
            v = TgUser(own, own_ch, user_id=7007)
            await v.say("/start")
            assert "UBND xã Yên Phúc" in v.texts
            assert rows(app.db, ProvinceChatRoute) == []
            with Session(app.tenants["yen-phuc"].db) as s:
                assert s.exec(select(Identity)).all() == []  # only looked: nobody registered
        finally:
            for ch in channels:
                await ch.stop()
    finally:
        await own.stop()


def test_a_communes_own_bot_setting_that_does_not_fit_is_one_line_naming_its_variable(db_path):
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db_path}")
    assert own_settings(settings, "yen-phuc", {"TELEGRAM_BOT_TOKEN": "1:shared"}) is None
    with pytest.raises(SettingsError) as err:
        own_settings(settings, "yen-phuc", {"TELEGRAM_BOT_TOKEN__YEN_PHUC": "no-colon"})
    assert err.value.message.startswith("TELEGRAM_BOT_TOKEN__YEN_PHUC: expected the form")
    own = own_settings(settings, "yen-phuc", {"ZALO_BOT_TOKEN__YEN_PHUC": "42:secret"})
    assert own.zalo_bot_token.get_secret_value() == "42:secret" and own.telegram_bot_token is None


def test_in_webhook_mode_a_communes_own_bots_have_paths_of_their_own(db_path, fake, clock):
    environ = {"TELEGRAM_BOT_TOKEN__YEN_PHUC": "654321:OWN", "ZALO_BOT_TOKEN__YEN_PHUC": "77:own-zalo"}
    settings = tg_settings(db_path, fake, webhook=True, zalo_bot_token="42:shared-zalo")
    app = province_app(settings, clock, base_engine(db_path), {**YEN_PHUC, "na-pan": "Xã Nà Pàn"}, environ)
    services = build_services(app)
    paths = [r.path for ch in services.channels for r in ch.routes() if not r.path.startswith("/tai")]
    assert paths == ["/telegram", "/zalo", "/telegram/yen-phuc", "/zalo/yen-phuc"]
    shared_tg = services.channels[0]
    assert sorted(shared_tg.door.tenants) == ["na-pan", "tran-ninh"]  # Yên Phúc has its own


async def test_a_name_several_communes_share_offers_just_those(db_path, fake, clock):
    communes = {"yen-phuc": "Xã Yên Phúc", "yen-binh": "Xã Yên Bình"}
    app = province_app(tg_settings(db_path, fake), clock, base_engine(db_path), communes)
    [ch], _ = await serving(app)
    try:
        u = TgUser(fake, ch, user_id=7020)
        await u.say("Yên")
        [asked] = messages(u)
        assert asked.params["text"].startswith(t("province.several", count=2, text="Yên"))
        buttons = [b["text"] for row in asked.params["reply_markup"]["inline_keyboard"] for b in row]
        assert buttons == ["Xã Yên Phúc", "Xã Yên Bình"]
        await u.press("Xã Yên Bình")
        assert "UBND xã Yên Bình" in u.texts
    finally:
        await ch.stop()
