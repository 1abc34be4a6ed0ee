"""A draft is never lost: left half way for another item it is kept aside, offered first in
«Hồ sơ của tôi» and in the menu, reminded, and goes on at the question it stopped at."""

from __future__ import annotations

from datetime import timedelta

from messages.model import Question, reply_from_dict
from scheduler.jobs import SlotRunner
from scheduler.plan import close_slot
from storage.models import Member, Submission

from .conftest import ACHIEVEMENTS, Player, nominate_household, register_resident, rows
from .test_scheduler import outbox, slot_named

DRAFT = "Đề cử đang soạn: Hộ ông Hoàng Văn Tư — Tiếp tục"
RESUME = "Tiếp tục đề cử đang soạn: Hộ ông Hoàng Văn Tư"
ACHIEVEMENTS_Q = "Mô tả thành tích nổi bật"


def finish_household(p: Player) -> None:
    """From the achievements question to the sent nomination (as nominate_household)."""
    p.say(ACHIEVEMENTS)
    p.say("ok")
    p.say("60 triệu")
    p.say("khong")
    p.say("bo qua")
    assert "Kiểm tra lại đề cử" in p.text, p.text
    p.say("1")
    assert "Đã gửi đề cử" in p.text, p.text


def labels(q: Question) -> list[str]:
    return [o.label for o in q.options]


def test_a_draft_survives_opening_another_menu_item(core, db):
    p = Player(core, "r1")
    register_resident(p)
    sent = nominate_household(p, nominee="Hộ bà Nông Thị Hoa")
    p.press("nominate")
    p.say("Hộ ông Hoàng Văn Tư")
    assert ACHIEVEMENTS_Q in p.text, p.text

    p.say("/hoso")  # «Hồ sơ của tôi» in the middle of the nomination
    assert "Đã giữ lại đề cử «Hộ ông Hoàng Văn Tư»" in p.text, p.text
    assert labels(p.question)[0] == DRAFT and sent in labels(p.question)[1], p.text
    p.press(labels(p.question)[1])  # the dossier sent earlier, then back out of the list
    assert "Hộ bà Nông Thị Hoa" in p.text, p.text
    p.say("quay lai")
    p.say("quay lai")
    assert "Đã hủy" not in p.text, p.text
    assert labels(p.question)[0] == RESUME, p.text  # the menu offers the draft first

    p.press("nominate")  # a new nomination: the draft is not thrown away, it goes on
    assert "Soạn tiếp đề cử «Hộ ông Hoàng Văn Tư»" in p.text and ACHIEVEMENTS_Q in p.text, p.text
    p.say("/menu")
    p.press(RESUME)
    assert ACHIEVEMENTS_Q in p.question.text, p.text
    finish_household(p)
    assert RESUME not in labels(p.question), p.text  # sent: nothing kept any more
    assert sorted(s.nominee for s in rows(db, Submission)) == ["Hộ bà Nông Thị Hoa", "Hộ ông Hoàng Văn Tư"]


def test_a_command_that_opens_the_same_flow_keeps_the_question(core, db):
    p = Player(core, "r2")
    register_resident(p)
    p.press("nominate")
    p.say("Hộ ông Hoàng Văn Tư")
    p.say("/decu")
    assert "Bạn đang điền dở «đề cử»" in p.text and ACHIEVEMENTS_Q in p.text, p.text
    p.say("huy")  # cancelling is throwing away, as it says
    assert "Đã hủy" in p.text and RESUME not in labels(p.question), p.text


def test_resumed_from_my_dossiers_after_a_reminder(core, db, campaign, clock):
    p = Player(core, "r3")
    register_resident(p)
    p.press("nominate")
    p.say("Hộ ông Hoàng Văn Tư")  # then stops at the achievements
    slot = slot_named(campaign, "remind:2024-11-30T07:30")
    clock.set(slot.at)
    SlotRunner(core).run_sync(slot)
    [row] = [r for r in outbox(db, slot.id) if r.chat_id == "r3"]
    assert "đề cử «Hộ ông Hoàng Văn Tư»" in reply_from_dict(row.payload).text

    p.say("/hoso")  # after the reminder, the person looks in «Hồ sơ của tôi»
    assert labels(p.question) == [DRAFT], p.text  # nothing sent yet: the draft alone
    p.press(DRAFT)
    assert "Soạn tiếp đề cử «Hộ ông Hoàng Văn Tư»" in p.text and ACHIEVEMENTS_Q in p.text, p.text
    finish_household(p)
    [sub] = rows(db, Submission)
    assert sub.nominee == "Hộ ông Hoàng Văn Tư"


