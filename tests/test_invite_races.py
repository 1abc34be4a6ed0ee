"""A one-time invite is used once even when five people send it at the same
moment (SQLite and PostgreSQL); invite guesses are limited per person and audited."""

from __future__ import annotations

import threading

import pytest

from handlers.core import Core
from storage.models import AuditLog, Invite, Member

from .conftest import Player, rows
from .test_invites import make_invite


@pytest.mark.parametrize("engine", ["db", "pg_db"])
def test_five_people_send_one_code_at_once_and_one_becomes_admin(engine, request, campaign, clock):
    db = request.getfixturevalue(engine)
    code = make_invite(db, clock, role="admin", unit="VPTK")
    core = Core(db, campaign, clock)
    people = [Player(core, f"p{i}") for i in range(5)]
    for p in people:
        p.say(f"/start {code}")
        assert "Họ và tên" in p.text, p.text
    gate = threading.Barrier(len(people))
    names = ["Hoàng Văn An", "Lý Thị Bình", "Nông Văn Cường", "Vi Thị Dung", "Lục Văn Em"]

    def answer(p: Player, name: str) -> None:
        gate.wait()
        p.say(name)

    threads = [threading.Thread(target=answer, args=pair) for pair in zip(people, names)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    admins = rows(db, Member, Member.role == "admin")
    assert len(admins) == 1, [m.full_name for m in admins]
    [inv] = rows(db, Invite)
    assert inv.used_by == admins[0].id
    told = [p.text for p in people]
    assert sum("Đăng ký xong" in x for x in told) == 1
    assert sum("đã được dùng" in x for x in told) == 4, told  # the others are told why
    assert [a.action for a in rows(db, AuditLog)].count("invite.use.role") == 1


def test_invite_guesses_are_limited_per_person_and_audited(player, db, clock):
    code = make_invite(db, clock)
    player.say("/start")
    player.say("ma moi")
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE"):
        player.say(guess)
        assert "Mã mời không đúng" in player.text
    player.say(code)  # even the right code waits now
    assert "nhập sai mã mời nhiều lần" in player.text and "Họ và tên" not in player.text
    guesses = rows(db, AuditLog, AuditLog.action == "invite.guess")
    assert len(guesses) == 5 and guesses[0].after["code"] == "AAAAAAAA"
    assert guesses[0].after["channel"] == "console" and guesses[0].after["user"] == "u1"
    # another person is not held back by this one's guesses
    other = Player(player.core, "u2")
    other.say(f"/start {code}")
    assert "Họ và tên" in other.text
    other.say("/huy")
    # an hour later this person may try again
    clock.advance(hours=1, minutes=1)
    player.say(code)
    assert "Họ và tên" in player.text
