"""«Nhập danh sách từ Excel» on the console: the template downloaded, filled with openpyxl as a
clerk would, sent back and imported; wrong rows shown by sheet and row with nothing stored; a
file that is no workbook, too big, or sent without the form's token refused; «In giấy mời»
printed by LibreOffice to PDF and read back, a page per village."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

from docx import Document

from storage.models import Invite, Member, UnitRow

from .conftest import Player, rows
from .people_sheets import filled
from .test_print import _soffice
from .web_helpers import Web, csrf_of, people, web  # noqa: F401  (fixtures)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send(client, data: bytes, csrf: str | None = None):
    if csrf is None:
        csrf = csrf_of(client.get("/nguoi/nhap").text)
    return client.post("/nguoi/nhap", data={"csrf": csrf}, files={"file": ("danh-sach.xlsx", data, XLSX)})


def test_the_template_round_trip_imports_the_people_and_the_chat_offers_the_new_village(
    web, people, core, db, campaign
):
    c = web.signed_in(people["ids"]["staff"])
    page = c.get("/nguoi")
    assert 'href="/nguoi/nhap"' in page.text
    got = c.get("/nguoi/nhap/mau.xlsx")
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    r = send(c, filled(campaign, template=got.content))
    assert r.status_code == 303, r.text
    shown = c.get(r.headers["location"]).text
    assert "Đã nhập 1 đơn vị và 3 người" in shown
    assert "3 người được nhập chưa vào bot" in shown
    listed = {m.phone: m for m in rows(db, Member) if m.phone}
    assert listed["0912345678"].role == "head" and listed["0912345678"].unit_code == "T20"
    assert len([i for i in rows(db, Invite) if i.purpose == "person"]) == 3
    assert "T20" in {u.code for u in rows(db, UnitRow)}
    listing = c.get("/nguoi").text
    assert "Thôn Bản Mới" in listing  # the console's unit lists take it too
    head_row = next(r for r in listing.split("<tr>") if "Hoàng Văn Trưởng" in r)
    assert "Chưa vào bot (đã có mã mời)" in head_row
    p = Player(core, "newcomer")
    p.say("/start")
    p.press("register")
    p.say("Nông Thị Dân")
    assert "Thôn Bản Mới" in p.text
    again = send(c, filled(campaign, template=got.content))
    assert again.status_code == 409 and "đã được nhập rồi" in again.text
    assert len([m for m in rows(db, Member) if m.phone == "0912345678"]) == 1


def test_wrong_rows_are_shown_by_sheet_and_row_and_nothing_is_stored(web, people, db, campaign):
    c = web.signed_in(people["ids"]["staff"])
    before = len(rows(db, Member))
    bad = filled(
        campaign,
        people=[
            ("Hoàng Văn Trưởng", "0912 345 678", "Trưởng thôn", "Thôn Bản Mới"),
            ("Lý Văn Sai", "09", "Trưởng thôn", "T01"),
            ("Lý Văn Trùng", "0912345678", "Người dân", "T02"),
        ],
    )
    r = send(c, bad)
    assert r.status_code == 400
    assert "Có 2 dòng chưa đúng; chưa nhập gì" in r.text
    table = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.text))
    assert "Cán bộ 5 Số điện thoại «09» chưa đúng (ví dụ 0912345678)." in table
    assert "Cán bộ 6 Số điện thoại 0912345678 trùng với dòng 4." in table
    assert len(rows(db, Member)) == before and rows(db, UnitRow) == []


def test_a_file_that_is_no_workbook_too_big_or_without_the_token_is_refused(web, people, db, campaign):
    c = web.signed_in(people["ids"]["staff"])
    r = send(c, b"ho ten, dien thoai\n")
    assert r.status_code == 400 and "Không đọc được tệp" in r.text
    r = c.post("/nguoi/nhap", data={"csrf": csrf_of(c.get("/nguoi/nhap").text)})
    assert r.status_code == 400 and "Xin chọn tệp Excel" in r.text
    r = send(c, filled(campaign), csrf="not-the-token")
    assert r.status_code == 403
    r = send(c, b"x" * (3 * 1024 * 1024))
    assert r.status_code == 413
    assert rows(db, UnitRow) == [] and not [i for i in rows(db, Invite) if i.purpose == "person"]


def test_a_head_or_resident_cannot_open_the_import(web, people):
    c = web.session_for(people["ids"]["head"])
    assert c.get("/nguoi/nhap").status_code == 403
    assert c.get("/nguoi/giay-moi.docx").status_code == 403


def test_the_invitations_print_a_page_per_village_with_each_persons_code(web, people, db, campaign, tmp_path):
    c = web.signed_in(people["ids"]["staff"])
    assert c.get("/nguoi/giay-moi.docx").status_code == 409  # nobody imported yet
    more = [
        ("Hoàng Văn Trưởng", "0912 345 678", "Trưởng thôn", "Thôn Bản Mới"),
        ("Vi Thị Hai", "0912000002", "Người dân", "Thôn 2"),
        ("Lương Văn Ba", "0912000003", "Trưởng thôn", "T02"),
        ("Nông Văn Hội", "0977111222", "Thành viên Hội đồng", ""),
    ]
    assert send(c, filled(campaign, people=more)).status_code == 303
    got = c.get("/nguoi/giay-moi.docx")
    assert got.status_code == 200
    doc = Document(io.BytesIO(got.content))
    assert len(doc.inline_shapes) == 4  # a QR code each
    codes = {i.member_id: i.code for i in rows(db, Invite) if i.purpose == "person"}
    by_name = {m.full_name: codes[m.id] for m in rows(db, Member) if m.id in codes}
    soffice = _soffice()
    (tmp_path / "giay-moi.docx").write_bytes(got.content)
    subprocess.run(
        [
            soffice,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "giay-moi.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        [shutil.which("pdftotext"), "-layout", str(tmp_path / "giay-moi.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = text.split("\f")
    thon2 = next(p for p in pages if "Thôn 2" in p and "GIẤY MỜI" in p)
    assert "Vi Thị Hai" in thon2 and "Lương Văn Ba" in thon2 and by_name["Vi Thị Hai"] in thon2
    assert "Người dân" in thon2 and "Trưởng thôn" in thon2
    new = next(p for p in pages if "Thôn Bản Mới" in p)
    assert "Hoàng Văn Trưởng" in new and by_name["Hoàng Văn Trưởng"] in new and "Vi Thị Hai" not in new
    council = next(p for p in pages if "Hội đồng Thi đua - Khen thưởng" in p and "Nông Văn Hội" in p)
    assert by_name["Nông Văn Hội"] in council
    # once a person joins, their invitation is no longer printed
    p = Player(web.core, "tg-hai", channel="telegram")
    p.say(f"/start {by_name['Vi Thị Hai']}")
    assert "Đăng ký xong: Vi Thị Hai" in p.text, p.text
    doc = Document(io.BytesIO(c.get("/nguoi/giay-moi.docx").content))
    assert len(doc.inline_shapes) == 3
    assert "Vi Thị Hai" not in "\n".join(
        cell.text for t in doc.tables for row in t.rows for cell in row.cells
    )
