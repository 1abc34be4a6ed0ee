"""Per-chat pacing used by the Telegram and Zalo senders: a burst, then ~1 message/s a chat."""

from __future__ import annotations

from bot.pacing import ChatPacers

from .test_telegram import fake  # noqa: F401  (fixture)


async def test_a_chat_gets_its_burst_then_waits_while_other_chats_go_on():
    pacers = ChatPacers(rate=1.0, burst=3)
    for _ in range(3):
        async with pacers("chat-a"):
            pass
    assert not pacers("chat-a").has_capacity()  # the fourth message to this chat would wait
    assert pacers("chat-b").has_capacity()  # another chat is not held up


async def test_the_telegram_channel_paces_each_chat(tmp_path, fake, clock):
    from bot.bootstrap import build

    from .test_telegram import TelegramChannel, tg_settings

    app = build(tg_settings(tmp_path / "p.db", fake), clock=clock)
    ch = TelegramChannel(app, chat_rate=1.0, chat_burst=2)
    await ch.start()
    try:
        from messages.model import Text

        await ch.send("77", Text("một"))
        await ch.send("77", Text("hai"))
        assert not ch.sender.pacer("77").has_capacity()
        assert [c.params["text"] for c in fake.of("sendMessage", chat_id=77)] == ["một", "hai"]
    finally:
        await ch.stop()


def test_old_chats_are_forgotten():
    pacers = ChatPacers(max_chats=2)
    a = pacers("a")
    pacers("b")
    pacers("c")
    assert pacers("a") is not a


async def test_one_limit_serves_the_person_who_waits_first_and_starves_no_lane():
    """Eight messages wait for a limit of one a second: the staff member's reply first, then
    the replies to people who just wrote, announcements last but every fifth place theirs, and
    chat x's announcement before chat x's reply (one person's messages keep their order)."""
    import asyncio

    from bot.pacing import LANE_BROADCAST, LANE_REPLY, LANE_STAFF_REPLY, Pacer, in_lane

    now = [0.0]
    granted: list[tuple[str, float]] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds
        await asyncio.sleep(0)

    pacer = Pacer(1, per=1.0, margin=0.0, clock=lambda: now[0], sleep=sleep)

    async def send(name: str) -> None:
        await pacer.wait()
        granted.append((name, now[0]))

    waiting = [
        ("b1", LANE_BROADCAST, "c1"),
        ("b2", LANE_BROADCAST, "c2"),
        ("bx", LANE_BROADCAST, "x"),
        ("b3", LANE_BROADCAST, "c3"),
        ("r1", LANE_REPLY, "r1"),
        ("rx", LANE_REPLY, "x"),
        ("r2", LANE_REPLY, "r2"),
        ("s1", LANE_STAFF_REPLY, "s"),
    ]
    tasks = []
    for name, lane, chat in waiting:
        with in_lane(lane, chat):
            tasks.append(asyncio.create_task(send(name)))
    await asyncio.gather(*tasks)
    assert [name for name, _ in granted] == ["s1", "r1", "bx", "rx", "b1", "r2", "b2", "b3"]
    moments = [at for _, at in granted]
    assert all(b - a >= 1.0 for a, b in zip(moments, moments[1:], strict=False))  # still one a second


async def test_a_staff_reply_passes_a_queue_longer_than_the_connections_in_flight(tmp_path, fake, clock):
    """More replies wait than the sender keeps connections (IN_FLIGHT): the staff member's
    reply, queued last, goes with the next second's places, not behind every reply already
    waiting for a connection."""
    import asyncio

    from bot.bootstrap import build
    from bot.pacing import LANE_REPLY, LANE_STAFF_REPLY, in_lane
    from bot.telegram.outbound import IN_FLIGHT
    from messages.model import Text

    from .test_telegram import TelegramChannel, tg_settings

    rate, waiting = 10, IN_FLIGHT + 20
    app = build(tg_settings(tmp_path / "lanes.db", fake), clock=clock)
    ch = TelegramChannel(app, overall_rate=rate)
    await ch.start()
    try:
        tasks = []
        for i in range(waiting):
            with in_lane(LANE_REPLY, str(2000 + i)):
                tasks.append(asyncio.create_task(ch.send(str(2000 + i), Text(f"Trả lời {i}"))))
        await asyncio.sleep(0)  # they are all waiting
        with in_lane(LANE_STAFF_REPLY, "1999"):
            tasks.append(asyncio.create_task(ch.send("1999", Text("Trả lời cán bộ"))))
        await asyncio.gather(*tasks)
    finally:
        await ch.stop()
    order = [c.params["chat_id"] for c in fake.delivered("sendMessage")]
    assert len(order) == waiting + 1
    # the first second's places may have gone before it was asked for; then it goes first
    # (or second, after the place every SHARE-th that goes to the longest waiting)
    assert order.index(1999) <= rate + 1
