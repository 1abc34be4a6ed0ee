"""Every Word document judged as printed: the ceremony's campaign (tests/ceremony.py: ten
awardees of the commune, four of the district) is written to DOCX, converted to PDF by
LibreOffice in one call and read back with pdftotext, as a clerk would print and read it.
What text extraction cannot see (the short rules) is checked in the DOCX XML. Skipped
without LibreOffice unless REQUIRE_LIBREOFFICE=1 (CI), where its absence fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from lxml import etree
from openpyxl import load_workbook
from sqlmodel import Session

from bot.cli import main as cli_main
from documents import produce
from domain.campaign import load_campaign
from domain.clock import ManualClock
from storage.db import make_engine

from .ceremony import COMMUNE, DISTRICT, RAW, ceremony
from .conftest import CAMPAIGN_FILE, IN_CAMPAIGN
from .english_words import english_in

DOCS = ("list", "proposal", "report", "minutes", "decision", "certificates")
NATIONAL, MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
# the issuing bodies' names, each whole on one printed line
NAMES = ("XÃ TRẦN NINH", "HUYỆN VĂN QUAN", "THI ĐUA - KHEN THƯỞNG")
HEADING = re.compile(r"^([IVX]+\. [^a-zà-ỹ]+|\d+\. .+\(\d+( hồ sơ)?\))$")


def _soffice() -> str | None:
    found = shutil.which("soffice")
    if found is None and os.environ.get("REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("LibreOffice required (REQUIRE_LIBREOFFICE=1) but soffice is not installed")
    if found is None or shutil.which("pdftotext") is None:
        pytest.skip("soffice or pdftotext missing: the documents cannot be printed here")
    return found


def _database(folder: Path, template: Path, name: str):
    path = folder / f"{name}.db"
    shutil.copy(template, path)
    return make_engine(f"sqlite:///{path}")


@pytest.fixture(scope="module")
def printed(tmp_path_factory, _template_db) -> dict:
    """name -> {"docx", "pdf", "text" (pdftotext -layout), "pages"}; the workbook's path."""
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("print")
    campaign, clock = load_campaign(CAMPAIGN_FILE), ManualClock(IN_CAMPAIGN)
    out: dict = {}
    listed = _database(folder, _template_db, "listed")  # the council's list: before the round
    ceremony(listed, campaign, clock, decide=False)
    with Session(listed) as s:
        produce(s, campaign, "list", folder / "list.docx", now=clock.now())
    listed.dispose()
    decided = _database(folder, _template_db, "decided")
    refs = ceremony(decided, campaign, clock)
    with Session(decided) as s:
        for what in DOCS[1:]:
            produce(s, campaign, what, folder / f"{what}.docx", now=clock.now())
        produce(s, campaign, "xlsx", folder / "tong-hop.xlsx", now=clock.now())
    decided.dispose()
    profile = f"-env:UserInstallation=file://{folder / 'profile'}"
    files = [str(folder / f"{name}.docx") for name in DOCS]
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), *files],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in DOCS:
        pdf = folder / f"{name}.pdf"
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout.replace("\u00a0", " ")
        out[name] = {
            "docx": folder / f"{name}.docx",
            "pdf": pdf,
            "text": text,
            "pages": text.split("\f")[:-1],
        }
    out["xlsx"], out["refs"], out["folder"] = folder / "tong-hop.xlsx", refs, folder
    return out


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _xml(path: Path):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


def _words_of(path: Path) -> set[str]:
    """Every word the document holds, as written (its runs' text split on spaces)."""
    text = " ".join(t.text or "" for t in _xml(path).iter(qn("w:t"))).replace("\u00a0", " ")
    return {_bare(w) for w in text.split()}


def _bare(word: str) -> str:
    return word.strip(".,;:()«»\"'/")


@pytest.mark.parametrize("name", DOCS)
def test_the_national_heading_and_the_motto_each_print_on_one_line(printed, name):
    lines = _lines(printed[name]["text"])
    heads = [line for line in lines if "CỘNG HÒA" in line]
    assert heads and all(NATIONAL in line for line in heads), heads
    mottos = [line for line in lines if "Độc lập" in line]
    assert len(mottos) == len(heads) and all(MOTTO in line for line in mottos), mottos
    if name != "certificates":
        # the issuing body's lines: a place name is never cut («XÃ TRẦN / NINH»)
        for line in lines[:12]:
            for whole in NAMES:
                first, last = whole.split()[0], whole.split()[-1]
                if last in line.split() and first in line.split():
                    assert whole in line, line
            assert not re.search(r"(XÃ TRẦN|HUYỆN VĂN|THI ĐUA -)$", line), line


