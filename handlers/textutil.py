"""Reading what people type on cheap phones: diacritics or not, money as "60tr" or "1,2 tỷ"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from domain.phones import parse_phone as parse_phone
from messages.folding import fold, nfc, strip_marks, visible_letters
from messages.model import Option

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_SPACES = re.compile(r"[ \t\u00a0]+")


def has_control(text: str) -> bool:
    return bool(_CONTROL.search(text))


def clean(text: str, *, multiline: bool = False) -> str:
    """NFC, trimmed, runs of spaces folded; newlines kept only where multiline."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    if multiline:
        out = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", out).strip()
    return " ".join(line for line in lines if line)


def letters(text: str) -> int:
    """Letters that can be seen: «ㅤㅤㅤ» (Hangul fillers) has none."""
    return visible_letters(text)


# -- choices ------------------------------------------------------------------------------


def match_option(
    answer: str,
    options: Sequence[Option],
    aliases: dict[str, Sequence[str]] | None = None,
) -> Option | None:
    """An option by its number (1-based), its label, or an alias, with or without diacritics;
    failing that, the only option whose label starts with what was typed (3+ letters)."""
    raw = answer.strip().rstrip(".")
    if raw.isdigit():
        i = int(raw)
        return options[i - 1] if 1 <= i <= len(options) else None
    key = fold(answer)
    if not key:
        return None
    aliases = aliases or {}
    for opt in options:
        names = [opt.label, opt.value, *aliases.get(opt.value, ())]
        if any(fold(n) == key for n in names):
            return opt
    if len(key) >= 3:
        # the only option whose label starts with what was typed ("doanh" -> "Doanh nghiệp"),
        # else the only one containing it as whole words ("ma moi" -> "Tôi có mã mời")
        for test in (lambda n: n.startswith(key), lambda n: f" {key} " in f" {n} "):
            hits = [o for o in options if any(test(fold(n)) for n in [o.label, *aliases.get(o.value, ())])]
            if len(hits) == 1:
                return hits[0]
            if hits:
                return None
    return None


def parse_numbers(answer: str) -> list[int] | None:
    """ "1 3 4", "1,3,4", "1;3 - 4" -> [1, 3, 4]; None when anything else is in it."""
    text = re.sub(r"\b(va|voi)\b", " ", fold(answer))  # "1 và 3"
    parts = [p for p in re.split(r"[\s,;.+\-/]+", text) if p]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


# -- money --------------------------------------------------------------------------------

_UNITS = {
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
    "b": 1_000_000_000,
    "trieu": 1_000_000,
    "tr": 1_000_000,
    "m": 1_000_000,
    "cu": 1_000_000,
    "nghin": 1_000,
    "ngan": 1_000,
    "k": 1_000,
    "dong": 1,
    "d": 1,
    "vnd": 1,
    "vnđ": 1,
}
_MONEY = re.compile(r"^(?P<num>\d[\d.,\s]*?)\s*(?P<unit>[a-z]*)\s*(?:/?\s*(?:nam|1 nam|mot nam))?$")


class MoneyError(ValueError):
    pass


MONEY_MAX = 100_000_000_000  # 100 tỷ đồng a year: more is a typing slip, not a household


def _number(text: str, has_unit: bool) -> Decimal:
    text = text.replace(" ", "")
    seps = re.findall(r"[.,]", text)
    if not seps:
        return Decimal(text)
    groups = re.split(r"[.,]", text)
    thousands = all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3
    if len(set(seps)) == 2:
        # 1.200,5 or 1,200.5: the last separator is the decimal one
        last = max(text.rfind("."), text.rfind(","))
        whole = re.sub(r"[.,]", "", text[:last])
        return Decimal(f"{whole}.{text[last + 1 :]}")
    if len(seps) > 1:
        if not thousands:
            raise MoneyError("separators")
        return Decimal("".join(groups))
    # one separator: "1,2 tỷ" and "60.5tr" are decimals; "60.000" and "1.200 triệu" are
    # thousands groups (Vietnamese writes "." between thousands and "," before decimals)
    if thousands and (not has_unit or seps[0] == "."):
        return Decimal("".join(groups))
    return Decimal(f"{groups[0]}.{groups[1]}")


def parse_money(answer: str) -> int:
    """VND from "60 triệu", "60tr", "60.000.000", "60.000.000đ", "1,2 tỷ", "500k".

    A bare number under 100.000 is refused as unclear ("60" could mean 60 triệu)."""
    text = re.sub(r"[/:;!?()]", " ", strip_marks(answer))
    text = " ".join(text.split()).rstrip(".")
    text = re.sub(r"\b(khoang|tam|chung|hon|gan|tren|duoi|thu nhap|la)\b", " ", text)
    text = re.sub(r"\b(mot nam|1 nam|nam|thang)\b", " ", text).strip()
    # "60tr5" / "1ty2": a unit between digits
    m = re.fullmatch(r"(\d+)\s*(ty|ti|trieu|tr|cu)\s*(\d{1,3})", text)
    if m:
        base, unit, rest = m.groups()
        scale = _UNITS[unit]
        return int(Decimal(base) * scale + Decimal(f"0.{rest}") * scale)
    m = re.fullmatch(r"(\d[\d.,\s]*?)\s*([a-z]*)(?:\s+dong)?", text)
    if not m:
        raise MoneyError("format")
    num, unit = m.group(1).strip(), m.group(2)
    if unit and unit not in _UNITS:
        raise MoneyError("unit")
    scale = _UNITS.get(unit, 1)
    try:
        value = _number(num, has_unit=scale > 1) * scale
    except (InvalidOperation, MoneyError):
        raise MoneyError("number") from None
    if scale == 1 and value < 100_000:
        raise MoneyError("unclear")
    if value <= 0:
        raise MoneyError("range")
    if value > MONEY_MAX:
        raise MoneyError("too_big")
    return int(value)


# -- phone: read in domain/phones.py (the office's spreadsheets are compared by the same form)


# -- names --------------------------------------------------------------------------------

_NAME_OK = re.compile(r"^[\w .'\-()]+$")


def valid_name(text: str) -> bool:
    """Letters (any script), spaces and a little punctuation; no digits-only, no SQL, no emoji;
    at least two letters that can be seen."""
    if not _NAME_OK.match(text) or "_" in text:
        return False
    if "--" in text or "''" in text:
        return False
    return visible_letters(text) >= 2
