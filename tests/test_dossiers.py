"""«Hồ sơ của tôi» and the nomination's summary as a resident reads them: what was sent, the
choices that are there, the way back, and amending what the office asked about."""

from __future__ import annotations

from sqlmodel import select

from messages.catalog import t
from storage.models import Submission, SubmissionVersion

from .conftest import Player, nominate_household, register_resident, rows
from .review_helpers import join, sub
from .test_invites import make_invite


class Counting(Player):
    sent = 0

    def send(self, event):
        self.sent += 1
        return super().send(event)


def asked_to_amend(core, db, clock, reason: str) -> tuple[Counting, str]:
    resident = Counting(core, "r1")
    register_resident(resident)
    ref = nominate_household(resident, nominee="Ho ong Hoang Van Tu", photos=1)
    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Hoàng Thị Lan")
    staff.press("review")
    staff.press("Cần bổ sung")
    staff.say(reason)
    return resident, ref


def test_amending_the_nominee_name_takes_six_messages_and_keeps_a_version(core, db, clock):
    resident, ref = asked_to_amend(core, db, clock, "Xin ghi rõ họ tên có dấu.")
    resident.sent = 0
    resident.press("mine")  # 1
    resident.say(ref)  # 2: the dossier
    assert "Lý do: Xin ghi rõ họ tên có dấu." in resident.text
    resident.press(t("mine.amend"))  # 3: the summary as it was sent
    assert "Tên: Ho ong Hoang Van Tu" in resident.text and "Ảnh: 1" in resident.text
    resident.press(t("nom.change_nominee"))  # 4
    resident.say("Hộ ông Hoàng Văn Tư")  # 5: back at the summary
    assert "Tên: Hộ ông Hoàng Văn Tư" in resident.text
    resident.press(t("mine.amend_send"))  # 6
    assert t("mine.amended", ref=ref) in resident.text
    assert resident.sent <= 6, resident.sent
    amended = sub(db, ref)
    assert (amended.nominee, amended.status, amended.version) == ("Hộ ông Hoàng Văn Tư", "under_review", 2)
    [before] = rows(db, SubmissionVersion)
    assert before.snapshot["nominee"] == "Ho ong Hoang Van Tu"  # the office compares the versions


def test_amending_the_income_asks_the_criteria_again(core, db, clock):
    resident, ref = asked_to_amend(core, db, clock, "Thu nhập ghi chưa đúng.")
    resident.press("mine")
    resident.say(ref)
    resident.press(t("mine.amend"))
    resident.press(t("nom.change_checks"))
    resident.say("80 triệu")
    resident.say("ko")  # not under discipline
    assert "Thu nhập/năm: 80 triệu đồng" in resident.text, resident.text
    resident.press(t("mine.amend_send"))
    [row] = rows(db, Submission)
    assert row.answers["annual_income"] == 80_000_000 and row.version == 2


def test_sending_an_amendment_with_nothing_changed_stays_at_the_summary(core, db, clock):
    """«Gửi bổ sung» before changing anything says so and asks the summary again (not the menu):
    the change made next is sent from there."""
    resident, ref = asked_to_amend(core, db, clock, "Xin ghi rõ họ tên có dấu.")
    resident.press("mine")
    resident.say(ref)
    resident.press(t("mine.amend"))
    resident.press(t("mine.amend_send"))
    assert t("mine.amend_nothing", ref=ref) in resident.text
    assert "Tên: Ho ong Hoang Van Tu" in resident.text and t("nom.change_nominee") in resident.text
    assert sub(db, ref).status == "needs_info"
    resident.press(t("nom.change_nominee"))
    resident.say("Hộ ông Hoàng Văn Tư")
    resident.press(t("mine.amend_send"))
    assert t("mine.amended", ref=ref) in resident.text
    assert (sub(db, ref).nominee, sub(db, ref).status) == ("Hộ ông Hoàng Văn Tư", "under_review")


