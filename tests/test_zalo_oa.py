"""The Zalo Official Account channel end to end over real HTTP: the real ZaloOaChannel (httpx)
behind its webhook, against the fake OA API (tests/fakes/zalo_oa_api.py), real SQLite files."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.bootstrap import App
from bot.settings import Settings
from bot.webhook_server import make_app
from bot.zalo_oa import ZaloOaChannel
from handlers.core import Core
from storage.models import ConversationState, Evidence, Identity, Member, Outbox, Submission

from .conftest import rows
from .fakes.serving import bind_free_port, serve
from .fakes.zalo_oa_api import APP_ID, APP_SECRET, OA_ID, OA_SECRET, FakeZaloOa
from .test_zalo import until

DESCRIPTION = "Trong 3 ha hoi, thu nhap cao, hien 200 m2 dat lam duong be tong cua thon."
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"


def oa_settings(fake: FakeZaloOa, tmp_path: Path, access: str, refresh: str, **kw) -> Settings:
    base = dict(
        database_url=f"sqlite:///{tmp_path}/unused.db",
        media_dir=tmp_path / "data" / "media",
        zalo_oa_app_id=APP_ID,
        zalo_oa_app_secret=APP_SECRET,
        zalo_oa_secret_key=OA_SECRET,
        zalo_oa_id=OA_ID,
        zalo_oa_access_token=access,
        zalo_oa_refresh_token=refresh,
        zalo_oa_api_url=fake.base_url,
        zalo_oa_oauth_url=fake.base_url,
        zalo_oa_zns_url=fake.base_url,
        zalo_rate=1000,
        zalo_chat_rate=1000,
        zalo_chat_burst=100,
    )
    base.update(kw)
    return Settings(_env_file=None, **base)


@pytest.fixture
async def fake(clock):
    f = FakeZaloOa(now=clock.now)
    f.images["bill.jpg"] = (JPEG, "image/jpeg")
    await f.start()
    yield f
    await f.stop()


class Oa:
    """The bot's OA channel served on a free port, and one follower talking to it."""

    def __init__(self, fake: FakeZaloOa, app: App, channel: ZaloOaChannel) -> None:
        self.fake, self.app, self.channel = fake, app, channel

    async def send(self, body: dict, user: str = "u-1") -> list[str]:
        before = len(self.fake.sent(user))
        handled = self.channel.handled
        resp = await self.fake.post(body)
        assert resp.status_code == 200, resp.text
        await until(lambda: self.channel.handled > handled, "the event to be handled")
        return self.fake.texts(user)[before:]

    async def say(self, text: str, user: str = "u-1") -> str:
        return "\n---\n".join(await self.send(self.fake.event(user, text), user))


async def serve_oa(fake, db, campaign, clock, tmp_path, **kw):
    access, refresh = fake.issue()
    settings = oa_settings(fake, tmp_path, access, refresh, **kw)
    app = App(settings=settings, db=db, campaign=campaign, core=Core(db, campaign, clock), clock=clock)
    channel = ZaloOaChannel(app, retry_delays=(0.01,), media_allow=("127.0.0.1/32",))
    await channel.start()
    served = await serve(make_app(channel.routes()))
    fake.webhook_url = f"http://127.0.0.1:{served.port}/zalo-oa"

    async def stop() -> None:
        await served.stop()
        await channel.stop()

    return Oa(fake, app, channel), stop


@pytest.fixture
async def oa(fake, db, campaign, clock, tmp_path):
    served, stop = await serve_oa(fake, db, campaign, clock, tmp_path)
    yield served
    await stop()


def buttons(call) -> list[dict]:
    return ((call.body["message"].get("attachment") or {}).get("payload") or {}).get("buttons") or []


NOMINATION = ["1", "nguyen van binh", "1", "ho ong hoang van tu", DESCRIPTION, "dc", "60 trieu", "ko"]


async def answer(oa: Oa, texts: list[str], user: str = "u-1") -> None:
    """A newcomer's nomination answered up to a step (NOMINATION[:n]: 4 = the description,
    8 = the photos)."""
    for text in texts:
        await oa.say(text, user)


