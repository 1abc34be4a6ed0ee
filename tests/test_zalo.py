"""The Zalo channel end to end over real HTTP: the real ZaloChannel (httpx) against a fake Zalo
Bot API server on 127.0.0.1, long polling and webhook, with real SQLite files."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from pathlib import Path

import httpx
import pytest

from bot.bootstrap import App
from bot.channel import SendError
from bot.outbox_dispatcher import OutboxDispatcher
from bot.settings import Settings, SettingsError
from bot.webhook_server import make_app
from bot.zalo import ZaloChannel, ZaloClient, ZaloNetworkError
from handlers.core import Core
from messages.catalog import t
from messages.model import Document, Option, Photo, Question, Text
from storage.models import ConversationState, Evidence, Identity, Member, Outbox, ProcessedEvent, Submission

from . import seed as seeding
from .conftest import Player, register_resident, rows, unsent
from .fakes.serving import bind_free_port, serve
from .fakes.zalo_api import TOKEN, FakeZalo

SECRET = "webhook-secret-123"
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00pixels" * 500


async def until(check, what: str = "condition", limit: float = 10.0) -> None:
    """Poll a condition with a bounded loop (real network I/O to the local fake)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not check():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


@pytest.fixture
async def fake():
    f = FakeZalo()
    f.images.update(
        {
            "bill.jpg": (JPEG, "image/jpeg"),
            "field.png": (PNG, "image/png"),
            "page.html": (b"<html>hi</html>", "text/html"),
        }
    )
    await f.start()
    yield f
    await f.stop()


def settings_for(fake: FakeZalo, tmp_path: Path, **kw) -> Settings:
    base = dict(
        database_url=f"sqlite:///{tmp_path}/unused.db",
        zalo_bot_token=TOKEN,
        zalo_base_url=fake.base_url,
        media_dir=tmp_path / "media",
        zalo_rate=1000,
        zalo_chat_rate=1000,
        zalo_chat_burst=100,
        zalo_poll_timeout=30,
    )
    base.update(kw)
    return Settings(_env_file=None, **base)


def app_for(db, campaign, clock, settings: Settings) -> App:
    return App(settings=settings, db=db, campaign=campaign, core=Core(db, campaign, clock), clock=clock)


def channel_for(app: App, **kw) -> ZaloChannel:
    kw.setdefault("retry_delays", (0.01, 0.02))
    kw.setdefault("poll_backoff", (0.01, 0.05))
    kw.setdefault("media_allow", ("127.0.0.1/32",))  # the fake image server; public-only otherwise
    return ZaloChannel(app, **kw)


class Chat:
    """One Zalo user talking to the bot through the fake server."""

    def __init__(
        self, fake: FakeZalo, channel: ZaloChannel, user_id: str = "zu-1", webhook: bool = False
    ) -> None:
        self.fake, self.channel, self.user_id, self.webhook = fake, channel, user_id, webhook

    async def send(self, update: dict) -> list[str]:
        before = len(self.fake.sent(self.user_id))
        handled = self.channel.handled
        if self.webhook:  # answered once the turn is stored; the replies follow
            resp = await self.fake.post_webhook(update)
            assert resp.status_code == 200, resp.text
        else:
            self.fake.queue(update)
        await until(lambda: self.channel.handled > handled, "the update to be handled")
        return self.fake.texts(self.user_id)[before:]

    async def say(self, text: str) -> str:
        return "\n---\n".join(await self.send(self.fake.update(self.user_id, text)))

    async def image(self, name: str, caption: str | None = None) -> str:
        update = self.fake.update(self.user_id, photo_url=self.fake.image_url(name), caption=caption)
        return "\n---\n".join(await self.send(update))


@pytest.fixture
async def polling(fake, db, campaign, clock, tmp_path):
    app = app_for(db, campaign, clock, settings_for(fake, tmp_path))
    channel = channel_for(app)
    await channel.start()
    yield app, channel, Chat(fake, channel)
    await channel.stop()


@pytest.fixture
async def webhook(fake, db, campaign, clock, tmp_path):
    sock, port = bind_free_port()
    app = app_for(
        db,
        campaign,
        clock,
        settings_for(fake, tmp_path, webhook_base_url=f"http://127.0.0.1:{port}", webhook_secret=SECRET),
    )
    channel = channel_for(app)
    await channel.start()
    served = await serve(make_app(channel.routes()), sock=sock)
    yield app, channel, Chat(fake, channel, webhook=True)
    await served.stop()
    await channel.stop()


