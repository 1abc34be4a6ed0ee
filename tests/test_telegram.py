"""The Telegram channel end to end: the real python-telegram-bot Application over real HTTP
against a fake Bot API server on 127.0.0.1, in polling and in webhook mode."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import Session
from telegram import Update
from telegram.ext import AIORateLimiter

from bot.bootstrap import build
from bot.channel import StartupError
from bot.cli.invites import invite_links
from bot.outbox_dispatcher import OutboxDispatcher
from bot.serve import serve_async
from bot.settings import Settings, SettingsError
from bot.telegram import SECRET_HEADER, TelegramChannel, parse_command, parse_data
from bot.webhook_server import make_app
from messages.catalog import t
from messages.model import Document, Option, Photo, Question, Text
from storage import outbox
from storage.models import ConversationState, Evidence, Identity, Member, Outbox, ProcessedEvent, Submission

from . import seed as seeding
from .conftest import rows, unsent
from .fakes.telegram_api import Call, FakeTelegram

SECRET = "test-webhook-secret_1"
USER = 5001


def tg_settings(db_path, fake: FakeTelegram, *, webhook: bool = False, **kw) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{db_path}",
        telegram_bot_token=fake.token,
        telegram_base_url=fake.base_url,
        telegram_base_file_url=fake.file_url,
        webhook_base_url="https://bot.example.org/" if webhook else None,
        webhook_secret=SECRET if webhook else None,
        **kw,
    )


@pytest.fixture
async def fake():
    server = await FakeTelegram().start()
    yield server
    await server.stop()


async def _channel(db_path, fake, clock, *, webhook=False, **kw) -> TelegramChannel:
    app = build(tg_settings(db_path, fake, webhook=webhook), clock=clock)
    # per-chat pacing is tested on its own (test_pacing.py); here it must not make tests wait
    kw.setdefault("chat_rate", 1000.0)
    kw.setdefault("chat_burst", 100.0)
    ch = TelegramChannel(app, backoff=0.01, **kw)
    await ch.start()
    await asyncio.wait_for(ch._menu_task, 10)  # everyone's menu: set once the first poll is done
    return ch


@pytest.fixture
async def tg(db_path, fake, clock):
    ch = await _channel(db_path, fake, clock)
    yield ch
    await ch.stop()


@pytest.fixture
async def hook(db_path, fake, clock):
    ch = await _channel(db_path, fake, clock, webhook=True)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=make_app(ch.routes())), base_url="http://bot.test"
    )
    ch.client = client  # type: ignore[attr-defined]
    yield ch
    await client.aclose()
    await ch.stop()


class TgUser:
    """One Telegram user talking to the bot: sends updates, waits until the bot has handled
    them, and reads what the bot sent back from the fake server's records."""

    def __init__(self, fake: FakeTelegram, ch: TelegramChannel, user_id: int = USER) -> None:
        self.fake, self.ch, self.id = fake, ch, user_id
        self.new: list[Call] = []

    async def send(self, update: dict) -> list[Call]:
        start = len(self.fake.calls)
        handled = self.ch.processed.count(update["update_id"])
        client = getattr(self.ch, "client", None)
        if client is not None:  # answered once the turn committed; the replies follow
            r = await client.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
            assert r.status_code == 200, r.text
        else:
            self.fake.push(update)
        await self.fake.wait_for(lambda: self.ch.processed.count(update["update_id"]) > handled)
        self.new = [c for c in self.fake.calls[start:] if c.method != "getUpdates"]
        return self.new

    async def say(self, text: str, **kw) -> list[Call]:
        return await self.send(self.fake.message_update(self.id, text=text, **kw))

    async def photo(self, unique_id: str) -> list[Call]:
        return await self.send(self.fake.photo_update(self.id, unique_id))

    def keyboards(self) -> dict[int, list[list[dict]]]:
        """message_id -> its current inline keyboard (edits applied)."""
        out: dict[int, list[list[dict]]] = {}
        for c in self.fake.of("sendMessage", "editMessageReplyMarkup", chat_id=self.id):
            kb = (c.params.get("reply_markup") or {}).get("inline_keyboard")
            if kb is not None:
                out[c.result["message_id"]] = kb
        return out

    def button(self, label: str, message_id: int | None = None) -> tuple[int, dict]:
        kbs = self.keyboards()
        mid = message_id if message_id is not None else max(kbs)
        for row in kbs[mid]:
            for b in row:
                if label in (
                    b["text"],
                    b["text"].removeprefix("✅ "),
                    b.get("callback_data", "").split("|")[-1],
                ):
                    return mid, b
        raise AssertionError(f"no button {label!r} in {kbs[mid]}")

    async def press(self, label: str, message_id: int | None = None) -> list[Call]:
        mid, b = self.button(label, message_id)
        return await self.send(self.fake.callback_update(self.id, b["callback_data"], mid))

    @property
    def texts(self) -> str:
        return "\n---\n".join(c.params.get("text", "") for c in self.new if c.method == "sendMessage")

    def answered(self) -> list[Call]:
        return [c for c in self.new if c.method == "answerCallbackQuery"]


