"""The award step through the core: a council round with three members (a pass, a
fail, a changed vote), the live tally and the close, the minutes read back; the decision
recorded in chat, statuses `awarded`, the decision and certificates read back; the nominator
and the awardee told through the outbox; a decision withdrawn with a reason."""

from __future__ import annotations

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from sqlmodel import Session, select

from bot.cli import main as cli_main
from documents import ExportError
from documents.certificates import write_certificates
from documents.council import write_decision, write_minutes
from storage.models import AuditLog, AwardDecision, CouncilItem, CouncilVote, Submission

from . import seed as seeding
from .conftest import CAMPAIGN_FILE, Player, nominate_household, register_resident, rows
from .review_helpers import join, member_id, notes, sub
from .test_exports import paragraphs, texts

FONT = "Times New Roman"


def shortlist(db, clock, ref: str, award: str = "commune") -> None:
    """Appraised and put on the council's list (those steps are tested elsewhere)."""
    with Session(db) as s:
        row = s.exec(select(Submission).where(Submission.ref == ref)).one()
        for to, fields in (("approved", None), ("shortlisted", {"shortlist_award": award})):
            seeding.change_status(
                s, row, to, actor_id=None, reason=None, now=clock.now(), notify=None, fields=fields
            )
        s.commit()


def proposal(db, clock, submitter_id: int, nominee: str) -> str:
    with Session(db) as s:
        row = seeding.create_submission(
            s,
            kind="proposal",
            campaign_code="tran-ninh-2024",
            submitter_id=submitter_id,
            now=clock.now(),
            unit_code="T01",
            category="collective",
            nominee=nominee,
            contents=["c1"],
            achievements="Vận động hội viên hiến 500 ngày công làm đường bê tông.",
            answers={},
            flags=[],
            proposed_award="commune",
        )
        s.commit()
        return row.ref


@pytest.fixture
def world(core, db, clock):
    """Three nominations on the commune list, three council members, staff, the nominator
    and the awardee (a resident of Thôn 1 named in the first nomination)."""
    nominator = Player(core, "r1")
    register_resident(nominator)
    first = nominate_household(nominator, photos=2)
    second = nominate_household(nominator, nominee="Hộ bà Nông Thị Hoa")
    awardee = Player(core, "r2")
    register_resident(awardee, name="Hoàng Văn Tư")
    third = proposal(db, clock, member_id(core, nominator), "Chi hội Phụ nữ thôn 1")
    for ref in (first, second, third):
        shortlist(db, clock, ref)
    people = dict(
        nominator=nominator,
        awardee=awardee,
        refs=(first, second, third),
        staff=join(core, db, clock, "s1", "staff", "VPTK", name="Lương Thị Mai"),
    )
    for i, name in enumerate(("Hoàng Văn Vịnh", "Lộc Thị Hạnh", "Vi Văn Sơn"), 1):
        people[f"m{i}"] = join(core, db, clock, f"m{i}", "council", None, name=name)
    return people


def vote_through(p: Player, *choices: str) -> None:
    p.say("/bophieu")
    for choice in choices:
        assert "Ý kiến của bạn?" in p.text, p.text
        p.press(choice)
    assert "Cảm ơn bạn" in p.text, p.text


def run_round(world) -> None:
    staff = world["staff"]
    staff.say("/hoidong")
    assert "Chưa có phiên xét nào đang mở" in staff.text
    staff.press("Mở phiên xét")
    assert "Đã mở phiên xét số 1: 3 hồ sơ, 3 thành viên" in staff.text
    vote_through(world["m1"], "Đồng ý", "Không đồng ý", "Đồng ý")
    vote_through(world["m2"], "Đồng ý", "Không đồng ý", "Đồng ý")
    vote_through(world["m3"], "Đồng ý", "Đồng ý", "Xin ý kiến thêm")
    # the third member changes their vote on the first item while the round is open
    m3 = world["m3"]
    m3.say("/bophieu")
    assert "Bạn đã bỏ phiếu đủ 3 hồ sơ" in m3.text
    m3.press("0")
    assert "Phiếu của bạn: Đồng ý" in m3.text
    m3.press("Không đồng ý")
    assert "Không đồng ý" in m3.question.options[0].label
    m3.press("Xong")
    assert "Cảm ơn bạn" in m3.text


