"""Hostile input — formulas in the workbook, blank names, absurd sums."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlmodel import Session

from documents import write_workbook
from storage.models import Member

from .conftest import nominate_household, register_resident, rows

EVIL = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'


def test_a_nominee_that_looks_like_a_formula_is_text_in_the_workbook(player, db, campaign, tmp_path):
    """ "=...", "+...", "-...", "@..." stay text, never formula cells."""
    register_resident(player)
    nominate_household(player, nominee=EVIL)
    nominate_household(player, nominee="@SUM(1+1)*cmd|' /C calc'!A0")
    nominate_household(player, nominee="+84 Hộ ông Tư")
    nominate_household(player, nominee="-1+1 Hộ bà Hoa")
    with Session(db, expire_on_commit=False) as s:
        result = write_workbook(s, campaign, tmp_path / "x.xlsx")
    sheet = load_workbook(result.path)["Đề cử - Đề nghị"]
    header = [c.value for c in sheet[1]]
    col = header.index("Tên tập thể, cá nhân")
    cells = [row[col] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [
        EVIL,
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+84 Hộ ông Tư",
        "-1+1 Hộ bà Hoa",
    ]
    for c in cells:
        assert c.data_type == "s" and isinstance(c.value, str), (c.value, c.data_type)
        assert c.quotePrefix  # Excel keeps it text when someone edits the cell
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_a_name_of_blank_hangul_fillers_is_refused(player, db):
    """U+3164 is a "letter" to Python but shows as nothing."""
    player.say("/start")
    player.press("register")
    player.say("\u3164\u3164\u3164")
    assert "Đăng ký xong" not in player.text
    player.say("\u3164 \u3164")
    assert "Đăng ký xong" not in player.text
    player.say("Nguyễn Văn Bình")
    player.say("1")
    player.say("bo qua")
    assert "Đăng ký xong" in player.text
    assert [m.full_name for m in rows(db, Member)] == ["Nguyễn Văn Bình"]


def test_an_income_above_100_billion_a_year_is_refused_with_an_explanation(player):
    """10^15 đồng a year is no household's income: the question is asked again with the limit."""
    register_resident(player)
    player.press("nominate")
    for line in (
        "Hộ ông Hoàng Văn Tư",
        "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn.",
        "ok",
    ):
        player.say(line)
    question = player.question.text
    player.say("1.000.000.000.000.000")
    assert "100 tỷ" in player.text and question in player.text  # why, and the same question
    player.say("150 tỷ")
    assert "100 tỷ" in player.text
    player.say("60 triệu")
    assert "100 tỷ" not in player.text
