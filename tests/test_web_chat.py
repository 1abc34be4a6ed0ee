"""The chat side of the web console: «Mở trang quản lý» (/web) gives staff a one-time link
that signs them in; residents and heads are told they have no console; links are rate limited."""

from __future__ import annotations

import re

from storage.models import WebLink

from .conftest import rows
from .web_helpers import people, web  # noqa: F401  (fixtures)


def link_in(text: str) -> str:
    m = re.search(r"http://127\.0\.0\.1:8080/vao/([A-Za-z0-9_-]{40,})", text)
    assert m, text
    return m.group(1)


def test_staff_open_the_console_from_the_chat_menu_and_sign_in_with_the_link(web, people):
    staff = people["staff"]
    staff.say("/menu")
    assert "Mở trang quản lý" in [o.label for o in staff.question.options]
    staff.press("web")
    token = link_in(staff.text)
    assert "10 phút" in staff.text
    c = web.client()
    assert c.post(f"/vao/{token}").status_code == 303
    assert "Lê Thị Văn Phòng" in c.get("/").text
    staff.say("/web")  # the command too, from anywhere
    assert link_in(staff.text) != token


def test_residents_and_heads_have_no_console(web, people):
    for who in ("resident", "head"):
        p = people[who]
        p.say("/menu")
        assert "Mở trang quản lý" not in [o.label for o in p.question.options]
        p.say("/web")
        assert "chỉ dành cho cán bộ Văn phòng xã" in p.text and "/vao/" not in p.text
    assert rows(web.db, WebLink) == []


def test_links_from_chat_are_rate_limited(web, people):
    admin = people["admin"]
    for _ in range(5):
        admin.say("/web")
        link_in(admin.text)
    admin.say("/web")
    assert "nhiều liên kết" in admin.text and "/vao/" not in admin.text
    web.clock.advance(hours=1, minutes=1)
    admin.say("/web")
    link_in(admin.text)
    assert len(rows(web.db, WebLink)) == 6
