"""Exports: the workbook and the Word documents are opened and checked against the database
and the Decree 30/2020 layout; the chat route returns a file that opens; only staff get it."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook
from sqlmodel import Session

from bot.cli import main as cli_main
from documents import ExportError, write_list, write_proposal, write_reports, write_workbook
from domain.citation import shown
from messages.catalog import t
from messages.model import Document, Question, Text
from storage import audit, submissions
from storage.models import AuditLog, StatusChange, Submission

from . import seed as seeding
from .conftest import CAMPAIGN_FILE, Player, register_resident, rows

SHEETS = ["Đề cử - Đề nghị", "Báo cáo thành tích", "Nhật ký"]
DATE_LINE = re.compile(r"Trần Ninh, ngày \d{2} tháng \d{2} năm \d{4}")
# A nominee whose name carries most Vietnamese marks (stacked tone + vowel marks, đ, ư, ơ).
VIET_NAME = unicodedata.normalize("NFC", "Hộ bà Nguyễn Thị Ngọc Ánh, Đặng Ỷ Thưởng, Lường Văn Ượng")
ACHIEVEMENTS = "Trồng 3 ha hồi, thu nhập 80 triệu đồng/năm, hiến 200 m² đất làm đường bê tông."


# -- data made directly in storage (the review flows are built elsewhere) ----------------


class Seed:
    def __init__(self, db, campaign, now):
        self.db, self.campaign, self.now = db, campaign, now
        with Session(db, expire_on_commit=False) as s:
            self.staff = seeding.console_member(s, "Lương Thị Mai", "staff", "staff1", now, "VPTK")
            self.head = seeding.console_member(s, "Hoàng Văn Tư", "head", "head1", now, "T01")
            self.resident = seeding.console_member(s, "Nông Văn Sáu", "resident", "res1", now, "T02")
            s.commit()

    def sub(
        self,
        nominee,
        *,
        status="submitted",
        category="household",
        kind="nomination",
        unit="T02",
        award="commune",
        shortlist=None,
        reason=None,
        photos=(),
        **fields,
    ) -> str:
        path = {
            "submitted": [],
            "under_review": ["under_review"],
            "approved": ["approved"],
            "shortlisted": ["approved", "shortlisted"],
            "rejected": ["under_review", "rejected"],
            "needs_info": ["under_review", "needs_info"],
        }[status]
        with Session(self.db, expire_on_commit=False) as s:
            sub = seeding.create_submission(
                s,
                kind=kind,
                campaign_code=self.campaign.code,
                submitter_id=self.resident.id,
                now=self.now,
                unit_code=unit,
                category=category,
                nominee=nominee,
                contents=["c2", "c3"],
                achievements=ACHIEVEMENTS,
                answers={"annual_income": 80_000_000, "discipline": "no"},
                flags=[],
                proposed_award=award,
                **fields,
            )
            for i, to in enumerate(path, 1):
                seeding.change_status(
                    s,
                    sub,
                    to,
                    actor_id=self.staff.id,
                    now=self.now + timedelta(hours=26 * i),
                    reason=reason if to in ("rejected", "needs_info") else None,
                    notify=None,
                )
            if shortlist:
                sub.shortlist_award = shortlist
                s.add(sub)
            for p in photos:
                submissions.add_evidence(
                    s, sub, channel="telegram", unique_id=p, file_id=f"file-{p}", now=self.now
                )
            s.commit()
            return sub.ref

    def report(self, unit="T01", figures=None, status="submitted") -> str:
        with Session(self.db, expire_on_commit=False) as s:
            sub = seeding.create_submission(
                s,
                kind="report",
                campaign_code=self.campaign.code,
                submitter_id=self.head.id,
                now=self.now,
                unit_code=unit,
                contents=["c2"],
                achievements="Bản đầu.",
                answers={"figures": {"c2": {"ho_thoat_ngheo": 3}}},
            )
            seeding.new_version(
                s,
                sub,
                actor_id=self.head.id,
                now=self.now + timedelta(hours=1),
                achievements="Thôn vận động hiến đất, làm 1.200 m đường bê tông.",
                answers={
                    "figures": figures
                    or {
                        "c2": {"ho_thoat_ngheo": 5},
                        "c3": {"duong_be_tong": 1200, "tien_dong_gop": 150_000_000},
                    }
                },
            )
            if status == "approved":
                seeding.change_status(
                    s, sub, "approved", actor_id=self.staff.id, now=self.now, reason=None, notify=None
                )
            s.commit()
            return sub.ref


@pytest.fixture
def seed(db, campaign, clock):
    return Seed(db, campaign, clock.now())


def session(db):
    return Session(db, expire_on_commit=False)


# -- checks of a Word file ---------------------------------------------------------------


def paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def texts(doc) -> list[str]:
    return [p.text for p in paragraphs(doc)]


def data_rows(doc) -> int:
    return sum(len(t.rows) - 1 for t in doc.tables if t.rows[0].cells[0].text == "STT")


def run_of(doc, text):
    for p in paragraphs(doc):
        if p.text.replace("\u00a0", " ") == text:
            return p.runs[0]
    raise AssertionError(f"no paragraph {text!r}")


def assert_decree30(doc, campaign) -> None:
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert 20 <= sec.top_margin.mm <= 25 and 20 <= sec.bottom_margin.mm <= 25
    assert 30 <= sec.left_margin.mm <= 35 and 15 <= sec.right_margin.mm <= 20
    assert sec.different_first_page_header_footer  # page numbers from page 2 on
    assert sec.header._element.xpath(".//w:fldSimple/@w:instr") == ["PAGE"]
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
    assert all(r.font.name in (None, "Times New Roman") for p in paragraphs(doc) for r in p.runs)
    all_text = texts(doc)
    # the heading: issuing body left (from the campaign file), national heading right
    # the parent body abbreviated as Decree 30/2020 allows; the place name held on one line
    parent = run_of(doc, "UBND HUYỆN VĂN QUAN")
    body = run_of(doc, campaign.organiser.name.upper())
    assert parent.text == "UBND HUYỆN\u00a0VĂN\u00a0QUAN" and not parent.bold
    assert body.text == "ỦY BAN NHÂN DÂN XÃ\u00a0TRẦN\u00a0NINH" and body.bold
    assert run_of(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold
    motto = run_of(doc, "Độc lập - Tự do - Hạnh phúc")
    assert motto.bold and not motto.underline  # a drawn rule under it, not an underline
    [date_line] = [p for p in paragraphs(doc) if DATE_LINE.fullmatch(p.text)][:1]
    assert date_line.text == "Trần Ninh, ngày 05 tháng 11 năm 2024"
    assert all(r.italic for r in date_line.runs)
    assert "TM. ỦY BAN NHÂN DÂN" in all_text and "CHỦ TỊCH" in all_text and "Hoàng Văn Vịnh" in all_text


def assert_recipients(doc) -> None:
    head = run_of(doc, "Nơi nhận:")
    assert head.bold and head.italic and head.font.size.pt == 12
    cell = next(c for t in doc.tables for c in t.rows[0].cells if c.paragraphs[0].text == "Nơi nhận:")
    assert cell.paragraphs[-1].text == "- Lưu: VT."
    assert all(p.runs[0].font.size.pt == 11 for p in cell.paragraphs[1:])


def made(db, writer, campaign, out, clock):
    """Write a document with a signature and recipients, open it, check the layout."""
    with session(db) as s:
        res = writer(s, campaign, out, now=clock.now())
    doc = docx.Document(res.path)
    assert_decree30(doc, campaign)
    assert_recipients(doc)
    return res, doc, texts(doc)


# -- the workbook ------------------------------------------------------------------------


def test_workbook_sheets_headers_and_rows_match_the_database(db, campaign, seed, tmp_path):
    approved = seed.sub("Hộ ông Hoàng Văn Tư", status="approved", photos=["p1", "p2"])
    seed.sub("Hộ bà Lý Thị Hoa", status="shortlisted", shortlist="district")
    seed.sub(
        "Hội Nông dân xã",
        status="rejected",
        category="collective",
        kind="proposal",
        reason="Chưa có số liệu minh chứng.",
    )
    seed.sub("Hộ ông Vi Văn Nhất")
    report = seed.report()

    with session(db) as s:
        result = write_workbook(s, campaign, tmp_path / "tong-hop.xlsx")
    wb = load_workbook(result.path)
    assert wb.sheetnames == SHEETS
    entries, reports, log = (wb[n] for n in SHEETS)
    header = [c.value for c in entries[1]]
    for col in (
        "STT",
        "Mã hồ sơ",
        "Đối tượng",
        "Tên tập thể, cá nhân",
        "Thôn, đơn vị",
        "Trạng thái",
        "Người xử lý gần nhất",
        "Ngày xử lý",
        "Lý do",
        "Quyết định khen thưởng",
        "Số ảnh minh chứng",
    ):
        assert col in header
    subs = rows(db, Submission)
    assert entries.max_row - 1 == len([x for x in subs if x.kind != "report"]) == 4
    assert reports.max_row - 1 == len([x for x in subs if x.kind == "report"]) == 1
    # every audit row, but the first status of each submission: it is the sending itself,
    # the same moment as the row "Gửi đề cử"
    logged = len(rows(db, AuditLog)) - len(rows(db, StatusChange, StatusChange.from_status.is_(None)))
    assert logged == 19 - 5 and log.max_row - 1 == logged
    assert result.rows == dict(zip(SHEETS, (4, 1, logged)))

    by_ref = {r[1]: dict(zip(header, r)) for r in entries.iter_rows(min_row=2, values_only=True)}
    row = by_ref[approved]
    assert row["Trạng thái"] == "Đạt" and row["Người xử lý gần nhất"] == "Lương Thị Mai"
    assert row["Người gửi"] == "Nông Văn Sáu"
    # 10:00 on 05/11 in Hà Nội, reviewed 26 hours later: local times, not UTC
    assert row["Ngày gửi"].strftime("%d/%m/%Y %H:%M") == "05/11/2024 10:00"
    assert row["Ngày xử lý"].strftime("%d/%m/%Y %H:%M") == "06/11/2024 12:00"
    assert row["Số ảnh minh chứng"] == 2  # a count: chat file ids and server paths help nobody
    assert (
        row["Nội dung thi đua"]
        == "Phát triển kinh tế - xã hội, giảm nghèo; Nông thôn mới, vì người nghèo, hạ tầng"
    )
    rejected = next(r for r in by_ref.values() if r["Trạng thái"] == "Không đạt")
    assert (
        rejected["Lý do"] == "Chưa có số liệu minh chứng." and rejected["Loại hồ sơ"] == "Đề nghị khen thưởng"
    )
    assert (
        by_ref["DC-0003"]["Người xử lý gần nhất"] is None
    )  # only sent (DN-0001 counts apart), nobody moved it yet

    rep_header = [c.value for c in reports[1]]
    assert "ND2. Số hộ thoát nghèo (hộ)" in rep_header and "ND3. Tiền đóng góp (đồng)" in rep_header
    rep = dict(zip(rep_header, next(reports.iter_rows(min_row=2, values_only=True))))
    assert rep["Mã hồ sơ"] == report and rep["Phiên bản"] == 2  # the latest version counts
    assert rep["ND2. Số hộ thoát nghèo (hộ)"] == 5 and rep["ND3. Đường bê tông làm mới (m)"] == 1200
    assert (
        rep["ND3. Tiền đóng góp (đồng)"] == 150_000_000 and rep["ND1. Số lượt người tham gia (lượt)"] is None
    )
    money = rep_header.index("ND3. Tiền đóng góp (đồng)")
    assert reports.cell(row=2, column=money + 1).number_format == "#,##0"
    assert rep["Nội dung báo cáo"].startswith("Thôn vận động")

    log_rows = list(log.iter_rows(min_row=2, values_only=True))
    assert [c.value for c in log[1]] == [
        "Thời gian",
        "Người thực hiện",
        "Hồ sơ, đối tượng",
        "Việc đã làm",
        "Lý do",
    ]
    mine = [r[1:4] for r in log_rows if r[2] == approved]
    assert mine == [
        ("Nông Văn Sáu", approved, "Gửi đề cử"),
        ("Lương Thị Mai", approved, "Chuyển trạng thái: Đã gửi, chờ thẩm định → Đạt"),
    ]
    assert (
        "Nông Văn Sáu",
        "Thành viên 3",
        "Đăng ký: vai trò: người dân; thôn, đơn vị: Thôn 2; kênh: thử trên máy chủ",
    ) in [r[1:4] for r in log_rows]
    update = next(r[3] for r in log_rows if r[2] == report and r[3].startswith("Cập nhật báo cáo"))
    assert update.startswith("Cập nhật báo cáo: thành tích: Bản đầu. → Thôn vận động")
    assert "phiên bản: 1 → 2" in update and "Đang thẩm định" not in update


def test_workbook_status_filter(db, campaign, seed, tmp_path):
    keep = seed.sub("Hộ ông A Một", status="approved")
    seed.sub("Hộ ông B Hai", status="rejected", reason="Không đủ tiêu chí.")
    seed.sub("Hộ ông C Ba")
    seed.report()
    with session(db) as s:
        result = write_workbook(s, campaign, tmp_path / "dat.xlsx", statuses=["approved"])
    wb = load_workbook(result.path)
    entries = list(wb[SHEETS[0]].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in entries] == [keep] and entries[0][12] == "Đạt"
    assert wb[SHEETS[1]].max_row == 1  # the report is not approved
    logged = {r[2] for r in wb[SHEETS[2]].iter_rows(min_row=2, values_only=True)}
    assert logged == {keep}  # the log of the exported submissions only

    with session(db) as s:
        both = write_workbook(s, campaign, tmp_path / "hai.xlsx", statuses=["approved", "rejected"])
    assert both.rows[SHEETS[0]] == 2


def test_vietnamese_names_round_trip_exactly_in_xlsx_and_docx(db, campaign, seed, clock, tmp_path):
    ref = seed.sub(VIET_NAME, status="shortlisted", shortlist="commune")
    with session(db) as s:
        wb = write_workbook(s, campaign, tmp_path / "a.xlsx")
        lst = write_list(s, campaign, tmp_path / "a.docx", now=clock.now())
        rep = write_reports(s, campaign, tmp_path / "b.docx", now=clock.now(), ref=ref)
    [row] = load_workbook(wb.path)[SHEETS[0]].iter_rows(min_row=2, values_only=True)
    assert row[4] == VIET_NAME and unicodedata.is_normalized("NFC", row[4])
    cells = [c.text for t in docx.Document(lst.path).tables for r in t.rows for c in r.cells]
    assert VIET_NAME in cells
    assert f"Tên hộ gia đình đề nghị: {VIET_NAME}" in texts(docx.Document(rep.path))


# -- the Word documents ------------------------------------------------------------------


def test_docx_list_groups_by_award_and_category_in_the_decree_layout(db, campaign, seed, clock, tmp_path):
    seed.sub("Hộ ông Một", status="shortlisted", shortlist="commune")
    seed.sub("Hộ ông Hai", status="shortlisted", shortlist="commune")
    seed.sub("Hộ ông Đạt", status="approved")  # appraised but not put on the list: not there
    seed.sub("Thôn 2", status="shortlisted", category="collective", shortlist="district", award="commune")
    seed.sub("Hộ ông Ba", status="rejected", reason="Không đạt tiêu chí.")
    seed.sub("Hộ ông Bốn")  # not appraised: not on the list
    res, doc, all_text = made(db, write_list, campaign, tmp_path / "ds.docx", clock)
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in all_text
    assert "(Trình Hội đồng Thi đua - Khen thưởng xã xem xét)" in all_text
    # the council's choice (district) wins over the award first proposed (commune)
    assert all_text.index("I. GIẤY KHEN CỦA CHỦ TỊCH UBND XÃ") < all_text.index(
        "II. GIẤY KHEN CỦA CHỦ TỊCH UBND HUYỆN"
    )
    assert "1. Hộ gia đình, nông dân, người lao động (2)" in all_text
    assert "1. Tập thể (cơ quan, đơn vị, thôn) (1)" in all_text
    assert data_rows(doc) == res.rows == 3 and res.tables == 2
    grid = [t for t in doc.tables if t.rows[0].cells[0].text == "STT"][0]
    # one status on the list: no status column; the office's citation (here its suggestion)
    assert [c.text for c in grid.rows[0].cells] == [
        "STT",
        "Tên tập thể, cá nhân",
        "Thôn, đơn vị",
        "Trích yếu thành tích",
    ]
    citation = shown(None, ACHIEVEMENTS)
    assert "triệu" not in citation
    assert [c.text for c in grid.rows[1].cells] == ["1", "Hộ ông Một", "Thôn 2", citation]
    assert "Hộ ông Đạt" not in {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert "Tổng cộng: 3 hồ sơ (1 tập thể và 2 hộ gia đình)." in all_text

    with session(db) as s:
        every = write_list(
            s,
            campaign,
            tmp_path / "all.docx",
            now=clock.now(),
            statuses=["approved", "shortlisted", "rejected", "submitted"],
        )
    every_doc = docx.Document(every.path)
    assert data_rows(every_doc) == 6
    assert [c.text for c in every_doc.tables[1].rows[0].cells][-1] == "Trạng thái"


def test_docx_proposal_to_the_district_within_the_quota(db, campaign, seed, clock, tmp_path):
    seed.sub("Thôn 1", status="shortlisted", category="collective", shortlist="district", unit="T01")
    for name in ("Hộ ông Một", "Hộ ông Hai", "Hộ ông Ba"):
        seed.sub(name, status="shortlisted", shortlist="district")
    seed.sub("Hộ ông Xã", status="shortlisted", shortlist="commune")  # commune award: not here
    seed.sub("Hộ ông Đạt", status="approved", award="district")  # not shortlisted: not here
    res, doc, all_text = made(db, write_proposal, campaign, tmp_path / "tt.docx", clock)
    assert "Số: ......../TTr-UBND" in all_text
    assert "TỜ TRÌNH" in all_text
    assert "Kính gửi: Chủ tịch UBND huyện Văn Quan." in all_text
    assert any(
        "Hội đồng Thi đua - Khen thưởng xã" in x and x.startswith("Căn cứ Biên bản") and "........" in x
        for x in all_text
    )
    assert any("Căn cứ Kế hoạch số 71/KH-UBND ngày 28/02/2024" in x for x in all_text)
    assert any("cho 1 tập thể và 3 hộ gia đình" in x for x in all_text)
    assert "1. Tập thể (1)" in all_text and "2. Cá nhân (3)" in all_text
    assert data_rows(doc) == res.rows == 4 and res.tables == 2
    assert "- Như trên;" in all_text
    names = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert "Hộ ông Xã" not in names and "Hộ ông Đạt" not in names


def test_docx_proposal_refused_over_the_quota(db, campaign, seed, clock, tmp_path):
    for name in ("Thôn 1", "Thôn 2", "Thôn 3"):
        seed.sub(name, status="shortlisted", category="collective", shortlist="district")
    with session(db) as s, pytest.raises(ExportError) as err:
        write_proposal(s, campaign, tmp_path / "tt.docx", now=clock.now())
    assert str(err.value) == (
        "Vượt chỉ tiêu Giấy khen của Chủ tịch UBND huyện: tập thể có 3, tối đa 2. "
        "Xin bỏ bớt khỏi danh sách Hội đồng rồi xuất lại."
    )
    assert not (tmp_path / "tt.docx").exists()


def test_docx_reports_collective_and_individual_forms(db, campaign, seed, clock, tmp_path):
    collective = seed.sub("Thôn 1", status="approved", category="collective", unit="T01", kind="proposal")
    person = seed.sub("Bà Hoàng Thị Lan", status="shortlisted", category="official", shortlist="district")
    pending = seed.sub("Hộ ông Chờ")
    seed.report(unit="T01")
    with session(db) as s:
        res = write_reports(s, campaign, tmp_path / "bc.docx", now=clock.now())
    doc = docx.Document(res.path)
    assert_decree30(doc, campaign)
    all_text = texts(doc)
    assert res.rows == 2 and all_text.count("BÁO CÁO THÀNH TÍCH") == 2
    period = (
        "(Thành tích trong thi đua chào mừng 60 năm huyện Văn Quan, từ ngày 28/02/2024 đến ngày 30/11/2024)"
    )
    assert all_text.count(period) == 2
    assert all_text.count("II. THÀNH TÍCH ĐẠT ĐƯỢC") == 2
    assert all_text.count("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG") == 2
    # form 02 for the collective, with the figures of its unit's latest report
    assert "Tên tập thể đề nghị: Thôn 1" in all_text and "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH" in all_text
    assert "- Số hộ thoát nghèo: 5 hộ" in all_text and "- Tiền đóng góp: 150 triệu đồng" in all_text
    assert "Đề nghị tặng Giấy khen của Chủ tịch UBND xã" in all_text
    # form 03 for the individual: what the office fills by hand is dotted, never invented
    assert "Họ và tên: Bà Hoàng Thị Lan" in all_text and "I. SƠ LƯỢC LÝ LỊCH" in all_text
    assert any(x.startswith("- Sinh ngày, tháng, năm: ......") for x in all_text)
    assert "Đề nghị tặng Giấy khen của Chủ tịch UBND huyện" in all_text
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in all_text and "THỦ TRƯỞNG ĐƠN VỊ" in all_text

    with session(db) as s:
        one = write_reports(s, campaign, tmp_path / "mot.docx", now=clock.now(), ref=person.lower())
        assert texts(docx.Document(one.path)).count("BÁO CÁO THÀNH TÍCH") == 1
        with pytest.raises(ExportError, match=f"Không có hồ sơ {pending}"):
            write_reports(s, campaign, tmp_path / "x.docx", now=clock.now(), ref=pending)
    assert collective


def test_nothing_to_export_says_so(db, campaign, seed, clock, tmp_path):
    seed.sub("Hộ ông Chờ")
    with session(db) as s:
        with pytest.raises(ExportError, match="Chưa có hồ sơ nào"):
            write_list(s, campaign, tmp_path / "a.docx", now=clock.now())
        with pytest.raises(ExportError, match="Chưa có hồ sơ nào trong danh sách Hội đồng"):
            write_proposal(s, campaign, tmp_path / "b.docx", now=clock.now())


# -- the command line --------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch, db_path, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    monkeypatch.delenv("CAMPAIGN_DEADLINE", raising=False)


def test_cli_export_xlsx_with_status_and_docx(cli_env, seed, tmp_path, capsys):
    seed.sub("Hộ ông Một", status="shortlisted", shortlist="commune")
    seed.sub("Hộ ông Hai")
    out = tmp_path / "out" / "th.xlsx"
    assert cli_main(["export", "--format", "xlsx", "--status", "shortlisted", "--out", str(out)]) == 0
    assert load_workbook(out)[SHEETS[0]].max_row == 2
    assert "1 dòng" in capsys.readouterr().out
    assert cli_main(["export", "--format", "docx", "--kind", "list", "--out", str(tmp_path / "ds.docx")]) == 0
    assert data_rows(docx.Document(tmp_path / "ds.docx")) == 1
    assert cli_main(["export", "--format", "docx", "--out", str(tmp_path / "x.docx")]) == 2


def test_cli_proposal_over_quota_exits_with_the_message(cli_env, seed, tmp_path, capsys):
    for name in ("Hộ ông Một", "Hộ ông Hai", "Hộ ông Ba", "Hộ ông Bốn", "Hộ ông Năm"):
        seed.sub(name, status="shortlisted", shortlist="district")
    code = cli_main(["export", "--format", "docx", "--kind", "proposal", "--out", str(tmp_path / "tt.docx")])
    assert code == 1
    assert (
        "Vượt chỉ tiêu Giấy khen của Chủ tịch UBND huyện: cá nhân có 5, tối đa 4." in capsys.readouterr().err
    )
    assert not (tmp_path / "tt.docx").exists()


# -- in chat -----------------------------------------------------------------------------


def test_staff_gets_the_files_in_chat(core, seed, tmp_path):
    core.export_dir = tmp_path / "exports"
    seed.sub("Hộ ông Một", status="shortlisted", shortlist="commune")
    staff = Player(core, "staff1")
    staff.say("/xuat")
    assert staff.question.text == "Xuất tài liệu nào?"
    staff.press("Bảng tính tổng hợp (XLSX)")
    [doc] = [r for r in staff.last if isinstance(r, Document)]
    assert doc.filename == "tong-hop-tran-ninh-2024-20241105.xlsx"
    assert Path(doc.path).parent == tmp_path / "exports"
    assert doc.caption == "Bảng tính tổng hợp (XLSX) — xuất lúc 10:00 05/11/2024, 1 dòng."
    assert load_workbook(doc.path).sheetnames == SHEETS
    assert isinstance(staff.last[-1], Question)  # back to the menu

    staff.press("export")  # the menu item "Xuất tài liệu"
    staff.press("Danh sách đề nghị khen thưởng (DOCX)")
    [doc] = [r for r in staff.last if isinstance(r, Document)]
    assert doc.filename.endswith(".docx") and data_rows(docx.Document(doc.path)) == 1

    staff.say("/xuat")
    staff.press("Tờ trình đề nghị cấp huyện (DOCX)")
    assert not [r for r in staff.last if isinstance(r, Document)]
    assert (
        "Chưa có hồ sơ nào trong danh sách Hội đồng đề nghị Giấy khen của Chủ tịch UBND huyện." in staff.text
    )


@pytest.mark.parametrize("who", ["resident", "head"])
def test_residents_and_heads_cannot_export(core, seed, tmp_path, who):
    core.export_dir = tmp_path / "exports"
    seed.sub("Hộ ông Một", status="shortlisted", shortlist="commune")
    if who == "resident":
        p = Player(core, "new-resident")
        register_resident(p)
    else:
        p = Player(core, "head1")
        p.say("/menu")
    assert "export" not in [o.value for o in p.question.options]
    p.say("/xuat")
    assert [r.text for r in p.last if isinstance(r, Text)] == [t("role.denied")]
    assert not [r for r in p.last if isinstance(r, Document)]
    assert not (tmp_path / "exports").exists()


def test_workbook_and_list_on_postgresql(pg_db, campaign, clock, tmp_path):
    seed = Seed(pg_db, campaign, clock.now())
    ref = seed.sub(VIET_NAME, status="shortlisted", shortlist="commune", photos=["p1"])
    seed.sub("Hộ ông Hai", status="rejected", reason="Thiếu minh chứng.")
    seed.report()
    with session(pg_db) as s:
        wb = write_workbook(s, campaign, tmp_path / "pg.xlsx", statuses=["shortlisted", "rejected"])
        lst = write_list(s, campaign, tmp_path / "pg.docx", now=clock.now())
    book = load_workbook(wb.path)
    entries = list(book[SHEETS[0]].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[4], r[12]) for r in entries] == [
        (ref, VIET_NAME, "Đưa vào danh sách Hội đồng"),
        ("DC-0002", "Hộ ông Hai", "Không đạt"),
    ]
    log = [r[1:4] for r in book[SHEETS[2]].iter_rows(min_row=2, values_only=True)]
    assert ("Nông Văn Sáu", ref, "Gửi đề cử") in log
    assert ("Lương Thị Mai", "DC-0002", "Chuyển trạng thái: Đang thẩm định → Không đạt") in log
    assert data_rows(docx.Document(lst.path)) == 1


def test_log_tells_a_shortlisting_in_words(db, campaign, seed, clock, tmp_path):
    ref = seed.sub("Hộ ông Một", status="approved")
    with session(db) as s:  # the council's choice is audited with the status
        audit.audit(
            s,
            actor_id=seed.staff.id,
            action="status",
            entity="submission",
            entity_id=ref,
            before={"status": "approved", "shortlist_award": None},
            after={"status": "shortlisted", "shortlist_award": "district"},
            reason="Hội đồng chọn",
            now=clock.now(),
        )
        s.commit()
        wb = write_workbook(s, campaign, tmp_path / "a.xlsx")
    last = list(load_workbook(wb.path)[SHEETS[2]].iter_rows(min_row=2, values_only=True))[-1]
    assert last[1:] == (
        "Lương Thị Mai",
        ref,
        "Chuyển trạng thái: Đạt → Đưa vào danh sách Hội đồng; "
        "Hội đồng xét chọn: — → Giấy khen của Chủ tịch UBND huyện",
        "Hội đồng chọn",
    )


def test_characters_xml_cannot_hold_are_dropped_not_fatal(db, campaign, seed, clock, tmp_path):
    # text pasted from another program may carry control characters Word and Excel refuse
    ref = seed.sub("Hộ ông\x07 Một", status="shortlisted", shortlist="commune")
    with session(db) as s:
        wb = write_workbook(s, campaign, tmp_path / "a.xlsx")
        lst = write_list(s, campaign, tmp_path / "a.docx", now=clock.now())
        rep = write_reports(s, campaign, tmp_path / "b.docx", now=clock.now(), ref=ref)
    [row] = load_workbook(wb.path)[SHEETS[0]].iter_rows(min_row=2, values_only=True)
    assert row[4] == "Hộ ông Một"
    assert "Hộ ông Một" in [c.text for t in docx.Document(lst.path).tables for r in t.rows for c in r.cells]
    assert "Tên hộ gia đình đề nghị: Hộ ông Một" in texts(docx.Document(rep.path))
