"""Reading what people type: money, phone numbers, choices without diacritics, splitting."""

from __future__ import annotations

import pytest

from handlers.textutil import (
    MoneyError,
    clean,
    fold,
    match_option,
    parse_money,
    parse_numbers,
    parse_phone,
)
from messages.format import format_money
from messages.model import Option
from messages.render import split_text

MONEY = [
    ("60 triệu", 60_000_000),
    ("60 trieu", 60_000_000),
    ("60tr", 60_000_000),
    ("60 TR", 60_000_000),
    ("60.000.000", 60_000_000),
    ("60,000,000", 60_000_000),
    ("60 000 000", 60_000_000),
    ("60000000", 60_000_000),
    ("60.000.000đ", 60_000_000),
    ("60.000.000 VNĐ", 60_000_000),
    ("khoảng 60 triệu đồng/năm", 60_000_000),
    ("1,2 tỷ", 1_200_000_000),
    ("1,2 ty", 1_200_000_000),
    ("1.5 tỉ", 1_500_000_000),
    ("60,5 triệu", 60_500_000),
    ("60.5tr", 60_500_000),
    ("60tr5", 60_500_000),
    ("1.200 triệu", 1_200_000_000),
    ("500k", 500_000),
    ("750 nghìn", 750_000),
    ("45 triệu", 45_000_000),
]


@pytest.mark.parametrize("text,value", MONEY)
def test_money_is_read_the_way_people_write_it(text, value):
    assert parse_money(text) == value


@pytest.mark.parametrize(
    "text", ["", "nhiều", "60", "60.000", "60 con bò", "1,2,3 tỷ", "-5 triệu", "sáu mươi triệu"]
)
def test_unclear_money_is_refused(text):
    with pytest.raises(MoneyError):
        parse_money(text)


@pytest.mark.parametrize(
    "value,text",
    [
        (60_000_000, "60 triệu đồng"),
        (1_200_000_000, "1,2 tỷ đồng"),
        (60_500_000, "60,5 triệu đồng"),
        (750_000, "750.000 đồng"),
    ],
)
def test_money_is_shown_the_vietnamese_way(value, text):
    assert format_money(value) == text


@pytest.mark.parametrize(
    "text,phone",
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("123", None),
        ("abc", None),
    ],
)
def test_phone_numbers(text, phone):
    assert parse_phone(text) == phone


CATEGORIES = [
    Option("collective", "Tập thể (cơ quan, đơn vị, thôn)"),
    Option("household", "Hộ gia đình, nông dân, người lao động"),
    Option("enterprise", "Doanh nghiệp, doanh nhân"),
]
ALIASES = {"household": ["Hộ gia đình", "Nông dân"], "enterprise": ["Doanh nghiệp"]}


@pytest.mark.parametrize(
    "typed,value",
    [
        ("2", "household"),
        ("ho gia dinh", "household"),
        ("Hộ gia đình", "household"),
        ("HO GIA DINH", "household"),
        ("nong dan", "household"),
        ("  doanh nghiep ", "enterprise"),
        ("Hộ gia đình, nông dân, người lao động", "household"),
        ("tap the", "collective"),
        ("doanh", "enterprise"),
        ("3.", "enterprise"),
    ],
)
def test_choices_by_number_label_or_words_without_diacritics(typed, value):
    assert match_option(typed, CATEGORIES, ALIASES).value == value


@pytest.mark.parametrize("typed", ["4", "0", "ho", "xyz", ""])
def test_unknown_or_ambiguous_choices_match_nothing(typed):
    assert match_option(typed, CATEGORIES, ALIASES) is None


def test_fold_and_clean():
    assert fold("Đoàn Thanh niên, xã!") == "doan thanh nien xa"
    decomposed = "Nguye\u0302\u0303n"  # NFD input from some keyboards
    assert clean(f"  {decomposed}   Văn  A ") == "Nguyễn Văn A"
    assert parse_numbers("1, 3,4") == [1, 3, 4] and parse_numbers("1 va 3") == [1, 3]
    assert parse_numbers("1 hai") is None


def test_split_text_keeps_lines_and_limits():
    text = "\n".join(f"Dòng {i}: " + "x" * 90 for i in range(30))
    parts = split_text(text, 2000)
    assert len(parts) == 2 and all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts) == text
    long_line = "từ " * 1500
    assert all(len(p) <= 2000 for p in split_text(long_line, 2000))
