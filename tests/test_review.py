"""Unit reports and proposals, staff appraisal, the council shortlist and its quota, through
the core, with the stored rows, the submitter's notifications and the audit log."""

from __future__ import annotations

from datetime import UTC

from messages.model import Photo
from storage.models import AuditLog, Evidence, Submission, SubmissionVersion

from . import seed as seeding
from .conftest import Player, nominate_household, register_resident, rows
from .review_helpers import approved, audits, join, member_id, notes, statuses, sub

FIGURES_1 = ["3", "120", "2", "1", "bo qua", "350", "400", "45 triệu", "bo qua", "2", "1"]


def send_report(
    p: Player, figures: list[str], narrative: str | None, photos: int = 0, unit: str = "Thôn 1"
) -> None:
    p.press("report")
    assert "1) Số buổi tuyên truyền, vận động (buổi)" in p.question.text, p.text
    p.say("\n".join("-" if v == "bo qua" else v for v in figures))  # all figures in one message
    p.say(narrative if narrative else "bo qua")
    for i in range(photos):
        p.photo(f"rep-{i}")  # the first photo moves on to the summary
    if not photos:
        p.say("bo qua")
    assert f"Kiểm tra báo cáo {unit}" in p.text, p.text
    p.press("Gửi báo cáo")


def test_unit_report_and_update_keep_two_versions_latest_shown(core, db, clock):
    head = join(core, db, clock, "h1", "head", "T01")
    send_report(head, FIGURES_1, "Thôn vận động 120 lượt người làm 350 m đường bê tông liên xóm.", photos=1)
    assert "Đã gửi báo cáo, mã BC-0001" in head.text
    report = sub(db, "BC-0001")
    assert report.kind == "report" and report.unit_code == "T01" and report.status == "submitted"
    assert report.answers == {
        "figures": {
            "c1": {"tuyen_truyen": 3, "nguoi_tham_gia": 120},
            "c2": {"ho_thoat_ngheo": 2, "mo_hinh_kinh_te": 1},
            "c3": {"duong_be_tong": 350, "ngay_cong": 400, "tien_dong_gop": 45_000_000},
            "c5": {"vu_viec_hoa_giai": 2, "buoi_pho_bien_phap_luat": 1},
        }
    }
    assert report.contents == ["c1", "c2", "c3", "c5"]

    clock.advance(days=3)
    # the update: the earlier figure is offered, skipping keeps it, a new value replaces it
    head.press("report")
    assert "1) Số buổi tuyên truyền, vận động (buổi) — trước: 3 buổi" in head.question.text
    head.say("1) 5 6) 500m")  # only what changed, by number
    head.say("bo qua")  # keep the narrative
    head.say("bo qua")  # no new photo
    assert "cập nhật BC-0001" in head.text
    head.press("Gửi báo cáo")
    assert "Đã cập nhật báo cáo BC-0001 (phiên bản 2)" in head.text

    [report] = rows(db, Submission)
    assert report.version == 2
    figs = report.answers["figures"]
    assert figs["c1"] == {"tuyen_truyen": 5, "nguoi_tham_gia": 120} and figs["c3"]["duong_be_tong"] == 500
    assert report.achievements.startswith("Thôn vận động")
    [old] = rows(db, SubmissionVersion)
    assert old.version == 1 and old.snapshot["answers"]["figures"]["c1"]["tuyen_truyen"] == 3
    assert [e.unique_id for e in rows(db, Evidence)] == ["rep-0"]
    assert [a.action for a in audits(db, "BC-0001")] == ["report.create", "status", "report.update"]

    # Hồ sơ của tôi shows the latest version
    head.press("mine")
    assert "BC-0001 · Thôn 1" in head.text
    head.say("1")
    assert "Phiên bản 2" in head.text and "Tuyên truyền" not in head.text
    assert "Số buổi tuyên truyền, vận động: 5 buổi" in head.text
    assert "Đường bê tông làm mới: 500 m" in head.text


def test_report_after_the_deadline_is_refused(core, db, clock, campaign):
    head = join(core, db, clock, "h1", "head", "T01")
    clock.set(campaign.closes_at)
    head.press("report")
    assert "hết hạn nhận hồ sơ" in head.text and "Bạn muốn làm gì?" in head.text
    assert rows(db, Submission) == []


def test_report_is_for_heads_only(core, db, clock):
    resident = Player(core, "r1")
    register_resident(resident)
    resident.say("/baocao")
    assert "không dành cho bạn" in resident.text
    assert rows(db, Submission) == []


