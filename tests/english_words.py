"""English words and raw keys that must never reach a user: the scans of rendered pages,
documents and the workbook look for them (whole words; None/True/False as written)."""

from __future__ import annotations

import re

ENGLISH_WORDS = (
    "individual",
    "collective",
    "household",
    "console",
    "web",
    "submitted",
    "approved",
    "rejected",
    "awarded",
    "shortlisted",
    "pending",
    "None",
    "True",
    "False",
)
# a catalog or audit key left untranslated: «invite.use.role», «status.approved»
DOTTED_KEY = re.compile(r"(?<![\w./:])[a-z_]+(?:\.[a-z_]+)+(?![\w/])")
_WORD = re.compile(r"[A-Za-z]+")
_CASED = {"None", "True", "False"}


def english_in(text: str) -> list[str]:
    """The English words and raw keys found in `text`."""
    found = list(DOTTED_KEY.findall(text))
    lower = {w for w in ENGLISH_WORDS if w not in _CASED}
    for word in _WORD.findall(text):
        if word in _CASED or word.lower() in lower:
            found.append(word)
    return found
