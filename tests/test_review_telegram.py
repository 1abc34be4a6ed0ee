"""Appraisal on a real channel: a staff member decides with Telegram buttons, the submitter is
told on Telegram through the outbox, and a resident's forged staff command is refused."""

from __future__ import annotations

from bot.outbox_dispatcher import OutboxDispatcher
from messages.catalog import t
from storage.models import AuditLog, Outbox, StatusChange, Submission

from . import seed as seeding
from .conftest import Player, nominate_household, register_resident, rows
from .test_telegram import USER, TgUser, fake, tg  # noqa: F401  (fixtures)

STAFF = USER + 1


async def test_staff_asks_for_more_information_then_approves_over_telegram(tg, fake, db, clock):
    # the resident's nomination, made on Telegram (their identity is the Telegram user)
    resident = Player(tg.app.core, user_id=str(USER), channel="telegram")
    register_resident(resident)
    ref = nominate_household(resident)
    code = seeding.invite_code(db, clock.now(), "staff", "VPTK", days=1)

    staff = TgUser(fake, tg, STAFF)
    await staff.say(f"/start {code}")
    await staff.say("Hoàng Thị Lan")
    assert "cán bộ Văn phòng" in staff.texts
    await staff.press(t("menu.review"))
    assert f"{ref} — Đề cử" in staff.texts and "Hộ ông Hoàng Văn Tư" in staff.texts
    await staff.press(t("rev.needs_info"))
    await staff.say("Xin gửi thêm ảnh vườn hồi và xác nhận của thôn.")
    assert f"{ref}: Cần bổ sung. Đã báo người gửi." in staff.texts

    # the submitter is told of the decision (opening the dossier told nothing) on their
    # Telegram chat, through the outbox
    dispatcher = OutboxDispatcher(db, tg, clock)
    assert await dispatcher.run_once() == (1, 0)
    notes = [c.params["text"] for c in fake.of("sendMessage", chat_id=USER) if ref in c.params["text"]]
    assert len(notes) == 1 and "Cần bổ sung" in notes[0] and "ảnh vườn hồi" in notes[0]
    assert {r.status for r in rows(db, Outbox)} == {"sent"}

    # a resident cannot reach the staff queue, whatever they type
    resident_tg = TgUser(fake, tg, USER)
    await resident_tg.say("/thamdinh")
    assert t("role.denied") in resident_tg.texts

    # the submitter amends, the item comes back to the queue and staff approve it
    resident.say("/hoso")  # its last question went stale with the Telegram turn above
    resident.say("1")
    resident.press(t("mine.amend"))
    resident.press(t("nom.change_achievements"))
    resident.say("Đã trồng thêm 1 ha hồi; thôn xác nhận bằng văn bản ngày 10/11/2024.")
    resident.photo("vuon-hoi")
    resident.press(t("nom.send_private", send=t("mine.amend_send")))
    assert t("mine.amended", ref=ref) in resident.text
    assert rows(db, Submission)[0].status == "under_review"
    await staff.press(t("menu.review"))
    await staff.press(t("rev.approve"))
    assert f"{ref}: Đạt." in staff.texts
    [sub] = rows(db, Submission)
    assert sub.status == "approved" and sub.version == 2
    assert [c.to_status for c in rows(db, StatusChange)] == [
        "submitted",
        "needs_info",
        "under_review",
        "approved",
    ]
    staff_id = next(a.actor_id for a in rows(db, AuditLog) if a.after == {"status": "approved"})
    assert staff_id != sub.submitter_id