async def register(oa: Oa, user: str = "u-1", name: str = "Tran Van Nam") -> None:
    await oa.say("xin chao", user)
    await oa.say("2", user)  # Đăng ký (người dân)
    await oa.say(name, user)
    await oa.say("1", user)  # Thôn 1
    assert "Đăng ký xong" in await oa.say("bo qua", user)  # no phone


async def test_follow_greets_and_a_follower_registers_and_nominates_with_buttons_and_an_image(oa, fake, db):
    greeting = "\n".join(await oa.send(fake.follow("u-1")))
    assert "Đề cử gương điển hình" in greeting
    [first] = fake.sent("u-1")
    labels = [b["title"] for b in buttons(first)]
    assert any("Đề cử" in label for label in labels) and buttons(first)[0]["type"] == "oa.query.show"
    assert buttons(first)[0]["payload"] == "1"  # a pressed button sends its text back: the number
    assert "Họ và tên" in await oa.say("1")
    assert "1. Thôn 1" in await oa.say("nguyen van binh")
    assert "Bạn muốn đề cử ai?" in await oa.say("1")
    assert "Mô tả thành tích" in await oa.say("ho ong hoang van tu")
    await oa.say(DESCRIPTION)
    await oa.say("dc")
    await oa.say("60 trieu")
    assert "Gửi ảnh minh chứng" in await oa.say("ko")
    got = "\n".join(await oa.send(fake.event("u-1", "Hoa don", image=fake.image_url("bill.jpg"))))
    assert "Kiểm tra lại đề cử" in got and "Ảnh: 1" in got
    assert "Đã gửi đề cử, mã hồ sơ DC-0001" in await oa.say("1")

    [member] = rows(db, Member)
    assert member.full_name == "Nguyen Van Binh"
    [ident] = rows(db, Identity)
    assert (ident.channel, ident.external_id, ident.chat_id) == ("zalo_oa", "u-1", "u-1")
    assert ident.last_inbound_at is not None
    [sub] = rows(db, Submission)
    assert sub.contents == ["c2", "c3"]
    [evidence] = rows(db, Evidence)
    assert evidence.unique_id == f"sha256:{hashlib.sha256(JPEG).hexdigest()}"
    assert not Path(evidence.local_path).is_absolute()  # named under MEDIA_DIR (a restore elsewhere)
    assert (oa.app.settings.media_dir / evidence.local_path).read_bytes() == JPEG
    assert all(len(t) <= 2000 for t in fake.texts())


async def test_forged_stale_and_replayed_events_do_nothing(oa, fake, db, clock):
    body = fake.event("u-1", "xin chao")
    forged = await fake.post(body, signature="mac=" + "0" * 64)
    assert forged.status_code == 401
    wrong_app = dict(body, app_id="123")
    assert (await fake.post(wrong_app)).status_code == 401
    stale = fake.event("u-1", "xin chao")
    clock.advance(minutes=6)  # older than ZALO_OA_MAX_EVENT_AGE (300 s)
    assert (await fake.post(stale)).status_code == 401
    assert fake.sent() == [] and rows(db, Outbox) == []

    fresh = fake.event("u-1", "xin chao")
    first = await oa.send(fresh)
    assert first and "Bạn chưa đăng ký" in first[0]
    again = await fake.post(fresh)  # Zalo delivers the same event twice
    assert again.status_code == 200
    await asyncio.sleep(0.05)
    assert len(fake.sent("u-1")) == len(first)  # answered once


async def test_a_voice_note_answers_a_text_step_as_on_telegram(oa, fake, db):
    await answer(oa, NOMINATION[:4])  # now the description, a text step
    got = "\n".join(await oa.send(fake.event("u-1", audio="https://zalo.example/voice.aac")))
    assert "Thành tích thuộc nội dung thi đua nào?" in got  # the recording was the answer
    [state] = rows(db, ConversationState)
    [voice] = state.data["answers"]["voices"]
    assert voice["url"] == "https://zalo.example/voice.aac" and voice["unique_id"].startswith("zalo_oa:")


