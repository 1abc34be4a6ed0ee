"""The look-up's result as an XLSX workbook (Tra cứu khen thưởng): a title, the search in
words, then one row per award that stands, newest decision first, as the web page lists them.
Text is written as text (no formula, number or link guessed from what people typed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import xlsxwriter

from documents import items as c
from documents.texts import t
from documents.workbook import OPTIONS
from domain.lookup import Commended

COLUMNS = (
    ("stt", 6),
    ("year", 7),
    ("campaign", 36),
    ("nominee", 30),
    ("unit", 22),
    ("award", 30),
    ("number", 16),
    ("signed_on", 12),
    ("signer", 28),
    ("citation", 60),
    ("ref", 10),
)
ASKED = ("name", "unit", "year", "award")


def asked_text(asked: dict[str, str]) -> str:
    """The search in words: «tên «hoang van tu»; năm 2024», or «tất cả»."""
    parts = [t(f"lookup.asked.{k}", value=asked[k]) for k in ASKED if asked.get(k)]
    return "; ".join(parts) or t("lookup.asked.all")


def write_lookup(
    items: Sequence[Commended], out: str | Path, *, organiser: str, asked: dict[str, str]
) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out), OPTIONS)
    try:
        ws = wb.add_worksheet(t("lookup.sheet"))
        bold = wb.add_format({"bold": True, "font_size": 13})
        header = wb.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        day = wb.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
        top = wb.add_format({"valign": "top"})
        ws.write_string(0, 0, t("lookup.title", organiser=organiser.upper()), bold)
        ws.write_string(1, 0, t("lookup.asked", asked=asked_text(asked), n=len(items)))
        for i, (key, width) in enumerate(COLUMNS):
            ws.set_column(i, i, width)
            ws.write_string(3, i, t(f"lookup.col.{key}"), header)
        ws.freeze_panes(4, 0)
        for n, h in enumerate(items, 1):
            r = 3 + n
            ws.write_number(r, 0, n, top)
            ws.write_number(r, 1, h.year, top)
            for col, text in (
                (2, h.campaign),
                (3, h.nominee),
                (4, h.unit),
                (5, h.award),
                (6, h.number),
                (8, f"{h.signer_name}, {h.signer_title}" if h.signer_title else h.signer_name),
                (9, h.citation),
                (10, h.ref),
            ):
                if text:
                    ws.write_string(r, col, c.xml_safe(text), wrap)
            ws.write_datetime(r, 7, datetime.combine(h.signed_on, datetime.min.time()), day)
    finally:
        wb.close()
    return out
