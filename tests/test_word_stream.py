"""The streamed Word list (rows read a chunk at a time, the tables' rows written into the
document as they come) says what the file pinned in tests/fixtures/list_seeded.json says,
paragraph by paragraph and cell by cell (first written by the python-docx version that held
every row in the tree; written again when the printed layout changes on purpose) from the
same seeded campaign (tests/seeding.py, seed 3, 120 submissions with
odd rows, plus the stray rows below), for the default statuses and for a status filter. The
achievement reports likewise (tests/fixtures/reports_seeded.json): all of them, and one by
reference."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import Session

from documents import write_list, write_reports
from storage.models import Submission

from .conftest import IN_CAMPAIGN
from .docx_content import content
from .seeding import populate

FIXTURE = Path(__file__).parent / "fixtures" / "list_seeded.json"
REPORTS = Path(__file__).parent / "fixtures" / "reports_seeded.json"
FILTERS = {"default": None, "approved": ["approved"]}


def add_strays(engine, campaign) -> None:
    """Rows the grouping must place as before: an award the campaign file no longer names,
    no award at all, an empty shortlist beside a proposed award, a category it does not
    name (two of them, seen in this order), no category."""
    at = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)
    base = dict(
        campaign_code=campaign.code,
        kind="nomination",
        status="approved",
        submitter_id=1,
        unit_code=campaign.units[0].code,
        contents=[],
        answers={},
        flags=[],
        version=1,
        created_at=at,
        submitted_at=at,
        updated_at=at,
        achievements="Giúp đỡ <hộ> nghèo & cận nghèo.",
        shortlist_award=None,
    )
    award = campaign.awards[0].key
    cat = campaign.categories[0].key
    rows = [
        dict(ref="DC-9001", nominee="Ông A (giải cũ)", category=cat, proposed_award="retired"),
        dict(ref="DC-9002", nominee="Bà B (chưa có giải)", category="zz_new", proposed_award=None),
        dict(ref="DC-9003", nominee="  Ông C  ", category=cat, proposed_award=award, shortlist_award=""),
        dict(ref="DC-9004", nominee="Hộ D", category="aa_old", proposed_award=None),
        dict(ref="DC-9005", nominee=None, category=None, proposed_award=award),
        dict(ref="DC-9006", nominee="Hộ E", category="zz_new", proposed_award=award, status="awarded"),
    ]
    with engine.begin() as conn:
        # ids given: the seeded rows carry theirs (PostgreSQL's sequence has not moved)
        conn.execute(
            insert(Submission.__table__), [{**base, **r, "id": 9001 + i} for i, r in enumerate(rows)]
        )


def seeded(engine, campaign) -> None:
    populate(engine, campaign, 120, seed=3, odd=True)
    add_strays(engine, campaign)


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(FILTERS))
def test_streamed_list_says_what_the_previous_one_said(db, campaign, tmp_path, expected, name):
    seeded(db, campaign)
    kw = {} if FILTERS[name] is None else {"statuses": FILTERS[name]}
    with Session(db) as s:
        res = write_list(s, campaign, tmp_path / "list.docx", now=IN_CAMPAIGN, **kw)
    want = expected[name]
    assert (res.rows, res.tables) == (want["rows"], want["tables"])
    got = content(res.path)
    assert got["page"] == want["content"]["page"] and got["title"] == want["content"]["title"]
    blocks, old = got["blocks"], want["content"]["blocks"]
    assert len(blocks) == len(old)
    for n, (a, b) in enumerate(zip(blocks, old)):
        assert a == b, f"block {n}"


def test_streamed_list_on_postgresql_says_the_same(pg_db, campaign, tmp_path, expected):
    seeded(pg_db, campaign)
    with Session(pg_db) as s:
        res = write_list(s, campaign, tmp_path / "pg.docx", now=IN_CAMPAIGN, chunk=7)
    assert content(res.path)["blocks"] == expected["default"]["content"]["blocks"]


def test_streamed_list_is_a_sound_file_across_chunk_borders(db, campaign, tmp_path, expected):
    """Rows read 7 at a time and written 5 at a time: the same document; every part of the
    zip reads back with its checksum."""
    seeded(db, campaign)
    with Session(db) as s:
        res = write_list(s, campaign, tmp_path / "small.docx", now=IN_CAMPAIGN, chunk=7)
    with zipfile.ZipFile(res.path) as z:
        assert z.testzip() is None
        assert z.namelist()[0] == "[Content_Types].xml"
    assert content(res.path)["blocks"] == expected["default"]["content"]["blocks"]


@pytest.fixture(scope="module")
def reports() -> dict:
    return json.loads(REPORTS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["all", "one", "stray"])
def test_streamed_reports_say_what_the_previous_ones_said(db, campaign, tmp_path, reports, name):
    seeded(db, campaign)
    want = reports[name]
    with Session(db) as s:
        res = write_reports(s, campaign, tmp_path / "reports.docx", now=IN_CAMPAIGN, ref=want["ref"])
    assert res.rows == want["rows"]
    got = content(res.path)
    assert got["page"] == want["content"]["page"] and got["title"] == want["content"]["title"]
    blocks, old = got["blocks"], want["content"]["blocks"]
    assert len(blocks) == len(old)
    for n, (a, b) in enumerate(zip(blocks, old)):
        assert a == b, f"block {n}"