async def test_first_time_user_registers_and_nominates_by_digits_plain_words_and_an_image(
    polling, fake, db, tmp_path
):
    app, channel, chat = polling
    menu = await chat.say("Xin chào")
    assert "Bạn chưa đăng ký" in menu and "1. Đề cử gương điển hình" in menu
    assert "2. Đăng ký (người dân)" in menu and "Trả lời bằng số (1–4)." in menu
    assert "Họ và tên" in await chat.say("1")  # a newcomer nominates straight away
    assert "1. Thôn 1" in await chat.say("nguyen van binh")
    assert "Bạn muốn đề cử ai?" in await chat.say("thon mot")  # the option's words, no diacritics
    assert "Mô tả thành tích" in await chat.say("ho ong hoang van tu")  # a household, by its name
    contents = await chat.say("Trong 3 ha hoi, thu nhap cao, hien 200 m2 dat lam duong be tong cua thon.")
    assert "2. [x] Phát triển kinh tế" in contents and "3. [x] Nông thôn mới" in contents
    assert "Thu nhập" in await chat.say("dc")  # the suggestion, confirmed
    await chat.say("60 trieu")
    photos = await chat.say("ko")
    assert "Gửi ảnh minh chứng" in photos

    got = await chat.image("bill.jpg", caption="Hoa don")
    assert "Kiểm tra lại đề cử" in got and "Ảnh: 1" in got  # a photo moves on
    again = await chat.image("bill.jpg")  # the same picture in another message: kept once
    assert "Đã nhận 1/" in again
    summary = await chat.image("field.png")
    assert "Đã nhận 2/" in summary and "Hộ ông Hoàng" not in summary and "Ho ong Hoang Van Tu" in summary
    done = await chat.say("1")
    assert "Đã gửi đề cử, mã hồ sơ DC-0001" in done

    [member] = rows(db, Member)
    assert member.full_name == "Nguyen Van Binh" and member.unit_code == "T01"
    [ident] = rows(db, Identity)
    assert (ident.channel, ident.external_id, ident.chat_id) == ("zalo", "zu-1", "zu-1")
    [sub] = rows(db, Submission)
    assert sub.contents == ["c2", "c3"] and sub.answers["annual_income"] == 60_000_000
    evidence = rows(db, Evidence)
    assert [e.unique_id for e in evidence] == [
        f"sha256:{hashlib.sha256(JPEG).hexdigest()}",
        f"sha256:{hashlib.sha256(PNG).hexdigest()}",
    ]
    assert evidence[0].url == fake.image_url("bill.jpg") and evidence[0].caption == "Hoa don"
    for e in evidence:  # named relative to MEDIA_DIR: a restore elsewhere still finds them
        assert not Path(e.local_path).is_absolute()
        assert (tmp_path / "media" / e.local_path).is_file()
    assert (tmp_path / "media" / evidence[0].local_path).read_bytes() == JPEG
    assert len(list((tmp_path / "media").rglob("*.jpg"))) == 1  # content-addressed: once

    assert all(len(t) <= 2000 for t in fake.texts())
    polls = [c.body for c in fake.calls if c.method == "getUpdates"]
    # short polls until the first update is answered (bot/serve.py waits for it), then ZALO_POLL_TIMEOUT
    waits = [b["timeout"] for b in polls]
    assert waits[0] == "1" and waits[-1] == "30" and waits == sorted(waits, key=int)
    assert fake.methods().index("deleteWebhook") < fake.methods().index("getUpdates")
    assert "sendChatAction" in fake.methods()


async def test_back_and_cancel_as_words_and_digits(polling):
    _, _, chat = polling
    await chat.say("xin chao")
    await chat.say("1")
    await chat.say("Nguyen Van Binh")
    name_again = await chat.say("quay lai")
    assert "Họ và tên" in name_again
    await chat.say("Nguyen Van Binh")
    # the unit question: 13 units then "Quay lại" and "Hủy" continue the numbers
    q = await chat.say("abc")
    assert "Lựa chọn chưa đúng" in q and "Bạn ở thôn nào?" in q
    nav = re.search(r"(\d+)\. Hủy", q)
    assert nav, q
    cancelled = await chat.say(nav.group(1))
    assert "Đã hủy" in cancelled


