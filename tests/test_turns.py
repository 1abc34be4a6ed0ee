"""The turn budget: every message and every tap a person sends is counted, `/start`
included, playing whole journeys through the real channel adapters — python-telegram-bot against
the fake Bot API, the Zalo channel against its fake server.

- a first-time resident nominating a household with two contents, the income and one photo:
  at most 12 messages;
- a registered resident's next nomination: at most 9;
- a village head's unit report of the campaign's 11 figures: at most 8.

For scale: journeys that asked every question one by one took 19 / 15 / 16 on Telegram,
17 / 13 / 16 on Zalo."""

from __future__ import annotations

import pytest

from messages.catalog import t
from storage.models import Evidence, Member, Submission

from . import seed as seeding
from .conftest import rows
from .fakes.telegram_api import FakeTelegram
from .fakes.zalo_api import FakeZalo
from .test_telegram import TgUser, _channel
from .test_zalo import JPEG, Chat, app_for, channel_for, settings_for

ACHIEVEMENTS = "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn."
FIGURES = "1) 3\n2) 120\n3) 2\n4) 1\n5) -\n6) 350m\n7) 400\n8) 45 triệu\n9) -\n10) 2\n11) 1"
BUDGET = {"first nomination": 12, "next nomination": 9, "unit report": 8}
measured: dict[tuple[str, str], int] = {}


@pytest.fixture(autouse=True)
def _campaign_stored(db, campaign, clock):
    """Measured as a deployment runs: the campaign file's campaign stored as the commune's first
    (one open campaign: nobody is asked which; tests/test_campaign_chat.py counts the tap a
    second one costs)."""
    from bot.bootstrap import store_first_campaign

    from .conftest import CAMPAIGN_FILE

    store_first_campaign(db, campaign, CAMPAIGN_FILE.read_text(encoding="utf-8"), clock)
    from storage.models import CampaignRecord

    assert [(r.code, r.status) for r in rows(db, CampaignRecord)] == [(campaign.code, "open")]


def invite(db, clock, role: str, unit: str) -> str:
    return seeding.invite_code(db, clock.now(), role, unit)


def record(channel: str, journey: str, count: int) -> None:
    measured[(channel, journey)] = count
    print(f"\n{channel}: {journey} in {count} messages (budget {BUDGET[journey]})")
    assert count <= BUDGET[journey], (channel, journey, count)


class CountingTg(TgUser):
    """A Telegram user whose every message, photo and button press is counted, and the
    messages the bot sends in answer (`turns`, `answers`: the whole journey)."""

    sent = 0
    turns = 0
    answers = 0

    async def send(self, update: dict):
        self.sent += 1
        self.turns += 1
        calls = await super().send(update)
        self.answers += sum(1 for c in calls if c.method.startswith(("send", "edit")))
        return calls


class CountingZalo(Chat):
    sent = 0
    turns = 0
    answers = 0

    async def send(self, update: dict):
        self.sent += 1
        self.turns += 1
        before = len(self.fake.sent(self.user_id))
        texts = await super().send(update)
        self.answers += len(self.fake.sent(self.user_id)) - before
        return texts


def one_message_per_turn(channel: str, *people) -> None:
    """Each message the bot sends counts against the platform's limit (Telegram: 30 a second
    for the whole bot): over a journey the bot sends at most 1.05 messages per message or tap
    of the person (the pieces of a turn's reply go as one message)."""
    turns, answers = sum(p.turns for p in people), sum(p.answers for p in people)
    print(f"\n{channel}: {answers} messages from the bot for {turns} turns ({answers / turns:.2f} a turn)")
    assert answers / turns <= 1.05, (channel, answers, turns)


# -- Telegram ---------------------------------------------------------------------------------


@pytest.fixture
async def tg_fake():
    server = await FakeTelegram().start()
    yield server
    await server.stop()


@pytest.fixture
async def tg(db_path, tg_fake, clock):
    ch = await _channel(db_path, tg_fake, clock)
    yield ch
    await ch.stop()


async def test_telegram_journeys_fit_the_turn_budget(tg, tg_fake, db, clock, campaign):
    u = CountingTg(tg_fake, tg)
    await u.say("/start")
    await u.press(t("menu.nominate_new"))
    await u.say("nguyễn văn bình")
    await u.press("Thôn 1")
    await u.say("Hộ ông Hoàng Văn Tư")
    await u.say(ACHIEVEMENTS)
    await u.press(t("nav.done"))  # the two suggested contents
    await u.say("60 triệu")
    await u.press(t("no"))
    await u.photo("ph-1")
    await u.press(t("nom.send_publish", send=t("nom.send")))  # sent, and the photo may be shown
    assert "DC-0001" in u.texts
    record("Telegram", "first nomination", u.sent)

    u.sent = 0
    await u.say("/start")
    await u.press(t("menu.nominate"))
    await u.say("Hộ bà Nông Thị Hoa")
    await u.say(ACHIEVEMENTS)
    await u.press(t("nav.done"))
    await u.say("sáu mươi triệu")
    await u.press(t("no"))
    await u.photo("ph-2")
    await u.press(t("nom.send_private", send=t("nom.send")))
    assert "DC-0002" in u.texts
    record("Telegram", "next nomination", u.sent)

    [member] = rows(db, Member)
    assert member.full_name == "Nguyễn Văn Bình" and member.unit_code == "T01"
    subs = rows(db, Submission)
    assert [(s.ref, s.contents, s.unit_code, s.proposed_award) for s in subs] == [
        ("DC-0001", ["c2", "c3"], "T01", "commune"),
        ("DC-0002", ["c2", "c3"], "T01", "commune"),
    ]
    assert subs[1].answers["annual_income"] == 60_000_000
    assert len(rows(db, Evidence)) == 2

    head = CountingTg(tg_fake, tg, user_id=6001)
    await head.say(f"/start {invite(db, clock, 'head', 'T02')}")
    await head.say("Lý Văn Hùng")
    head.sent = 0  # joining is not part of the journey
    await head.say("/start")
    await head.press(t("menu.report"))
    await head.say(FIGURES)
    await head.say("Thôn vận động 120 lượt người làm 350 m đường bê tông liên xóm.")
    await head.photo("rep-1")
    await head.press(t("rep.send"))
    assert "Đã gửi báo cáo, mã BC-" in head.texts
    record("Telegram", "unit report", head.sent)
    one_message_per_turn("Telegram", u, head)
    report = [s for s in rows(db, Submission) if s.kind == "report"][0]
    assert report.answers["figures"]["c3"] == {
        "duong_be_tong": 350,
        "ngay_cong": 400,
        "tien_dong_gop": 45_000_000,
    }


