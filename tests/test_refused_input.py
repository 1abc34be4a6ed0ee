"""What looks like an answer and is not one, refused in chat with a short Vietnamese reason and
the same question again, nothing stored: a nominee named with invisible letters (Hangul
fillers), an amount of «1 triệu tỷ» or «-5tr»; on the web, a first sign-in with such a name."""

from __future__ import annotations

import re

import pytest

from storage.models import Member, Submission

from .conftest import register_resident, rows
from .web_helpers import people, web  # noqa: F401  (fixtures)

FILLERS = ["\u3164\u3164\u3164\u3164", "\u3164 \u3164 \u3164", "\uffa0\uffa0\uffa0", "\u115f\u1160\u115f"]


@pytest.mark.parametrize("blank", FILLERS)
def test_a_nominee_of_invisible_letters_is_refused_and_asked_again(player, db, blank):
    register_resident(player)
    player.press("nominate")
    asked = player.question.text
    player.say(blank)
    assert "Xin nhập bằng chữ" in player.text and player.question.text == asked
    player.say("Hộ ông Hoàng Văn Tư")
    assert player.question.text != asked


@pytest.mark.parametrize("amount", ["1 triệu tỷ", "-5tr"])
def test_an_impossible_or_negative_income_is_refused_and_asked_again(player, db, amount):
    register_resident(player)
    player.press("nominate")
    for line in (
        "Hộ ông Hoàng Văn Tư",
        "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn.",
        "ok",
    ):
        player.say(line)
    asked = player.question.text
    player.say(amount)
    assert player.question.text == asked, player.text
    player.say("60 triệu")
    assert player.question.text != asked
    assert not rows(db, Submission)


@pytest.mark.parametrize("blank", FILLERS)
def test_a_first_web_sign_in_with_a_blank_looking_name_is_asked_again(web, people, blank):
    token = web.link(role="staff", unit_code="VPTK")
    c = web.client()
    before = len(rows(web.db, Member))
    r = c.post(f"/vao/{token}", data={"name": blank})
    assert r.status_code == 400 and re.search(r'name="name"', r.text)
    assert len(rows(web.db, Member)) == before
    assert c.post(f"/vao/{token}", data={"name": "Phạm Thị Thống Kê"}).status_code == 303
