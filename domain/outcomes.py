"""How an outcome is told to the person it concerns: plain words from the catalog, and the
reason only when there is one and the news is not good (an approval's note is no reason)."""

from __future__ import annotations

from messages.catalog import t

GOOD_NEWS = frozenset({"approved", "shortlisted", "awarded"})


def outcome_text(key: str, *, reason: str | None = None, good: bool = False, **values: object) -> str:
    """An outcome told in plain words: the catalog text `key`, then «Lý do: …» only when there
    is a reason and the news is not good (an approval's note is not a reason)."""
    text = t(key, **values)
    if reason and not good:
        text = f"{text} {t('mine.reason', reason=reason).strip()}"
    return text