@pytest.mark.parametrize("name", [n for n in DOCS if n != "certificates"])
def test_short_rules_under_the_issuing_body_the_motto_and_the_subject(printed, name):
    root = _xml(printed[name]["docx"])
    ruled = [
        p
        for p in root.iter(qn("w:p"))
        if p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None
    ]
    heading = root.find(f"{qn('w:body')}/{qn('w:tbl')}")
    left, right = heading.findall(f"{qn('w:tr')}/{qn('w:tc')}")
    assert sum(1 for p in ruled if p.getparent() is left) == 1  # under the issuing body
    assert sum(1 for p in ruled if p.getparent() is right) == 1  # under the motto
    assert sum(1 for p in ruled if p.getparent().tag == qn("w:body")) >= 1  # under the subject
    for p in ruled:  # short and centred: indented equally on both sides
        ind = p.find(f"{qn('w:pPr')}/{qn('w:ind')}")
        assert ind is not None and ind.get(qn("w:left")) == ind.get(qn("w:right")) != "0"


SIGNATURE = re.compile(
    r"^(Nơi nhận:|- .*|TM\. ỦY BAN NHÂN DÂN|CHỦ TỊCH( HỘI ĐỒNG)?|THƯ KÝ|XÁC NHẬN, ĐỀ NGHỊ|"
    r"\(Ký, ghi rõ họ và tên\)|THỦ TRƯỞNG ĐƠN VỊ|NGƯỜI BÁO CÁO THÀNH TÍCH|ĐẠI DIỆN HỘ GIA ĐÌNH|"
    r"Hoàng Văn Vịnh|Lương Thị Mai|\d+)$"
)


def _signature_only(page: str) -> bool:
    parts = [p for line in page.splitlines() for p in re.split(r"\s{3,}", line.strip()) if p]
    return bool(parts) and all(SIGNATURE.match(p) for p in parts)


@pytest.mark.parametrize("name", [n for n in DOCS if n != "certificates"])
def test_no_page_holds_only_a_signature_block_or_ends_on_a_heading(printed, name):
    pages = printed[name]["pages"]
    for n, page in enumerate(pages, 1):
        assert not _signature_only(page), f"{name} page {n} holds only a signature block:\n{page}"
        lines = _lines(page)
        if n < len(pages) and lines:
            assert not HEADING.match(lines[-1]), f"{name} page {n} ends on a heading: {lines[-1]}"


@pytest.mark.parametrize("name", DOCS)
def test_no_vietnamese_syllable_is_broken_across_lines(printed, name):
    """Every printed word is a word of the document: «Khôn g đồng ý» would print «Khôn» and
    «g», which the document never says."""
    known = _words_of(printed[name]["docx"])
    broken = set()
    for line in printed[name]["text"].splitlines():
        for word in line.split():
            word = _bare(word)
            if word and not word.isdigit() and not set(word) <= set(".…") and word not in known:
                broken.add(word)
    assert not broken, sorted(broken)


def test_one_report_per_person_numbered_on_its_own_without_personal_fields_for_households(printed):
    pages = printed["report"]["pages"]
    starts = [i for i, page in enumerate(pages) if "BÁO CÁO THÀNH TÍCH" in page]
    names = [nominee for nominee, *_ in COMMUNE + DISTRICT]
    assert len(starts) == len(names) + 1  # the approved one gets its own too; the one the council
    # did not recommend is past the award step and gets none
    reports = [pages[a:b] for a, b in zip(starts, [*starts[1:], len(pages)], strict=True)]
    for report in reports:
        head = _lines(report[0])[:3]
        assert not any(line.isdigit() for line in head)  # no number on a report's first page
        for n, page in enumerate(report[1:], 2):  # its own numbers: 2, 3… again for each
            assert _lines(page)[0] == str(n), page
        text = "\n".join(report)
        name = re.search(r"(Tên tập thể đề nghị|Tên hộ gia đình đề nghị|Họ và tên): (.+)", text)
        assert name, text
        if name[1] != "Họ và tên":  # a collective or a household: no one's birth or sex
            for field in ("Họ và tên", "Giới tính", "Sinh ngày"):
                assert field not in text, (name[2], field)
        assert not _signature_only(report[-1])
    assert "Tên hộ gia đình đề nghị: Hộ bà Lường Thị Hoa" in printed["report"]["text"]


