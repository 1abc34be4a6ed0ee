"""The office's spreadsheet of units and people: the template (XlsxWriter: a note above the
headers, the units already stored, drop-down lists for the kind, the role and the unit) and
reading a filled copy back (openpyxl, read-only) into rows for domain/people_import.py.

Rows are numbered as the spreadsheet shows them, so each problem can be found; blank rows
are skipped; a phone typed as a number (its leading 0 dropped by Excel) gets it back."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence

from documents.texts import t
from domain.campaign import Unit
from domain.people_import import IMPORT_ROLES, KINDS, MAX_ROWS, PersonLine, Rows, UnitLine

HEADER_ROW = 3  # 1-based: the note on row 1, the headers on row 3, data from row 4
FIRST_ROW = HEADER_ROW + 1
LIST_ROWS = 500  # rows the unit drop-down list covers on the «Đơn vị» sheet
UNIT_COLS = ("code", "unit_name", "kind")
PEOPLE_COLS = ("name", "phone", "role", "unit")
MAX_UNPACKED = 40 * 1024 * 1024  # a file that unpacks to more is no list of a commune's people


class SheetError(ValueError):
    """The file is not the template filled in (not a workbook, a sheet missing)."""


def write_template(units: Sequence[Unit]) -> bytes:
    """The template, with the stored units listed on its «Đơn vị» sheet."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    note = book.add_format({"text_wrap": True, "valign": "top", "italic": True})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    units_name, people_name = t("imp.sheet.units"), t("imp.sheet.people")

    sheet = book.add_worksheet(units_name)
    sheet.merge_range(0, 0, 1, len(UNIT_COLS) - 1, t("imp.note.units"), note)
    sheet.set_row(0, 30)
    for col, key in enumerate(UNIT_COLS):
        sheet.write(HEADER_ROW - 1, col, t(f"imp.col.{key}"), head)
    sheet.set_column(0, 0, 14, text)
    sheet.set_column(1, 1, 36, text)
    sheet.set_column(2, 2, 14, text)
    for n, unit in enumerate(units):
        row = FIRST_ROW - 1 + n
        sheet.write_string(row, 0, unit.code)
        sheet.write_string(row, 1, unit.name)
        sheet.write_string(row, 2, t(f"imp.kind.{unit.kind}"))
    last = FIRST_ROW - 1 + LIST_ROWS
    sheet.data_validation(
        FIRST_ROW - 1, 2, last, 2, {"validate": "list", "source": [t(f"imp.kind.{k}") for k in KINDS]}
    )
    sheet.freeze_panes(HEADER_ROW, 0)

    sheet = book.add_worksheet(people_name)
    sheet.merge_range(0, 0, 1, len(PEOPLE_COLS) - 1, t("imp.note.people"), note)
    sheet.set_row(0, 45)
    for col, key in enumerate(PEOPLE_COLS):
        sheet.write(HEADER_ROW - 1, col, t(f"imp.col.{key}"), head)
    sheet.set_column(0, 0, 30, text)
    sheet.set_column(1, 1, 16, text)  # text: a phone keeps its leading 0
    sheet.set_column(2, 2, 22, text)
    sheet.set_column(3, 3, 30, text)
    sheet.data_validation(
        FIRST_ROW - 1,
        2,
        FIRST_ROW - 1 + MAX_ROWS,
        2,
        {"validate": "list", "source": [t(f"imp.role.{r}") for r in IMPORT_ROLES]},
    )
    names = f"='{units_name}'!$B${FIRST_ROW}:$B${FIRST_ROW + LIST_ROWS}"
    sheet.data_validation(
        FIRST_ROW - 1, 3, FIRST_ROW - 1 + MAX_ROWS, 3, {"validate": "list", "source": names}
    )
    sheet.freeze_panes(HEADER_ROW, 0)
    book.close()
    return buf.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _phone(value: object) -> str:
    typed = _cell(value)
    if isinstance(value, (int, float)) and len(typed) == 9:  # Excel dropped the leading 0
        return "0" + typed
    return typed


def _rows(sheet, width: int) -> Iterator[tuple[int, list[object]]]:
    """(row number, the first `width` cells) of each row under the headers that is not blank."""
    for number, values in enumerate(
        sheet.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW + MAX_ROWS + 1, values_only=True), FIRST_ROW
    ):
        cells = list(values[:width]) + [None] * (width - len(values[:width]))
        if any(_cell(v) for v in cells):
            yield number, cells


def read_rows(data: bytes) -> Rows:
    """The rows of a filled template; SheetError when it is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED:
                raise SheetError(t("imp.not_xlsx"))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        if isinstance(exc, SheetError):
            raise
        raise SheetError(t("imp.not_xlsx")) from None
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that is no workbook
        raise SheetError(t("imp.not_xlsx")) from None
    try:
        wanted = {t("imp.sheet.units"): None, t("imp.sheet.people"): None}
        for name in wanted:
            if name not in book.sheetnames:
                raise SheetError(t("imp.no_sheet", sheet=name))
        units = tuple(
            UnitLine(n, _cell(c[0]), _cell(c[1]), _cell(c[2]))
            for n, c in _rows(book[t("imp.sheet.units")], len(UNIT_COLS))
        )
        people = tuple(
            PersonLine(n, _cell(c[0]), _phone(c[1]), _cell(c[2]), _cell(c[3]))
            for n, c in _rows(book[t("imp.sheet.people")], len(PEOPLE_COLS))
        )
    finally:
        book.close()
    return Rows(units=units, people=people)
