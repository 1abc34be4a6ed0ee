"""A link code joins a person's Telegram and Zalo accounts into one member (through the core)."""

from __future__ import annotations

import re

from storage.models import Identity, Invite, Member

from .conftest import Player, nominate_household, register_resident, rows


def _code(p: Player) -> str:
    p.press("link")
    m = re.search(r"Mã liên kết của bạn: ([A-Z0-9]{8})", p.text)
    assert m, p.text
    return m.group(1)


def test_link_code_joins_telegram_and_zalo_into_one_member(core, db, clock):
    tg = Player(core, "tg-1", channel="telegram")
    register_resident(tg)
    ref = nominate_household(tg)
    code = _code(tg)
    assert "hết hạn lúc 10:30 ngày 05/11/2024" in tg.text

    zl = Player(core, "zl-1", channel="zalo", name="Binh Zalo")
    zl.say("xin chao")
    zl.press("invite")
    zl.say(code.lower())
    assert "Đã liên kết" in zl.text and "Nguyễn Văn Bình" in zl.text
    assert "Họ và tên" not in zl.text  # no name question for a link

    [member] = rows(db, Member)
    assert sorted((i.channel, i.external_id, i.member_id) for i in rows(db, Identity)) == [
        ("telegram", "tg-1", member.id),
        ("zalo", "zl-1", member.id),
    ]
    [inv] = rows(db, Invite)
    assert inv.purpose == "link" and inv.used_by == member.id and inv.used_at is not None
    # the Zalo side now sees the same submissions
    zl.press("mine")
    assert ref in zl.text

    # a used code does not work twice
    other = Player(core, "zl-2", channel="zalo")
    other.say("/ma " + code)
    assert "đã được dùng" in other.text
    assert len(rows(db, Member)) == 1


def test_link_code_refused_on_same_channel_expired_or_by_another_member(core, db, clock):
    tg = Player(core, "tg-1", channel="telegram")
    register_resident(tg)
    code = _code(tg)

    same = Player(core, "tg-2", channel="telegram")
    same.say("/ma " + code)
    assert "kênh kia" in same.text

    registered = Player(core, "zl-9", channel="zalo")
    register_resident(registered, name="Lê Thị Hoa")
    registered.say("/ma " + code)
    assert "đã đăng ký riêng" in registered.text

    clock.advance(minutes=31)
    late = Player(core, "zl-3", channel="zalo")
    late.say("/ma " + code)
    assert "hết hạn" in late.text
    assert [i.external_id for i in rows(db, Identity, Identity.channel == "zalo")] == ["zl-9"]
    assert rows(db, Invite)[0].used_at is None
