"""Several figures in one message: "1) 12 2) 5 3) 300m …", or one figure per line in the order
shown, or separated by commas, semicolons or spaces ("8, 300, 2 …", "8 300m 2 25 triệu …",
words.split_figures). A «-» (or «bo qua») leaves a figure out; on an update it keeps the value reported before."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from domain.campaign import Content, Figure
from handlers.engine import Invalid
from handlers.textutil import MoneyError, fold
from handlers.words import read_count, read_money, split_figures
from messages.catalog import t

_MARK = re.compile(r"(?:^|(?<=\s))(\d{1,2})\s*[).:]\s+|(?:^|(?<=\s))(\d{1,2})\)")
_SKIP = {"-", "--", "x", "bo qua", "bq", "khong co", "ko co", "k co", "chua co"}


def _split(raw: str, n: int) -> list[str]:
    """The answers in order, one per figure ("" where none was given)."""
    text = raw.strip()
    marks = list(_MARK.finditer(text))
    if marks and marks[0].start() == 0:
        out = [""] * n
        for i, m in enumerate(marks):
            index = int(m.group(1) or m.group(2))
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            if not 1 <= index <= n:
                raise Invalid(t("rep.figures_count", got=index, n=n))
            out[index - 1] = text[m.end() : end].strip().rstrip(",;")
        return out
    lines = split_figures(text, n)
    if len(lines) != n:
        raise Invalid(t("rep.figures_count", got=len(lines), n=n))
    return lines


def read_figures(raw: str, figures: Sequence[tuple[Content, Figure]]) -> dict[str, dict[str, Any]]:
    """{content key: {figure key: value}} for the figures given (left-out ones absent)."""
    out: dict[str, dict[str, Any]] = {}
    for i, (text, (content, fig)) in enumerate(zip(_split(raw, len(figures)), figures, strict=True), 1):
        if not text or fold(text) in _SKIP or text in _SKIP:
            continue
        value: int | None
        if fig.kind == "money":
            try:
                value = read_money(text)
            except MoneyError:
                value = read_count(text) if fold(text).isdigit() else None
        else:
            value = read_count(text, fig.unit)
        if value is None:
            raise Invalid(t("rep.figures_bad", i=i, label=fig.label, value=text[:40]))
        out.setdefault(content.key, {})[fig.key] = value
    return out
