"""The console's announcements page: compose, preview with the people and groups it reaches,
confirm (the chat's domain operation, audited), figures, «Gửi lại tin lỗi», and the printable
invitation; staff only, CSRF on every form."""

from __future__ import annotations

from sqlmodel import Session, select

from storage import announcements
from storage.models import Announcement, AuditLog, Outbox

from .conftest import rows
from .web_helpers import csrf_of, people, web  # noqa: F401  (fixtures)


def test_staff_compose_preview_confirm_and_retry_on_the_web(web, people):
    with Session(web.db) as s:
        announcements.link_group(
            s,
            channel="telegram",
            chat_id="-100900",
            unit_code="T01",
            title=None,
            member_id=None,
            now=web.clock.now(),
        )
        s.commit()
    c = web.signed_in(people["ids"]["staff"])
    page = c.get("/thong-bao")
    assert page.status_code == 200 and "Soạn thông báo" in page.text and "Chưa có thông báo nào" in page.text
    csrf = csrf_of(page.text)
    form = {"csrf": csrf, "text": "Mời trưởng thôn 1 họp <b>sáng mai</b>.", "audience": "unit", "unit": "T01"}
    bad = c.post("/thong-bao/xem", data={**form, "unit": "X9"})
    assert bad.status_code == 400 and "Xin chọn ít nhất một đơn vị" in bad.text
    preview = c.post("/thong-bao/xem", data=form)
    assert preview.status_code == 200
    assert (
        "Số người nhận: <b>2</b>" in preview.text and "Nhóm thôn: <b>1</b>" in preview.text
    )  # T01's head, resident
    assert "&lt;b&gt;sáng mai" in preview.text and not rows(web.db, Announcement)  # nothing sent yet
    sent = c.post("/thong-bao", data=form)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/thong-bao?sent=")
    [ann] = rows(web.db, Announcement)
    assert (ann.channel, ann.recipients, ann.groups, ann.created_by) == ("web", 2, 1, people["ids"]["staff"])
    assert rows(web.db, AuditLog, AuditLog.action == "announce.send")
    queued = rows(web.db, Outbox, Outbox.dedupe_key.startswith(f"ann:{ann.id}:"))
    assert sorted(r.chat_id for r in queued) == ["-100900", "head1", "res1"]
    with Session(web.db) as s:
        row = s.exec(select(Outbox).where(Outbox.chat_id == "head1")).one()
        row.status = "failed"
        s.add(row)
        s.commit()
    page = c.get("/thong-bao")
    assert "Gửi lại tin lỗi" in page.text
    assert c.post("/thong-bao/gui-lai", data={"csrf": csrf, "id": str(ann.id)}).status_code == 303
    assert rows(web.db, Outbox, Outbox.chat_id == "head1")[0].status == "pending"
    forged = c.post("/thong-bao", data={**form, "csrf": "forged"})
    assert forged.status_code == 403 and len(rows(web.db, Announcement)) == 1


def test_the_printable_invitation_downloads_as_pdf_and_png(web, people):
    c = web.signed_in(people["ids"]["staff"])
    assert c.get("/thong-bao/giay-moi.pdf").status_code == 409  # no bot name configured
    web.console.telegram_username = "tranninh_thidua_bot"
    web.console.zalo_name = "Thi đua Trần Ninh"
    pdf = c.get("/thong-bao/giay-moi.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    png = c.get("/thong-bao/giay-moi.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert c.get("/thong-bao/giay-moi.exe").status_code == 404
    assert web.session_for(people["ids"]["resident"]).get("/thong-bao/giay-moi.pdf").status_code == 403
    assert not list(web.console.export_dir.glob("giay-moi-*"))  # removed once sent
