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
