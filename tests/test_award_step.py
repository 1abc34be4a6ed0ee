"""The award step's rules as chat and the web share them: an item the council's vote fails
leaves the list (status not_recommended) and its nominator is told in the close's own
transaction, while a round without quorum decides nothing; the district's decision is signed
by the district's signer (from the campaign file, or typed), never offered the commune's
chairman; /quyetdinh keeps its menu's numbers after a save; «hôm nay» is a date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from domain import council as ops
from domain.uow import UnitOfWork
from storage import views
from storage.models import AwardDecision, Member, Outbox

from .conftest import Player, nominate_household, register_resident, rows
from .review_helpers import join, member_id, notes, sub
from .test_council import proposal, shortlist

COMMUNE_CHAIRMAN = "Hoàng Văn Vịnh"  # the organiser's signer in the campaign file
# both members agree on the first (commune) and third (district) items, not on the second
PASS_TWO = {"m1": ("agree", "disagree", "agree"), "m2": ("agree", "disagree", "agree")}


@pytest.fixture
def step(core, db, clock):
    """Two items on the commune's list and one on the district's, two council members, staff."""
    nominator = Player(core, "r1")
    register_resident(nominator)
    commune = nominate_household(nominator)
    failing = nominate_household(nominator, nominee="Hộ bà Nông Thị Hoa")
    district = proposal(db, clock, member_id(core, nominator), "Chi hội Phụ nữ thôn 1")
    shortlist(db, clock, commune)
    shortlist(db, clock, failing)
    shortlist(db, clock, district, award="district")
    out = {"nominator": nominator, "refs": (commune, failing, district)}
    out["staff"] = join(core, db, clock, "s1", "staff", "VPTK", name="Lương Thị Mai")
    for i, name in ((1, "Lộc Thị Hạnh"), (2, "Vi Văn Sơn")):
        out[f"m{i}"] = member_id(core, join(core, db, clock, f"m{i}", "council", None, name=name))
    out["staff_id"] = member_id(core, out["staff"])
    return out


def _round(db, clock, campaign, step, votes: dict[int, tuple[str, str, str]]) -> list:
    """Open, vote (member -> choices on the three items) and close, each in its own transaction."""
    refs = step["refs"]
    with Session(db) as s:
        ops.open_round(UnitOfWork(s, clock.now()), s.get(Member, step["staff_id"]), campaign)
        s.commit()
    for member, choices in votes.items():
        with Session(db) as s:
            for ref, choice in zip(refs, choices, strict=True):
                ops.cast_vote(UnitOfWork(s, clock.now()), s.get(Member, step[member]), campaign, ref, choice)
            s.commit()
    with Session(db) as s:
        events = ops.close_round(UnitOfWork(s, clock.now()), s.get(Member, step["staff_id"]), campaign)
        s.commit()
    return events


def test_a_failed_item_leaves_the_list_and_its_nominator_is_told(step, core, db, clock):
    commune, failing, district = step["refs"]
    before = len(notes(db, member_id(core, step["nominator"])))
    _round(
        db,
        clock,
        core.campaign,
        step,
        {"m1": ("agree", "agree", "agree"), "m2": ("agree", "more_info", "agree")},
    )
    # 1 of 2 agree is not more than half: the item leaves the council's list
    assert [sub(db, r).status for r in step["refs"]] == ["shortlisted", "not_recommended", "shortlisted"]
    told = notes(db, member_id(core, step["nominator"]))[before:]
    assert told == [
        f"Hội đồng Thi đua – Khen thưởng đã bình xét hồ sơ {failing} (Hộ bà Nông Thị Hoa) tại phiên xét "
        "số 1: 1/2 thành viên đồng ý, chưa đủ để đề nghị khen thưởng. Cảm ơn bạn đã giới thiệu gương "
        "điển hình."
    ]
    with Session(db) as s:
        # the counters follow the move, and the lists that read them
        assert views.count(s, campaign_code=core.campaign.code, statuses=("not_recommended",)) == 1
        assert views.count(s, campaign_code=core.campaign.code, statuses=("shortlisted",)) == 2
        assert [x.ref for x in ops.recommended(s, core.campaign)] == [commune, district]
    # chat's council list no longer shows it
    staff = step["staff"]
    staff.say("/menu")
    staff.press("council")
    assert commune in staff.text and failing not in staff.text


def test_a_round_without_quorum_moves_nothing_and_tells_no_nominator(step, core, db, clock):
    before = len(rows(db, Outbox))
    _round(db, clock, core.campaign, step, {"m1": ("disagree", "disagree", "disagree")})  # 1 of 2
    assert [sub(db, r).status for r in step["refs"]] == ["shortlisted"] * 3
    assert not [o for o in rows(db, Outbox)[before:] if o.member_id == member_id(core, step["nominator"])]


def test_the_district_decision_is_signed_by_the_district_not_the_commune_chairman(step, core, db, clock):
    _round(db, clock, core.campaign, step, PASS_TWO)
    assert ops.signer_of(core.campaign, "commune") == (COMMUNE_CHAIRMAN, "Chủ tịch UBND xã")
    assert ops.signer_of(core.campaign, "district") == ("", "Chủ tịch UBND huyện")
    staff = step["staff"]
    staff.say("/quyetdinh")
    staff.press("Ghi quyết định: Giấy khen của Chủ tịch UBND huyện (1 hồ sơ)")
    staff.say("2345")
    staff.say("hôm nay")
    assert "Họ tên người ký (Chủ tịch UBND huyện)?" in staff.text and COMMUNE_CHAIRMAN not in staff.text
    staff.say("bo qua")  # nobody to fall back on: the name is asked again
    assert "Họ tên người ký (Chủ tịch UBND huyện)?" in staff.text
    staff.say("Nông Văn Huyện")
    today = core.campaign.local(clock.now()).date()
    assert f"Quyết định số 2345/QĐ-UBND ngày {today:%d/%m/%Y}" in staff.text
    assert "Người ký: Nông Văn Huyện" in staff.text
    staff.press("Lưu")
    assert "Đã ghi Quyết định số 2345/QĐ-UBND" in staff.text
    (dec,) = rows(db, AwardDecision)
    assert (dec.award_key, dec.signer_name, dec.signer_title, dec.signed_on) == (
        "district",
        "Nông Văn Huyện",
        "Chủ tịch UBND huyện",
        today,
    )


@pytest.mark.parametrize("typed", ["125/QĐ-UBND", "125/qđ-ubnd", " 125 "])
def test_the_decision_number_is_taken_as_printed_on_the_paper(step, core, db, clock, typed):
    """A clerk copies the number from the signed paper: «125/QĐ-UBND» is read as «125» is."""
    _round(db, clock, core.campaign, step, PASS_TWO)
    staff = step["staff"]
    staff.say("/quyetdinh")
    staff.press("Ghi quyết định: Giấy khen của Chủ tịch UBND huyện (1 hồ sơ)")
    staff.say(typed)
    assert "Ngày ký quyết định?" in staff.text, staff.text
    staff.say("hôm nay")
    staff.say("Nông Văn Huyện")
    staff.press("Lưu")
    assert "Đã ghi Quyết định số 125/QĐ-UBND" in staff.text, staff.text
    assert [d.number for d in rows(db, AwardDecision)] == ["125/QĐ-UBND"]


def test_a_district_signer_named_in_the_campaign_file_is_offered(core):
    c = core.campaign
    awards = tuple(
        a.model_copy(update={"signer_name": "Nông Văn Huyện", "signer_title": "Chủ tịch UBND huyện Văn Quan"})
        if a.key == "district"
        else a
        for a in c.awards
    )
    configured = c.model_copy(update={"awards": awards})
    assert ops.signer_of(configured, "district") == ("Nông Văn Huyện", "Chủ tịch UBND huyện Văn Quan")
    assert ops.signer_of(configured, "commune") == (COMMUNE_CHAIRMAN, "Chủ tịch UBND xã")


def test_the_decision_menu_keeps_its_numbers_after_a_save(step, core, db, clock):
    _round(db, clock, core.campaign, step, PASS_TWO)
    staff = step["staff"]
    staff.say("/quyetdinh")
    first = [o.label for o in staff.question.options]
    assert first == [
        "Ghi quyết định: Giấy khen của Chủ tịch UBND xã (1 hồ sơ)",
        "Ghi quyết định: Giấy khen của Chủ tịch UBND huyện (1 hồ sơ)",
        "Thu hồi một quyết định đã ghi",
    ]
    staff.say("1")
    staff.say("125")
    staff.say("hom nay")
    staff.say("bo qua")
    assert f"Người ký: {COMMUNE_CHAIRMAN}" in staff.text
    staff.press("Lưu")
    assert "Đã ghi Quyết định số 125/QĐ-UBND" in staff.text
    # the same entries in the same places: «2» is still the district's decision, not «Thu hồi»
    staff.say("/quyetdinh")
    assert [o.label for o in staff.question.options] == [
        "Ghi quyết định: Giấy khen của Chủ tịch UBND xã (0 hồ sơ)",
        "Ghi quyết định: Giấy khen của Chủ tịch UBND huyện (1 hồ sơ)",
        "Thu hồi một quyết định đã ghi",
    ]
    staff.say("2")
    assert "Số quyết định?" in staff.text
    staff.say("/huy")
    # an entry with nothing to do says so and asks again
    staff.say("/quyetdinh")
    staff.say("1")
    assert "Chưa có hồ sơ nào được Hội đồng đề nghị Giấy khen của Chủ tịch UBND xã" in staff.text
    assert [o.label for o in staff.question.options][2] == "Thu hồi một quyết định đã ghi"
    staff.say("3")
    staff.press("Thu hồi Quyết định số 125/QĐ-UBND")
    staff.say("Ghi nhầm ngày ký")
    staff.press("Lưu")
    assert "Đã thu hồi Quyết định số 125/QĐ-UBND" in staff.text
    with Session(db) as s:
        assert s.exec(select(AwardDecision.withdrawn)).all() == [True]


def test_the_decision_date_reads_today_in_words_and_refuses_tomorrow(step, core, db, clock):
    _round(db, clock, core.campaign, step, {"m1": ("agree",) * 3, "m2": ("agree",) * 3})
    staff = step["staff"]
    staff.say("/quyetdinh")
    staff.say("1")
    staff.say("125")
    tomorrow = core.campaign.local(clock.now()).date() + timedelta(days=1)
    staff.say(tomorrow.strftime("%d/%m/%Y"))
    assert "Ngày ký chưa thể sau hôm nay." in staff.text
    staff.say("Hôm nay")
    assert "Họ tên người ký (Chủ tịch UBND xã)? Gõ «bo qua» nếu là Hoàng Văn Vịnh." in staff.text
    assert isinstance(tomorrow, date)
