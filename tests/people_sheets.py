"""The office's spreadsheet as a clerk fills it: the template written by the bot, opened in
openpyxl (as Excel or LibreOffice would), rows typed under the headers, saved."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from documents.people_sheet import FIRST_ROW, write_template

PEOPLE = [
    ("Hoàng Văn Trưởng", "0912 345 678", "Trưởng thôn", "Thôn Bản Mới"),
    ("Lý Thị Văn Phòng", "0987654321", "Cán bộ Văn phòng", "VPTK"),
    ("Nông Văn Hội", "+84 977 111 222", "Thành viên Hội đồng", ""),
]
NEW_UNITS = [("T20", "Thôn Bản Mới", "Thôn")]


def filled(campaign, units=NEW_UNITS, people=PEOPLE, template: bytes | None = None) -> bytes:
    """The template with `units` added under the stored ones and `people` on «Cán bộ»."""
    book = load_workbook(io.BytesIO(template or write_template(campaign.units)))
    sheet = book["Đơn vị"]
    row = FIRST_ROW
    while sheet.cell(row, 1).value:
        row += 1
    for code, name, kind in units:
        sheet.cell(row, 1, code), sheet.cell(row, 2, name), sheet.cell(row, 3, kind)
        row += 1
    sheet = book["Cán bộ"]
    for n, values in enumerate(people):
        for col, value in enumerate(values, 1):
            sheet.cell(FIRST_ROW + n, col, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