# -- pure parsing -----------------------------------------------------------------------------


def test_commands_and_callback_data_are_parsed():
    assert parse_command("/start ABC123", "thidua_bot") == ("start", "ABC123")
    assert parse_command("/DeCu@Thidua_Bot", "thidua_bot") == ("decu", "")
    assert parse_command("/start@other_bot", "thidua_bot") is None
    assert parse_command("hello", "thidua_bot") is None
    assert parse_data("12|T01") == (12, "T01", None)
    assert parse_data("7#3") == (7, None, 3)
    assert parse_data("garbage") is None


# -- polling mode -----------------------------------------------------------------------------


async def test_start_sets_commands_and_deletes_webhook_in_polling_mode(tg, fake):
    [cmds] = await fake.wait_for(lambda: fake.of("setMyCommands"))  # once the first poll is done
    assert [c["command"] for c in cmds.params["commands"]] == ["start", "decu", "hoso", "huy", "trogiup"]
    assert cmds.params["commands"][1]["description"] == t("tg.cmd.decu")
    assert "scope" not in cmds.params
    assert fake.of("deleteWebhook") and not fake.of("setWebhook")
    assert fake.of("getMe") and tg.username == fake.username


async def test_registration_and_nomination_with_buttons_toggles_and_photos(tg, fake, db, campaign):
    u = TgUser(fake, tg)
    await u.say("/start")
    assert "Bạn chưa đăng ký" in u.texts
    await u.press(t("menu.register"))
    assert u.answered() and "text" not in u.answered()[0].params
    [ask] = [c for c in u.new if c.method == "sendMessage"]
    # a free-text question: the words to type, with back and cancel as buttons under it
    assert ask.params["text"] == t("reg.name")
    buttons = [b["text"] for row in ask.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [t("nav.back"), t("nav.cancel")]
    await u.say("Nguyễn Văn Bình")
    await u.press("Thôn 1")
    assert "Số điện thoại" in u.texts
    await u.say("bo qua")
    assert "Đăng ký xong. Cảm ơn Nguyễn Văn Bình (Thôn 1)." in u.texts
    [ident] = rows(db, Identity)
    assert (ident.channel, ident.external_id, ident.chat_id) == ("telegram", str(USER), str(USER))

    await u.press(t("menu.nominate"))
    await u.say("Hộ ông Hoàng Văn Tư")  # a household, by its name; the unit is the resident's village
    await u.say("Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn.")
    assert t("nom.contents_suggest") in u.texts
    contents_msg = max(u.keyboards())
    marked = [row[0]["text"] for row in u.keyboards()[contents_msg] if row[0]["text"].startswith("✅")]
    assert marked == ["✅ " + campaign.content("c2").label, "✅ " + campaign.content("c3").label]
    # multi-select: each press edits the same message's keyboard, no new message
    await u.press(campaign.content("c1").label)
    [edit] = [c for c in u.new if c.method == "editMessageReplyMarkup"]
    assert edit.params["message_id"] == contents_msg
    labels = [row[0]["text"] for row in edit.params["reply_markup"]["inline_keyboard"][:5]]
    assert labels[0] == "✅ " + campaign.content("c1").label
    assert not [c for c in u.new if c.method == "sendMessage"]
    await u.press(campaign.content("c1").label)  # and off again
    marked = [row[0]["text"] for row in u.keyboards()[contents_msg] if row[0]["text"].startswith("✅")]
    assert marked == ["✅ " + campaign.content("c2").label, "✅ " + campaign.content("c3").label]
    await u.press(t("nav.done"))  # the suggestion confirmed
    await u.say("60 triệu")
    await u.press(t("no"))
    assert "ảnh minh chứng" in u.texts
    await u.photo("ph-A")  # a photo moves on to the summary
    assert "Kiểm tra lại đề cử" in u.texts and "Ảnh: 1" in u.texts
    await u.photo("ph-A")  # the same picture again
    assert "Đã nhận 1/" in u.texts
    await u.photo("ph-B")  # one more, at the summary
    assert "Đã nhận 2/" in u.texts and "Ảnh: 2" in u.texts
    await u.press(t("nom.send_private", send=t("nom.send")))  # with photos: consent on the button
    assert "Đã gửi đề cử, mã hồ sơ DC-0001" in u.texts

    [sub] = rows(db, Submission)
    assert (sub.status, sub.category, sub.contents, sub.unit_code) == (
        "submitted",
        "household",
        ["c2", "c3"],
        "T01",
    )
    ev = sorted(rows(db, Evidence), key=lambda e: e.unique_id)
    assert [(e.unique_id, e.file_id, e.channel, e.publish_consent) for e in ev] == [
        ("ph-A", "big-ph-A", "telegram", False),
        ("ph-B", "big-ph-B", "telegram", False),
    ]
    # every pressed button was answered
    presses = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert len(presses) == 8

    # a stale button: the village question passed long ago
    state_before = rows(db, ConversationState)[0]
    old = min(
        mid
        for mid, kb in u.keyboards().items()
        if any(b.get("callback_data", "").endswith("|T01") for row in kb for b in row)
    )
    await u.press("Thôn 1", message_id=old)
    assert [c.params.get("text") for c in u.answered()] == ["Câu hỏi này đã qua."]
    assert [c.method for c in u.new] == ["answerCallbackQuery"]
    state_after = rows(db, ConversationState)[0]
    assert (state_after.seq, state_after.step, state_after.flow) == (
        state_before.seq,
        state_before.step,
        state_before.flow,
    )
    assert len(rows(db, Submission)) == 1


async def test_group_start_offers_the_private_chat(tg, fake, db):
    u = TgUser(fake, tg, user_id=7001)
    await u.say(f"/start@{fake.username}", chat_id=-100200, chat_type="supergroup")
    [msg] = [c for c in u.new if c.method == "sendMessage"]
    assert msg.params["chat_id"] == -100200 and msg.params["text"] == t("private_only")
    [[button]] = msg.params["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"https://t.me/{fake.username}?start="
    await u.say("xin chào cả nhóm", chat_id=-100200, chat_type="supergroup")
    await u.say("/start@another_bot", chat_id=-100200, chat_type="supergroup")
    assert u.new == []
    assert rows(db, Member) == []


async def test_429_retry_after_then_success(tg, fake, db):
    fake.fail_next(
        "sendMessage", 1, status=429, retry_after=0
    )  # the limiter waits what Telegram says (+0.1 s)
    u = TgUser(fake, tg)
    await u.say("/start")
    sends = [c for c in fake.calls if c.method == "sendMessage"]
    assert [c.status for c in sends] == [429, 200]
    assert "Bạn chưa đăng ký" in sends[1].params["text"]
    assert unsent(db) == []


async def test_500_then_success_retried_inside(tg, fake, db):
    fake.fail_next("sendMessage", 2, status=500)
    u = TgUser(fake, tg)
    await u.say("/start")
    assert [c.status for c in fake.calls if c.method == "sendMessage"] == [500, 500, 200]
    assert "Bạn chưa đăng ký" in u.texts
    assert unsent(db) == []


async def test_reply_that_keeps_failing_is_queued_and_delivered_later(tg, fake, db, clock):
    fake.fail_next("sendMessage", tg.sender.send_retries + 1, status=500)
    u = TgUser(fake, tg)
    await u.say("/start")
    assert not fake.of("sendMessage")
    [row] = rows(db, Outbox)
    assert (row.channel, row.chat_id, row.status) == ("telegram", str(USER), "pending")
    assert row.payload["kind"] == "question"
    sent, failed = await OutboxDispatcher(tg.app.db, tg, clock).run_once()
    assert (sent, failed) == (1, 0)
    [msg] = fake.of("sendMessage", chat_id=USER)
    assert "Bạn chưa đăng ký" in msg.params["text"] and msg.params["reply_markup"]["inline_keyboard"]
    [row] = rows(db, Outbox)
    assert row.status == "sent" and row.sent_at is not None


async def test_outbox_send_errors_keep_the_row(db_path, fake, db, clock):
    ch = await _channel(db_path, fake, clock, rate_limiter=AIORateLimiter(max_retries=0))
    try:
        with Session(db) as s:
            outbox.enqueue(
                s,
                member_id=None,
                payload={"kind": "text", "text": "Bị chặn"},
                now=clock.now(),
                channel="telegram",
                chat_id="43",
                dedupe_key="r2",
            )
            outbox.enqueue(
                s,
                member_id=None,
                payload={"kind": "text", "text": "Nhắc hạn"},
                now=clock.now(),
                channel="telegram",
                chat_id="42",
                dedupe_key="r1",
            )
            s.commit()
        fake.fail_next("sendMessage", 1, status=403)
        fake.fail_next("sendMessage", 1, status=429, retry_after=7)
        dispatcher = OutboxDispatcher(ch.app.db, ch, clock)
        assert await dispatcher.run_once() == (0, 2)
        by_chat = {r.chat_id: r for r in rows(db, Outbox)}
        # a chat that blocked the bot is not tried again (it is marked unreachable)
        assert by_chat["43"].status == "unreachable" and by_chat["43"].last_error == "blocked by the user"
        # a flood limit is not the message's fault: it waits as told, without using an attempt
        assert by_chat["42"].status == "pending" and by_chat["42"].attempts == 0
        assert by_chat["42"].next_attempt_at >= clock.now() + timedelta(seconds=7)
        clock.advance(minutes=5)
        assert await dispatcher.run_once() == (1, 0)
        assert [c.params["text"] for c in fake.of("sendMessage")] == ["Nhắc hạn"]
    finally:
        await ch.stop()


async def test_long_text_photo_and_document_replies(tg, fake, tmp_path):
    long = "\n".join(f"Dòng {i}: " + "x" * 90 for i in range(60))  # ~6000 characters
    await tg.send("42", Text(long))
    parts = [c.params["text"] for c in fake.of("sendMessage")]
    assert len(parts) == 2 and all(len(p) <= 4096 for p in parts) and "\n".join(parts) == long
    pic = tmp_path / "chart.png"
    pic.write_bytes(b"\x89PNG fake")
    await tg.send("42", Photo(str(pic), caption="Biểu đồ"))
    await tg.send("42", Photo("AgACAgIAAxkBAAIB"))
    doc = tmp_path / "ds.xlsx"
    doc.write_bytes(b"PK fake")
    await tg.send("42", Document(str(doc), "danh-sach.xlsx", caption="Danh sách"))
    p1, p2 = fake.of("sendPhoto")
    assert p1.files["photo"]["size"] == len(b"\x89PNG fake") and p1.params["caption"] == "Biểu đồ"
    assert p2.params["photo"] == "AgACAgIAAxkBAAIB" and not p2.files
    [d] = fake.of("sendDocument")
    assert d.files["document"]["filename"] == "danh-sach.xlsx"


async def test_long_callback_values_use_an_index(tg, fake):
    value = "v" * 80
    q = Question("Chọn", options=[Option(value, "Dài"), Option("ok", "Ngắn")], seq=3)
    await tg.send(str(USER), q)
    [msg] = fake.of("sendMessage")
    datas = [row[0]["callback_data"] for row in msg.params["reply_markup"]["inline_keyboard"]]
    assert datas == ["3#0", "3|ok"] and all(len(d.encode()) <= 64 for d in datas)
    cq = fake.callback_update(USER, "3#0", msg.result["message_id"])
    ev = tg.to_event(Update.de_json(cq, tg.bot))
    assert (ev.kind, ev.choice, ev.seq) == ("choice", value, 3)


async def test_error_in_the_adapter_is_logged_and_the_user_gets_an_apology(tg, fake, db, caplog, monkeypatch):
    def boom(event, keep=None):
        raise RuntimeError("adapter broke")

    monkeypatch.setattr(tg.core, "handle", boom)
    u = TgUser(fake, tg)
    with caplog.at_level(logging.ERROR, logger="bot.telegram"):
        update = fake.message_update(USER, text="/start")
        await u.send(update)
        await fake.wait_for(lambda: fake.of("sendMessage"))
    assert [c.params["text"] for c in fake.of("sendMessage")] == [t("error_apology")]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"update {update['update_id']} failed" in logged and "adapter broke" in logged
    assert fake.token not in logged
    assert rows(db, ConversationState) == []


async def test_invite_link_registers_a_unit_head(tg, fake, db, clock):
    link_of = lambda code: invite_links(tg.settings, code)  # noqa: E731
    with Session(db, expire_on_commit=False) as s:
        inv = seeding.create_invite(s, role="head", unit_code="T03", now=clock.now(), ttl=timedelta(days=7))
        s.commit()
    links = await asyncio.to_thread(link_of, inv.code)
    assert links == [f"https://t.me/{fake.username}?start={inv.code}"]
    u = TgUser(fake, tg, user_id=8001)
    await u.say(f"/start {inv.code}")
    assert t("reg.name") in u.texts
    await u.say("Lý Văn Hùng")
    assert "Đăng ký xong: Lý Văn Hùng, trưởng đơn vị — Thôn 3." in u.texts
    [m] = rows(db, Member)
    assert (m.full_name, m.role, m.unit_code) == ("Lý Văn Hùng", "head", "T03")
    assert rows(db, Identity)[0].external_id == "8001"


async def test_staff_get_their_commands_in_their_own_chat(tg, fake, db, clock):
    with Session(db, expire_on_commit=False) as s:
        inv = seeding.create_invite(s, role="staff", unit_code=None, now=clock.now(), ttl=timedelta(days=7))
        s.commit()
    u = TgUser(fake, tg, user_id=9001)
    await u.say(f"/start {inv.code}")
    assert not [c for c in fake.of("setMyCommands") if "scope" in c.params]
    await u.say("Trần Thị Mai")
    [scoped] = [c for c in fake.of("setMyCommands") if "scope" in c.params]
    assert scoped.params["scope"] == {"type": "chat", "chat_id": 9001}
    assert [c["command"] for c in scoped.params["commands"]] == [
        "start",
        "decu",
        "hoso",
        "huy",
        "trogiup",
        "thamdinh",
        "danhsach",
        "thongke",
        "tonghop",
        "xuat",
        "hoidong",
        "quyetdinh",
        "guongdienhinh",
        "web",
        "thongbao",
        "ketquatin",
    ]
    await u.say("/thongke")  # the real statistics: nothing submitted yet
    assert "Chưa có hồ sơ nào." in u.texts
    assert len([c for c in fake.of("setMyCommands") if "scope" in c.params]) == 1  # cached


# -- webhook mode -----------------------------------------------------------------------------


async def test_webhook_registers_with_secret_and_answers(hook, fake, db):
    [wh] = fake.of("setWebhook")
    assert wh.params["url"] == "https://bot.example.org/telegram" and wh.params["secret_token"] == SECRET
    assert hook.application.updater is None
    u = TgUser(fake, hook)
    await u.say("/start")
    assert "Bạn chưa đăng ký" in u.texts
    await u.press(t("menu.register"))
    assert t("reg.name") in u.texts


async def test_webhook_redelivered_update_is_processed_once(hook, fake, db):
    u = TgUser(fake, hook)
    update = fake.message_update(USER, text="/start")
    await u.send(update)
    assert "Bạn chưa đăng ký" in u.texts
    await u.send(update)  # Telegram delivers it again
    assert u.new == []
    assert [e.key for e in rows(db, ProcessedEvent)] == [f"telegram:{update['update_id']}"]


async def test_webhook_answers_once_committed_not_once_the_chats_pace_let_the_reply_go(db_path, fake, clock):
    ch = await _channel(db_path, fake, clock, webhook=True, chat_rate=4.0, chat_burst=1)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=make_app(ch.routes())), base_url="http://bot.test"
    )
    try:
        updates = [fake.message_update(USER, text="/start") for _ in range(6)]
        for update in updates:  # one after another, as a webhook connection would
            r = await client.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
            assert r.status_code == 200
        assert len(rows(ch.app.db, ProcessedEvent)) == 6  # all committed...
        assert len(fake.of("sendMessage", chat_id=USER)) < 6  # ...before the chat's pace let 6 go
        await fake.wait_for(lambda: len(ch.processed) == 6, timeout=10)
        assert len(fake.of("sendMessage", chat_id=USER)) == 6
    finally:
        await client.aclose()
        await ch.stop()


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong-secret-123"}, {SECRET_HEADER: ""}])
async def test_webhook_rejects_a_wrong_or_missing_secret(hook, fake, db, headers):
    before = len(fake.calls)
    update = fake.message_update(USER, text="/start")
    r = await hook.client.post("/telegram", json=update, headers=headers)
    assert r.status_code == 401
    assert fake.calls[before:] == []
    assert rows(db, ProcessedEvent) == [] and rows(db, ConversationState) == []
    r = await hook.client.get("/healthz")
    assert r.json() == {"ok": True}