def test_unit_proposal_with_vote_note(core, db, clock):
    head = join(core, db, clock, "h1", "head", "T01")
    head.press("propose")
    assert "Đề nghị khen thưởng của Thôn 1" in head.text
    head.say("Hộ bà Lý Thị Mai")  # a household, by its name
    head.say("Phát triển mô hình chăn nuôi lợn đen, tạo việc làm cho 5 lao động trong thôn.")
    assert "2. [x] Phát triển kinh tế" in head.text  # suggested from the achievements
    head.say("ok")
    assert "bình xét" in head.text
    head.say("Họp thôn ngày 10/11/2024, 28/30 hộ nhất trí.")
    head.say("80 triệu")
    head.say("khong")
    head.say("bo qua")
    head.say("2")  # a head proposes the district award
    assert "Bình xét: Họp thôn ngày 10/11/2024" in head.text
    head.press("Gửi đề nghị")
    assert "Đã gửi đề nghị khen thưởng, mã hồ sơ DN-0001" in head.text
    [p] = rows(db, Submission)
    assert (p.kind, p.unit_code, p.category, p.proposed_award) == ("proposal", "T01", "household", "district")
    assert p.answers == {
        "annual_income": 80_000_000,
        "discipline": "no",
        "vote_note": "Họp thôn ngày 10/11/2024, 28/30 hộ nhất trí.",
    }


def test_head_sees_nominations_about_their_unit_only(core, db, clock):
    resident = Player(core, "r1")
    register_resident(resident)
    ref = nominate_household(resident)  # about Thôn 1
    head1 = join(core, db, clock, "h1", "head", "T01", name="Trưởng Thôn Một")
    head2 = join(core, db, clock, "h2", "head", "T02", name="Trưởng Thôn Hai")
    head1.press("unit_noms")
    assert f"{ref} · Hộ ông Hoàng Văn Tư" in head1.text
    head1.say("1")
    assert "Trồng 3 ha hồi" in head1.text and "Thu nhập/năm: 60 triệu đồng" in head1.text
    assert [o.label for o in head1.question.options] == ["Quay lại danh sách"]  # read-only
    head2.press("unit_noms")
    assert "Chưa có đề cử nào về đơn vị của bạn" in head2.text and ref not in head2.text


def nominated(core, db, clock, photos: int) -> tuple[Player, str, Player]:
    """A resident's nomination with photos, and a staff member who opens the queue."""
    resident = Player(core, "r1")
    register_resident(resident)
    ref = nominate_household(resident, photos=photos)
    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Cán Bộ Văn Phòng")
    staff.press("review")
    return resident, ref, staff


def test_staff_approve_notifies_and_audits(core, db, clock):
    resident, ref, staff = nominated(core, db, clock, photos=2)
    photos = [r for r in staff.last if isinstance(r, Photo)]
    assert [p.ref for p in photos] == ["f-photo-0", "f-photo-1"]
    assert f"{ref} — Đề cử (còn 1 hồ sơ chờ)" in staff.text
    assert "Ảnh minh chứng: 2" in staff.text and "Không có cảnh báo tiêu chí" in staff.text
    sid, rid = member_id(core, staff), member_id(core, resident)
    # opening the dossier changes nothing and tells nobody: it moves on the decision
    assert sub(db, ref).status == "submitted" and notes(db, rid) == []
    staff.press("Đạt")
    assert f"{ref}: Đạt. Đã báo người gửi." in staff.text
    assert "Không còn hồ sơ chờ thẩm định" in staff.text
    assert statuses(db, ref) == [(None, "submitted", rid, None), ("submitted", "approved", sid, None)]
    assert notes(db, rid) == [f"Hồ sơ {ref} (Hộ ông Hoàng Văn Tư): Đạt."]
    status_rows = [a for a in audits(db, ref) if a.action == "status"]
    assert [(a.actor_id, a.before, a.after) for a in status_rows][-1] == (
        sid,
        {"status": "submitted"},
        {"status": "approved"},
    )


