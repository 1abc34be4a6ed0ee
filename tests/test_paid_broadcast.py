"""Telegram's paid broadcast: places above the free limit for what would otherwise wait too
long, within a ceiling, sent with allow_paid_broadcast and counted in the database."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import Session

from bot.pacing import Pacer, PaidAllowance
from storage import paid_sends

from .fakes.telegram_api import FakeTelegram
from .web_helpers import csrf_of, people, web  # noqa: F401  (fixtures)


def _fake_time():
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds
        await asyncio.sleep(0)

    return now, sleep


async def _grants(pacer: Pacer, n: int, now: list[float], payable: bool) -> list[tuple[float, bool]]:
    granted: list[tuple[float, bool]] = []

    async def send() -> None:
        async with pacer.slot(payable) as paid:
            granted.append((now[0], paid))

    await asyncio.gather(*(send() for _ in range(n)))
    return granted


def _most_in_a_second(moments: list[float]) -> int:
    return max((sum(1 for b in moments if a <= b < a + 1.0) for a in moments), default=0)


async def test_paid_places_go_only_to_what_waited_beyond_the_delay_and_within_the_ceiling():
    now, sleep = _fake_time()
    pacer = Pacer(2, margin=0.0, clock=lambda: now[0], sleep=sleep, paid=PaidAllowance(3.0, 3))
    granted = await _grants(pacer, 20, now, payable=True)
    paid = [at for at, p in granted if p]
    free = [at for at, p in granted if not p]
    assert paid and min(paid) >= 3.0  # nothing paid before a send had waited 3 s
    assert _most_in_a_second(paid) <= 3  # the ceiling
    assert _most_in_a_second(free) <= 2  # the free limit still holds for the rest
    assert max(at for at, _ in granted) < 6.0  # without paid places: 10 s


async def test_no_paid_place_for_a_send_that_cannot_be_paid_for_or_when_off():
    now, sleep = _fake_time()
    pacer = Pacer(2, margin=0.0, clock=lambda: now[0], sleep=sleep, paid=PaidAllowance(0.0, 100))
    assert not any(p for _, p in await _grants(pacer, 8, now, payable=False))
    now2, sleep2 = _fake_time()
    off = Pacer(2, margin=0.0, clock=lambda: now2[0], sleep=sleep2)
    granted = await _grants(off, 8, now2, payable=True)
    assert not any(p for _, p in granted) and max(at for at, _ in granted) >= 3.0


@pytest.fixture
async def slow_fake():
    server = await FakeTelegram(flood_limit=2).start()
    yield server
    await server.stop()


async def _send_to_many(tmp_path, fake, clock, n: int, **settings):
    from bot.bootstrap import build
    from bot.telegram import TelegramChannel
    from messages.model import Text

    from .test_telegram import tg_settings

    app = build(tg_settings(tmp_path / "paid.db", fake, **settings), clock=clock)
    ch = TelegramChannel(app, overall_rate=2)
    await ch.start()
    try:
        await asyncio.gather(*(ch.send(str(1000 + i), Text(f"Thông báo {i}")) for i in range(n)))
    finally:
        await ch.stop()
    return app


async def test_paid_broadcast_sends_above_the_free_limit_and_counts_what_it_sent(tmp_path, slow_fake, clock):
    app = await _send_to_many(
        tmp_path,
        slow_fake,
        clock,
        12,
        telegram_paid_broadcast=True,
        telegram_paid_after_seconds=0,
        telegram_paid_max_per_second=50,
    )
    sent = slow_fake.delivered("sendMessage")
    paid = [c for c in sent if c.params.get("allow_paid_broadcast") is True]
    assert len(sent) == 12 and slow_fake.flooded == 0
    assert len(paid) == slow_fake.paid_sent >= 8  # the free two a second took the rest
    with Session(app.db) as s:  # written when the channel stopped
        assert paid_sends.between(s, clock.now().replace(hour=0, minute=0), clock.now()) == len(paid)


async def test_paid_broadcast_off_sends_nothing_paid(tmp_path, slow_fake, clock):
    app = await _send_to_many(tmp_path, slow_fake, clock, 3)
    assert len(slow_fake.delivered("sendMessage")) == 3
    assert not any("allow_paid_broadcast" in c.params for c in slow_fake.calls)
    with Session(app.db) as s:
        assert paid_sends.between(s, clock.now().replace(hour=0, minute=0), clock.now()) == 0


def test_the_estimate_of_an_announcement_free_and_paid():
    from domain.headroom import SendingTerms, headroom

    off = headroom(3000, SendingTerms())
    assert (off.over, off.paid, off.stars, off.seconds) == (2850, 0, 0.0, 100.0)  # 3,000 at 30/s
    on = headroom(3000, SendingTerms(paid=True, paid_after=5, paid_per_second=100, stars_per_message=0.1))
    # 150 go free in the first 5 s; the other 2,850 at 30 free + 100 paid a second
    assert (on.over, on.paid) == (2850, 2192) and on.stars == pytest.approx(219.2)
    assert on.seconds == pytest.approx(5 + 2850 / 130)
    assert headroom(100, SendingTerms(paid=True, paid_after=5)).paid == 0  # all within 5 s free


def _announce_to_everyone(core, db, clock) -> str:
    from .test_broadcast_chat import Counting, person

    for uid in ("r1", "r2", "r3"):
        person(db, clock, uid, role="resident", unit="T01")
    person(db, clock, "s1", role="staff", unit="VPTK")
    staff = Counting(core, "s1")
    staff.say("/thongbao")
    staff.say("Họp thôn lúc 19h thứ Bảy tại nhà văn hóa để bình xét gương điển hình.")
    staff.say("bo qua")  # no photo
    staff.say("1")  # everyone
    return staff.text


def test_the_chat_preview_says_how_long_sending_takes_when_paid_broadcast_is_off(core, db, clock):
    preview = _announce_to_everyone(core, db, clock)
    assert "Số người nhận: 4" in preview  # three residents and the staff member
    assert "Số tin: 4, gửi hết trong khoảng 1 giây (miễn phí tối đa 30 tin mỗi giây)." in preview


def test_the_chat_preview_says_how_many_go_paid_and_the_cost_when_on(core, db, clock):
    from domain.headroom import SendingTerms

    core.sending = SendingTerms(paid=True, paid_after=0, paid_per_second=100, stars_per_message=0.5)
    preview = _announce_to_everyone(core, db, clock)
    # all 4 would wait beyond 0 s; at 30 free + 100 paid a second, 3 of them go paid
    assert (
        "Số tin: 4; 3 tin vượt mức miễn phí 30 tin mỗi giây sẽ gửi trả phí, khoảng 1,5 Sao Telegram"
        in preview
    )


def test_the_web_preview_says_the_paid_messages_and_their_cost(web, people):
    from domain.headroom import SendingTerms

    web.console.sending = SendingTerms(paid=True, paid_after=0, paid_per_second=30, stars_per_message=0.1)
    c = web.signed_in(people["ids"]["staff"])
    form = {"csrf": csrf_of(c.get("/thong-bao").text), "text": "Mời mọi người họp thôn.", "audience": "all"}
    page = c.post("/thong-bao/xem", data=form)
    assert page.status_code == 200
    members = int(page.text.split("Số người nhận: <b>")[1].split("<")[0])
    paid = round(members * 30 / 60)
    assert f"{paid} tin vượt mức miễn phí 30 tin mỗi giây sẽ gửi trả phí" in page.text
    assert "Sao Telegram" in page.text
    web.console.sending = None  # off: how long it takes
    page = c.post("/thong-bao/xem", data=form)
    assert "miễn phí tối đa 30 tin mỗi giây" in page.text and "trả phí" not in page.text


def test_the_digest_says_how_many_went_paid_and_the_cost(core, db, campaign, clock):
    from domain import digest
    from domain.headroom import SendingTerms
    from handlers.digest import text_table

    with Session(db) as s:
        assert "trả phí" not in text_table(campaign, digest.compute(s, campaign, clock.now()))
        paid_sends.add(s, "telegram", clock.now(), 30)
        paid_sends.add(s, "telegram", clock.now(), 10)  # the same minute: added up
        s.commit()
        d = digest.compute(s, campaign, clock.now(), sending=SendingTerms(stars_per_message=0.1))
    assert d.paid == 40
    assert "Tin gửi trả phí (vượt 30 tin mỗi giây): 40 tin, khoảng 4 Sao Telegram" in text_table(campaign, d)
