"""A campaign at its ceremony, for the tests that print every document: ten awardees of the
commune's Giấy khen (2 collectives, 3 households, 5 individuals) and four of the district's,
one item the council did not pass, one approved but never listed; a closed council round, the
commune's decision and the district's decision recorded. Residents' texts are written the way
people type them (money and all); some items carry the office's citation, some do not."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from domain import council as ops
from domain.uow import UnitOfWork

from . import seed as seeding

# (nominee, unit, category, citation written by the office or None)
COMMUNE = [
    ("Chi hội Phụ nữ thôn Nà Pàn", "HPN", "collective", None),
    (
        "Ban Chỉ huy Quân sự xã Trần Ninh",
        "QSX",
        "collective",
        "Hoàn thành xuất sắc nhiệm vụ huấn luyện dân quân năm 2024.",
    ),
    ("Hộ ông Hoàng Văn Tư", "T01", "household", None),
    ("Hộ bà Lường Thị Hoa", "T02", "household", "Hiến 150 m² đất làm đường bê tông của thôn."),
    ("Hộ ông Nông Văn Quyết", "T05", "household", None),
    ("Nguyễn Thị Ngọc Ánh", "T03", "official", None),
    ("Đặng Ỷ Thưởng", "CAX", "official", "Tích cực tuần tra, giữ gìn an ninh trật tự trên địa bàn."),
    ("Lường Văn Ượng", "DTN", "public_employee", None),
    ("Vi Thị Nguyệt", "HND", "household", None),
    ("Hoàng Văn Khánh", "HCCB", "official", None),
]
DISTRICT = [
    ("Hội Liên hiệp Phụ nữ xã Trần Ninh", "HPN", "collective", None),
    ("Hộ ông Lộc Văn Sơn", "T04", "household", None),
    ("Triệu Thị Hằng", "T03", "public_employee", None),
    ("Lương Văn Đức", "MTTQ", "official", None),
]
FAILED = ("Hộ ông Vi Văn Bảy", "T04", "household")
UNLISTED = ("Hộ bà Ma Thị Lụa", "T02", "household")
RAW = (
    "tháng 5 vừa rồi hiến 150m2 đất làm đường bê tông cho thôn, trồng 3 ha hồi thu nhập hơn 200 triệu/năm, "
    "giúp 3 hộ nghèo có việc làm, vận động bà con góp 500 ngày công"
)
COMMUNE_NUMBER, DISTRICT_NUMBER = "125/QĐ-UBND", "2345/QĐ-UBND"


def _nominate(s, campaign, resident, now, nominee, unit, category, award, citation=None, listed=True):
    sub = seeding.create_submission(
        s,
        kind="nomination",
        campaign_code=campaign.code,
        submitter_id=resident.id,
        now=now,
        unit_code=unit,
        category=category,
        nominee=nominee,
        contents=["c2", "c3"],
        achievements=RAW,
        answers={"annual_income": 200_000_000, "discipline": "no"} if category == "household" else {},
        flags=[],
        proposed_award=award,
    )
    if citation:
        sub.citation = citation
    seeding.change_status(s, sub, "approved", actor_id=None, reason=None, now=now)
    if listed:
        seeding.change_status(
            s, sub, "shortlisted", actor_id=None, reason=None, now=now, fields={"shortlist_award": award}
        )
    return sub


def ceremony(db, campaign, clock, *, decide: bool = True) -> dict:
    """Seed the campaign; with `decide`, the round is closed and both decisions recorded
    (without, the items wait on the council's list). Returns the refs by role."""
    now = clock.now()
    with Session(db, expire_on_commit=False) as s:
        staff = seeding.console_member(s, "Lương Thị Mai", "staff", "s1", now, "VPTK")
        resident = seeding.console_member(s, "Nông Văn Sáu", "resident", "r1", now, "T01")
        voters = [
            seeding.console_member(s, name, "council", f"c{i}", now)
            for i, name in enumerate(("Hoàng Văn Vịnh", "Lộc Thị Hạnh", "Vi Văn Sơn"))
        ]
        refs = {"commune": [], "district": []}
        for award, entries in (("commune", COMMUNE), ("district", DISTRICT)):
            for nominee, unit, category, citation in entries:
                refs[award].append(
                    _nominate(s, campaign, resident, now, nominee, unit, category, award, citation).ref
                )
        refs["failed"] = _nominate(s, campaign, resident, now, *FAILED, "commune").ref
        refs["unlisted"] = _nominate(s, campaign, resident, now, *UNLISTED, "commune", listed=False).ref
        s.commit()
        if not decide:
            return refs
        uow = UnitOfWork(s, now)
        ops.open_round(uow, staff, campaign)
        for voter in voters:
            for ref in refs["commune"] + refs["district"]:
                ops.cast_vote(uow, voter, campaign, ref, "agree")
            ops.cast_vote(uow, voter, campaign, refs["failed"], "disagree")
        later = UnitOfWork(s, now + timedelta(hours=50))
        ops.close_round(later, staff, campaign)
        s.commit()
        for award, number, signer in (
            ("commune", COMMUNE_NUMBER, "Hoàng Văn Vịnh"),
            ("district", DISTRICT_NUMBER, "Nguyễn Văn Huyện"),
        ):
            ops.record_decision(
                later,
                staff,
                campaign,
                award_key=award,
                number=number,
                signed_on=date(2024, 11, 20),
                signer_name=signer,
                signer_title="Chủ tịch",
            )
        s.commit()
    return refs
