"""Turns of different people committed together (bot/turn_writer.py, Core.handle_many): one
commit for the group, each turn still all or nothing, each event still processed once, the
replies the same as one turn at a time."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event as sa_event

from bot.turn_writer import TurnWriter
from handlers.core import Core
from messages.catalog import t
from messages.model import InboundEvent, Question, Text
from storage.models import ConversationState, ProcessedEvent

from .conftest import rows


def _start(user: str, key: str) -> InboundEvent:
    return InboundEvent(
        channel="console", user_id=user, chat_id=user, key=key, kind="command", command="start"
    )


@pytest.mark.parametrize("engine", ["db", "pg_db"])
def test_a_group_commits_once_and_a_failing_turn_is_rolled_back_alone(
    engine, request, campaign, clock, monkeypatch
):
    db = request.getfixturevalue(engine)
    core = Core(db, campaign, clock)
    commits = []
    sa_event.listen(db, "commit", lambda conn: commits.append(1))
    real_turn = core._turn

    def turn(uow, ev):
        replies = real_turn(uow, ev)  # writes the state, then fails
        if ev.user_id == "b":
            raise RuntimeError("boom")
        return replies

    monkeypatch.setattr(core, "_turn", turn)
    kept = {}
    out = core.handle_many(
        [
            (_start("a", "1"), lambda s, r, now, role: kept.setdefault("a", role)),
            (_start("b", "2"), lambda s, r, now, role: kept.setdefault("b", role)),
            (_start("c", "3"), None),
            (_start("a", "1"), None),
        ]
    )  # the same event again: nothing
    assert isinstance(out[0][0], Question) and isinstance(out[2][0], Question)
    assert out[1] == [Text(t("error_apology"))] and out[3] == []
    assert len(commits) == 1
    assert sorted(s.user_id for s in rows(db, ConversationState)) == ["a", "c"]  # b's rolled back
    assert sorted(e.key for e in rows(db, ProcessedEvent)) == ["console:1", "console:2", "console:3"]
    assert kept == {"a": "guest", "b": None}  # the role after the turn; none for a failed one


async def test_turns_that_come_while_one_commits_wait_and_commit_together(core, db):
    writer = TurnWriter(core)
    answers = await asyncio.gather(*(writer.handle(_start(f"u{i}", f"k{i}")) for i in range(20)))
    assert all(isinstance(a[0], Question) for a in answers)
    assert writer.groups < 20  # the first alone, the rest in groups
    assert len(rows(db, ProcessedEvent)) == 20
    assert await writer.handle(_start("u0", "k0")) == []  # processed once


def test_a_writer_serves_a_new_event_loop_after_the_old_one_closed(core, db):
    writer = TurnWriter(core)

    async def one(user: str):
        return await writer.handle(_start(user, user))

    assert isinstance(asyncio.run(one("a"))[0], Question)
    assert isinstance(asyncio.run(one("b"))[0], Question)  # another loop, same writer