def test_a_guests_draft_kept_aside_is_reminded_resumed_and_told_at_the_deadline(core, db, campaign, clock):
    g = Player(core, "guest-k")
    g.say("/start")
    g.press("nominate_new")
    g.say("Hoàng Thị Lan")  # the name, not yet the village: still a guest
    g.say("/menu")  # left for the menu: kept aside, offered first
    resume = "Tiếp tục đề cử đang soạn"
    assert labels(g.question)[0] == resume, g.text
    assert rows(db, Member) == []

    slot = slot_named(campaign, "remind:2024-11-30T07:30")
    clock.set(slot.at)
    SlotRunner(core).run_sync(slot)
    [row] = [r for r in outbox(db, slot.id) if r.chat_id == "guest-k"]
    reminder = reply_from_dict(row.payload)
    assert row.member_id is None and isinstance(reminder, Question) and "đề cử" in reminder.text
    assert f"«{resume}»" in reminder.text and reminder.options[0].label == resume, reminder.text

    g.say("1")  # the reminder's first choice: the draft goes on, at the village
    assert "thôn nào" in g.question.text, g.text
    g.say("1")  # registered with the village
    g.say("Hộ ông Hoàng Văn Tư")
    [member] = rows(db, Member)
    g.say("/hoso")  # kept aside again, from «Hồ sơ của tôi» this time
    assert labels(g.question) == [DRAFT], g.text
    close = close_slot(campaign)
    clock.set(close.at)
    SlotRunner(core).run_sync(close)
    told = [(r.member_id, reply_from_dict(r.payload).text) for r in outbox(db) if r.chat_id == "guest-k"]
    assert any(who == member.id and "Đã hết hạn gửi hồ sơ" in text for who, text in told), told


def test_a_first_timer_registered_on_the_way_links_a_second_channel_and_both_are_reminded(
    core, db, campaign, clock
):
    import re

    from storage.models import Identity

    tg = Player(core, "tg-new", channel="telegram")
    tg.say("/start")
    tg.press("nominate_new")
    tg.say("Hoàng Thị Lan")
    tg.say("1")  # registered with the village
    tg.say("Hộ ông Hoàng Văn Tư")
    tg.say("/menu")  # kept aside; the menu is a resident's now
    assert labels(tg.question)[0] == RESUME, tg.text
    tg.press("link")
    code = re.search(r"Mã liên kết của bạn: ([A-Z0-9]{8})", tg.text).group(1)
    zl = Player(core, "zl-new", channel="zalo")
    zl.say("xin chao")
    zl.press("invite")
    zl.say(code)
    assert "Đã liên kết" in zl.text and "Hoàng Thị Lan" in zl.text, zl.text
    [member] = rows(db, Member)
    assert sorted((i.channel, i.member_id) for i in rows(db, Identity)) == [
        ("telegram", member.id),
        ("zalo", member.id),
    ]

    slot = slot_named(campaign, "remind:2024-11-30T07:30")
    clock.set(slot.at)
    SlotRunner(core).run_sync(slot)
    sent = {
        r.channel: reply_from_dict(r.payload).text for r in outbox(db, slot.id) if r.member_id == member.id
    }
    assert set(sent) == {"telegram", "zalo"}, sent
    assert all("đề cử «Hộ ông Hoàng Văn Tư»" in text for text in sent.values()), sent
    tg.say("1")  # on Telegram the reminder's first choice goes on with the draft
    assert ACHIEVEMENTS_Q in tg.question.text, tg.text
    finish_household(tg)
    [sub] = rows(db, Submission)
    assert (sub.nominee, sub.submitter_id) == ("Hộ ông Hoàng Văn Tư", member.id)


def test_a_draft_kept_aside_is_found_for_the_reminders_on_postgresql(pg_db, campaign, clock):
    from sqlmodel import Session

    from domain import reminders
    from handlers.core import Core

    p = Player(Core(pg_db, campaign, clock), "pg-1")
    register_resident(p)
    p.press("nominate")
    p.say("Hộ ông Hoàng Văn Tư")
    p.say("/menu")
    assert labels(p.question)[0] == RESUME, p.text
    with Session(pg_db) as s:
        [target] = reminders.targets(s, campaign, clock.now(), stale=False)
        [reason] = target.reasons
    assert (reason.kind, reason.flow, reason.step, reason.item) == (
        reminders.DRAFT,
        "nomination",
        "achievements",
        "Hộ ông Hoàng Văn Tư",
    )


def test_after_the_deadline_a_kept_draft_is_no_longer_offered(core, db, campaign, clock):
    p = Player(core, "r-late")
    register_resident(p)
    nominate_household(p, nominee="Hộ bà Nông Thị Hoa")
    p.press("nominate")
    p.say("Hộ ông Hoàng Văn Tư")
    p.say("/menu")
    assert labels(p.question)[0] == RESUME, p.text
    clock.set(campaign.deadline_local + timedelta(minutes=1))
    p.say("/menu")
    assert RESUME not in labels(p.question), p.text
    p.say("/hoso")
    assert DRAFT not in labels(p.question) and "đang soạn" not in p.text, p.text


def test_a_heads_report_kept_aside_goes_on_from_my_dossiers(core, db, clock):
    from .review_helpers import join

    head = join(core, db, clock, "h-kept", "head", "T02", name="Vi Văn Sơn")
    head.press("report")
    head.say(", ".join(["2"] * 11))  # the figures, then stops at the narrative
    narrative = head.question.text
    head.say("/hoso")
    assert "Đã giữ lại báo cáo thành tích bạn đang soạn" in head.text, head.text
    assert labels(head.question)[0] == "Báo cáo thành tích đang soạn — Tiếp tục", head.text
    head.press("Báo cáo thành tích đang soạn — Tiếp tục")
    assert head.question.text == narrative, head.text
    head.say(ACHIEVEMENTS)
    head.say("bo qua")
    head.press("send")
    [report] = rows(db, Submission)
    assert (report.kind, report.unit_code, report.achievements) == ("report", "T02", ACHIEVEMENTS)
