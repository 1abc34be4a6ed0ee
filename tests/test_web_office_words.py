"""The office's pages say what they mean: council members counted and invited on «Người dùng»,
channels named in Vietnamese, the criterion stated as the standard, each audit line named once
with its channel, no command line offered to a clerk."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from storage.models import AuditLog, Invite

from .review_helpers import join
from .test_web_decide import decide
from .web_helpers import csrf_of, people, web  # noqa: F401  (fixtures)


def test_council_members_are_counted_and_invited_like_the_command_line(web, people, core, db, clock):
    join(core, db, clock, "m1", "council", None, name="Vi Văn Sơn")
    c = web.signed_in(people["ids"]["staff"])
    page = c.get("/nguoi").text
    assert "thành viên Hội đồng Thi đua - Khen thưởng: 1" in page
    assert '<option value="council">' in page.split('action="/nguoi/moi"')[1].split("</form>")[0]
    r = c.post("/nguoi/moi", data={"csrf": csrf_of(page), "role": "council", "unit": "T01"})
    assert r.status_code == 200 and "Mã mời thành viên Hội đồng Thi đua - Khen thưởng" in r.text
    code = re.search(r'<p class="code">([^<]+)</p>', r.text).group(1)
    with Session(db) as s:
        invite = s.exec(select(Invite).where(Invite.code == code)).one()
    assert invite.role == "council" and invite.unit_code is None  # as `invite --role council`


def test_channels_are_named_in_vietnamese(web, people):
    page = web.signed_in(people["ids"]["staff"]).get("/nguoi").text
    cells = re.findall(r"<td>([^<]*)</td><td>\d\d/\d\d/\d{4}</td>", page)
    assert cells and set(cells) <= {"Thử trên máy chủ", "Telegram", "Zalo", "Chỉ trang quản lý"}


def test_the_campaign_page_states_the_criterion(web, people):
    page = web.signed_in(people["ids"]["staff"]).get("/chien-dich").text
    assert "Không đang bị kỷ luật, điều tra" in page and "Đang bị kỷ luật/điều tra" not in page


def test_each_audit_line_is_named_once(web, people):
    c = web.signed_in(people["ids"]["staff"])
    assert decide(c, "DC-0001", "approve").status_code == 303
    page = c.get("/ho-so/DC-0001").text
    assert "Thẩm định <small>(trên trang quản lý)</small>" in page
    assert "(trang quản lý) (trang quản lý)" not in page and "Thao tác khác" not in page
    with Session(web.db) as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "web.decide")).one()


def test_the_announcement_page_sends_no_clerk_to_a_command_line(web, people):
    page = web.signed_in(people["ids"]["staff"]).get("/thong-bao").text
    assert "dòng lệnh" not in page and "Thông báo gửi từ trang này là tin chữ." in page
