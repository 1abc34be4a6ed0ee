"""Unit heads and staff register with a one-time invite code that expires."""

from __future__ import annotations

from storage.models import AuditLog, Invite, Member

from . import seed as seeding
from .conftest import Player, register_resident, rows


def make_invite(db, clock, role="head", unit="T02", days=7) -> str:
    return seeding.invite_code(db, clock.now(), role, unit, days=days)


def test_a_unit_head_registers_with_an_invite_code(player, db, clock):
    code = make_invite(db, clock)
    player.say("/start")
    player.say("ma moi")  # "Tôi có mã mời" typed without diacritics
    assert "Nhập mã mời" in player.text
    player.say(code.lower())
    assert "Họ và tên của bạn?" in player.text
    player.say("Lộc Văn Hùng")
    assert "Đăng ký xong: Lộc Văn Hùng, trưởng đơn vị — Thôn 2." in player.text
    [m] = rows(db, Member)
    assert (m.role, m.unit_code) == ("head", "T02")
    [inv] = rows(db, Invite)
    assert inv.used_by == m.id and inv.used_at is not None
    assert "invite.use.role" in [a.action for a in rows(db, AuditLog)]


def test_an_invite_works_once(db, clock, core):
    code = make_invite(db, clock, role="staff", unit="VPTK")
    first = Player(core, "a")
    first.say(f"/start {code}")
    first.say("Hoàng Thị Lan")
    assert "cán bộ Văn phòng" in first.text
    second = Player(core, "b")
    second.say(f"/start {code}")
    assert "Mã mời này đã được dùng" in second.text
    assert "Nhập mã mời" in second.question.text
    assert [m.full_name for m in rows(db, Member)] == ["Hoàng Thị Lan"]


def test_an_expired_invite_is_refused(player, db, clock):
    code = make_invite(db, clock, days=1)
    clock.advance(days=1, seconds=1)
    player.say("/start")
    player.press("invite")
    player.say(code)
    assert "Mã mời đã hết hạn" in player.text and "Nhập mã mời" in player.question.text
    player.say("KHONGCO1")
    assert "Mã mời không đúng" in player.text
    assert rows(db, Member) == []


def test_a_resident_given_an_invite_becomes_head_of_that_unit(player, db, clock):
    register_resident(player)
    code = make_invite(db, clock, unit="T03")
    player.say(f"/ma {code}")
    assert "Đã cập nhật vai trò: trưởng đơn vị — Thôn 3." in player.text
    [m] = rows(db, Member)
    assert (m.role, m.unit_code) == ("head", "T03")


def test_help_lists_the_commands_of_the_persons_role(player, db, clock):
    player.say("/start")
    player.say("/trogiup")
    assert "/decu" in player.text and "/thamdinh" not in player.text and "/baocao" not in player.text
    code = make_invite(db, clock, role="head", unit="T01")
    player.say(f"/start {code}")
    player.say("Lộc Văn Hùng")
    player.say("/trogiup")
    assert "/baocao" in player.text and "/thamdinh" not in player.text
    staff = Player(player.core, "staff-1")
    staff.say(f"/start {make_invite(db, clock, role='staff', unit='VPTK')}")
    staff.say("Hoàng Thị Lan")
    staff.press("help")
    assert "/thamdinh" in staff.text and "/xuat" in staff.text and "/tonghop" in staff.text


def test_each_role_sees_its_own_work_first_and_help_last(player, db, clock):
    player.say("/start")
    assert [o.value for o in player.question.options] == ["nominate_new", "register", "invite", "help"]
    register_resident(Player(player.core, "res"))
    head = Player(player.core, "head")
    head.say(f"/start {make_invite(db, clock, role='head', unit='T01')}")
    head.say("Lộc Văn Hùng")
    assert [o.value for o in head.question.options] == [
        "report",
        "propose",
        "unit_noms",
        "lookup",
        "nominate",
        "mine",
        "link",
        "optout",
        "help",
    ]
    staff = Player(player.core, "staff")
    staff.say(f"/start {make_invite(db, clock, role='staff', unit='VPTK')}")
    staff.say("Hoàng Thị Lan")
    assert [o.value for o in staff.question.options] == [
        "review",
        "shortlist",
        "round",
        "decision",
        "honours",
        "council",
        "reports",
        "stats",
        "digest",
        "export",
        "web",
        "announce",
        "ann_figures",
        "lookup",
        "nominate",
        "mine",
        "link",
        "optout",
        "help",
    ]
    member = Player(player.core, "council")
    member.say(f"/start {make_invite(db, clock, role='council', unit=None)}")
    member.say("Nông Văn Hải")
    assert [o.value for o in member.question.options] == [
        "vote",
        "council",
        "dossiers",
        "web",
        "lookup",
        "nominate",
        "mine",
        "link",
        "optout",
        "help",
    ]
