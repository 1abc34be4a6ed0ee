"""The streamed workbook (XlsxWriter, rows read a chunk at a time) holds what the previous
one (openpyxl, every row loaded first) held, cell by cell: tests/fixtures/workbook_seeded.json
was first written by that code (written again when a column changes on purpose) from the same
seeded campaign (tests/seeding.py, seed 3,
120 submissions with odd rows), for the whole workbook and for a status filter."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from documents import write_workbook

from .seeding import populate

FIXTURE = Path(__file__).parent / "fixtures" / "workbook_seeded.json"
FILTERS = {"all": None, "approved": ["approved", "shortlisted"]}


def cells(path: Path) -> dict:
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        rows = [
            [
                [c.value.isoformat() if isinstance(c.value, datetime) else c.value, c.number_format]
                for c in row
            ]
            for row in ws.iter_rows()
        ]
        out[ws.title] = {
            "rows": rows,
            "freeze": ws.freeze_panes,
            "widths": widths(ws),
            "header_bold": [c.font.b for c in ws[1]],
        }
    return out


def widths(ws) -> dict[str, int]:
    """Column letter -> width (whole part); a dimension may span several columns."""
    out = {}
    for dim in ws.column_dimensions.values():
        for i in range(dim.min, dim.max + 1):
            out[get_column_letter(i)] = int(dim.width)
    return out


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(FILTERS))
def test_streamed_workbook_equals_the_previous_one_cell_by_cell(db, campaign, tmp_path, expected, name):
    populate(db, campaign, 120, seed=3, odd=True)
    with Session(db) as s:
        # small chunks: the rows cross several chunk borders
        wb = write_workbook(s, campaign, tmp_path / "out.xlsx", statuses=FILTERS[name], chunk=7)
    want = expected[name]
    assert wb.rows == want["counts"]
    got = cells(wb.path)
    assert list(got) == list(want["sheets"])
    for title, sheet in want["sheets"].items():
        mine = got[title]
        assert mine["freeze"] == sheet["freeze"]
        assert mine["header_bold"] == sheet["header_bold"]
        # XlsxWriter stores a width with its padding (6 -> 6.71): the whole part is the same
        assert mine["widths"] == {k: int(w) for k, w in sheet["widths"].items()}, title
        assert len(mine["rows"]) == len(sheet["rows"])
        for n, (a, b) in enumerate(zip(mine["rows"], sheet["rows"]), 1):
            assert a == b, f"{title} row {n}"


def test_streamed_workbook_on_postgresql_equals_the_previous_one(pg_db, campaign, tmp_path, expected):
    populate(pg_db, campaign, 120, seed=3, odd=True)
    with Session(pg_db) as s:
        wb = write_workbook(s, campaign, tmp_path / "pg.xlsx", chunk=7)
    assert wb.rows == expected["all"]["counts"]
    got = cells(wb.path)
    for title, sheet in expected["all"]["sheets"].items():
        assert got[title]["rows"] == sheet["rows"], title
