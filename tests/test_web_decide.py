"""Decisions on the dossier page: the same status change, audit row and message to the
submitter as a decision in chat; a stale page is refused with who decided and when."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Outbox

from .conftest import nominate_household
from .review_helpers import audits, notes, statuses
from .web_helpers import csrf_of, field, people, web  # noqa: F401  (fixtures)


def decide(client, ref: str, decision: str, reason: str = "", page: str | None = None):
    page = page or client.get(f"/ho-so/{ref}").text
    return client.post(
        f"/ho-so/{ref}/quyet-dinh",
        data={"csrf": csrf_of(page), "seen": field(page, "seen"), "decision": decision, "reason": reason},
    )


def test_a_web_decision_is_the_chat_decision(web, people, clock):
    resident, staff = people["resident"], people["staff"]
    ids = people["ids"]
    second = nominate_household(resident, nominee="Hộ bà Lò Thị Mai")
    # in chat: the oldest (DC-0001) is opened and rejected with a reason
    staff.say("/thamdinh")
    staff.press("reject")
    staff.say("Chưa có xác nhận của thôn.")
    assert "DC-0001" in staff.text
    # on the web: DC-0002 rejected with the same reason
    c = web.signed_in(ids["staff"])
    r = decide(c, second, "reject", "Chưa có xác nhận của thôn.")
    assert r.status_code == 303 and r.headers["location"] == f"/ho-so/{second}?xong=tham-dinh"
    assert "Đã lưu kết quả thẩm định." in c.get(r.headers["location"]).text
    chat_moves, web_moves = statuses(web.db, "DC-0001"), statuses(web.db, second)
    assert chat_moves[-1] == ("submitted", "rejected", ids["staff"], "Chưa có xác nhận của thôn.")
    # (the chat showed DC-0002 next, which changed nothing: the page still shows it «submitted»)
    assert web_moves[-1] == ("submitted", "rejected", ids["staff"], "Chưa có xác nhận của thôn.")
    texts = notes(web.db, ids["resident"])
    chat_note = [t for t in texts if "DC-0001" in t][-1]
    web_note = [t for t in texts if second in t][-1]
    assert chat_note == web_note.replace(second, "DC-0001").replace("Hộ bà Lò Thị Mai", "Hộ ông Hoàng Văn Tư")
    status_rows = [a for a in audits(web.db, second) if a.action == "status"]
    assert status_rows[-1].actor_id == ids["staff"] and status_rows[-1].after == {"status": "rejected"}
    web_row = [a for a in audits(web.db, second) if a.action == "web.decide"][-1]
    assert web_row.after["channel"] == "web" and web_row.reason == "Chưa có xác nhận của thôn."
    # the submitter is told in chat, exactly as for the chat decision
    with Session(web.db) as s:
        out = s.exec(select(Outbox).where(Outbox.member_id == ids["resident"]).order_by(Outbox.id)).all()
    assert out[-1].payload["text"].startswith(f"Hồ sơ {second} (Hộ bà Lò Thị Mai): Không đạt.")


def test_a_decision_on_a_stale_page_is_refused_with_who_and_when(web, people, clock):
    ids = people["ids"]
    c = web.signed_in(ids["admin"])
    stale = c.get("/ho-so/DC-0001").text
    clock.advance(minutes=5)
    staff = people["staff"]  # meanwhile in chat: opened and approved
    staff.say("/thamdinh")
    staff.press("approve")
    r = decide(c, "DC-0001", "reject", "Không đủ minh chứng.", page=stale)
    assert r.status_code == 409
    assert "Lê Thị Văn Phòng" in r.text and "«Đạt»" in r.text and "10:05 05/11/2024" in r.text
    assert statuses(web.db, "DC-0001")[-1][:2] == ("submitted", "approved")
    assert not [a for a in audits(web.db, "DC-0001") if a.action == "web.decide"]


def test_the_same_form_sent_twice_is_applied_once(web, people):
    ids = people["ids"]
    c = web.signed_in(ids["staff"])
    page = c.get("/ho-so/DC-0001").text
    assert decide(c, "DC-0001", "approve", page=page).status_code == 303
    again = decide(c, "DC-0001", "approve", page=page)
    assert again.status_code == 409 and "Lê Thị Văn Phòng" in again.text
    assert [m[1] for m in statuses(web.db, "DC-0001")] == ["submitted", "approved"]
    assert len(notes(web.db, ids["resident"])) == 1
    fresh = c.get("/ho-so/DC-0001").text  # approved: only the moves still possible are offered
    assert 'value="approve"' not in fresh and 'value="reject"' in fresh


def test_a_reason_is_needed_to_reject_or_ask_for_more(web, people):
    c = web.signed_in(people["ids"]["staff"])
    for decision in ("reject", "needs_info"):
        r = decide(c, "DC-0001", decision, "  ")
        assert r.status_code == 400 and "Xin ghi lý do" in r.text
    assert statuses(web.db, "DC-0001")[-1][1] == "submitted"
    assert "web.decide" not in [a.action for a in audits(web.db, "DC-0001")]


def test_the_council_lists_from_the_dossier_page_keep_the_quota(web, people, clock):
    from .review_helpers import approved

    ids = people["ids"]
    c = web.signed_in(ids["staff"])
    assert decide(c, "DC-0001", "approve").status_code == 303

    def put(ref: str, award: str = "district", action: str = "add"):
        page = c.get(f"/ho-so/{ref}").text
        return c.post(
            f"/ho-so/{ref}/danh-sach",
            data={"csrf": csrf_of(page), "seen": field(page, "seen"), "award": award, "action": action},
        )

    assert put("DC-0001").status_code == 303
    assert statuses(web.db, "DC-0001")[-1][1] == "shortlisted"
    council = c.get("/hoi-dong").text
    assert "DC-0001" in council and "<b>1</b> / 4 được phép" in council  # individuals 1 of 3-4
    more = [
        approved(
            web.db, clock, submitter_id=ids["resident"], nominee=f"Hộ ông Nông Văn {i}", category="household"
        )
        for i in range(3)
    ]
    for ref in more:
        assert put(ref).status_code == 303
    fifth = approved(
        web.db, clock, submitter_id=ids["resident"], nominee="Hộ ông Nông Văn Năm", category="household"
    )
    over = put(fifth)
    assert over.status_code == 400 and "tối đa 4" in over.text  # the domain's quota refusal, in its words
    assert statuses(web.db, fifth)[-1][1] == "approved"
    # taken off the list again; a stale form (sent twice) is refused
    page = c.get("/ho-so/DC-0001").text
    form = {"csrf": csrf_of(page), "seen": field(page, "seen"), "action": "remove"}
    assert c.post("/ho-so/DC-0001/danh-sach", data=form).status_code == 303
    again = c.post("/ho-so/DC-0001/danh-sach", data=form)
    assert again.status_code == 409 and "Lê Thị Văn Phòng" in again.text
    assert [m[1] for m in statuses(web.db, "DC-0001")][-2:] == ["shortlisted", "approved"]
    texts = notes(web.db, ids["resident"])
    assert any("DC-0001" in t and "danh sách" in t.lower() for t in texts)