def test_a_dossier_shows_what_was_sent_and_always_has_a_way_back(core, db, clock):
    resident = Player(core, "r1")
    register_resident(resident)
    ref = nominate_household(resident, photos=2)
    resident.press("mine")
    assert [o.label for o in resident.question.nav] == [t("nav.back")]  # no «Hủy» on a list
    resident.say(ref)
    text = resident.text
    for shown in ("Tên: Hộ ông Hoàng Văn Tư", "Thành tích: Trồng 3 ha hồi", "Ảnh: 2", "Đề nghị: "):
        assert shown in text, text
    assert [o.label for o in resident.question.options] == [t("mine.withdraw"), t("mine.back")]
    resident.say("2")  # back to the list
    assert t("mine.list", n=1) in resident.text
    resident.say("quay lai")  # leaves: nothing typed was lost, no «Đã hủy»
    assert t("cancelled") not in resident.text and "Bạn muốn làm gì?" in resident.text

    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Hoàng Thị Lan")
    staff.press("review")
    staff.press("Đạt")
    resident.press("mine")
    resident.say("1")
    assert "Trạng thái: Đạt" in resident.text
    assert [o.label for o in resident.question.options] == [t("mine.back")]  # approved: only back
    resident.say("1")
    assert t("mine.list", n=1) in resident.text


def test_the_summary_offers_the_same_changes_for_every_nomination(player):
    register_resident(player)
    seen = []
    for nominee in ("Hộ ông Hoàng Văn Tư", "cô giáo đinh thị hoa"):
        player.press("nominate")
        player.say(nominee)
        if "thuộc đối tượng nào" in player.text:
            assert "«Cô giáo Đinh Thị Hoa» thuộc đối tượng nào?" in player.text  # not the raw typing
            player.say("2")
        player.say("Dạy giỏi 10 năm liền, giúp 30 học sinh nghèo đến trường, trồng 3 ha hồi.")
        player.say("ok")
        for _ in range(4):  # the criteria's questions and the photos, whatever the category asks
            if "Kiểm tra lại đề cử" in player.text:
                break
            opts = [o.value for o in player.question.options]
            player.say("bo qua" if not opts and "ảnh" in player.text else "ko" if opts else "60 triệu")
        assert "(muốn thêm ảnh, gửi ngay tại đây)" in player.text
        assert "Đề nghị: Giấy khen" in player.text and "Khen thưởng:" not in player.text
        assert "V.2" not in player.text
        seen.append([o.value for o in player.question.options if o.value.startswith("change_")])
        player.say("huy")
    assert (
        seen[0]
        == seen[1]
        == [
            "change_nominee",
            "change_achievements",
            "change_category",
            "change_unit",
            "change_photos",
        ]
    )


def test_a_council_member_without_a_unit_is_registered_without_dashes(player, db, clock):
    member = Player(player.core, "c1")
    member.say(f"/start {make_invite(db, clock, role='council', unit=None)}")
    member.say("Nông Văn Hải")
    assert "Đăng ký xong: Nông Văn Hải, thành viên Hội đồng Thi đua - Khen thưởng." in member.text
    assert "—" not in member.texts()[0]


def test_good_news_is_told_without_a_reason_bad_news_with_it(core, db, clock):
    from domain import review
    from domain.uow import UnitOfWork
    from storage.models import Member

    from .review_helpers import notes

    resident = Player(core, "r1")
    register_resident(resident)
    good = nominate_household(resident)
    bad = nominate_household(resident, nominee="Hộ bà Nông Thị Hoa")
    join(core, db, clock, "s1", "staff", "VPTK", name="Hoàng Thị Lan")
    with UnitOfWork.begin(db, clock.now()) as uow:
        staff = uow.session.exec(select(Member).where(Member.role == "staff")).one()
        review.decide(uow, staff, good, "approved", "Hồ sơ đầy đủ, đúng tiêu chí.")
        review.decide(uow, staff, bad, "rejected", "Thu nhập chưa đạt tiêu chí.")
        uow.session.commit()
    [resident_id] = [m.id for m in rows(db, Member) if m.role == "resident"]
    told = notes(db, resident_id)
    assert f"Hồ sơ {good} (Hộ ông Hoàng Văn Tư): Đạt." in told
    assert any(n.startswith(f"Hồ sơ {bad}") and "Lý do: Thu nhập chưa đạt tiêu chí." in n for n in told)


def test_contents_with_nothing_suggested_say_how_to_choose(player):
    register_resident(player)
    player.press("nominate")
    player.say("cô giáo đinh thị hoa")
    player.say("2")
    player.say("Dạy giỏi 10 năm liền, giúp 30 học sinh nghèo đến trường.")  # no content's keywords
    assert t("hint.multi") in player.text and "gõ «ok»" not in player.text
    player.say("ok")
    assert t("err.multi_empty") in player.text
    player.say("1 2")
    assert "kỷ luật" in player.text  # on to the category's question
