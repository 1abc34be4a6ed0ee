"""Inline keyboards for questions, and the callback data their buttons carry.

A button carries "{seq}|{value}" (the question's number and the chosen value; the core
checks both again). A value too long for Telegram's 64 bytes is kept here and the button
carries "{seq}#{index}" instead.
"""

from __future__ import annotations

from collections import OrderedDict

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from messages.model import Question

DATA_LIMIT = 64  # bytes of callback_data
SELECTED = "✅ "
KEEP = 5000  # long values remembered (the most recent)


def parse_data(data: str) -> tuple[int, str | None, int | None] | None:
    """callback_data "seq|value" or "seq#index" -> (seq, value, index)."""
    for sep in ("|", "#"):
        seq, found, rest = data.partition(sep)
        if found and seq.lstrip("-").isdigit():
            if sep == "|":
                return int(seq), rest, None
            if rest.isdigit():
                return int(seq), None, int(rest)
    return None


class Keyboards:
    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._long: OrderedDict[tuple[str, int, int], str] = OrderedDict()

    def keyboard(self, chat_id: str, q: Question) -> InlineKeyboardMarkup | None:
        if not (q.options or q.nav):
            return None
        rows: list[list[InlineKeyboardButton]] = []
        for i, o in enumerate(q.options):
            label = f"{SELECTED}{o.label}" if q.multi and o.selected else o.label
            rows.append([InlineKeyboardButton(label, callback_data=self._data(chat_id, q, i, o.value))])
        nav = [
            InlineKeyboardButton(o.label, callback_data=self._data(chat_id, q, len(q.options) + j, o.value))
            for j, o in enumerate(q.nav)
        ]
        rows.extend(nav[k : k + 2] for k in range(0, len(nav), 2))
        return InlineKeyboardMarkup(rows)

    def long_value(self, chat_id: str, seq: int, index: int) -> str | None:
        """The value behind a "{seq}#{index}" button this process drew, else None."""
        return self._long.get((chat_id, seq, index))

    def _data(self, chat_id: str, q: Question, index: int, value: str) -> str:
        data = f"{q.seq}|{value}"
        if len(data.encode("utf-8")) <= DATA_LIMIT:
            return data
        self._long[(chat_id, q.seq, index)] = value
        while len(self._long) > self.keep:
            self._long.popitem(last=False)
        return f"{q.seq}#{index}"