async def test_sticker_and_bad_images_get_a_hint_and_the_same_question(fake, db, campaign, clock, tmp_path):
    app = app_for(db, campaign, clock, settings_for(fake, tmp_path))
    channel = channel_for(app, media_max_bytes=len(JPEG) - 1)
    await channel.start()
    try:
        chat = Chat(fake, channel)
        await chat.say("xin chao")
        await chat.say("1")
        sticker = await chat.send(fake.update("zu-1", event_name="message.sticker.received"))
        assert "Bot chỉ đọc được chữ và ảnh" in sticker[0] and "Họ và tên" in sticker[-1]
        too_big = await chat.image("bill.jpg")
        assert "Ảnh quá lớn (tối đa 1 MB)" in too_big
        assert "Họ và tên" in too_big and "Bot chỉ đọc" not in too_big
        not_image = await chat.image("page.html")
        assert "không phải ảnh" in not_image and "Họ và tên" in not_image
        missing = await chat.image("nothing.jpg")
        assert "Không tải được ảnh" in missing and "Họ và tên" in missing
        # still on the same question, nothing half-stored
        assert "1. Thôn 1" in await chat.say("Nguyen Van Binh")
        assert rows(db, Member) == [] and rows(db, Evidence) == []
        assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []  # no parts left
    finally:
        await channel.stop()


async def test_same_event_twice_is_processed_once_and_wrapped_updates_are_accepted(webhook, fake, db):
    app, channel, chat = webhook
    update = fake.update("zu-1", "Xin chào")
    first = await chat.send(update)
    assert "Bạn chưa đăng ký" in first[0]
    assert await chat.send(update) == []  # redelivered: nothing new
    handled = channel.handled
    resp = await fake.post_webhook(update, wrap=True)
    assert resp.status_code == 200
    await until(lambda: channel.handled > handled, "the update to be handled")
    assert len(fake.sent("zu-1")) == len(first)
    assert [e.key for e in rows(db, ProcessedEvent)] == [
        f"zalo:message.text.received:{update['message']['message_id']}"
    ]
    # a wrapped update is read like a plain one
    resp = await fake.post_webhook(fake.update("zu-1", "1"), wrap=True)
    assert resp.status_code == 200
    await until(lambda: channel.handled > handled + 1, "the update to be handled")
    assert "Họ và tên" in fake.texts("zu-1")[-1]
    assert fake.calls[1].method == "setWebhook"
    assert fake.calls[1].body == {"url": f"{app.settings.webhook_base_url}/zalo", "secret_token": SECRET}


async def test_wrong_webhook_secret_gets_401_and_nothing_is_stored(webhook, fake, db):
    app, channel, chat = webhook
    update = fake.update("zu-1", "Xin chào")
    for secret in ("webhook-secret-124", "", "x"):
        resp = await fake.post_webhook(update, secret=secret)
        assert resp.status_code == 401
    assert rows(db, ProcessedEvent) == [] and rows(db, ConversationState) == []
    assert fake.sent() == []
    async with httpx.AsyncClient() as http:  # not JSON, or far too big: refused, not processed
        assert (
            await http.post(
                fake.webhook_url, content=b"{not json", headers={"X-Bot-Api-Secret-Token": SECRET}
            )
        ).status_code == 400
        assert (
            await http.post(
                fake.webhook_url, content=b"x" * 300_000, headers={"X-Bot-Api-Secret-Token": SECRET}
            )
        ).status_code == 413
    assert rows(db, ProcessedEvent) == []
    # the right secret is then processed
    assert "Bạn chưa đăng ký" in (await chat.send(update))[0]


async def test_one_users_concurrent_webhook_deliveries_are_handled_one_at_a_time(webhook, fake, db):
    app, channel, chat = webhook
    updates = [fake.update("zu-1", f"xin chao {i}") for i in range(6)]
    answers = await asyncio.gather(*(fake.post_webhook(u) for u in updates))
    assert [a.status_code for a in answers] == [200] * 6
    assert len(rows(db, ProcessedEvent)) == 6  # stored when answered; the replies follow
    await until(lambda: channel.handled == 6, "the replies")
    texts = fake.texts("zu-1")
    assert len(texts) == 6 and not any("gặp lỗi" in t for t in texts)


async def test_a_2500_character_reply_arrives_as_two_messages(polling, fake):
    _, channel, _ = polling
    lines = [f"Dòng {i:03d}: " + "x" * 40 for i in range(50)]
    text = "\n".join(lines)
    assert 2400 < len(text) < 2600
    await channel.send("zu-7", Text(text))
    parts = fake.texts("zu-7")
    assert len(parts) == 2 and all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts) == text  # cut on a line boundary, nothing lost