# -- Zalo -------------------------------------------------------------------------------------


@pytest.fixture
async def zalo_fake():
    f = FakeZalo()
    f.images.update(
        {
            "a.jpg": (JPEG, "image/jpeg"),
            "b.jpg": (JPEG + b"b", "image/jpeg"),
            "c.jpg": (JPEG + b"c", "image/jpeg"),
        }
    )
    await f.start()
    yield f
    await f.stop()


@pytest.fixture
async def zalo(zalo_fake, db, campaign, clock, tmp_path):
    app = app_for(db, campaign, clock, settings_for(zalo_fake, tmp_path))
    channel = channel_for(app)
    await channel.start()
    yield channel
    await channel.stop()


async def test_zalo_journeys_fit_the_turn_budget(zalo, zalo_fake, db, clock):
    chat = CountingZalo(zalo_fake, zalo)
    await chat.say("/start")
    await chat.say("1")  # Đề cử gương điển hình
    await chat.say("nguyen van binh")
    await chat.say("thon 1")
    await chat.say("ho ong hoang van tu")
    await chat.say(ACHIEVEMENTS)
    await chat.say("ok")
    await chat.say("60tr")
    await chat.say("ko")
    await chat.image("a.jpg")
    assert "DC-0001" in await chat.say("1")
    record("Zalo", "first nomination", chat.sent)

    chat.sent = 0
    await chat.say("/start")
    await chat.say("1")
    await chat.say("Hộ bà Nông Thị Hoa")
    await chat.say(ACHIEVEMENTS)
    await chat.say("dc")
    await chat.say("năm chục triệu")
    await chat.say("k")
    await chat.image("b.jpg")
    assert "DC-0002" in await chat.say("1")
    record("Zalo", "next nomination", chat.sent)
    assert [(s.contents, s.answers["annual_income"]) for s in rows(db, Submission)] == [
        (["c2", "c3"], 60_000_000),
        (["c2", "c3"], 50_000_000),
    ]

    head = CountingZalo(zalo_fake, zalo, user_id="zu-head")
    await head.say(f"/start {invite(db, clock, 'head', 'T02')}")
    await head.say("Lý Văn Hùng")
    head.sent = 0
    await head.say("/start")
    await head.say("1")  # Báo cáo thành tích đơn vị
    await head.say("1) 3 2) 120 3) 2 4) 1 5) - 6) 350m 7) 400 8) 45 triệu 9) - 10) 2 11) 1")
    await head.say("Thôn vận động 120 lượt người làm 350 m đường bê tông liên xóm.")
    await head.image("c.jpg")
    assert "Đã gửi báo cáo, mã BC-" in await head.say("1")
    record("Zalo", "unit report", head.sent)
    one_message_per_turn("Zalo", chat, head)


# -- voice notes ------------------------------------------------------------------------------


async def test_a_voice_note_answers_the_achievements_and_staff_listen_to_it(tg, tg_fake, db, clock):
    u = CountingTg(tg_fake, tg)
    await u.say("/start")
    await u.press(t("menu.nominate_new"))
    await u.say("Nông Văn Tài")
    await u.press("Thôn 3")
    await u.say("Hộ ông Nông Văn Tài")
    await u.send(tg_fake.voice_update(u.id, "vo-1", 42))  # a voice note instead of typing
    assert t("nom.contents") in u.texts  # taken as the answer; no suggestion from a recording
    await u.say("2 3")  # typed numbers at once: no toggles, no «Xong»
    await u.say("1 tỉ rưỡi")
    await u.say("ko")
    await u.say("bo qua")
    assert "• Thành tích: [ghi âm 0:42]" in u.texts
    await u.press(t("nom.send"))
    [sub] = rows(db, Submission)
    assert sub.achievements == "[ghi âm 0:42]" and sub.contents == ["c2", "c3"]
    assert sub.answers["annual_income"] == 1_500_000_000
    [ev] = rows(db, Evidence)
    assert (ev.kind, ev.file_id, ev.unique_id, ev.caption) == ("voice", "voice-vo-1", "vo-1", "[ghi âm 0:42]")

    staff = TgUser(tg_fake, tg, user_id=7007)
    await staff.say(f"/start {invite(db, clock, 'staff', 'VPTK')}")
    await staff.say("Hoàng Thị Lan")
    await staff.press(t("menu.review"))
    [voice] = [c for c in staff.new if c.method == "sendVoice"]
    assert voice.params["voice"] == "voice-vo-1" and "[ghi âm 0:42]" in voice.params["caption"]
    assert "• Thành tích: [ghi âm 0:42]" in staff.texts
