"""Announcements in chat: staff compose, preview and confirm in a few messages, see the figures
and retry the failed ones; everyone can stop and take back announcements; a head links the
village group with one command; a chat that blocked the bot and writes again is reachable."""

from __future__ import annotations

import itertools

from sqlmodel import Session, select

from domain import broadcasts as bc
from domain import review
from domain.broadcasts import Audience
from domain.uow import UnitOfWork
from messages.model import InboundEvent
from storage import announcements, members
from storage.models import AuditLog, GroupLink, Identity, Member, Outbox

from .conftest import Player, nominate_household, register_resident, rows


def person(db, clock, user_id, *, role, unit, name=None) -> int:
    with Session(db) as s:
        m = members.create_member(
            s,
            full_name=name or f"Người {user_id}",
            role=role,
            unit_code=unit,
            phone=None,
            channel="console",
            external_id=user_id,
            chat_id=user_id,
            display_name=None,
            now=clock.now(),
        )
        s.commit()
        return m.id


def group_command(core, user_id, command, args="", chat_id="-100555", key=None):
    """A command typed in a village group chat (Telegram delivers those addressed to the bot)."""
    key = key or f"g{next(_group_keys)}"
    return core.handle(
        InboundEvent(
            channel="console",
            user_id=user_id,
            chat_id=chat_id,
            key=key,
            kind="command",
            command=command,
            args=args,
            chat_type="supergroup",
        )
    )


_group_keys = itertools.count(1)


class Counting(Player):
    """A player that counts the messages the person sends."""

    sent = 0

    def send(self, event):
        self.sent += 1
        return super().send(event)


def test_staff_announce_to_a_unit_with_a_photo_in_six_messages(core, db, clock):
    person(db, clock, "h1", role="head", unit="T01")
    person(db, clock, "r1", role="resident", unit="T01")
    person(db, clock, "r2", role="resident", unit="T02")
    person(db, clock, "s1", role="staff", unit="VPTK")
    group_command(core, "h1", "lienketthon")  # Thôn 1's group is linked by its head
    staff = Counting(core, "s1")
    staff.say("/thongbao")
    assert "Nội dung thông báo?" in staff.text
    staff.say("Họp thôn lúc 19h thứ Bảy tại nhà văn hóa để bình xét gương điển hình.")
    assert "ảnh" in staff.text
    staff.photo("pic1")  # one photo: the next question comes at once
    assert [o.value for o in staff.question.options] == [
        "all",
        "unit",
        "heads",
        "residents",
        "drafts",
        "no-submission",
    ]
    staff.say("2")  # a unit
    staff.say("1")  # Thôn 1
    preview = staff.text
    assert "Số người nhận: 2" in preview and "Nhóm thôn: 1" in preview and "Kèm 1 ảnh" in preview
    assert "Gửi tới: Một hoặc vài đơn vị: Thôn 1" in preview and "nhà văn hóa" in preview
    staff.press("send")
    assert "đã vào hàng gửi: 2 người, 1 nhóm thôn" in staff.text
    assert staff.sent == 6  # the command, text, photo, audience, unit, confirm
    assert "announce" in [o.value for o in staff.question.options]  # back at the staff menu
    queued = rows(db, Outbox, Outbox.dedupe_key.startswith("ann:"))
    assert sorted(r.chat_id for r in queued) == ["-100555", "h1", "r1"]
    assert {r.payload["kind"] for r in queued} == {"photo"}
    assert {r.payload["ref"] for r in queued} == {"f-pic1"}
    [log] = rows(db, AuditLog, AuditLog.action == "announce.send")
    assert log.actor_id is not None and log.after["members"] == 2 and log.after["groups"] == 1


def test_back_and_bad_answers_keep_the_announcement_and_others_are_refused(core, db, clock):
    person(db, clock, "s1", role="staff", unit="VPTK")
    person(db, clock, "r1", role="resident", unit="T01")
    resident = Player(core, "r1")
    resident.say("/thongbao")
    assert "mục này không dành cho bạn" in resident.text
    staff = Player(core, "s1")
    staff.say("/thongbao")
    staff.say("ok")  # too short
    assert "Nội dung thông báo?" in staff.text
    staff.say("Mời bà con dự lễ phát động thi đua.")
    staff.say("bo qua")  # no photo
    staff.say("9")
    assert "Gửi tới ai?" in staff.text  # asked again after a short explanation
    staff.say("1")  # everyone
    assert "Số người nhận: 2" in staff.text and "Kèm 1 ảnh" not in staff.text
    staff.say("huy")
    assert not rows(db, Outbox)