def test_a_whole_round_then_the_decision(world, core, db, clock, tmp_path):
    first, second, third = world["refs"]
    staff = world["staff"]
    # each member was asked to vote when the round opened
    run_round(world)
    for i in (1, 2, 3):
        assert any("mở phiên xét số 1 (3 hồ sơ)" in n for n in notes(db, member_id(core, world[f"m{i}"])))
    # the tally, live: 2 of 3 agree on the first item, 1 of 3 on the second
    staff.press("Cập nhật kết quả")
    tally = staff.text
    assert "3/3 thành viên đã bỏ phiếu (cần 2)" in tally
    assert f"1. {first} · Hộ ông Hoàng Văn Tư\n   Đồng ý 2 · Không 1 · Ý kiến thêm 0 → Đạt" in tally
    assert f"2. {second} · Hộ bà Nông Thị Hoa\n   Đồng ý 1 · Không 2 · Ý kiến thêm 0 → Không đạt" in tally
    assert f"3. {third} · Chi hội Phụ nữ thôn 1\n   Đồng ý 2 · Không 0 · Ý kiến thêm 1 → Đạt" in tally
    staff.press("Kết thúc phiên xét")
    staff.press("Kết thúc phiên xét")
    assert "Đã kết thúc phiên xét số 1 (3/3 thành viên bỏ phiếu): 2 hồ sơ đạt, 1 không đạt" in staff.text
    assert [i.result for i in rows(db, CouncilItem)] == ["passed", "failed", "passed"]
    # the item that failed leaves the list; its nominator is told, in the close's transaction
    assert sub(db, second).status == "not_recommended"
    assert any(
        f"hồ sơ {second} (Hộ bà Nông Thị Hoa) tại phiên xét số 1: 1/3 thành viên đồng ý" in n
        for n in notes(db, member_id(core, world["nominator"]))
    )
    assert len(rows(db, CouncilVote)) == 9  # one current vote per member and item
    world["m1"].say("/bophieu")
    assert "Hiện không có phiên xét nào đang mở" in world["m1"].text

    # the minutes, read back
    with Session(db) as s:
        assert write_minutes(s, core.campaign, tmp_path / "bb.docx", now=clock.now()) == 3
    minutes = docx.Document(tmp_path / "bb.docx")
    text = "\n".join(texts(minutes))
    for name in ("Hoàng Văn Vịnh — có bỏ phiếu", "Lộc Thị Hạnh — có bỏ phiếu", "Vi Văn Sơn — có bỏ phiếu"):
        assert name in text
    assert "quá nửa" in text and "BIÊN BẢN" in text
    table = next(t for t in minutes.tables if t.rows[0].cells[0].text == "STT")
    assert [[c.text for c in r.cells][1:] for r in table.rows[1:]] == [
        ["Hộ ông Hoàng Văn Tư", "Thôn 1", "2", "1", "0", "Đạt"],
        ["Hộ bà Nông Thị Hoa", "Thôn 1", "1", "2", "0", "Không đạt"],
        ["Chi hội Phụ nữ thôn 1", "Thôn 1", "2", "0", "1", "Đạt"],
    ]
    # the award once above its table, not in a column of every row
    assert "1. Giấy khen của Chủ tịch UBND xã (3 hồ sơ)" in text
    # the council's chairman and secretary from the campaign file, in the record and signing it
    assert "Chủ trì: Hoàng Văn Vịnh, Chủ tịch UBND xã, Chủ tịch Hội đồng." in text
    assert "Thư ký: Lương Thị Mai, công chức Văn phòng - Thống kê." in text
    assert "bot" not in text
    assert all(r.font.name in (None, FONT) for p in paragraphs(minutes) for r in p.runs)

    # the decision, recorded in chat: number, date, signer
    staff.say("/quyetdinh")
    staff.press("Ghi quyết định: Giấy khen của Chủ tịch UBND xã (2 hồ sơ)")
    staff.say("abc")
    assert "Số quyết định chưa đúng" in staff.text
    staff.say("125")
    staff.say("05/11/2024")
    staff.say("bo qua")
    assert "Quyết định số 125/QĐ-UBND ngày 05/11/2024" in staff.text and "Hoàng Văn Vịnh" in staff.text
    staff.press("Lưu")
    assert "Đã ghi Quyết định số 125/QĐ-UBND: 2 hồ sơ được tặng Giấy khen của Chủ tịch UBND xã" in staff.text
    assert [sub(db, r).status for r in (first, second, third)] == ["awarded", "not_recommended", "awarded"]
    # the nominator and the awardee are told
    told = notes(db, member_id(core, world["nominator"]))
    assert any(
        f"hồ sơ {first} (Hộ ông Hoàng Văn Tư) được tặng Giấy khen của Chủ tịch UBND xã theo "
        "Quyết định số 125/QĐ-UBND ngày 05/11/2024" in n
        for n in told
    )
    assert any(third in n and "được tặng" in n for n in told)
    assert any("Chúc mừng Hộ ông Hoàng Văn Tư" in n for n in notes(db, member_id(core, world["awardee"])))
    # the item the council did not recommend was told at the round's close, and only then (it
    # left the list, so the decision does not leave it out again); good news carries no «Lý do»
    about_second = [n for n in told if f"hồ sơ {second} (Hộ bà Nông Thị Hoa)" in n]
    assert len(about_second) == 1 and "chưa đủ để đề nghị khen thưởng" in about_second[0], told
    assert not [n for n in told if "được tặng" in n and "Lý do" in n]

    # the decision and its list, read back
    with Session(db) as s:
        assert write_decision(s, core.campaign, tmp_path / "qd.docx") == 2
        assert write_certificates(s, core.campaign, tmp_path / "gk.docx") == 2
    decision = docx.Document(tmp_path / "qd.docx")
    text = "\n".join(texts(decision))
    assert "Số: 125/QĐ-UBND" in text and "Trần Ninh, ngày 05 tháng 11 năm 2024" in text
    for ground in core.campaign.decision.grounds[:4]:
        assert ground in text
    assert "cho 1 tập thể và 1 hộ gia đình (có danh sách kèm theo)" in text
    assert "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/11/2024" in text
    listed = [
        r.cells[1].text for t in decision.tables if t.rows[0].cells[0].text == "STT" for r in t.rows[1:]
    ]
    assert listed == ["Chi hội Phụ nữ thôn 1", "Hộ ông Hoàng Văn Tư"]
    assert decision.sections[0].orientation == WD_ORIENT.PORTRAIT
    # certificates: one landscape A4 page each, Times New Roman
    certs = docx.Document(tmp_path / "gk.docx")
    sec = certs.sections[0]
    assert sec.orientation == WD_ORIENT.LANDSCAPE
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (297, 210)
    # one page each: a page-high cell per awardee, a page break between them
    assert len(certs.tables) == 2
    assert sum(1 for br in certs.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page") == 1
    body = [p.text for p in paragraphs(certs)]
    assert body.count("TẶNG GIẤY KHEN") == 2
    assert "Hộ ông Hoàng Văn Tư" in body and "Chi hội Phụ nữ thôn 1" in body
    # every paragraph, those of the tables inside the page's cell included
    cert_text = "\n".join(
        "".join(t.text for t in p.iter(qn("w:t"))) for p in certs.element.body.iter(qn("w:p"))
    )
    assert cert_text.count("Quyết định số 125/QĐ-UBND ngày 05/11/2024") == 2 and "Hoàng Văn Vịnh" in cert_text
    assert certs.styles["Normal"].font.name == FONT
    assert all(r.font.name in (None, FONT) for p in paragraphs(certs) for r in p.runs)
    actions = [a.action for a in rows(db, AuditLog)]
    for action in ("council.open", "council.vote", "council.close", "decision.record"):
        assert action in actions

    # withdrawn in error: staff give a reason; the items go back; the certificates follow
    staff.say("/quyetdinh")
    staff.press("Thu hồi một quyết định đã ghi")
    staff.press("Thu hồi Quyết định số 125/QĐ-UBND")
    staff.say("Ghi nhầm số quyết định")
    staff.press("Lưu")
    assert "Đã thu hồi Quyết định số 125/QĐ-UBND; 2 hồ sơ trở lại danh sách Hội đồng" in staff.text
    assert [sub(db, r).status for r in (first, third)] == ["shortlisted", "shortlisted"]
    assert [(d.withdrawn, d.withdrawn_reason) for d in rows(db, AwardDecision)] == [
        (True, "Ghi nhầm số quyết định")
    ]
    assert any(
        "đã được thu hồi" in n and "Lý do: Ghi nhầm" in n
        for n in notes(db, member_id(core, world["nominator"]))
    )
    assert any(  # the awardee hears of it as well
        "Quyết định số 125/QĐ-UBND khen thưởng Hộ ông Hoàng Văn Tư đã được thu hồi. Lý do: Ghi nhầm" in n
        for n in notes(db, member_id(core, world["awardee"]))
    )
    with Session(db) as s, pytest.raises(ExportError, match="Chưa có quyết định khen thưởng"):
        write_certificates(s, core.campaign, tmp_path / "gk2.docx")


def test_no_quorum_passes_nothing(world, db):
    staff = world["staff"]
    staff.say("/hoidong")
    staff.press("Mở phiên xét")
    vote_through(world["m1"], "Đồng ý", "Đồng ý", "Đồng ý")  # one of three: not more than half
    staff.say("/hoidong")
    assert "1/3 thành viên đã bỏ phiếu (cần 2)" in staff.text and "Chưa đủ số thành viên" in staff.text
    staff.press("Kết thúc phiên xét")
    staff.press("Kết thúc phiên xét")
    assert "chưa đủ số quy định" in staff.text
    assert {i.result for i in rows(db, CouncilItem)} == {"no_quorum"}
    staff.say("/quyetdinh")
    assert "Chưa có hồ sơ nào được Hội đồng đề nghị" in staff.text


def test_council_members_read_but_cannot_change(world, db):
    m1 = world["m1"]
    m1.say("/menu")
    m1.press("council")
    assert "Giấy khen của Chủ tịch UBND xã" in m1.text and world["refs"][0] in m1.text
    m1.press("dossiers")
    m1.say("1")
    assert "Hộ ông Hoàng Văn Tư" in m1.text
    before = len(rows(db, AuditLog))
    for command in ("/thamdinh", "/danhsach", "/hoidong", "/quyetdinh", "/xuat", "/guongdienhinh"):
        m1.say("/huy")
        m1.say(command)
        assert "không dành cho bạn" in m1.text, (command, m1.text)
    assert len(rows(db, AuditLog)) == before
    world["staff"].say("/bophieu")
    assert "không dành cho bạn" in world["staff"].text


def test_export_refuses_in_vietnamese_when_there_is_nothing_yet(monkeypatch, db_path, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    for kind, message in (
        ("minutes", "Chưa có phiên xét nào của Hội đồng đã kết thúc"),
        ("decision", "Chưa có quyết định khen thưởng nào"),
        ("certificates", "Chưa có quyết định khen thưởng nào"),
    ):
        out = tmp_path / f"{kind}.docx"
        assert cli_main(["export", "--format", "docx", "--kind", kind, "--out", str(out)]) == 1
        assert message in capsys.readouterr().err and not out.exists()


def test_invite_a_council_member_from_the_command_line(monkeypatch, db_path, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    assert cli_main(["invite", "--role", "council"]) == 0
    assert "Vai trò: thành viên Hội đồng Thi đua - Khen thưởng" in capsys.readouterr().out
    assert cli_main(["invite", "--role", "head"]) == 2


def test_ok_and_ko_answer_the_ballot(world, db):
    staff = world["staff"]
    staff.say("/hoidong")
    staff.press("Mở phiên xét")
    m1 = world["m1"]
    m1.say("/bophieu")
    m1.say("ok")
    m1.say("ko")
    m1.say("Đồng ý")
    assert "Cảm ơn bạn" in m1.text, m1.text
    assert sorted(v.choice for v in rows(db, CouncilVote)) == ["agree", "agree", "disagree"]


def test_opening_a_round_with_no_council_member_keeps_the_way_back(core, db, clock):
    """The refusal names the console page (not a command line) and the screen asked again
    still offers «Quay lại» and «Hủy»: the clerk is never left with one option that fails."""
    staff = join(core, db, clock, "st1", "staff", "VPTK", name="Lê Thị Văn Phòng")
    staff.say("/hoidong")
    staff.press("open")
    assert "Tạo mã mời" in staff.text and "python" not in staff.text, staff.text
    labels = [o.label for o in staff.question.options + staff.question.nav]
    assert labels == ["Mở phiên xét", "Quay lại", "Hủy"], labels
    staff.press("Quay lại")
    assert "Bạn muốn làm gì?" in staff.text, staff.text


def test_a_command_on_the_round_screen_runs_at_once(world, db):
    """The round's screen holds no typed answer: /quyetdinh typed there opens the decision, and
    /hoidong shows the tally afresh, without «Bạn đang điền dở»."""
    staff = world["staff"]
    staff.say("/hoidong")
    staff.say("/quyetdinh")
    assert "điền dở" not in staff.text and "Quyết định khen thưởng" in staff.text, staff.text
    staff.say("/hoidong")
    staff.say("/hoidong")
    assert "điền dở" not in staff.text and "Chưa có phiên xét nào đang mở" in staff.text, staff.text


def test_the_minutes_count_households_as_the_decision_does(db, campaign, clock, tmp_path):
    """The minutes' recommendation names the same groups as the decision's Điều 1: collectives,
    households and individuals, not «10 tập thể, cá nhân»."""
    from .ceremony import ceremony

    ceremony(db, campaign, clock)
    with Session(db) as s:
        write_minutes(s, campaign, tmp_path / "bb.docx", now=clock.now())
        write_decision(s, campaign, tmp_path / "qd.docx", number="125/QĐ-UBND")
    minutes = "\n".join(texts(docx.Document(str(tmp_path / "bb.docx"))))
    decision = "\n".join(texts(docx.Document(str(tmp_path / "qd.docx"))))
    assert "cho 2 tập thể, 3 hộ gia đình và 5 cá nhân:" in minutes, minutes
    assert "2 tập thể, 3 hộ gia đình và 5 cá nhân" in decision
    assert "cá nhân:" in minutes and "tập thể, cá nhân:" not in minutes
