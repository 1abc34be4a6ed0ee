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