def test_needs_info_amend_then_approve(core, db, clock):
    resident, ref, staff = nominated(core, db, clock, photos=1)
    staff.press("Cần bổ sung")
    staff.say("Xin gửi thêm ảnh vườn hồi và xác nhận của trưởng thôn.")
    assert f"{ref}: Cần bổ sung" in staff.text
    rid, sid = member_id(core, resident), member_id(core, staff)
    assert notes(db, rid)[-1] == (
        f"Hồ sơ {ref} (Hộ ông Hoàng Văn Tư): Cần bổ sung. "
        "Lý do: Xin gửi thêm ảnh vườn hồi và xác nhận của trưởng thôn.\n"
        "Mời vào «Hồ sơ của tôi», chọn hồ sơ rồi «Bổ sung hồ sơ»."
    )

    resident.press("mine")
    resident.say("1")
    assert "Trạng thái: Cần bổ sung" in resident.text and "Lý do: Xin gửi thêm ảnh" in resident.text
    resident.press("Bổ sung hồ sơ")  # the summary as it was sent, with its changes
    assert "Tên: Hộ ông Hoàng Văn Tư" in resident.text and "Ảnh: 1" in resident.text
    resident.press("Sửa thành tích")
    resident.say("Trồng 3 ha hồi, có xác nhận của trưởng thôn; hiến 200 m2 đất làm đường.")
    resident.photo("photo-9")  # sent at the summary: kept with the others
    assert "Ảnh: 2" in resident.text
    resident.press("Gửi bổ sung, không công bố ảnh")
    assert f"Đã gửi bổ sung cho {ref}" in resident.text
    amended = sub(db, ref)
    assert amended.status == "under_review" and amended.version == 2
    assert amended.achievements.startswith("Trồng 3 ha hồi, có xác nhận")
    [old] = rows(db, SubmissionVersion)
    assert old.snapshot["achievements"].startswith("Trồng 3 ha hồi, thu nhập cao")
    assert sorted(e.unique_id for e in rows(db, Evidence)) == ["photo-0", "photo-9"]

    staff.press("review")  # back in the queue
    assert "có xác nhận của trưởng thôn" in staff.text and "(bản 2)" in staff.text
    staff.press("Đạt")
    assert sub(db, ref).status == "approved"
    assert [(f, to) for f, to, *_ in statuses(db, ref)] == [
        (None, "submitted"),
        ("submitted", "needs_info"),
        ("needs_info", "under_review"),
        ("under_review", "approved"),
    ]
    assert notes(db, rid)[-1] == f"Hồ sơ {ref} (Hộ ông Hoàng Văn Tư): Đạt."
    assert len(notes(db, rid)) == 2  # the resident's own amendment is not notified back
    actions = [(a.action, a.actor_id, a.reason) for a in audits(db, ref)]
    assert ("status", sid, "Xin gửi thêm ảnh vườn hồi và xác nhận của trưởng thôn.") in actions
    assert ("nomination.update", rid, None) in actions
    assert ("status", rid, "Người gửi đã bổ sung") in actions


def test_reject_with_reason_and_skip(core, db, clock):
    resident = Player(core, "r1")
    register_resident(resident)
    first = nominate_household(resident)
    second = nominate_household(resident, nominee="Hộ bà Nông Thị Hoa")
    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Cán Bộ Văn Phòng")
    staff.press("review")
    assert first in staff.question.text
    staff.press("Để sau")
    assert f"Để sau {first}" in staff.text and second in staff.question.text
    staff.press("Không đạt")
    staff.say("Chưa có xác nhận thu nhập của thôn.")
    assert "Hết hồ sơ trong lượt này (1 hồ sơ để sau)" in staff.text
    rid, sid = member_id(core, resident), member_id(core, staff)
    assert statuses(db, second)[-1] == (
        "submitted",
        "rejected",
        sid,
        "Chưa có xác nhận thu nhập của thôn.",
    )
    assert notes(db, rid)[-1] == (
        f"Hồ sơ {second} (Hộ bà Nông Thị Hoa): Không đạt. Lý do: Chưa có xác nhận thu nhập của thôn."
    )
    [skip] = [a for a in audits(db, first) if a.action == "review.skip"]
    assert skip.actor_id == sid and skip.after == {"status": "submitted"}
    # «Để sau» changed nothing and told nobody
    assert statuses(db, first) == [(None, "submitted", rid, None)]
    assert not [n for n in notes(db, rid) if first in n]
    # the skipped one is first again on the next round
    staff.press("review")
    assert f"{first} — Đề cử" in staff.question.text