# -- make run -----------------------------------------------------------------------------------


async def test_serve_runs_telegram_polling_and_stops_cleanly(db_path, fake, clock):
    settings = tg_settings(db_path, fake)
    app = build(settings, clock=clock)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_async(app, stop=stop))
    await fake.wait_for(lambda: fake.of("getUpdates"))
    fake.push(fake.message_update(USER, text="/start"))
    await fake.wait_for(lambda: fake.of("sendMessage", chat_id=USER))
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert task.exception() is None
    polls = fake.of("getUpdates")
    assert polls[-1].params.get("timeout") == 0  # the last poll confirmed what was read


async def test_a_refused_token_stops_start_with_a_clear_message(db_path, fake, clock):
    settings = tg_settings(db_path, fake).model_copy(
        update={"telegram_bot_token": SecretStr("999:not-the-token")}
    )
    ch = TelegramChannel(build(settings, clock=clock))
    with pytest.raises(SettingsError) as info:
        await ch.start()
    assert info.value.message.startswith("TELEGRAM_BOT_TOKEN:")
    assert "not-the-token" not in info.value.message


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_serve_in_webhook_mode_serves_telegram_and_healthz_on_port(db_path, fake, clock):
    port = _free_port()
    settings = tg_settings(db_path, fake, webhook=True, port=port)
    app = build(settings, clock=clock)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_async(app, stop=stop))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

            async def up():
                try:
                    return (await client.get("/healthz")).status_code == 200
                except httpx.TransportError:
                    return False

            for _ in range(300):
                if await up():
                    break
                await asyncio.sleep(0.01)
            update = fake.message_update(USER, text="/start")
            r = await client.post("/telegram", json=update)
            assert r.status_code == 401 and not fake.of("sendMessage")
            r = await client.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
            assert r.status_code == 200  # once committed; the reply follows
        await fake.wait_for(lambda: fake.of("sendMessage", chat_id=USER))
        assert "Bạn chưa đăng ký" in fake.of("sendMessage", chat_id=USER)[0].params["text"]
        assert fake.of("setWebhook") and not fake.of("getUpdates")
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)


