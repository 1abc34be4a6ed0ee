"""Forgiving words: the way people really type on a cheap phone, read in ONE place.

- yes and no as texted: "ko", "k", "hok", "khg", "kg", "ko co"; "co", "dc", "đc", "ok", "uh", "ừ",
  "vâng", "dạ" (`yes_no`);
- numbers written in words, for money and for counts: "sáu mươi triệu", "năm chục triệu",
  "một trăm hai mươi triệu", "1 tỉ rưỡi", "mười hai" (`words_number`, `read_money`, `read_count`);
- choices by their word or ordinal forms: "thon hai", "thôn 2", "t2", "số 2" (`match_choice`);
- names in proper Vietnamese title case: "nguyễn văn bình" -> "Nguyễn Văn Bình", titles and
  kinship kept small: "cô giáo đinh thị hoa" -> "Cô giáo Đinh Thị Hoa" (`title_name`);
- several figures in one message: "8, 300, 2", "8 300m 2 25 triệu", one per line (`split_figures`);
- dates: "hôm nay", "hôm qua", "6/12", "06/12/2026" (`read_date`).

The engine's matching calls these; textutil keeps the strict readers they fall back on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from handlers.textutil import MONEY_MAX, MoneyError, fold, match_option, nfc, parse_money
from messages.model import Option

# -- yes and no -----------------------------------------------------------------------------

YES = frozenset(
    "co|c|dc|duoc|ok|oke|okay|uh|u|um|uhm|vang|da|da co|co a|vang a|da vang|phai|dung|"
    "dung roi|roi|co roi|yes|y|co chu|dong y|duoc a".split("|")
)
NO = frozenset(
    "khong|ko|k|hok|khg|kg|kh|ko co|khong co|hong|hem|khong a|ko a|da khong|chua|chua co|no|"
    "n|khong phai|ko phai|kp|k co|hk|khong bi|ko bi|k bi".split("|")
)


def yes_no(text: str) -> str | None:
    """ "yes", "no", or None for anything else. Diacritics and case do not matter."""
    key = fold(text)
    if key in YES:
        return "yes"
    if key in NO:
        return "no"
    return None


# -- numbers in words -----------------------------------------------------------------------

_DIGITS = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "nham": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
_TENS = {"muoi", "chuc"}
_SCALES = {
    "nghin": 1_000,
    "ngan": 1_000,
    "k": 1_000,
    "trieu": 1_000_000,
    "tr": 1_000_000,
    "cu": 1_000_000,
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
}
_CURRENCY = {"dong", "d", "vnd"}
_FILLER = set("khoang tam chung hon gan tren duoi la thu nhap tu co duoc du cung".split())
_NUMERAL = re.compile(r"^\d+(?:[.,]\d+)*$")


def _tokens(text: str) -> list[str]:
    """Folded words; numerals kept with their separators ("1,2", "1.200")."""
    text = nfc(text).lower()
    text = re.sub(r"(\d)([^\d\s.,])", r"\1 \2", text)  # "60tr" -> "60 tr"
    text = re.sub(r"[/:;!?()\-]", " ", text)
    out: list[str] = []
    for part in text.split():
        part = part.rstrip(".")
        if _NUMERAL.match(part):
            out.append(part)
        else:
            out.extend(fold(part).split())
    return out


def _trim(tokens: list[str]) -> list[str]:
    """Drop the words around a number: "khoảng", "tầm", "từ" before; "đồng", "một năm" after."""
    while (
        tokens
        and tokens[0] in _FILLER
        and not (
            len(tokens) > 1
            and tokens[0] in _DIGITS
            and (tokens[1] in _TENS or tokens[1] in _SCALES or tokens[1] == "tram")
        )
    ):
        tokens = tokens[1:]
    # "/năm", "một năm", "1 năm", "mỗi tháng" after a unit: per year, not the digit 5
    while (
        len(tokens) >= 2
        and tokens[-1] in ("nam", "thang")
        and (tokens[-2] in _SCALES or tokens[-2] in _CURRENCY or tokens[-2] in ("mot", "1", "moi", "hang"))
    ):
        tokens = tokens[:-1]
        if (
            tokens
            and tokens[-1] in ("mot", "1", "moi", "hang")
            and len(tokens) >= 2
            and (tokens[-2] in _SCALES or tokens[-2] in _CURRENCY)
        ):
            tokens = tokens[:-1]
    while tokens and tokens[-1] in _CURRENCY:
        tokens = tokens[:-1]
    return tokens


def _numeral(tok: str) -> Decimal | None:
    """ "12", "1,2" (a decimal comma), "1.200" and "1.200.000" (thousands groups)."""
    groups = re.split(r"[.,]", tok)
    try:
        if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]) and "," not in tok:
            return Decimal("".join(groups))
        if len(groups) == 2:
            return Decimal(f"{groups[0]}.{groups[1]}")
        return Decimal(tok) if len(groups) == 1 else None
    except InvalidOperation:
        return None


def words_number(text: str) -> Decimal | None:
    """The value of a number written in words or mixed with digits, or None.

    "sáu mươi triệu" 60e6, "năm chục triệu" 50e6, "một trăm hai mươi triệu" 120e6,
    "1 tỉ rưỡi" 1.5e9, "hai triệu rưỡi" 2.5e6, "mười hai" 12, "hai mươi mốt" 21,
    "một trăm linh năm" 105, "1 tỷ 200 triệu" 1.2e9."""
    tokens = _trim(_tokens(text))
    if not tokens:
        return None
    total = Decimal(0)
    group = Decimal(0)  # below the next scale word
    last_digit: Decimal | None = None  # the last digit said, which "mươi"/"trăm" multiply
    last_mult = 0  # what "rưỡi" halves
    seen = False
    after_scale = 0  # the scale word just said, when the token before this one was one
    for tok in tokens:
        if tok not in _SCALES:
            after_scale = 0
        if _NUMERAL.match(tok):
            d = _numeral(tok)
            if d is None:
                return None
            group += d
            last_digit, seen = d, True
        elif tok in _DIGITS:
            d = Decimal(_DIGITS[tok])
            group += d
            last_digit, seen = d, True
        elif tok in _TENS:
            if last_digit is not None and last_digit < 10:
                group += last_digit * 9  # "sáu mươi": the 6 becomes 60
            else:
                group += 10  # "mười lăm"
            last_digit, last_mult, seen = None, 10, True
        elif tok == "tram":
            if last_digit is not None and last_digit < 10:
                group += last_digit * 99
            else:
                group += 100
            last_digit, last_mult, seen = None, 100, True
        elif tok in _SCALES:
            scale = _SCALES[tok]
            if after_scale:  # "1 triệu tỷ": a million billions, not a million and a billion
                if scale <= after_scale:
                    return None
                total *= scale
            else:
                total += (group if group else Decimal(1)) * scale
            group, last_digit, last_mult, seen = Decimal(0), None, scale, True
            after_scale = scale
            continue
        elif tok in ("ruoi", "ruou"):
            if not last_mult:
                return None
            group += Decimal(last_mult) / 2 if last_mult < 1000 else 0
            if last_mult >= 1000:
                total += Decimal(last_mult) / 2
            last_mult = 0
        elif tok in ("linh", "le"):
            last_digit = None
        else:
            return None
    if not seen:
        return None
    return total + group


_NEGATIVE = re.compile(r"(?:^|\s)[-\u2212\u2013]\s*\d")  # a minus (or a dash typed for one) before a number


def read_money(text: str) -> int:
    """VND from digits ("60tr", "1,2 tỷ") or words ("sáu mươi triệu", "1 tỉ rưỡi"), under the
    same ceiling as digits. A negative amount ("-5tr") is refused, not read without its sign."""
    if _NEGATIVE.search(nfc(text)):
        raise MoneyError("range")
    try:
        return parse_money(text)
    except MoneyError as first:
        if str(first) == "too_big":
            raise
        value = words_number(text)
        has_scale = any(t in _SCALES for t in _tokens(text))
        if value is None or not has_scale:
            raise first from None
        if value <= 0:
            raise MoneyError("range") from None
        if value > MONEY_MAX:
            raise MoneyError("too_big") from None
        return int(value)


def read_count(text: str, unit: str = "") -> int | None:
    """A count: "12", "1.200", "300m", "300 m", "12 hộ", "mười hai"; None when unclear."""
    raw = nfc(text).strip().rstrip(".")
    if unit:
        u = re.escape(fold(unit))
        folded = fold(raw.replace(".", "").replace(",", ""))
        folded = re.sub(rf"\s*{u}$", "", folded) if u else folded
    else:
        folded = fold(raw.replace(".", "").replace(",", ""))
    folded = re.sub(r"^(\d+)\s*[a-z]{1,2}$", r"\1", folded)  # "300m", "12h"
    if folded.isdigit():
        return int(folded) if len(folded) <= 12 else None
    value = words_number(folded)
    if value is None or value != value.to_integral_value() or value < 0:
        return None
    return int(value)


# -- choices --------------------------------------------------------------------------------

_ORDINAL = re.compile(r"^(?:so|thu|cau|muc|lua chon|chon)\s+(.+)$")


def _digits_for_words(key: str) -> str:
    """ "thon hai" -> "thon 2": number words at the end become digits."""
    parts = key.split()
    for cut in range(len(parts)):
        tail = " ".join(parts[cut:])
        value = words_number(tail) if not tail.isdigit() else None
        if value is not None and value == value.to_integral_value() and 0 < value < 1000:
            return " ".join([*parts[:cut], str(int(value))])
    return key


def match_choice(
    answer: str, options: Sequence[Option], aliases: dict[str, Sequence[str]] | None = None
) -> Option | None:
    """match_option, forgiving: yes/no as texted, "số 2"/"thứ hai" for option 2, "thon hai" and
    "t2" for «Thôn 2»."""
    opt = match_option(answer, options, aliases)
    if opt is not None:
        return opt
    key = fold(answer)
    if not key:
        return None
    values = {o.value for o in options}
    yn = yes_no(answer)
    if yn is not None and {"yes", "no"} <= values:
        return next(o for o in options if o.value == yn)
    if yn is not None and len(options) == 2:  # «Vẫn gửi / Sửa thu nhập»: the first one goes on
        return options[0] if yn == "yes" else options[1]
    m = _ORDINAL.match(key)
    if m:
        n = m.group(1) if m.group(1).isdigit() else _digits_for_words(m.group(1))
        if n.isdigit():
            return match_option(n, options)
    words = _digits_for_words(key)
    if words != key:
        opt = match_option(words, options, aliases)
        if opt is not None:
            return opt
        if words.isdigit():
            return match_option(words, options)
    m = re.fullmatch(r"([a-z]{1,3})\s*(\d{1,3})", key)  # "t2", "th 2" -> «Thôn 2»
    if m:
        letters, number = m.groups()
        hits = [o for o in options if re.fullmatch(rf"{letters}\w*\s+0*{number}", fold(o.label))]
        if len(hits) == 1:
            return hits[0]
    return None


# -- names ----------------------------------------------------------------------------------

# titles and kinship that may open a name, folded; a phrase of several words is matched whole
# ("gia đình", "cô giáo"), so a surname that folds like one of its words ("Đinh") stays a name
_TITLES = tuple(
    tuple(p.split())
    for p in (
        "ho gia dinh",
        "gia dinh",
        "co giao",
        "thay giao",
        "bac si",
        "y si",
        "y ta",
        "duoc si",
        "ky su",
        "nghe nhan",
        "cu ong",
        "cu ba",
        "ho",
        "ong",
        "ba",
        "anh",
        "chi",
        "co",
        "chu",
        "bac",
        "em",
        "thay",
        "cu",
        "me",
        "bo",
        "chau",
    )
)
_JOINS = {"va", "cua", "voi"}  # "Hộ ông A và bà B": a title may follow again


def _title_at(folded: list[str], i: int) -> int:
    """How many words of a title begin at position i (0 when none)."""
    for phrase in sorted(_TITLES, key=len, reverse=True):
        if tuple(folded[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def title_name(text: str) -> str:
    """Proper Vietnamese title case: every word of the name capitalised ("nguyễn văn bình" ->
    "Nguyễn Văn Bình"); the titles and kinship words that open it stay small after the first
    word ("Hộ ông Hoàng Văn Tư", "Cô giáo Đinh Thị Hoa", "Bác sĩ Lê Văn Anh"), and so do "và",
    "của"; a word typed with capitals inside ("TNHH", "McDonald") is left as typed."""
    words = nfc(text).split()
    shouting = all(not c.islower() for c in text if c.isalpha())
    folded = [fold(w) for w in words]
    small: set[int] = set()
    i, in_title = 0, True
    while i < len(words):
        n = _title_at(folded, i) if in_title else 0
        if n:
            small.update(range(i, i + n))
            i += n
            continue
        if folded[i] in _JOINS and i > 0:
            small.add(i)
            in_title = True
        else:
            in_title = False
        i += 1
    out = []
    for i, w in enumerate(words):
        if shouting:
            w = w.lower()
        if i > 0 and i in small:
            out.append(w.lower())
        elif any(c.isupper() for c in w[1:]):
            out.append(w[0].upper() + w[1:])
        else:
            out.append(w[:1].upper() + w[1:].lower())
    return " ".join(out)


# -- several figures in one message -------------------------------------------------------------

_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*[^\d\s]{0,6}$")  # "8", "1.200", "300m", "2,5ha"
_GAP = {"-", "--", "x", "bq"}  # a figure left out


def _gap(tok: str) -> bool:
    return tok in _GAP or fold(tok) in _GAP


def split_figures(text: str, n: int) -> list[str]:
    """The answers of a message that gives several figures in order (n are expected). Lines, «;»
    and «, » separate; the figures may also be separated by spaces, a unit word going with the
    number before it: "8 300m 2 25 triệu 1 - 3". The caller compares the length with n."""
    pieces = [p.strip() for p in re.split(r"\n|;|,(?=\s)|,$", text) if p.strip()]
    if len(pieces) == n:
        return pieces
    items: list[str] = []
    for piece in pieces:
        for tok in piece.split():
            if _NUMBER.match(tok) or _gap(tok):
                items.append(tok)
            elif items and not _gap(items[-1]):
                items[-1] = f"{items[-1]} {tok}"  # "25 triệu", "12 hộ": the unit of the number
            else:
                return pieces  # words that belong to no figure: read as written
    return items


# -- dates ------------------------------------------------------------------------------------

_DAYS_AGO = {"hom nay": 0, "nay": 0, "bua nay": 0, "hom qua": 1, "qua": 1, "hom kia": 2}
_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?")


def read_date(text: str, today: date) -> date | None:
    """A date as people write it: "hôm nay", "hôm qua", "6/12" (this year), "06/12/2026",
    "6-12-26", "ngày 6/12"; None when it is not one."""
    if fold(text) in _DAYS_AGO:
        return today - timedelta(days=_DAYS_AGO[fold(text)])
    raw = re.sub(r"^(ngày|ngay)\s+", "", nfc(text).strip(" .").lower())
    m = _DATE.fullmatch(raw)
    if not m:
        return None
    d, mth = int(m.group(1)), int(m.group(2))
    y = int(m.group(3)) if m.group(3) else today.year
    if y < 100:
        y += 2000
    try:
        return date(y, mth, d)
    except ValueError:
        return None
