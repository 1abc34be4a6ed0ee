"""Awards over the years for the look-up's tests: two campaigns of the commune (the bundled one,
2024, and an earlier one, 2023, made from the same file), decisions of each with their awardees,
written the way record_decision leaves them (the items «awarded», the decision's rows)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from domain import campaigns
from domain.campaign import Campaign, parse_campaign_text
from domain.uow import UnitOfWork
from storage.models import AwardDecision, AwardDecisionItem, Member, Submission

from . import seed
from .conftest import CAMPAIGN_FILE

EARLIER = "tran-ninh-2023"
EARLIER_TITLE = "Phong trào thi đua yêu nước xã Trần Ninh năm 2023"
EARLIER_SHORT = "Thi đua yêu nước năm 2023"


def file_text(rules: int | None = None) -> str:
    """The bundled campaign file's text, with `[rules] repeat_award_years` when given."""
    text = CAMPAIGN_FILE.read_text(encoding="utf-8")
    return text + (f"\n[rules]\nrepeat_award_years = {rules}\n" if rules else "")


def earlier_text() -> str:
    """The commune's 2023 campaign: the bundled file with its own code, title and dates; its
    commune award named as that year's plan named it."""
    text = file_text()
    for old, new in (
        ('code = "tran-ninh-2024"', f'code = "{EARLIER}"'),
        ('short_title = "Thi đua chào mừng 60 năm huyện Văn Quan"', f'short_title = "{EARLIER_SHORT}"'),
        ("opens_on = 2024-02-28", "opens_on = 2023-03-01"),
        ("deadline_on = 2024-11-30", "deadline_on = 2023-10-31"),
        ('label = "Giấy khen của Chủ tịch UBND xã"', 'label = "Giấy khen của Chủ tịch UBND xã (năm 2023)"'),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new, 1)
    title = next(line for line in text.splitlines() if line.startswith('title = "Phong trào'))
    return text.replace(title, f'title = "{EARLIER_TITLE}"', 1)


def earlier_campaign() -> Campaign:
    return parse_campaign_text(earlier_text(), "tran-ninh-2023.toml")


def store_campaigns(s: Session, now: datetime, clerk: Member, *, rules: int | None = None) -> None:
    """The commune's campaign table: the bundled campaign stored as an existing deployment's
    first (open while its deadline is ahead), and the 2023 campaign archived beside it."""
    uow = UnitOfWork(s, now)
    text = file_text(rules)
    campaigns.store_file_campaign(uow, parse_campaign_text(text), text)
    campaigns.save_draft(uow, clerk, earlier_text())
    campaigns.archive_campaign(uow, clerk, EARLIER)


def with_rules(campaign: Campaign, **rules: int) -> Campaign:
    return campaign.model_copy(update={"rules": campaign.rules.model_copy(update=rules)})


def commend(
    s: Session,
    *,
    campaign_code: str,
    nominee: str,
    unit_code: str,
    number: str,
    signed_on: date,
    submitter: Member,
    staff: Member,
    award_key: str = "commune",
    category: str = "household",
    citation: str | None = None,
    withdrawn: bool = False,
) -> Submission:
    """A nominee awarded under decision `number` of the campaign (made on first use)."""
    now = datetime.combine(signed_on, datetime.min.time(), UTC)
    sub = seed.create_submission(
        s,
        kind="nomination",
        campaign_code=campaign_code,
        submitter_id=submitter.id,
        now=now,
        unit_code=unit_code,
        category=category,
        nominee=nominee,
        contents=["c2"],
        achievements="Trồng 3 ha hồi, hiến 200 m2 đất làm đường bê tông của thôn.",
        answers={},
        flags=[],
        proposed_award=award_key,
    )
    sub.citation = citation
    for status, fields in (("approved", None), ("shortlisted", {"shortlist_award": award_key})):
        seed.change_status(s, sub, status, actor_id=staff.id, reason=None, now=now, fields=fields)
    dec = s.exec(
        select(AwardDecision).where(
            AwardDecision.number == number, AwardDecision.campaign_code == campaign_code
        )
    ).first()
    if dec is None:
        dec = AwardDecision(
            campaign_code=campaign_code,
            award_key=award_key,
            number=number,
            signed_on=signed_on,
            signer_name="Hoàng Văn Vịnh",
            signer_title="Chủ tịch UBND xã",
            recorded_by=staff.id,
            recorded_at=now,
            withdrawn=withdrawn,
        )
        s.add(dec)
        s.flush()
    position = s.exec(select(func.count()).where(AwardDecisionItem.decision_id == dec.id)).one()
    s.add(AwardDecisionItem(decision_id=dec.id, submission_id=sub.id, position=position + 1))
    seed.change_status(s, sub, "awarded", actor_id=staff.id, reason=number, now=now)
    if withdrawn:  # as withdraw_decision leaves it: back on the council's list
        seed.change_status(s, sub, "shortlisted", actor_id=staff.id, reason="Ghi nhầm", now=now)
    s.flush()
    return sub


def two_years(s: Session, now: datetime) -> dict[str, Member]:
    """The awards of 2023 and 2024 every look-up test starts from; returns the people."""
    staff = seed.console_member(s, "Lương Thị Mai", "staff", "s1", now, "VPTK")
    tu = seed.console_member(s, "Hoàng Văn Tư", "resident", "r-tu", now, "T01")
    head = seed.console_member(s, "Vi Văn Năm", "head", "h5", now, "T05")
    council = seed.console_member(s, "Nông Thị Ba", "council", "c1", now)
    other = seed.console_member(s, "Nông Văn Sáu", "resident", "r6", now, "T02")
    people = dict(staff=staff, tu=tu, head=head, council=council, other=other)
    by = dict(submitter=other, staff=staff)
    # 2023: Hoàng Văn Tư's household and Thôn 5 by the 2023 campaign's decision
    commend(
        s,
        campaign_code=EARLIER,
        nominee="Hộ ông Hoàng Văn Tư",
        unit_code="T01",
        number="88/QĐ-UBND",
        signed_on=date(2023, 11, 20),
        citation="Hiến 300 m2 đất làm đường liên thôn.",
        **by,
    )
    commend(
        s,
        campaign_code=EARLIER,
        nominee="Thôn 5",
        unit_code="T05",
        number="88/QĐ-UBND",
        signed_on=date(2023, 11, 20),
        category="collective",
        **by,
    )
    # a decision withdrawn in 2023: never shown
    commend(
        s,
        campaign_code=EARLIER,
        nominee="Hộ bà Lường Thị Hoa",
        unit_code="T01",
        number="80/QĐ-UBND",
        signed_on=date(2023, 11, 1),
        withdrawn=True,
        **by,
    )
    # 2024: the bundled campaign's commune and district decisions
    commend(
        s,
        campaign_code="tran-ninh-2024",
        nominee="Hoàng Văn Tư",
        unit_code="T01",
        number="125/QĐ-UBND",
        signed_on=date(2024, 11, 5),
        citation="Dẫn đầu phong trào trồng hồi của thôn.",
        **by,
    )
    commend(
        s,
        campaign_code="tran-ninh-2024",
        nominee="Chi hội Phụ nữ thôn 5",
        unit_code="T05",
        number="125/QĐ-UBND",
        signed_on=date(2024, 11, 5),
        category="collective",
        **by,
    )
    commend(
        s,
        campaign_code="tran-ninh-2024",
        nominee="Hoàng Văn Tư",
        unit_code="T03",
        number="310/QĐ-UBND",
        signed_on=date(2024, 12, 10),
        award_key="district",
        **by,
    )  # a namesake in Thôn 3
    return people
