"""The console's «Tra cứu khen thưởng» (/tra-cuu): the office and the council search the awards
of every campaign (SQLite and PostgreSQL), grouped by year and campaign with the decision and
the citation; the result as an XLSX file, audited; nobody else reads it."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from storage.models import AuditLog

from .conftest import rows
from .lookup_seed import EARLIER_TITLE, store_campaigns, two_years
from .test_honours_wall import text_of
from .web_helpers import Web

NOW = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def site(engine, campaign, clock, tmp_path):
    with Session(engine, expire_on_commit=False) as s:
        people = two_years(s, NOW)
        store_campaigns(s, clock.now(), people["staff"])  # the 2024 campaign open, 2023's archived
        s.commit()
    return Web(None, engine, campaign, clock, tmp_path), {k: m.id for k, m in people.items()}


def test_the_office_finds_a_name_without_diacritics_across_years_and_campaigns(site, campaign):
    web, ids = site
    page = web.signed_in(ids["staff"]).get("/tra-cuu", params={"q": "hoang van tu"})
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Tra cứu khen thưởng (3)" in words
    # newest year first, each year's campaigns under it
    assert words.index("Năm 2024") < words.index(campaign.campaign.title) < words.index("Năm 2023")
    assert words.index("Năm 2023") < words.index(EARLIER_TITLE)  # named from the campaign table
    assert (
        "Hộ ông Hoàng Văn Tư Thôn 1 Giấy khen của Chủ tịch UBND xã (năm 2023) Số 88/QĐ-UBND ngày 20/11/2023 "
        "Hoàng Văn Vịnh, Chủ tịch UBND xã Hiến 300 m2 đất làm đường liên thôn."
    ) in words
    assert "Số 310/QĐ-UBND ngày 10/12/2024" in words and "Giấy khen của Chủ tịch UBND huyện" in words
    assert "Lường Thị Hoa" not in words  # her decision was withdrawn
    assert re.search(r'href="/tra-cuu/xlsx\?q=hoang\+van\+tu"', page.text)


def test_filters_by_unit_year_and_award_and_an_empty_result(site):
    web, ids = site
    c = web.signed_in(ids["staff"])
    unit = text_of(c.get("/tra-cuu", params={"don-vi": "T05"}).text)
    assert "Chi hội Phụ nữ thôn 5" in unit and "Hoàng Văn Tư" not in unit
    year = text_of(c.get("/tra-cuu", params={"nam": "2023"}).text)
    assert "Tra cứu khen thưởng (2)" in year and "Năm 2024" not in year
    award = text_of(c.get("/tra-cuu", params={"khen": "district", "nam": "1999", "don-vi": "X"}).text)
    assert "Tra cứu khen thưởng (1)" in award  # a year or unit not offered is left out
    none = text_of(c.get("/tra-cuu", params={"q": "Không Ai Cả"}).text)
    assert "Không tìm thấy ai được khen thưởng" in none and "Tải kết quả" not in none


def test_the_result_downloads_as_a_workbook_and_is_audited(site, campaign):
    web, ids = site
    r = web.signed_in(ids["council"]).get("/tra-cuu/xlsx", params={"q": "Hoàng Văn Tư", "nam": "2024"})
    assert r.status_code == 200 and "tra-cuu-khen-thuong.xlsx" in r.headers["content-disposition"]
    assert not list(web.console.export_dir.glob("*"))  # made for this download, then removed
    ws = load_workbook(io.BytesIO(r.content)).active
    table = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert table[0][:3] == ["STT", "Năm", "Phong trào thi đua"]
    assert [(row[3], row[4], row[6]) for row in table[1:]] == [
        ("Hoàng Văn Tư", "Thôn 3", "310/QĐ-UBND"),
        ("Hoàng Văn Tư", "Thôn 1", "125/QĐ-UBND"),
    ]
    assert table[2][2] == campaign.campaign.title and table[2][7].strftime("%d/%m/%Y") == "05/11/2024"
    assert table[2][9] == "Dẫn đầu phong trào trồng hồi của thôn."
    assert "tên «Hoàng Văn Tư»; năm 2024" in ws["A2"].value
    [audit] = rows(web.db, AuditLog, AuditLog.action == "web.export")
    assert audit.after["what"] == "lookup" and audit.after["rows"] == 2 and audit.actor_id == ids["council"]


def test_only_the_office_and_the_council_read_it(site):
    web, ids = site
    for path in ("/tra-cuu", "/tra-cuu/xlsx"):
        anonymous = web.client().get(path)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == "/dang-nhap"
        for who in ("tu", "head"):
            r = web.session_for(ids[who]).get(path)
            assert r.status_code == 403 and "88/QĐ-UBND" not in r.text and "Thôn 5" not in r.text
    assert "Tra cứu khen thưởng" in web.signed_in(ids["council"]).get("/tra-cuu").text
    menu = web.signed_in(ids["staff"]).get("/").text
    assert 'href="/tra-cuu"' in menu


def test_a_long_result_comes_a_page_at_a_time(site, monkeypatch):
    from domain import lookup

    monkeypatch.setattr(lookup, "PAGE", 2)
    web, ids = site
    c = web.signed_in(ids["staff"])
    first = text_of(c.get("/tra-cuu").text)
    assert "Trang 1 / 3" in first and "Tra cứu khen thưởng (5)" in first
    last = text_of(c.get("/tra-cuu", params={"trang": "9"}).text)
    assert "Trang 3 / 3" in last and "Thôn 5" in last