def test_the_giay_khen_is_centred_on_its_page(printed):
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(printed["certificates"]["pdf"]), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S)
    assert len(pages) == len(COMMUNE)
    for width, height, words in pages:
        boxes = [
            tuple(map(float, b))
            for b in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', words)
        ]
        left = min(b[0] for b in boxes)
        right = float(width) - max(b[2] for b in boxes)
        top = min(b[1] for b in boxes)
        bottom = float(height) - max(b[3] for b in boxes)
        assert float(width) > float(height)  # A4 landscape
        assert abs(left - right) < 0.05 * float(width), (left, right)
        assert abs(top - bottom) < 0.08 * float(height), (top, bottom)
        assert top > 0.12 * float(height)  # not crowded at the top of the page


def test_the_decision_counts_households_and_prints_the_citation_never_the_raw_text(printed):
    text = " ".join(printed["decision"]["text"].split())
    assert "cho 2 tập thể, 3 hộ gia đình và 5 cá nhân (có danh sách kèm theo)" in text
    assert "II. HỘ GIA ĐÌNH (3)" in text and "III. CÁ NHÂN (5)" in text
    assert "trong phong trào thi đua đặc biệt" in text and "trong Phong trào" not in text
    assert "Hiến 150 m² đất làm đường bê tông của thôn." in text  # the office's citation
    certificates = " ".join(printed["certificates"]["text"].split())
    for printed_text in (text, certificates):
        assert "triệu" not in printed_text and RAW[:40] not in printed_text
    assert "Hoàn thành xuất sắc nhiệm vụ huấn luyện dân quân năm 2024." in certificates


def test_the_minutes_and_the_proposal_carry_the_round(printed):
    minutes = " ".join(printed["minutes"]["text"].split())
    assert "Chủ trì: Hoàng Văn Vịnh, Chủ tịch UBND xã, Chủ tịch Hội đồng." in minutes
    assert "Thư ký: Lương Thị Mai" in minutes and "bot" not in minutes
    # dated and closed when the round closed (50 hours after it opened), not when printed
    assert "Trần Ninh, ngày 07 tháng 11 năm 2024" in minutes
    assert "Biên bản được lập lúc 12:00 ngày 07/11/2024" in minutes
    proposal = " ".join(printed["proposal"]["text"].split())
    # made after the district's decision was recorded; the minutes' number and date filled in
    assert "Căn cứ Biên bản họp xét khen thưởng số 1/BB-HĐTĐKT ngày 07/11/2024" in proposal
    assert "cho 1 tập thể, 1 hộ gia đình và 2 cá nhân" in proposal


def test_the_council_list_holds_only_the_listed_items(printed):
    text = " ".join(printed["list"]["text"].split())
    cells = {
        "".join(t.text or "" for t in tc.iter(qn("w:t")))
        for tc in _xml(printed["list"]["docx"]).iter(qn("w:tc"))
    }
    assert {nominee for nominee, *_ in COMMUNE + DISTRICT} <= cells
    assert "Hộ bà Ma Thị Lụa" not in text  # approved, never put on the list
    assert "Trạng thái" not in text  # one status: no column for it


def test_no_english_word_in_any_document_or_the_workbook(printed):
    for name in DOCS:
        assert english_in(printed[name]["text"]) == [], name
    book = load_workbook(printed["xlsx"], read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    assert cells and english_in("\n".join(cells)) == []


def test_the_command_line_finds_a_decision_by_its_number(printed, monkeypatch, tmp_path, capsys):
    db = printed["folder"] / "decided.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    out = tmp_path / "qd.docx"
    args = ["export", "--format", "docx", "--kind", "decision", "--out", str(out), "--ref"]
    assert cli_main([*args, "125"]) == 0 and out.exists()
    assert cli_main([*args, "125/qđ-ubnd"]) == 0
    # the district's decision is found, and said to be the district's: the commune prints none
    assert cli_main([*args, "2345"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "Quyết định số 2345/QĐ-UBND (Giấy khen của Chủ tịch UBND huyện) do cấp trên ban hành: "
        "xã chỉ ghi nhận, không lập văn bản và Giấy khen cho quyết định này."
    ]
    # the Tờ trình is still made once the district's decision is recorded
    assert (
        cli_main(["export", "--format", "docx", "--kind", "proposal", "--out", str(tmp_path / "tt.docx")])
        == 0
    )


def test_the_invitation_without_a_bot_says_so_in_one_vietnamese_line(monkeypatch, tmp_path, capsys, db_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    for key in ("TELEGRAM_BOT_USERNAME", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_NAME", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    assert cli_main(["invitation", "--out", str(tmp_path / "moi.pdf")]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("Chưa biết tên bot để in lên giấy mời") and english_in(line) == []
    assert cli_main(["invitation", "--out", str(tmp_path / "moi.doc")]) == 2
    assert "xin đặt tên tệp đuôi .pdf hoặc .png" in capsys.readouterr().err
