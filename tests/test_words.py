"""Forgiving words (handlers/words.py): the way people really type, one table per kind."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.textutil import MoneyError
from handlers.words import match_choice, read_count, read_date, read_money, split_figures, title_name, yes_no
from messages.model import Option

YES_NO = (
    [(w, "no") for w in ("ko", "k", "hok", "khg", "kg", "ko co", "không", "KHONG", "chưa", "Không ạ")]
    + [(w, "yes") for w in ("co", "có", "dc", "đc", "được", "ok", "OK", "uh", "ừ", "vâng", "dạ", "Dạ có")]
    + [(w, None) for w in ("", "có lẽ", "60 triệu", "thôn 1")]
)


@pytest.mark.parametrize("text,value", YES_NO)
def test_yes_and_no_as_texted(text, value):
    assert yes_no(text) == value


MONEY_WORDS = [
    ("sáu mươi triệu", 60_000_000),
    ("sau muoi trieu", 60_000_000),
    ("năm chục triệu", 50_000_000),
    ("nam chuc trieu", 50_000_000),
    ("một trăm hai mươi triệu", 120_000_000),
    ("mot tram hai muoi trieu", 120_000_000),
    ("1 tỉ rưỡi", 1_500_000_000),
    ("1 ti ruoi", 1_500_000_000),
    ("1,2 tỷ", 1_200_000_000),
    ("hai triệu rưỡi", 2_500_000),
    ("1 tỷ 200 triệu", 1_200_000_000),
    ("khoảng sáu mươi lăm triệu một năm", 65_000_000),
    ("tầm tám mươi triệu", 80_000_000),
    ("mười lăm triệu/năm", 15_000_000),
    ("60tr", 60_000_000),
    ("60.000.000 đ", 60_000_000),
]


@pytest.mark.parametrize("text,value", MONEY_WORDS)
def test_money_in_words_with_or_without_diacritics(text, value):
    assert read_money(text) == value


@pytest.mark.parametrize("text", ["sáu mươi", "60", "nhiều lắm", "rưỡi triệu", "60 con bò"])
def test_money_without_a_unit_or_a_number_is_still_refused(text):
    with pytest.raises(MoneyError):
        read_money(text)


COUNTS = [
    ("12", 12),
    ("1.200", 1200),
    ("300m", 300),
    ("300 m", 300),
    ("12 hộ", 12),
    ("mười hai", 12),
    ("hai mươi mốt", 21),
    ("một trăm linh năm", 105),
    ("ba trăm", 300),
    ("abc", None),
    ("12 con", None),
]


@pytest.mark.parametrize("text,value", COUNTS)
def test_counts_in_digits_or_words(text, value):
    assert read_count(text, "hộ") == value


VILLAGES = [Option(f"T0{i}", f"Thôn {i}") for i in range(1, 6)]


@pytest.mark.parametrize(
    "text,code",
    [
        ("thon hai", "T02"),
        ("thôn 2", "T02"),
        ("t2", "T02"),
        ("T 3", "T03"),
        ("số 4", "T04"),
        ("thứ năm", "T05"),
        ("Thôn Ba", "T03"),
        ("2", "T02"),
        ("thon 9", None),
    ],
)
def test_choices_by_word_and_ordinal_forms(text, code):
    opt = match_choice(text, VILLAGES)
    assert (opt.value if opt else None) == code


def test_yes_no_choices_take_the_texted_forms():
    yn = [Option("yes", "Có"), Option("no", "Không")]
    assert [match_choice(w, yn).value for w in ("ko", "hok", "dc", "ừ", "1", "2")] == [
        "no",
        "no",
        "yes",
        "yes",
        "yes",
        "no",
    ]


@pytest.mark.parametrize(
    "text,name",
    [
        ("nguyễn văn bình", "Nguyễn Văn Bình"),
        ("NGUYỄN VĂN BÌNH", "Nguyễn Văn Bình"),
        ("nguyen van binh", "Nguyen Van Binh"),
        ("hộ ông hoàng văn tư", "Hộ ông Hoàng Văn Tư"),
        ("ho ong hoang van tu", "Ho ong Hoang Van Tu"),
        ("Lộc văn nam", "Lộc Văn Nam"),
    ],
)
def test_names_are_stored_in_title_case(text, name):
    assert title_name(text) == name


def test_a_name_typed_in_lower_case_is_stored_in_title_case(player, db):
    from storage.models import Member

    from .conftest import register_resident, rows

    register_resident(player, name="nguyễn văn bình")
    assert "Cảm ơn Nguyễn Văn Bình (Thôn 1)" in player.text
    assert [m.full_name for m in rows(db, Member)] == ["Nguyễn Văn Bình"]


@pytest.mark.parametrize(
    "text,why",
    [("1 triệu tỷ", "too_big"), ("một triệu tỷ", "too_big"), ("-5tr", "range"), ("- 5 triệu", "range")],
)
def test_a_million_billions_and_a_negative_amount_are_refused(text, why):
    with pytest.raises(MoneyError) as refused:
        read_money(text)
    assert str(refused.value) == why


@pytest.mark.parametrize(
    "text,name",
    [
        ("cô giáo đinh thị hoa", "Cô giáo Đinh Thị Hoa"),
        ("Cô giáo Đinh Thị Hoa", "Cô giáo Đinh Thị Hoa"),
        ("thầy giáo lê văn anh", "Thầy giáo Lê Văn Anh"),
        ("bác sĩ nông văn hải", "Bác sĩ Nông Văn Hải"),
        ("hộ gia đình ông lò văn sơn", "Hộ gia đình ông Lò Văn Sơn"),
        ("hộ ông hoàng văn tư và bà nông thị hoa", "Hộ ông Hoàng Văn Tư và bà Nông Thị Hoa"),
        ("bà hoàng thị lan", "Bà Hoàng Thị Lan"),
        ("chị lương thị cúc", "Chị Lương Thị Cúc"),
        ("lê văn anh", "Lê Văn Anh"),
        ("đinh văn bảy", "Đinh Văn Bảy"),
    ],
)
def test_titles_and_kinship_stay_as_written_in_lower_case(text, name):
    assert title_name(text) == name


ELEVEN = ["8", "300", "2", "1", "-", "350m", "400", "45 triệu", "-", "2", "1"]


@pytest.mark.parametrize(
    "text,items",
    [
        ("8, 300, 2, 1, -, 350m, 400, 45 triệu, -, 2, 1", ELEVEN),
        ("8 300 2 1 - 350m 400 45 triệu - 2 1", ELEVEN),
        ("8; 300; 2; 1; -; 350m; 400; 45 triệu; -; 2; 1", ELEVEN),
        ("\n".join(ELEVEN), ELEVEN),
        ("8,300,2", ["8,300,2"]),  # thousands, not three figures
        ("8 300 2", ["8", "300", "2"]),
        ("8, 300\n2 1", ["8", "300", "2", "1"]),
        ("1,5 ha 2", ["1,5 ha", "2"]),
    ],
)
def test_figures_separated_as_people_type_them(text, items):
    assert split_figures(text, 11) == items


TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    "text,day",
    [
        ("hôm nay", TODAY),
        ("Hom nay", TODAY),
        ("hôm qua", date(2026, 12, 5)),
        ("hôm kia", date(2026, 12, 4)),
        ("6/12", TODAY),
        ("ngày 6/12", TODAY),
        ("06/12/2026", TODAY),
        ("6-12-2026", TODAY),
        ("6.12.26", TODAY),
        ("30/11/2024", date(2024, 11, 30)),
        ("31/11/2026", None),
        ("mai", None),
        ("6", None),
    ],
)
def test_dates_as_people_write_them(text, day):
    assert read_date(text, TODAY) == day


@pytest.mark.parametrize(
    "text,value",
    [
        ("ok", "send"),
        ("ko", "fix"),
        ("dc", "send"),
        ("không", "fix"),
        ("1", "send"),
        ("2", "fix"),
        ("hmm", None),
    ],
)
def test_yes_and_no_go_onto_a_two_way_choice_whose_first_option_goes_on(text, value):
    opts = [Option("send", "Vẫn gửi"), Option("fix", "Sửa thu nhập")]
    opt = match_choice(text, opts)
    assert (opt.value if opt else None) == value