async def test_other_messages_become_events(tg, fake):
    def event(**extra):
        return tg.to_event(Update.de_json(fake.message_update(USER, **extra), tg.bot))

    doc = {"file_id": "doc-big", "file_unique_id": "doc-u", "mime_type": "image/jpeg", "file_name": "a.jpg"}
    ev = event(document=doc, caption="Ảnh đường")
    assert ev.kind == "photo" and (ev.photo.unique_id, ev.photo.file_id, ev.photo.caption) == (
        "doc-u",
        "doc-big",
        "Ảnh đường",
    )
    ev = event(contact={"phone_number": "+84912345678", "first_name": "Bình", "user_id": USER})
    assert (ev.kind, ev.phone) == ("contact", "+84912345678")
    ev = event(voice={"file_id": "v", "file_unique_id": "vu", "duration": 42})
    assert (ev.kind, ev.voice.unique_id, ev.voice.file_id, ev.voice.duration) == ("voice", "vu", "v", 42)
    ev = event(
        sticker={
            "file_id": "s",
            "file_unique_id": "su",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    )
    assert ev.kind == "unsupported" and ev.chat_type == "private"
    assert event(text="/start@other_bot hi", chat_id=-5, chat_type="group") is None
    ev = event(text=f"/START@{fake.username} ABC")
    assert (ev.kind, ev.command, ev.args) == ("command", "start", "ABC")


async def test_polling_redelivery_after_a_restart_is_processed_once(db_path, fake, clock, db):
    ch = await _channel(db_path, fake, clock)
    u = TgUser(fake, ch)
    update = fake.message_update(USER, text="/start")
    await u.send(update)
    assert "Bạn chưa đăng ký" in u.texts
    await ch.stop()
    # the confirmation was lost: Telegram hands the same update to the next process
    again = await _channel(db_path, fake, clock)
    try:
        u = TgUser(fake, again)
        await u.send(update)
        assert [c.method for c in u.new] == []
        assert len(fake.of("sendMessage")) == 1
        assert [e.key for e in rows(db, ProcessedEvent)] == [f"telegram:{update['update_id']}"]
    finally:
        await again.stop()


async def test_start_retries_an_unreachable_api_then_says_so_in_one_line(db_path, fake, clock):
    fake.fail_next("getMe", 2, status=502)  # the network comes up on the third try
    ch = await _channel(db_path, fake, clock)
    try:
        assert ch.username == fake.username
        assert [c.status for c in fake.calls if c.method == "getMe"][:3] == [502, 502, 200]  # retried
    finally:
        await ch.stop()
    settings = tg_settings(db_path, fake).model_copy(update={"telegram_base_url": "http://127.0.0.1:9/bot"})
    dead = TelegramChannel(build(settings, clock=clock), backoff=0.0001)
    with pytest.raises(StartupError) as err:
        await dead.start()
    assert err.value.message.startswith("TELEGRAM_BASE_URL: the Bot API did not answer after 8 tries")
    assert fake.token not in err.value.message and err.value.code == 1
