"""A double tap on «Gửi đề cử» reaching two processes creates one submission
(the conversation state's version column; SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from handlers.core import Core
from storage import conversations
from storage.models import Identity, Submission

from .conftest import Player, register_resident, rows


def double_tap(monkeypatch, p: Player, value: str, *cores: Core) -> list[Player]:
    """The same button pressed once per process, both having read the conversation before
    either writes (the race, made certain); the players, with what each process answered."""
    both_read = threading.Barrier(len(cores), timeout=10)
    real_get_state = conversations.get_state
    raced = threading.local()

    def get_state(s, channel, user_id):
        state = real_get_state(s, channel, user_id)
        if not getattr(raced, "done", False):
            raced.done = True
            both_read.wait()
        return state

    monkeypatch.setattr(conversations, "get_state", get_state)
    taps = [Player(core, p.user_id) for core in cores]
    for t in taps:
        t.last = p.last
    threads = [threading.Thread(target=t.press, args=(value,)) for t in taps]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    return taps


@pytest.mark.parametrize("engine", ["db", "pg_db"])
def test_two_processes_handle_the_same_tap_and_one_submission_is_made(
    engine, request, campaign, clock, monkeypatch
):
    db = request.getfixturevalue(engine)
    first, second = Core(db, campaign, clock), Core(db, campaign, clock)  # two processes
    p = Player(first)
    register_resident(p)
    p.press("nominate")
    for line in (
        "Hộ ông Hoàng Văn Tư",
        "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn.",
        "ok",
        "60 triệu",
        "khong",
        "bo qua",
    ):
        p.say(line)
    question = p.question
    send = next(o for o in question.options if "Gửi" in o.label)

    taps = double_tap(monkeypatch, p, send.value, first, second)
    subs = rows(db, Submission)
    assert len(subs) == 1, [s.ref for s in subs]
    told = [t.text for t in taps]
    assert sum("Đã gửi đề cử" in x for x in told) == 1, told
    assert not any("Xin lỗi" in x for x in told), told  # the other tap is simply stale


@pytest.mark.parametrize("engine", ["db", "pg_db"])
def test_a_newcomers_double_tap_on_two_processes_registers_once_without_an_apology(
    engine, request, campaign, clock, monkeypatch, caplog
):
    """A newcomer nominates straight away: the tap on «Gửi» registers them too. Both processes
    create the identity; the second's insert collides (uq_identity_channel_user) and its turn
    is played again on what the first committed, as a stale tap: no apology, no error logged."""
    db = request.getfixturevalue(engine)
    first, second = Core(db, campaign, clock), Core(db, campaign, clock)
    p = Player(first, "newcomer1")
    p.say("/start")
    p.press("nominate_new")
    for line in (
        "Nguyễn Văn Bình",
        "1",
        "Hộ ông Hoàng Văn Tư",
        "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn.",
        "ok",
        "60 triệu",
        "khong",
        "bo qua",
    ):
        p.say(line)
    send = next(o for o in p.question.options if "Gửi" in o.label)

    caplog.set_level("INFO", logger="handlers.core")
    taps = double_tap(monkeypatch, p, send.value, first, second)
    assert len(rows(db, Submission)) == 1
    assert len(rows(db, Identity)) == 1
    answers = "\n".join(t.text for t in taps)
    assert "Đã gửi đề cử" in answers
    assert "Xin lỗi" not in answers, answers
    assert not [r for r in caplog.records if r.levelname == "ERROR"], [r.getMessage() for r in caplog.records]