def test_shortlist_quota_and_one_award_per_nominee(core, db, clock):
    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Cán Bộ Văn Phòng")
    sid = member_id(core, staff)
    refs = [
        approved(db, clock, submitter_id=sid, nominee=f"Thôn {n}", category="collective", unit=f"T0{n}")
        for n in (1, 2, 3)
    ]
    person = approved(db, clock, submitter_id=sid, nominee="Ông Hoàng Văn Tư", category="household")
    same = approved(
        db, clock, submitter_id=sid, nominee="ong hoang van tu", category="household", kind="proposal"
    )
    staff.press("shortlist")
    staff.press("Giấy khen của Chủ tịch UBND huyện")
    assert "Tập thể: 0 (cần 1–2)" in staff.text
    for ref in refs[:2]:
        staff.press(f"add:{ref}")
        assert f"Đã thêm {ref} vào danh sách" in staff.text
    assert "Tập thể: 2 (cần 1–2)" in staff.text
    staff.press(f"add:{refs[2]}")
    assert "chỉ được tối đa 2 tập thể" in staff.text
    assert sub(db, refs[2]).status == "approved" and sub(db, refs[2]).shortlist_award is None
    staff.press(f"del:{refs[0]}")
    assert f"Đã bỏ {refs[0]}" in staff.text
    staff.press(f"add:{refs[2]}")
    assert f"Đã thêm {refs[2]}" in staff.text
    staff.press(f"add:{person}")
    staff.press("Xong")
    assert "Giấy khen của Chủ tịch UBND huyện" in staff.text

    # art. 5.2: the same nominee cannot also go on the commune list
    staff.press("shortlist")
    staff.press("Giấy khen của Chủ tịch UBND xã")
    staff.press(f"add:{same}")
    assert "Điều 5.2" in staff.text and sub(db, same).status == "approved"
    staff.press("Xong")

    shortlisted = {s.ref: s.shortlist_award for s in rows(db, Submission) if s.status == "shortlisted"}
    assert shortlisted == {refs[1]: "district", refs[2]: "district", person: "district"}
    [removed] = [
        a
        for a in audits(db, refs[0])
        if a.action == "status" and a.after["status"] == "approved" and a.before["status"] == "shortlisted"
    ]
    assert removed.before == {"status": "shortlisted", "shortlist_award": "district"}
    assert removed.after == {"status": "approved", "shortlist_award": None} and removed.actor_id == sid
    [added] = [a for a in audits(db, person) if a.after and a.after.get("status") == "shortlisted"]
    assert added.after["shortlist_award"] == "district" and added.actor_id == sid

    staff.press("council")
    assert "1. " + refs[1] in staff.text and "Cá nhân: 1 (cần 3–4)" in staff.text


def test_stats_counts(core, db, clock):
    resident = Player(core, "r1")
    register_resident(resident)
    nominate_household(resident)
    nominate_household(resident, nominee="Hộ bà Nông Thị Hoa")
    head = join(core, db, clock, "h1", "head", "T01")
    send_report(head, FIGURES_1, "Thôn vận động 120 lượt người làm 350 m đường bê tông liên xóm.")
    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Cán Bộ Văn Phòng")
    staff.press("stats")
    text = staff.texts()[0]
    assert "3 hồ sơ" in text and "Đã gửi, chờ thẩm định: 2; Văn phòng đã nhận: 1" in text
    assert "Đề cử: 2; Báo cáo thành tích: 1" in text
    assert "Hộ gia đình, nông dân, người lao động: 2" in text and "Thôn 1: 3" in text
    assert "Đơn vị đã báo cáo: 1/13" in text
    assert len(text) < 700
    assert all(a.action != "status" or a.actor_id is not None for a in rows(db, AuditLog))


def test_queue_and_shortlist_queries_on_postgresql(pg_db, campaign, clock):
    from handlers.core import Core

    core = Core(pg_db, campaign, clock)
    resident, ref, staff = nominated(core, pg_db, clock, photos=1)
    staff.press("Để sau")
    assert "1 hồ sơ để sau" in staff.text
    staff.press("review")
    staff.press("Đạt")
    staff.press("shortlist")
    staff.press("Giấy khen của Chủ tịch UBND huyện")
    staff.press(f"add:{ref}")
    assert f"Đã thêm {ref}" in staff.text
    assert (sub(pg_db, ref).status, sub(pg_db, ref).shortlist_award) == ("shortlisted", "district")
    staff.press("Xong")
    staff.press("stats")
    assert "Đưa vào danh sách Hội đồng: 1" in staff.text


def test_an_amendment_asked_for_by_staff_is_accepted_after_the_deadline(core, db, clock):
    """domain.md: after the deadline nothing new is submitted, but amendments staff asked for
    may still be made."""
    from datetime import datetime

    from sqlmodel import Session

    from storage import submissions

    from .conftest import Player, nominate_household, register_resident

    resident = Player(core, "late-amender")
    register_resident(resident)
    ref = nominate_household(resident)
    with Session(db, expire_on_commit=False) as s:
        item = submissions.submission_by_ref(s, ref)
        seeding.change_status(
            s, item, "needs_info", actor_id=None, reason="Thiếu ảnh", now=clock.now(), notify=None
        )
        s.commit()
    clock.set(datetime(2024, 12, 2, 3, 0, tzinfo=UTC))  # two days after the deadline
    resident.press("nominate")
    assert "hết hạn nhận hồ sơ" in resident.text  # nothing new
    resident.say("/hoso")
    resident.say("1")
    resident.press("Bổ sung hồ sơ")
    resident.photo("anh-bo-sung")
    resident.press("Gửi bổ sung, không công bố ảnh")
    assert f"Đã gửi bổ sung cho {ref}" in resident.text
    assert sub(db, ref).status == "under_review" and sub(db, ref).version == 2