def test_figures_show_failures_and_unreachable_people_and_retry_them(core, db, clock):
    staff_id = person(db, clock, "s1", role="staff", unit="VPTK")
    for i in range(3):
        person(db, clock, f"r{i}", role="resident", unit="T01")
    with Session(db) as s:
        [done] = bc.announce(
            UnitOfWork(s, clock.now()),
            s.get(Member, staff_id),
            core.campaign,
            Audience("unit", ("T01",)),
            "Nhắc nộp hồ sơ.",
            channel="console",
        )
        first, second = s.exec(
            select(Outbox).where(Outbox.chat_id.in_(["r0", "r1"])).order_by(Outbox.id)
        ).all()
        first.status = "failed"
        s.add(first)
        announcements.mark_unreachable(s, "console", "r1", clock.now())
        s.commit()
    staff = Player(core, "s1")
    staff.say("/ketquatin")
    assert f"Số {done.announcement_id}" in staff.text
    assert "lỗi 1, bị chặn 1" in staff.text and "Số người đã chặn bot (không nhận được tin): 1" in staff.text
    staff.press(f"Gửi lại tin lỗi (số {done.announcement_id})")
    assert "Đã đưa 1 tin lỗi" in staff.text
    assert rows(db, Outbox, Outbox.chat_id == "r0")[0].status == "pending"
    staff.say("/ketquatin")  # nothing failed any more: one screen, then the menu
    assert "lỗi 0" in staff.text and staff.question.options[0].value == "review"


def test_opt_out_stops_announcements_and_reminders_but_not_decisions(core, db, clock):
    staff_id = person(db, clock, "s1", role="staff", unit="VPTK")
    p = Player(core, "r1")
    register_resident(p)
    ref = nominate_household(p)
    assert "optout" in [o.value for o in p.question.options]
    p.press("optout")
    assert "Đã dừng gửi thông báo" in p.text
    assert "optin" in [o.value for o in p.question.options] and "optout" not in [
        o.value for o in p.question.options
    ]
    with Session(db) as s:
        staff = s.get(Member, staff_id)
        [done] = bc.announce(
            UnitOfWork(s, clock.now()), staff, core.campaign, Audience("all"), "Tin chung.", channel="console"
        )
        uow = UnitOfWork(s, clock.now())
        review.take_for_review(uow, staff, ref)
        review.decide(uow, staff, ref, "approved")
        s.commit()
    assert done.members == 1  # the staff member only
    to_resident = rows(db, Outbox, Outbox.chat_id == "r1")
    # no announcement, but the moves of their own dossier still come (taken for review, approved)
    assert len(to_resident) == 2 and all(ref in r.payload["text"] for r in to_resident)
    assert to_resident[-1].payload["text"].endswith(": Đạt.")
    p.say("/nhanlaitin")
    assert "nhận lại thông báo" in p.text
    with Session(db) as s:
        assert s.exec(select(Member).where(Member.full_name == "Nguyễn Văn Bình")).one().opted_out_at is None
        actions = [
            a.action for a in s.exec(select(AuditLog).where(AuditLog.action.startswith("member.opt"))).all()
        ]
    assert actions == ["member.opt_out", "member.opt_in"]


def test_a_person_who_had_blocked_the_bot_and_writes_again_is_reachable(core, db, clock):
    person(db, clock, "r1", role="resident", unit="T01")
    with Session(db) as s:
        announcements.mark_unreachable(s, "console", "r1", clock.now())
        s.commit()
    Player(core, "r1").say("chào")
    [ident] = rows(db, Identity)
    assert ident.unreachable_at is None
    assert rows(db, AuditLog, AuditLog.action == "identity.reachable")


def test_only_heads_and_staff_link_a_village_group_and_the_group_hears_its_unit(core, db, clock):
    person(db, clock, "h2", role="head", unit="T02")
    person(db, clock, "r1", role="resident", unit="T02")
    person(db, clock, "s1", role="staff", unit="VPTK")
    [said] = group_command(core, "r1", "lienketthon")
    assert "Chỉ trưởng thôn" in said.text
    [said] = group_command(core, "stranger", "lienketthon")
    assert "Chỉ trưởng thôn" in said.text
    assert group_command(core, "r1", "decu") == []  # no personal questions in a group
    [said] = group_command(core, "s1", "lienketthon")
    assert "/lienketthon T01" in said.text
    [said] = group_command(core, "s1", "lienketthon", "X9")
    assert "Không có đơn vị X9" in said.text
    [said] = group_command(core, "s1", "lienketthon", "t01")
    assert "Đã liên kết nhóm này với Thôn 1" in said.text
    [said] = group_command(core, "h2", "lienketthon")  # the head moves it to their own village
    assert "Thôn 2" in said.text
    [link] = rows(db, GroupLink)
    assert (link.unit_code, link.chat_id) == ("T02", "-100555")
    with Session(db) as s:
        [done] = bc.announce(
            UnitOfWork(s, clock.now()),
            None,
            core.campaign,
            Audience("unit", ("T02",)),
            "Họp thôn 2.",
            channel="cli",
        )
        s.commit()
    assert done.groups == 1 and rows(db, Outbox, Outbox.chat_id == "-100555")