async def test_unfollow_marks_the_account_unreachable_and_stops_its_queue(oa, fake, db, clock):
    await register(oa)
    [ident] = rows(db, Identity)
    with Session(db) as s:
        from storage import outbox

        outbox.enqueue(s, member_id=ident.member_id, payload={"kind": "text", "text": "x"}, now=clock.now())
        s.commit()
    resp = await fake.post(fake.follow("u-1", unfollow=True))
    assert resp.status_code == 200
    await until(lambda: rows(db, Identity)[0].unreachable_at is not None, "the unfollow")
    [row] = rows(db, Outbox, Outbox.status != "sent")
    assert row.status == "unreachable"


async def test_serve_runs_the_oa_on_port_and_its_outbox_dispatcher(fake, db, campaign, clock, tmp_path):
    from bot.bootstrap import build_services
    from bot.serve import serve_async

    sock, port = bind_free_port()
    sock.close()
    access, refresh = fake.issue()
    settings = oa_settings(fake, tmp_path, access, refresh, port=port)
    app = App(settings=settings, db=db, campaign=campaign, core=Core(db, campaign, clock), clock=clock)
    stop = asyncio.Event()
    services = build_services(app)
    [dispatcher] = services.dispatchers
    assert isinstance(dispatcher.channel, ZaloOaChannel)
    served = asyncio.create_task(serve_async(app, stop=stop, services=services, settle=0.1))
    fake.webhook_url = f"http://127.0.0.1:{port}/zalo-oa"
    oa = Oa(fake, app, dispatcher.channel)
    for _ in range(300):  # polling mode: the web server on PORT starts after the first answers
        try:
            menu = await oa.say("Xin chào")
            break
        except Exception:
            await asyncio.sleep(0.02)
    assert "Bạn chưa đăng ký" in menu
    stop.set()
    await asyncio.wait_for(served, timeout=15)


def test_oa_settings_come_together_or_not_at_all(tmp_path):
    from bot.settings import SettingsError, load_settings

    with pytest.raises(SettingsError) as exc:
        load_settings(_env_file=None, zalo_oa_app_id=APP_ID, zalo_oa_secret_key=OA_SECRET)
    assert "ZALO_OA_APP_SECRET" in exc.value.message
    with pytest.raises(SettingsError) as exc:
        load_settings(_env_file=None, zalo_oa_templates='{"birthday": {"id": "1"}}')
    assert exc.value.message.startswith("ZALO_OA_TEMPLATES: birthday")
    s = load_settings(
        _env_file=None,
        zalo_oa_app_id=APP_ID,
        zalo_oa_secret_key=OA_SECRET,
        zalo_oa_app_secret=APP_SECRET,
        zalo_oa_id=OA_ID,
        zalo_oa_templates='{"reminder": {"id": "310001", "params": {"ten": "name"}}}',
    )
    assert s.zalo_oa_on and s.has_channel and s.zalo_oa_templates["reminder"]["id"] == "310001"


async def test_an_image_link_to_the_local_network_is_not_fetched(oa, fake, db):
    await answer(oa, NOMINATION)  # now the photos step
    got = "\n".join(await oa.send(fake.event("u-1", image="http://169.254.169.254/latest/meta-data/")))
    assert "Không tải được ảnh vừa gửi" in got and "Gửi ảnh minh chứng" in got
    assert rows(db, Evidence) == [] and not list((oa.app.settings.media_dir).rglob("*.img"))


async def test_five_choices_are_buttons_and_a_multiple_choice_is_numbered_text_only(oa, fake):
    await answer(oa, NOMINATION[:2])
    villages = fake.sent("u-1")[-1]
    assert [b["title"] for b in buttons(villages)] == [f"Thôn {n}" for n in range(1, 6)]
    await answer(oa, NOMINATION[2:5])
    contents = fake.sent("u-1")[-1]  # several may be ticked: typed numbers, no buttons
    assert "1. " in contents.body["message"]["text"] and buttons(contents) == []
