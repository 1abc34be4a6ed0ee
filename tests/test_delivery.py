"""One delivery path for a turn's replies (bot/delivery.py), on Telegram and on Zalo: the
real channels over real HTTP against the fake platforms, one Delivery shared by both, as
bot/bootstrap.py wires it. And the Telegram command menus, taken from the core's registry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.bootstrap import build, build_services
from bot.delivery import Delivery
from bot.outbox_dispatcher import OutboxDispatcher
from bot.settings import Settings
from bot.telegram import TelegramChannel
from bot.zalo import ZaloChannel
from domain.members import change_role
from domain.uow import UnitOfWork
from storage import members
from storage.models import Outbox

from . import seed as seeding
from .conftest import rows
from .fakes.telegram_api import FakeTelegram
from .fakes.zalo_api import TOKEN, FakeZalo
from .test_telegram import TgUser, tg_settings


class RecordingDelivery(Delivery):
    """The real delivery path, remembering which channels handed it unsent replies."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.stored: list[tuple[str, int]] = []

    async def send_turn(self, sender, turn, replies, kept=None) -> int:
        left = await super().send_turn(sender, turn, replies, kept)
        if left:
            self.stored.append((turn.channel, left))
        return left


@pytest.fixture
async def platforms():
    tg, zalo = FakeTelegram(), FakeZalo()
    await tg.start()
    await zalo.start()
    yield tg, zalo
    await zalo.stop()
    await tg.stop()


def both_settings(db_path, tg: FakeTelegram, zalo: FakeZalo, tmp_path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{db_path}",
        telegram_bot_token=tg.token,
        telegram_base_url=tg.base_url,
        telegram_base_file_url=tg.file_url,
        zalo_bot_token=TOKEN,
        zalo_base_url=zalo.base_url,
        media_dir=tmp_path / "media",
        zalo_rate=1000,
        zalo_chat_rate=1000,
        zalo_chat_burst=100,
    )


async def test_the_wiring_gives_both_channels_the_one_delivery_path(db_path, platforms, clock, tmp_path):
    app = build(both_settings(db_path, *platforms, tmp_path), clock=clock)
    services = build_services(app)
    tg, zalo = services.channels
    assert isinstance(tg, TelegramChannel) and isinstance(zalo, ZaloChannel)
    assert tg.delivery is zalo.delivery and tg.delivery.bell is app.outbox_bell
    assert [d.channel for d in services.dispatchers] == [tg, zalo]


async def test_a_failed_send_lands_in_the_outbox_the_same_way_on_telegram_and_zalo(
    db_path, platforms, db, clock, tmp_path
):
    fake_tg, fake_zalo = platforms
    app = build(both_settings(db_path, fake_tg, fake_zalo, tmp_path), clock=clock)
    delivery = RecordingDelivery(app.db, app.clock, app.outbox_bell)
    tg = TelegramChannel(app, delivery=delivery, backoff=0.001, chat_rate=1000, chat_burst=100)
    zalo = ZaloChannel(app, delivery=delivery, retry_delays=(0.001,))
    dispatchers = [OutboxDispatcher(app.db, ch, clock, bell=app.outbox_bell) for ch in (tg, zalo)]
    await tg.start()
    try:
        # Telegram: every try of the reply fails (HTTP 500), so it goes to the outbox
        fake_tg.fail_next("sendMessage", tg.sender.send_retries + 1, status=500)
        update = fake_tg.message_update(7001, text="/start")
        await TgUser(fake_tg, tg, user_id=7001).send(update)
        # Zalo: both tries fail (HTTP 500)
        fake_zalo.fail_next_sends(2, 500)
        zalo_update = fake_zalo.update("zu-7", "Xin chào")
        await zalo.handle_update(zalo_update)

        assert delivery.stored == [("telegram", 1), ("zalo", 1)]
        by_channel = {r.channel: r for r in rows(db, Outbox)}
        assert set(by_channel) == {"telegram", "zalo"}
        assert by_channel["telegram"].chat_id == "7001" and by_channel["zalo"].chat_id == "zu-7"
        assert by_channel["telegram"].dedupe_key.startswith(f"reply:telegram:{update['update_id']}:0")
        key = f"message.text.received:{zalo_update['message']['message_id']}"
        assert by_channel["zalo"].dedupe_key.startswith(f"reply:zalo:{key}:0")
        assert all(r.status == "pending" for r in by_channel.values())
        assert by_channel["telegram"].payload["kind"] == "question"  # the menu, with its buttons
        assert "Bạn chưa đăng ký" in by_channel["zalo"].payload["text"]  # numbered, as text
        # each channel's dispatcher was woken, and delivers what was queued
        assert app.outbox_bell.event("telegram").is_set() and app.outbox_bell.event("zalo").is_set()
        for d in dispatchers:
            assert await d.run_once() == (1, 0)
        assert all(r.status == "sent" for r in rows(db, Outbox))
        [msg] = fake_tg.of("sendMessage", chat_id=7001)
        assert msg.params["reply_markup"]["inline_keyboard"]
        assert any("Bạn chưa đăng ký" in text for text in fake_zalo.texts("zu-7"))
    finally:
        await tg.stop()
        await zalo.stop()