async def test_questions_photos_and_documents_as_zalo_can_show_them(polling, fake, tmp_path):
    _, channel, _ = polling
    await channel.send(
        "zu-8",
        Question(
            "Chọn nội dung:",
            options=[Option("a", "Một"), Option("b", "Hai")],
            nav=[Option("__back", "Quay lại")],
            multi=True,
            hint="Chọn một hoặc nhiều số, ví dụ: 1 3.",
        ),
    )
    await channel.send("zu-8", Photo("https://example.org/chart.png", caption="Biểu đồ"))
    chart = tmp_path / "chart.png"
    chart.write_bytes(PNG)
    await channel.send("zu-8", Photo(str(chart), caption="Tiến độ các thôn"))
    await channel.send("zu-8", Document(str(chart), "bao-cao.xlsx", caption="Danh sách"))
    sent = fake.sent("zu-8")
    assert sent[0].body["text"] == (
        "Chọn nội dung:\n1. Một\n2. Hai\n3. Quay lại\nChọn một hoặc nhiều số, ví dụ: 1 3."
    )
    assert (sent[1].method, sent[1].body) == (
        "sendPhoto",
        {"chat_id": "zu-8", "photo": "https://example.org/chart.png", "caption": "Biểu đồ"},
    )
    assert (sent[2].method, sent[2].body["text"]) == ("sendMessage", "Tiến độ các thôn")
    assert sent[3].method == "sendMessage" and "bao-cao.xlsx" in sent[3].body["text"]
    assert "trang quản lý: http://127.0.0.1:8080/xuat" in sent[3].body["text"]  # the web console has it
    assert len(sent) == 4


async def test_a_send_failure_is_retried_and_nothing_is_lost(polling, fake, db, clock):
    app, channel, chat = polling
    fake.fail_next_sends(1, 500)  # one failure: retried at once, arrives
    menu = await chat.say("Xin chào")
    assert "Bạn chưa đăng ký" in menu
    assert [c.method for c in fake.calls if c.method.startswith("send")] == [
        "sendMessage!failed",
        "sendMessage",
    ]
    assert unsent(db) == []

    # more failures than retries: the reply is kept in the outbox, in order, then delivered
    fake.fail_next_sends(3, 429)
    await chat.say("1")
    [row] = unsent(db)
    assert (row.status, row.channel, row.chat_id) == ("pending", "zalo", "zu-1")
    assert "Họ và tên" in row.payload["text"]
    assert not any("Họ và tên" in t for t in fake.texts("zu-1"))
    sent, failed = await OutboxDispatcher(db, channel, clock).run_once()
    assert (sent, failed) == (1, 0)
    assert "Họ và tên" in fake.texts("zu-1")[-1]
    [row] = rows(db, Outbox, Outbox.id == row.id)
    assert row.status == "sent" and row.sent_at is not None


async def test_a_failing_send_raises_send_error_with_retry_after(polling, fake):
    _, channel, _ = polling
    fake.fail_next_sends(1, 429, retry_after=60)
    with pytest.raises(SendError) as caught:
        await channel.send("zu-9", Text("Chào"))
    assert caught.value.retry_after == 60 and not caught.value.permanent
    # not held 60 s in the conversation: one try, then the caller (outbox) waits
    assert [c.method for c in fake.calls if c.body.get("chat_id") == "zu-9"] == ["sendMessage!failed"]
    fake.fail_next_sends(1, 400)
    with pytest.raises(SendError) as caught:
        await channel.send("zu-9", Text("Chào"))
    assert caught.value.permanent


async def test_polling_survives_errors_with_backoff(fake, db, campaign, clock, tmp_path):
    app = app_for(db, campaign, clock, settings_for(fake, tmp_path, zalo_bot_token="123456789:wrong"))
    channel = channel_for(app)
    with pytest.raises(SettingsError) as caught:  # a wrong token is said at once, in one line
        await channel.start()
    message = caught.value.message
    assert message.startswith("ZALO_BOT_TOKEN:") and "401" in message and TOKEN not in message
    await channel.stop()

    await fake.stop()  # the API away: polling keeps trying, bounded back-off
    app = app_for(db, campaign, clock, settings_for(fake, tmp_path))
    channel = channel_for(app)
    await channel.start()
    await asyncio.sleep(0.1)
    await fake.start_again()
    await until(lambda: "getUpdates" in fake.methods(), "polling to resume")
    chat = Chat(fake, channel)
    assert "Bạn chưa đăng ký" in await chat.say("Xin chào")
    await channel.stop()


