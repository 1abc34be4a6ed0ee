"""English words and raw keys that must never reach a page, a document or a message people
read: status, kind, role and category keys, Python values and the console's own vocabulary.
Whole words; the web pages' scan (tests/test_web_words.py), the documents' and the workbook's
scans use this one list (`english_in` finds them in a text; None/True/False as written)."""

from __future__ import annotations

import re

ENGLISH_WORDS = [
    # kinds, groups and categories as stored
    "nomination",
    "proposal",
    "report",
    "individual",
    "collective",
    "household",
    "commune",
    "district",
    # statuses as stored
    "draft",
    "submitted",
    "under_review",
    "needs_info",
    "approved",
    "rejected",
    "withdrawn",
    "shortlisted",
    "awarded",
    "pending",
    "sent",
    "failed",
    "unreachable",
    # roles as stored
    "resident",
    "staff",
    "admin",
    "council",
    # the console's and the code's words
    "console",
    "web",
    "status",
    "kind",
    "channel",
    "error",
    "None",
    "True",
    "False",
    "null",
    "undefined",
    "nan",
    "agree",
    "disagree",
    "abstain",
    "more_info",
    "yes",
]

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
