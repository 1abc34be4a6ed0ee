"""Who is reminded and why, asked of the domain directly (no core, no scheduler), and the
dry run's words for it."""

from __future__ import annotations

from sqlmodel import Session

from domain import reminders
from domain.reminders import DRAFT, NO_REPORT, STALE_REPORT
from handlers import reminders as rm
from storage import conversations

from .conftest import Player, register_resident
from .test_scheduler import add_member, add_report, local


def test_heads_without_a_fresh_report_and_people_with_a_draft(core, db, campaign, clock):
    h1 = add_member(db, clock.now(), name="Trưởng thôn Một", role="head", unit="T01")
    h2 = add_member(db, clock.now(), name="Trưởng thôn Hai", role="head", unit="T02")
    h3 = add_member(db, clock.now(), name="Trưởng thôn Ba", role="head", unit="T03")
    add_member(db, clock.now(), name="Trưởng không thôn", role="head", unit="XX9")  # unknown unit
    add_report(db, local(campaign, 2024, 11, 10, 9), h2, "T02")
    add_report(db, local(campaign, 2024, 11, 26, 9), h3, "T03")
    p = Player(core, "draft-user")
    register_resident(p)
    p.press("nominate")  # a nomination left at the nominee's name
    at = local(campaign, 2024, 11, 29, 8)
    with Session(db) as s:
        drafter = conversations.get_state(s, "console", "draft-user").member_id
        calm = reminders.targets(s, campaign, at, stale=False)
        found = reminders.targets(s, campaign, at, stale=True)
        by_id = {x.member.id: x for x in found}
        assert [x.member.id for x in calm] == [h1.id, drafter]
        assert [r.kind for r in by_id[h1.id].reasons] == [NO_REPORT]
        assert [(r.kind, r.unit, r.updated.day) for r in by_id[h2.id].reasons] == [
            (STALE_REPORT, "Thôn 2", 10)
        ]
        draft = by_id[drafter]
        assert [(r.kind, r.flow) for r in draft.reasons] == [(DRAFT, "nomination")]
        assert by_id[h2.id].owes_report and not draft.owes_report
        assert rm.why(campaign, by_id[h2.id]) == "báo cáo chưa cập nhật từ 10/11/2024"
        assert rm.why(campaign, draft) == "còn đề cử chưa gửi (bước nominee)"
        assert reminders.days_left(campaign, at) == 1


def test_nobody_is_reminded_once_the_campaign_is_closed(db, campaign, clock):
    add_member(db, clock.now(), name="Trưởng thôn Một", role="head", unit="T01")
    with Session(db) as s:
        assert reminders.targets(s, campaign, campaign.closes_at, stale=True) == []
