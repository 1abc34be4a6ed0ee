"""No chat waits for another: Telegram updates are handled side by side across people and in
order for one person; a chat's own pace holds back only that chat's messages, in a turn and
in the outbox; the whole bot stays within the platform's limit in any one second."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from sqlmodel import Session, select

from bot.bootstrap import build
from bot.channel import SendError
from bot.outbox_dispatcher import OutboxDispatcher
from bot.pacing import Pacer
from bot.telegram import TelegramChannel
from messages.catalog import t
from messages.model import Text, reply_to_dict
from storage import outbox
from storage.models import Outbox, ProcessedEvent

from .conftest import rows
from .test_telegram import fake, tg_settings  # noqa: F401  (fixture)

BUSY = 6001
REGISTER = ["/start", "Đăng ký", "Nguyễn Văn Bình", "Thôn 1", "bo qua", "Hồ sơ của tôi"]


async def test_one_persons_messages_are_handled_in_order_while_others_are_served(db_path, fake, clock):
    app = build(tg_settings(db_path, fake), clock=clock)
    # the busy chat's own pace: one message every 50 ms after the first
    ch = TelegramChannel(app, backoff=0.01, chat_rate=20.0, chat_burst=1, overall_rate=1000)
    await ch.start()
    try:
        for text in REGISTER:  # a whole registration typed at once, before any answer
            fake.push(fake.message_update(BUSY, text=text))
        others = [7000 + i for i in range(30)]
        for user in others:
            fake.push(fake.message_update(user, text="/start"))
        await fake.wait_for(lambda: len(ch.processed) == len(REGISTER) + len(others), timeout=30)
    finally:
        await ch.stop()
    busy = [c.params["text"] for c in fake.of("sendMessage", chat_id=BUSY)]
    # in order: each answer is the one to the message before it
    assert "Bạn chưa đăng ký" in busy[0]
    assert any("Họ và tên" in b for b in busy) and any("thôn nào" in b for b in busy)
    done = next(i for i, b in enumerate(busy) if "Đăng ký xong" in b)
    assert "chưa có hồ sơ" in "\n".join(busy[done + 1 :])
    # the others did not wait for the busy chat's pace: all served before its last answer
    calls = fake.calls
    last_busy = max(i for i, c in enumerate(calls) if c.params.get("chat_id") == BUSY)
    first_other = {
        c.params.get("chat_id"): i
        for i, c in reversed(list(enumerate(calls)))
        if c.method == "sendMessage" and c.params.get("chat_id") in others
    }
    assert len(first_other) == len(others)
    assert max(first_other.values()) < last_busy


class PacedChannel:
    """A channel whose chat "slow" has used up its pace; it records what it sends."""

    name = "bench"

    def __init__(self) -> None:
        self.sent: list[str] = []

    def ready(self, chat_id: str) -> bool:
        return chat_id != "slow"

    async def send(self, chat_id, reply) -> None:
        if chat_id == "slow":
            raise SendError("would have waited inside the shared loop")
        self.sent.append(chat_id)


async def test_the_outbox_puts_off_a_chat_at_its_pace_and_sends_the_others(db, clock):
    with Session(db) as s:
        for chat in ("a", "slow", "b", "slow", "c"):
            outbox.enqueue(
                s,
                member_id=None,
                channel="bench",
                chat_id=chat,
                payload=reply_to_dict(Text("Nhắc việc")),
                now=clock.now(),
            )
        s.commit()
    channel = PacedChannel()
    dispatcher = OutboxDispatcher(db, channel, clock)
    sent, failed = await dispatcher.run_once()
    assert channel.sent == ["a", "b", "c"] and (sent, failed) == (3, 0)
    waiting = rows(db, Outbox, Outbox.chat_id == "slow")
    assert all(r.status == "pending" and r.attempts == 0 for r in waiting)
    assert all(r.next_attempt_at >= clock.now() + timedelta(seconds=1) for r in waiting)


async def test_the_pacer_lets_no_second_hold_more_than_the_limit():
    pacer = Pacer(5, per=0.2, margin=0.0)
    stamps: list[float] = []

    async def send() -> None:
        await pacer.wait()
        stamps.append(time.monotonic())

    await asyncio.gather(*(send() for _ in range(16)))
    for i in range(len(stamps) - 5):
        assert stamps[i + 5] - stamps[i] >= 0.2 - 1e-3  # any 6 sends span a whole window
    assert stamps[-1] - stamps[0] < 0.2 * 3 + 0.15  # and no slower than the limit


async def test_a_busy_chat_commits_at_once_and_delays_no_other_chat(db_path, fake, clock):
    """The busy chat's 15 turns commit (and are confirmed to the Bot API) while its replies
    still go out at its own pace; chats that write afterwards, in a later getUpdates batch,
    get their answers before the busy chat's last reply, and the busy chat's replies keep
    their order."""
    app = build(tg_settings(db_path, fake), clock=clock)
    # the busy chat's own pace: 15 replies take about 1.4 s; a turn takes milliseconds
    ch = TelegramChannel(app, backoff=0.01, chat_rate=10.0, chat_burst=1, overall_rate=1000)
    await ch.start()
    try:
        busy = [
            fake.push(fake.message_update(BUSY, text="/trogiup" if i % 2 else "/start")) for i in range(15)
        ]
        await fake.wait_for(lambda: fake.of("sendMessage", chat_id=BUSY), timeout=30)
        others = [7100 + i for i in range(10)]  # the next batch, once the busy chat is answered
        for user in others:
            fake.push(fake.message_update(user, text="/start"))
        await fake.wait_for(lambda: len(ch.processed) == len(busy) + len(others), timeout=60)
        with Session(app.db) as s:
            events = set(s.exec(select(ProcessedEvent.key)).all())
    finally:
        await ch.stop()
    assert {f"telegram:{u['update_id']}" for u in busy} <= events
    calls = fake.calls
    sends = [i for i, c in enumerate(calls) if c.method == "sendMessage" and c.params.get("chat_id") == BUSY]
    # in order, one message a turn: /start answers with the menu (Q), /trogiup with help and
    # the menu below it (H), each with the menu's keyboard
    assert all((calls[i].params.get("reply_markup") or {}).get("inline_keyboard") for i in sends)
    shape = "".join("H" if calls[i].params["text"].startswith(t("help")[:40]) else "Q" for i in sends)
    assert shape == "".join("Q" if i % 2 == 0 else "H" for i in range(15))
    # every busy update was confirmed (a getUpdates with an offset past it) before its 3rd
    # reply went: the turns did not wait for the chat's pace to commit
    last_busy_id = max(u["update_id"] for u in busy)
    confirmed = next(
        i
        for i, c in enumerate(calls)
        if c.method == "getUpdates" and int(c.params.get("offset") or 0) > last_busy_id
    )
    assert confirmed < sends[2]
    # the others were answered before the busy chat's last reply
    first_other = {}
    for i, c in enumerate(calls):
        chat = c.params.get("chat_id")
        if c.method == "sendMessage" and chat in others:
            first_other.setdefault(chat, i)
    assert len(first_other) == len(others) and max(first_other.values()) < sends[-1]
