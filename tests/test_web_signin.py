"""Signing in to the web console: one-time links, the session cookie, sign-out, the rate limit,
the command line's --web link for an office starting from the web alone."""

from __future__ import annotations

import logging
import re

from sqlmodel import Session, select

from storage.models import AuditLog, Member, WebLink, WebSession
from web.console import COOKIE
from web.security import RateLimit

from .conftest import rows
from .web_helpers import csrf_of, people, web, web_only_clerk  # noqa: F401  (fixtures)


def test_a_link_signs_in_once_with_a_safe_cookie(web, people):
    staff = people["ids"]["staff"]
    token = web.link(staff)
    c = web.client()
    page = c.get(f"/vao/{token}")  # a link preview opens it too: GET signs nobody in
    assert page.status_code == 200 and "Vào trang quản lý" in page.text and "Lê Thị Văn Phòng" in page.text
    assert not c.cookies.get(COOKIE)
    r = c.post(f"/vao/{token}")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # plain http here; see the https test
    assert c.get("/").status_code == 200
    # the same link again, from another browser: used
    again = web.client().post(f"/vao/{token}")
    assert again.status_code == 410 and "Liên kết đã được dùng" in again.text
    assert COOKIE not in again.headers.get("set-cookie", "")
    assert [a.after["channel"] for a in rows(web.db, AuditLog, AuditLog.action == "web.signin")] == ["web"]


def test_expired_and_forged_links_get_a_plain_page_and_nothing_else(web, people, clock):
    token = web.link(people["ids"]["staff"])
    clock.advance(minutes=10, seconds=1)
    for r in (web.client().get(f"/vao/{token}"), web.client().post(f"/vao/{token}")):
        assert r.status_code == 410 and "Liên kết đã hết hạn" in r.text
        assert people["ref"] not in r.text and "Đăng xuất" not in r.text and "set-cookie" not in r.headers
    forged = web.client().get("/vao/" + "A" * 43)
    assert forged.status_code == 404 and "Liên kết không hợp lệ" in forged.text


def test_a_clerk_with_no_chat_is_sent_to_the_office_for_a_new_link(web, people, clock):
    """Someone who uses only the web cannot ask the bot: the page says who can help."""
    with Session(web.db) as s:
        clerk_id = web_only_clerk(s, clock.now()).id
        s.commit()
    token, chat_token = web.link(clerk_id), web.link(people["ids"]["staff"])
    clock.advance(minutes=10, seconds=1)
    r = web.client().get(f"/vao/{token}")
    assert r.status_code == 410 and "Liên kết đã hết hạn" in r.text
    assert "Văn phòng xã" in r.text and "nhắn bot" not in r.text
    chat = web.client().get(f"/vao/{chat_token}")
    assert chat.status_code == 410 and "nhắn bot" in chat.text


def test_residents_and_heads_get_no_console_from_a_link(web, people):
    for who in ("resident", "head"):
        r = web.client().post(f"/vao/{web.link(people['ids'][who])}")
        assert r.status_code == 403 and "chỉ dành cho cán bộ Văn phòng" in r.text
        assert "set-cookie" not in r.headers


def test_the_session_lasts_12_hours_and_sign_out_ends_it(web, people, clock):
    c = web.signed_in(people["ids"]["staff"])
    clock.advance(hours=11, minutes=59)
    home = c.get("/")
    assert home.status_code == 200
    out = c.post("/dang-xuat", data={"csrf": csrf_of(home.text)})
    assert out.status_code == 200 and "Bạn đã đăng xuất" in out.text
    assert 'thidua_phien=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    stolen = web.client()
    stolen.cookies.set(COOKIE, c.cookies.get(COOKIE) or "")
    assert stolen.get("/").status_code == 303  # revoked on the server, not only in the browser
    c2 = web.signed_in(people["ids"]["staff"])
    clock.advance(hours=12)
    r = c2.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/dang-nhap"
    assert "Cán bộ Văn phòng xã nhắn bot" in web.client().get("/dang-nhap").text


def test_cookies_are_secure_behind_https(web, people):
    web.console.base_url = "https://thidua.example.vn"
    r = web.client().post(f"/vao/{web.link(people['ids']['staff'])}")
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


def test_sign_in_attempts_are_rate_limited(web, people):
    web.console.signin_limit = RateLimit(limit=3, window=600, shared=1)
    c = web.client()
    codes = [c.get("/vao/forged-" + str(i)).status_code for i in range(3)]
    assert codes == [404, 404, 404]
    good = web.link(people["ids"]["staff"])
    r = c.post(f"/vao/{good}")
    assert r.status_code == 429 and "quá nhiều lần" in r.text
    with Session(web.db) as s:  # the good link was not spent by the refused attempt
        assert s.exec(select(WebLink)).all()[-1].used_at is None


def test_an_office_starts_from_the_web_alone_with_the_command_line_link(
    tmp_path, monkeypatch, capsys, campaign
):
    from bot.cli import main
    from storage.db import make_engine

    from .conftest import CAMPAIGN_FILE

    db_url = f"sqlite:///{tmp_path}/cli.db"
    for k in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "WEBHOOK_BASE_URL", "CAMPAIGN_DEADLINE"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    monkeypatch.setenv("WEB_BASE_URL", "https://thidua.example.vn")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # main() sets up logging on stderr
    assert main(["invite", "--role", "staff", "--unit", "VPTK", "--web"]) == 0
    out = capsys.readouterr().out
    m = re.search(r"https://thidua\.example\.vn/vao/([A-Za-z0-9_-]{40,})", out)
    assert m and "Mã mời:" in out, out

    from domain.clock import SystemClock

    from .web_helpers import Web

    engine = make_engine(db_url)
    w = Web(None, engine, campaign, SystemClock(), tmp_path)
    c = w.client()
    first = c.get(f"/vao/{m.group(1)}")
    assert "xin cho biết họ và tên" in first.text
    assert c.post(f"/vao/{m.group(1)}", data={"name": " "}).status_code == 400
    r = c.post(f"/vao/{m.group(1)}", data={"name": "Phạm Thị Thống Kê"})
    assert r.status_code == 303
    assert "Phạm Thị Thống Kê" in c.get("/").text
    with Session(engine) as s:
        m2 = s.exec(select(Member).where(Member.full_name == "Phạm Thị Thống Kê")).one()
        assert (m2.role, m2.unit_code) == ("staff", "VPTK")
        assert len(s.exec(select(WebSession)).all()) == 1
    assert main(["invite", "--role", "head", "--unit", "T01", "--web"]) == 2
    engine.dispose()
