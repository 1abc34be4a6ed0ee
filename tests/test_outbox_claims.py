"""Outbox rows are claimed (two real processes drain 300
rows with none sent twice, on SQLite and PostgreSQL), a claim lapses when its holder dies,
a send whose "sent" mark cannot be written is not repeated, and a hung send does not hold
the drain."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.outbox_dispatcher import OutboxDispatcher
from messages.model import Text, reply_to_dict
from storage import outbox
from storage.models import Outbox

from .conftest import ROOT, rows


def queue(db, clock, n: int, channel: str = "probe") -> None:
    with Session(db) as s:
        outbox.enqueue_many(
            s,
            [
                dict(
                    channel=channel,
                    chat_id=f"c{i}",
                    dedupe_key=f"k{i}",
                    payload=reply_to_dict(Text(f"tin {i}")),
                )
                for i in range(n)
            ],
            clock.now(),
        )
        s.commit()


def _url(engine) -> str:
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar()
        url += f"?options=-csearch_path%3D{schema}"
    return url


@pytest.mark.parametrize("engine", ["db", "pg_db"])
def test_two_processes_drain_300_rows_and_none_is_sent_twice(engine, request, clock, tmp_path):
    db = request.getfixturevalue(engine)
    queue(db, clock, 300)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outs = [tmp_path / f"sent-{i}.txt" for i in range(2)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.outbox_worker", _url(db), str(out)],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for out in outs
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    sent = [line for out in outs for line in out.read_text().split()]
    twice = [chat for chat, n in Counter(sent).items() if n > 1]
    assert twice == [] and len(sent) == 300
    assert all(out.read_text() for out in outs), "both processes should have sent some"
    assert {r.status for r in rows(db, Outbox)} == {"sent"}


def test_a_claim_lapses_when_its_holder_dies(db, clock):
    queue(db, clock, 3)
    lease = timedelta(minutes=5)
    with Session(db) as s:
        assert len(outbox.claim_due(s, clock.now(), "probe", "dead-process", lease=lease)) == 3
        s.commit()
    with Session(db) as s:  # another process: nothing to take while the lease holds
        assert outbox.claim_due(s, clock.now(), "probe", "other", lease=lease) == []
        s.commit()
    clock.advance(minutes=5, seconds=1)
    with Session(db) as s:
        assert len(outbox.claim_due(s, clock.now(), "probe", "other", lease=lease)) == 3
        s.commit()


class Recorder:
    name = "probe"

    def __init__(self, hang_for: set[str] = frozenset()) -> None:
        self.sent: list[str] = []
        self.hang_for = hang_for

    async def send(self, chat_id, reply) -> None:
        if chat_id in self.hang_for:
            await asyncio.Event().wait()  # a send that never answers
        self.sent.append(chat_id)


async def test_a_send_whose_sent_mark_cannot_be_written_is_not_repeated(db, clock, monkeypatch):
    """The database refuses writes after the send (read-only, full, dropped)."""
    queue(db, clock, 1)
    channel = Recorder()
    d = OutboxDispatcher(db, channel, clock)
    real_sent = outbox.outbox_sent
    broken = {"on": True}

    def sent(s, row, now):
        if broken["on"]:
            raise OperationalError("UPDATE outbox", {}, Exception("attempt to write a readonly database"))
        real_sent(s, row, now)

    monkeypatch.setattr(outbox, "outbox_sent", sent)
    for _ in range(13):  # the loop's rounds while the database stays read-only
        clock.advance(seconds=2)
        try:
            await d.run_once()
        except Exception:
            pass
    assert channel.sent == ["c0"]  # once, not 13 times
    [row] = rows(db, Outbox)
    assert row.status == "pending"  # not dropped: still owed a mark
    broken["on"] = False  # the disk has room again
    clock.advance(seconds=2)
    await d.run_once()
    await d.run_once()
    assert channel.sent == ["c0"]
    [row] = rows(db, Outbox)
    assert row.status == "sent" and row.claimed_by is None


async def test_a_hung_send_does_not_hold_the_drain(db, clock):
    queue(db, clock, 5)
    channel = Recorder(hang_for={"c1"})
    d = OutboxDispatcher(db, channel, clock, send_timeout=0.05)
    started = time.monotonic()
    await asyncio.wait_for(d.run_once(), timeout=5)
    assert time.monotonic() - started < 2
    assert channel.sent == ["c0", "c2", "c3", "c4"]
    stuck = next(r for r in rows(db, Outbox) if r.chat_id == "c1")
    assert stuck.status == "pending" and stuck.attempts == 1 and "no answer" in stuck.last_error
    assert stuck.claimed_by is None  # free for the next try (after its back-off)


async def test_the_loop_backs_off_while_the_database_is_away(db, clock, monkeypatch):
    d = OutboxDispatcher(db, Recorder(), clock, interval=0.5, max_backoff=4.0)
    waits: list[float] = []

    def away(now):
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 6:
            raise asyncio.CancelledError

    monkeypatch.setattr(d, "_claim", away)
    d._sleep = sleep
    with pytest.raises(asyncio.CancelledError):
        await d._loop()
    assert waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]  # doubling to a ceiling, not a tight loop


class HangingSender:
    """Sends the first piece of a turn; the second never gets an answer (a hung connection)."""

    name = "probe"

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.hanging = asyncio.Event()

    def pieces(self, reply):
        return [reply]

    async def send_piece(self, chat_id, piece, *, last=False, context=None) -> None:
        if self.sent:
            self.hanging.set()
            await asyncio.Event().wait()  # no answer, ever
        self.sent.append(piece.text)


async def test_a_graceful_stop_while_a_send_hangs_releases_the_turns_replies(db, clock):
    from bot.delivery import Delivery, Turn
    from bot.outbox_dispatcher import OutboxBell

    delivery = Delivery(db, clock, OutboxBell(), lease=60.0)
    sender, turn = HangingSender(), Turn(channel="probe", chat_id="c1", user_id="u1", key="ev-1")
    replies = [Text("một"), Text("hai"), Text("ba")]
    kept = delivery.keeper(sender, turn)
    with Session(db) as s:  # the turn's transaction keeps its replies, claimed by this process
        kept(s, replies, clock.now())
        s.commit()
    sending = asyncio.create_task(delivery.send_turn(sender, turn, replies, kept))
    await asyncio.wait_for(sender.hanging.wait(), timeout=5)
    sending.cancel()  # the process is told to stop
    with pytest.raises(asyncio.CancelledError):
        await sending
    assert sender.sent == ["một"]
    by_text = {r.payload["text"]: r for r in rows(db, Outbox)}
    assert by_text["một"].status == "sent"
    # the restarted process (same moment: no lease has run out) sends the other two at once
    with Session(db) as s:
        taken = outbox.claim_due(s, clock.now(), "probe", "restarted", lease=timedelta(seconds=60))
        texts = sorted(r.payload["text"] for r in taken)
        s.commit()
    assert texts == ["ba", "hai"]


def _lane_rows(s, now, lanes_and_chats):
    from storage import outbox

    for n, (lane, chat) in enumerate(lanes_and_chats):
        outbox.enqueue(
            s,
            member_id=None,
            channel="telegram",
            chat_id=chat,
            payload={"kind": "text", "text": f"m{n}"},
            now=now,
            dedupe_key=f"lane-test:{n}",
            lane=lane,
        )
    s.commit()


def _claimed_in_lanes(engine, clock, limit: int) -> list[str]:
    from sqlmodel import Session

    from storage import outbox
    from storage.outbox import LANE_BROADCAST, LANE_DOSSIER, LANE_REPLY

    now = clock.now()
    with Session(engine) as s:
        # queued before a restart: six announcements, a notice, a reply left over; chat x had
        # an announcement before its reply
        _lane_rows(
            s,
            now,
            [(LANE_BROADCAST, f"b{i}") for i in range(5)]
            + [(LANE_BROADCAST, "x"), (LANE_DOSSIER, "d"), (LANE_REPLY, "r"), (LANE_REPLY, "x")],
        )
        rows = outbox.claim_due(s, now, "telegram", "after-restart", lease=timedelta(minutes=5), limit=limit)
        s.commit()
        return [r.payload["text"] for r in rows]


def test_after_a_restart_the_outbox_sends_by_lane_keeps_a_share_and_each_chats_order(db, clock):
    # a batch of 5: one place for the oldest (m0), four by lane (the two replies, the notice,
    # the next announcement), and chat x's earlier announcement with its reply, before it
    assert _claimed_in_lanes(db, clock, 5) == ["m5", "m7", "m8", "m6", "m0", "m1"]


def test_outbox_lanes_on_postgresql(pg_db, clock):
    assert _claimed_in_lanes(pg_db, clock, 5) == ["m5", "m7", "m8", "m6", "m0", "m1"]