async def test_the_token_never_appears_in_logs_or_errors(fake, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # even if the app's log setup silenced it
    client = ZaloClient(TOKEN, fake.base_url)
    await client.get_me()
    await fake.stop()
    with pytest.raises(ZaloNetworkError) as caught:
        await client.send_message("zu-1", "Chào")
    await client.aclose()
    bad = ZaloClient(TOKEN, "http://127.0.0.1:1")
    with pytest.raises(ZaloNetworkError):
        await bad.get_updates(1)
    await bad.aclose()
    assert TOKEN not in str(caught.value) and "sendMessage" in str(caught.value)
    requests = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert requests and all("/bot***/" in m for m in requests)  # httpx's own lines, masked
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


async def test_link_code_joins_a_telegram_identity_and_a_zalo_identity(polling, db, fake):
    app, channel, chat = polling
    tg = Player(app.core, "tg-1", channel="telegram")
    register_resident(tg)
    tg.press("link")
    code = re.search(r"Mã liên kết của bạn: ([A-Z0-9]{8})", tg.text).group(1)

    menu = await chat.say("xin chao")
    invite = re.search(r"(\d+)\. Tôi có mã mời", menu).group(1)
    assert "mã mời" in await chat.say(invite)
    done = await chat.say(code.lower())
    assert "Đã liên kết" in done and "Nguyễn Văn Bình" in done
    [member] = rows(db, Member)
    assert sorted(
        (i.channel, i.external_id) for i in rows(db, Identity, Identity.member_id == member.id)
    ) == [("telegram", "tg-1"), ("zalo", "zu-1")]
    assert "Đề cử gương điển hình" in done  # the member's menu, on Zalo


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_serve_runs_zalo_in_one_process_and_stops_cleanly(mode, fake, db, campaign, clock, tmp_path):
    from bot.bootstrap import build_services
    from bot.serve import serve_async

    extra = {}
    if mode == "webhook":
        sock, port = bind_free_port()
        sock.close()
        extra = dict(webhook_base_url=f"http://127.0.0.1:{port}", webhook_secret=SECRET, port=port)
    app = app_for(db, campaign, clock, settings_for(fake, tmp_path, **extra))
    stop = asyncio.Event()
    before = asyncio.all_tasks()
    services = build_services(app)
    served = asyncio.create_task(serve_async(app, stop=stop, services=services))
    await until(lambda: "getUpdates" in fake.methods() or fake.webhook_url, "the channel to start")
    [dispatcher] = services.dispatchers
    channel = dispatcher.channel
    assert isinstance(channel, ZaloChannel)
    chat = Chat(fake, channel, webhook=mode == "webhook")
    if mode == "webhook":
        for _ in range(200):  # uvicorn may still be binding its port
            try:
                menu = await chat.say("Xin chào")
                break
            except Exception:
                await asyncio.sleep(0.02)
    else:
        menu = await chat.say("Xin chào")
    assert "Bạn chưa đăng ký" in menu

    # a queued notification goes out through the running outbox dispatcher
    from sqlmodel import Session

    from storage import outbox

    with Session(db) as s:
        outbox.enqueue(
            s,
            member_id=None,
            channel="zalo",
            chat_id="zu-1",
            payload={"kind": "text", "text": "Thông báo thử", "toast": False},
            now=clock.now(),
        )
        s.commit()
    dispatcher.poke()
    await until(lambda: "Thông báo thử" in fake.texts("zu-1"), "the outbox delivery")

    stop.set()
    await asyncio.wait_for(served, timeout=15)
    assert channel._poll_task is None and not channel._tasks
    # nothing of the bot keeps running (the fake's own handler of the cut long poll ends soon)
    await until(
        lambda: not (asyncio.all_tasks() - before - {asyncio.current_task()}), "every task to end", limit=2.0
    )


async def staff_asks_for_the_workbook(app, chat, db, clock, tmp_path) -> str:

    app.core.export_dir = str(tmp_path / "exports")
    code = seeding.invite_code(db, clock.now(), "staff", "VPTK", days=1)
    await chat.say(f"/start {code}")
    assert "Đăng ký xong" in await chat.say("Hoang Thi Lan")
    assert "Xuất tài liệu nào?" in await chat.say("/xuat")
    return await chat.say("1")  # the XLSX workbook


async def test_staff_on_zalo_get_a_one_time_download_link_from_the_web_app(
    webhook, fake, db, clock, tmp_path
):
    app, channel, chat = webhook
    app.core.export_dir = str(tmp_path / "exports")
    channel.downloads.directory = tmp_path / "exports"
    reply = await staff_asks_for_the_workbook(app, chat, db, clock, tmp_path)
    assert "python -m bot" not in reply and "dùng một lần" in reply
    url = re.search(r"https?://\S+", reply).group(0)
    assert url.startswith(app.settings.webhook_base_url + "/tai/")
    async with httpx.AsyncClient() as http:
        first = await http.get(url)
        assert first.status_code == 200 and first.content[:2] == b"PK"  # the workbook itself
        assert ".xlsx" in first.headers["content-disposition"]
        assert (await http.get(url)).status_code == 410  # one time only
        forged = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
        assert (await http.get(forged)).status_code == 404
        clock.advance(hours=1)
        await chat.say("/xuat")
        again = await chat.say("1")
        late = re.search(r"https?://\S+", again).group(0)
        clock.advance(minutes=31)
        assert (await http.get(late)).status_code == 404  # expired
    assert all(c.method == "sendMessage" for c in fake.sent(chat.user_id))  # no file upload tried


async def test_staff_on_zalo_without_a_one_time_link_get_the_web_consoles_exports_page(
    polling, fake, db, clock, tmp_path
):
    app, _, chat = polling
    reply = await staff_asks_for_the_workbook(app, chat, db, clock, tmp_path)
    assert t("zalo.document", filename="", url="").split("«")[0] in reply
    assert f"{app.settings.console_url}/xuat" in reply and "Mở trang quản lý" in reply and ".xlsx" in reply
    assert "python -m bot" not in reply
    assert all(c.method == "sendMessage" for c in fake.sent(chat.user_id))  # no file upload tried


async def test_webhook_start_retries_then_says_so_in_one_line(fake, db, campaign, clock, tmp_path):
    from bot.channel import StartupError

    settings = settings_for(fake, tmp_path, webhook_base_url="https://bot.example.org", webhook_secret=SECRET)
    await fake.stop()
    channel = channel_for(app_for(db, campaign, clock, settings), start_delays=(0.001, 0.001))
    with pytest.raises(StartupError) as caught:
        await channel.start()
    assert caught.value.message.startswith("ZALO_BASE_URL: the Zalo Bot API did not answer after 3 tries")
    assert TOKEN not in caught.value.message and caught.value.code == 1
    await channel.stop()
    await fake.start_again()


async def test_a_busy_zalo_chat_keeps_its_order_and_holds_back_no_other_chat(
    fake, db, campaign, clock, tmp_path
):
    """Polling with 4 updates in hand at most: the busy person's turns commit at once and
    give their places back, their replies go at their own pace and in order, and people who
    write afterwards are answered within the busy person's first replies (5 a second here)."""
    app = app_for(db, campaign, clock, settings_for(fake, tmp_path, zalo_chat_rate=5, zalo_chat_burst=1))
    channel = channel_for(app, max_concurrent=4)
    await channel.start()
    try:
        for i in range(12):
            fake.queue(fake.update("zb", "/trogiup" if i % 2 else "/start"))
        await until(lambda: fake.sent("zb"), "the busy chat's first reply")
        others = [f"zo-{i}" for i in range(6)]
        for user in others:
            fake.queue(fake.update(user, "/start"))
        await until(lambda: channel.handled == 12 + len(others), "every update", limit=30)
    finally:
        await channel.stop()
    calls = fake.calls
    busy = [i for i, c in enumerate(calls) if c.method in ("sendMessage",) and c.body.get("chat_id") == "zb"]
    help_text = t("help")[:40]
    shape = "".join("H" if calls[i].body["text"].startswith(help_text) else "Q" for i in busy)
    # each turn's reply is one message (the help joined above the question after it), in order
    assert shape == "".join("Q" if i % 2 == 0 else "H" for i in range(12))
    first_other = {}
    for i, c in enumerate(calls):
        if c.method == "sendMessage" and c.body.get("chat_id") in others:
            first_other.setdefault(c.body["chat_id"], i)
    # before the busy chat's 6th reply (a second in): not after its turns and replies ahead
    assert len(first_other) == len(others) and max(first_other.values()) < busy[5]