async def test_a_refused_reply_is_logged_and_recorded_not_retried(db_path, platforms, db, clock, tmp_path):
    fake_tg, fake_zalo = platforms
    app = build(both_settings(db_path, fake_tg, fake_zalo, tmp_path), clock=clock)
    zalo = ZaloChannel(app, retry_delays=(0.001,))
    try:
        fake_zalo.fail_next_sends(1, 403)
        await zalo.handle_update(fake_zalo.update("zu-8", "Xin chào"))
        [row] = rows(db, Outbox)
        assert (row.status, row.claimed_by) == ("failed", None)  # kept for staff, not sent again
    finally:
        await zalo.stop()


# -- command menus ----------------------------------------------------------------------------


def _as_params(menu: list[tuple[str, str]]) -> list[dict]:
    return [{"command": name, "description": text} for name, text in menu]


async def test_command_menus_come_from_the_core_registry_and_follow_a_role_change(db_path, db, clock):
    fake = await FakeTelegram().start()
    app = build(tg_settings(db_path, fake), clock=clock)
    ch = TelegramChannel(app, backoff=0.001, chat_rate=1000, chat_burst=100)
    reads = []
    role_of = ch.menus._role_of
    ch.menus._role_of = lambda user_id: reads.append(user_id) or role_of(user_id)  # counts reads
    await ch.start()
    try:
        [everyone] = await fake.wait_for(lambda: fake.of("setMyCommands"))  # after the first poll
        assert everyone.params["commands"] == _as_params(app.core.command_menu("guest"))
        code = seeding.invite_code(db, clock.now(), "head", "T01")
        u = TgUser(fake, ch, user_id=9100)
        await u.say(f"/start {code}")
        await u.say("Lê Văn Tám")
        [scoped] = [c for c in fake.of("setMyCommands") if "scope" in c.params]
        assert scoped.params["scope"] == {"type": "chat", "chat_id": 9100}
        assert scoped.params["commands"] == _as_params(app.core.command_menu("head"))
        assert len(app.core.command_menu("head")) > len(app.core.command_menu("guest"))
        await u.say("/hoso")
        await u.say("/huy")
        assert reads == []  # the role comes with each turn: no database read for the menu
        scoped_calls = len([c for c in fake.of("setMyCommands") if "scope" in c.params])
        # the role changes outside the chat (the web console's «Đổi vai trò»)
        with Session(db, expire_on_commit=False) as s:
            member = members.member_by_identity(s, "telegram", "9100")
            change_role(UnitOfWork(s, clock.now()), None, member, role="staff", unit_code=None)
            s.commit()
        await u.say("/huy")  # the person's next turn shows the new role's commands
        scoped = [c for c in fake.of("setMyCommands") if "scope" in c.params]
        assert len(scoped) == scoped_calls + 1
        assert scoped[-1].params["commands"] == _as_params(app.core.command_menu("staff"))
        await u.say("/huy")
        assert len([c for c in fake.of("setMyCommands") if "scope" in c.params]) == scoped_calls + 1
        await ch.menus.role_changed("9100", "head")  # told directly
        assert [c for c in fake.of("setMyCommands") if "scope" in c.params][-1].params[
            "commands"
        ] == _as_params(app.core.command_menu("head"))
    finally:
        await ch.stop()
        await fake.stop()


