"""Vietnamese text folded for comparison: no case, no diacritics, đ -> d."""

from __future__ import annotations

import re
import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str) -> str:
    """Lower case, no diacritics, đ -> d; punctuation kept."""
    text = nfc(text).lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case, no diacritics, đ -> d, punctuation to spaces: "Hộ gia đình," -> "ho gia dinh"."""
    text = re.sub(r"[^\w\s]", " ", strip_marks(text))
    return " ".join(text.split())


# Letters that show as nothing (Hangul fillers): a name made of them looks blank.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def visible_letters(text: str) -> int:
    """How many letters of `text` can be seen (a Hangul filler is a letter to Unicode, and
    shows as a blank)."""
    return sum(1 for c in text if c.isalpha() and c not in BLANK_LETTERS)
