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


def test_a_reminder_names_the_draft_and_a_head_mid_report_is_reminded_once(core, db, campaign, clock):
    from messages.model import reply_from_dict
    from scheduler.jobs import SlotRunner

    from .conftest import Player, register_resident
    from .review_helpers import join
    from .test_scheduler import outbox, slot_named

    resident = Player(core, "r-draft")
    register_resident(resident)
    resident.press("nominate")
    resident.say("Hộ ông Hoàng Văn Tư")  # then stops at the achievements
    head = join(core, db, clock, "h-draft", "head", "T01", name="Lục Văn Sơn")
    head.press("report")  # the 11 figures asked; no report sent yet
    slot = slot_named(campaign, "remind:2024-11-30T07:30")
    clock.set(slot.at)
    SlotRunner(core).run_sync(slot)
    sent = [reply_from_dict(r.payload).text for r in outbox(db, slot.id)]
    assert len(sent) == 2  # one reminder each, whatever they have pending
    [to_resident] = [x for x in sent if "Hoàng Văn Tư" in x]
    assert "Bạn còn đề cử «Hộ ông Hoàng Văn Tư» chưa gửi." in to_resident
    [to_head] = [x for x in sent if x is not to_resident]
    assert "Bạn còn một báo cáo thành tích chưa gửi." in to_head
    assert "chưa gửi báo cáo" not in to_head, to_head  # not twice
    assert "11)" not in to_head and "Mời gõ lại 11 số liệu" in to_head  # the list is not repeated


def test_a_first_timers_abandoned_draft_is_reminded_at_the_next_slot_and_resumed(core, db, campaign, clock):
    from messages.model import Question, reply_from_dict
    from scheduler.jobs import SlotRunner
    from storage.models import Identity, Member, Submission

    from .conftest import Player, rows
    from .test_scheduler import outbox, slot_named

    guest = Player(core, "guest-1")  # never registered
    guest.say("/start")
    guest.press("nominate_new")
    guest.say("Hoàng Thị Lan")
    assert rows(db, Member) == []
    guest.say("1")  # the village: a resident from now on, the draft is a member's
    guest.say("Hộ ông Hoàng Văn Tư")  # then stops at the achievements
    [member] = rows(db, Member)
    assert (member.full_name, member.unit_code, member.role) == ("Hoàng Thị Lan", "T01", "resident")
    assert [(i.channel, i.external_id) for i in rows(db, Identity)] == [("console", "guest-1")]
    slot = slot_named(campaign, "remind:2024-11-30T07:30")
    clock.set(slot.at)
    SlotRunner(core).run_sync(slot)
    [row] = outbox(db, slot.id)
    assert (row.member_id, row.channel, row.chat_id) == (member.id, "console", "guest-1")
    reply = reply_from_dict(row.payload)
    assert isinstance(reply, Question) and "Bạn còn đề cử «Hộ ông Hoàng Văn Tư» chưa gửi." in reply.text
    SlotRunner(core).run_sync(slot)  # a second run adds nothing
    assert len(outbox(db, slot.id)) == 1
    # the reminder answered: the draft goes on from where it stopped
    guest.say("Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn.")
    guest.say("ok")
    guest.say("60 triệu")
    guest.say("ko")
    guest.say("bo qua")
    guest.say("1")
    assert "Đã ghi nhận bạn: Hoàng Thị Lan (Thôn 1)" in guest.text and "Đã gửi đề cử" in guest.text, (
        guest.text
    )
    assert [m.id for m in rows(db, Member)] == [member.id]
    [sub] = rows(db, Submission)
    assert (sub.nominee, sub.submitter_id) == ("Hộ ông Hoàng Văn Tư", member.id)


def test_a_guests_draft_hears_of_the_deadline(core, db, campaign, clock):
    from messages.model import reply_from_dict
    from scheduler.jobs import SlotRunner
    from scheduler.plan import close_slot

    from .conftest import Player
    from .test_scheduler import outbox

    guest = Player(core, "guest-2")
    guest.say("/start")
    guest.press("nominate_new")
    guest.say("Hoàng Thị Lan")
    slot = close_slot(campaign)
    clock.set(slot.at)
    SlotRunner(core).run_sync(slot)
    [row] = [r for r in outbox(db) if r.chat_id == "guest-2"]
    assert "Đã hết hạn gửi hồ sơ" in reply_from_dict(row.payload).text