async def test_a_role_s_commands_are_whatever_the_core_registry_says(db_path, clock, monkeypatch):
    fake = await FakeTelegram().start()
    app = build(tg_settings(db_path, fake), clock=clock)
    monkeypatch.setattr(
        app.core,
        "command_menu",
        lambda role: [("start", "Bắt đầu")] + ([("thongke", "Thống kê")] if role == "staff" else []),
    )
    ch = TelegramChannel(app, backoff=0.001, chat_rate=1000, chat_burst=100)
    await ch.start()
    try:
        [everyone] = await fake.wait_for(lambda: fake.of("setMyCommands"))  # after the first poll
        assert everyone.params["commands"] == [{"command": "start", "description": "Bắt đầu"}]
        await ch.menus.role_changed("42", "staff")
        await ch.menus.role_changed("42", "staff")  # unchanged: nothing sent again
        [scoped] = [c for c in fake.of("setMyCommands") if "scope" in c.params]
        assert [c["command"] for c in scoped.params["commands"]] == ["start", "thongke"]
        await ch.menus.role_changed("42", "resident")  # back to everyone's list
        assert fake.of("deleteMyCommands")
    finally:
        await ch.stop()
        await fake.stop()


class Platform:
    """What a channel tells the delivery path: its pieces and its two limits."""

    name = "test"
    text_limit = 100
    caption_limit = 30

    def pieces(self, reply):
        return [reply]


def test_a_turns_pieces_go_as_one_message_where_the_platform_allows():
    from bot.delivery import messages_of
    from messages.model import Document, Option, Photo, Question, Text

    ask = Question("Bạn ở thôn nào?", options=[Option("T01", "Thôn 1")], seq=3)
    [one] = messages_of(Platform(), [Text("Đã lưu."), Text("Tiếp theo:"), ask])
    assert one == Question("Đã lưu.\n\nTiếp theo:\n\nBạn ở thôn nào?", options=ask.options, seq=3)
    [photo] = messages_of(Platform(), [Text("Ảnh của hồ sơ"), Photo("ph-1", caption="DC-0001")])
    assert photo == Photo("ph-1", caption="Ảnh của hồ sơ\n\nDC-0001")

    # split where nothing can join: the keyboard must end the message, a file, a second photo,
    # an in-place redraw, the length limits; the turn's order kept
    kept = [ask, Text("Sau câu hỏi")]
    assert messages_of(Platform(), kept) == kept
    files = [Photo("a"), Photo("b"), Document("/tmp/x.xlsx", "x.xlsx")]
    assert messages_of(Platform(), files) == files
    redraw = [Text("Đã chọn"), Question("Chọn nội dung", multi=True, edit=True)]
    assert messages_of(Platform(), redraw) == redraw
    long = [Text("x" * 60), Text("y" * 60)]
    assert messages_of(Platform(), long) == long
    assert messages_of(Platform(), [Text("z" * 27), Photo("c", caption="dài")]) == [
        Text("z" * 27),
        Photo("c", caption="dài"),
    ]
    toast = [Text("Đã bỏ chọn", toast=True), Text("Câu tiếp")]
    assert messages_of(Platform(), toast) == toast

    class Unsaid(Platform):  # a channel that does not say its limits sends pieces as they are
        text_limit = caption_limit = None

    assert messages_of(Unsaid(), [Text("a"), Text("b")]) == [Text("a"), Text("b")]


def test_a_turns_kept_reply_is_queued_in_its_persons_lane(db, clock):
    """Staff and the council are answered first under the limit, after a restart too: the
    turn's kept pieces carry the lane of the person's role."""
    from bot.delivery import Kept, Turn
    from messages.model import Text
    from storage.outbox import LANE_REPLY, LANE_STAFF_REPLY

    lanes = {}
    with Session(db) as s:
        for role in ("staff", "council", "resident", None):
            kept = Kept(
                Platform(), Turn("test", f"chat-{role}", f"u-{role}", f"k-{role}"), "me", timedelta(60)
            )
            kept(s, [Text("Đã lưu.")], clock.now(), role=role)
        s.commit()
        for row in rows(db, Outbox):
            lanes[row.chat_id] = row.lane
    assert lanes == {
        "chat-staff": LANE_STAFF_REPLY,
        "chat-council": LANE_STAFF_REPLY,
        "chat-resident": LANE_REPLY,
        "chat-None": LANE_REPLY,
    }
