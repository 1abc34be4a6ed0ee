"""Tra cứu khen thưởng in chat: staff, unit heads and the council ask one question (a name or a
unit, diacritics optional) and read the answer on one phone screen, «Xem thêm» for the rest;
residents find their own awards in «Hồ sơ của tôi»; everyone else is refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from .conftest import Player
from .lookup_seed import commend, store_campaigns, two_years

SCREEN = 1200  # characters: one phone screen


@pytest.fixture
def seeded(db, clock):
    with Session(db, expire_on_commit=False) as s:
        people = two_years(s, clock.now())
        store_campaigns(s, clock.now(), people["staff"])  # the 2024 campaign open, 2023's archived
        for name in ("Một", "Hai", "Ba", "Bốn", "Năm", "Bảy"):
            commend(
                s,
                campaign_code="tran-ninh-2024",
                nominee=f"Hộ ông Nông Văn {name}",
                unit_code="T02",
                number="125/QĐ-UBND",
                signed_on=date(2024, 11, 5),
                submitter=people["other"],
                staff=people["staff"],
            )
        s.commit()
    return people


def opened(core, external_id: str) -> Player:
    p = Player(core, external_id)
    p.say("/menu")
    p.press("lookup")
    assert "Xin gõ tên người, hộ, tập thể hoặc tên thôn" in p.text
    return p


def test_a_name_without_diacritics_answers_in_one_screen(core, seeded):
    p = opened(core, "s1")
    p.say("hoang van tu")
    assert len(p.last) == 1  # one message: the answer with its buttons
    text = p.text
    assert "Kết quả tra cứu «hoang van tu»: 3 lượt khen thưởng:" in text
    assert (
        "1. Hoàng Văn Tư (Thôn 3) — Giấy khen của Chủ tịch UBND huyện, QĐ số 310/QĐ-UBND ngày 10/12/2024"
    ) in text
    assert (
        "3. Hộ ông Hoàng Văn Tư (Thôn 1) — Giấy khen của Chủ tịch UBND xã (năm 2023), "
        "QĐ số 88/QĐ-UBND ngày 20/11/2023 (Thi đua yêu nước năm 2023)"
    ) in text  # the 2023 campaign named from the campaign table
    assert "Lường Thị Hoa" not in text  # a withdrawn decision
    assert [o.label for o in p.question.options] == ["Tìm tên khác"]  # nothing more to see
    assert len(text) < SCREEN
    p.say("Thôn 5")  # another name typed on the answer: its answer
    assert len(p.last) == 1 and "Khen thưởng của Thôn 5: 2 lượt:" in p.text
    assert "1. Chi hội Phụ nữ thôn 5 — Giấy khen" in p.text  # the unit named once


def test_a_long_answer_comes_a_screen_at_a_time(core, seeded):
    p = opened(core, "h5")  # a unit head
    p.say("nong van")
    assert len(p.last) == 1 and "6 lượt khen thưởng (đang xem 1–5)" in p.text
    assert "5. Hộ ông Nông Văn" in p.text and "6. " not in p.text and len(p.text) < SCREEN
    p.press("Xem thêm")
    assert len(p.last) == 1 and "(đang xem 6–6)" in p.text and "6. Hộ ông Nông Văn" in p.text
    assert [o.label for o in p.question.options] == ["Tìm tên khác"]
    p.press("Tìm tên khác")
    assert "Xin gõ tên người" in p.text
    p.say("quay lai")  # the question again was the first screen: back leaves, nothing lost
    assert "Đã hủy" not in p.text


def test_nothing_found_and_bad_input_ask_again(core, seeded):
    p = opened(core, "c1")  # a council member
    p.say("x")
    assert len(p.last) == 2 and "Xin gõ tên người" in p.last[-1].text  # too short: why, and again
    p.say("Không Ai Cả")
    assert len(p.last) == 1 and "Không tìm thấy ai được khen thưởng khớp với «Không Ai Cả»" in p.text
    p.say("lường thị hoa")  # withdrawn: still nobody
    assert "Không tìm thấy ai" in p.text


def test_residents_see_their_own_awards_and_not_the_lookup(core, seeded):
    p = Player(core, "r-tu")
    p.say("/menu")
    assert "lookup" not in [o.value for o in p.question.options]
    p.press("mine")
    text = p.text
    assert "Bạn đã được khen thưởng:" in text
    assert "• Giấy khen của Chủ tịch UBND xã, QĐ số 125/QĐ-UBND ngày 05/11/2024" in text
    assert "QĐ số 88/QĐ-UBND ngày 20/11/2023" in text  # the household's award, another campaign
    assert "310/QĐ-UBND" not in text  # a namesake in another unit
    assert text.index("125/QĐ-UBND") < text.index("88/QĐ-UBND")
    other = Player(core, "r6")  # commended for nothing
    other.say("/menu")
    other.press("mine")
    assert "Bạn đã được khen thưởng" not in other.text and "Hồ sơ của bạn" in other.text
    other.say("/menu")
    other.send(other._event(kind="choice", choice="lookup", seq=other.question.seq))  # never offered
    assert "Xin lỗi, tôi chưa hiểu" in other.text and "Xin gõ tên người" not in other.text
