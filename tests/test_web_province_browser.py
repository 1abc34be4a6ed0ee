"""The province console in a real browser (Playwright, the system's Chromium, every host name
resolved to 127.0.0.1): a province administrator signs in, adds a commune with its host and
invites its first staff member, who opens the link on that commune's host, gives a name and
is in that commune's console; the session is worth nothing at the other commune's host.

Skipped when no Chromium is installed, unless REQUIRE_BROWSER=1 (CI), where that fails."""

from __future__ import annotations

import socket
import threading
import time
from types import SimpleNamespace

import pytest
from sqlmodel import Session, select

from bot.settings import Settings
from bot.web_communes import host_consoles
from storage.communes import Communes
from storage.db import make_engine
from storage.models import Member

from .province_web_helpers import Province
from .test_web_browser import ARGS, CHROMIUM, _need_browser

PROVINCE, A, B = "tinh.thidua.test", "a.thidua.test", "b.thidua.test"


@pytest.fixture
def deployment(db_path, campaign, clock, tmp_path):
    """The dispatcher bot/ mounts, served by uvicorn on a free port of 127.0.0.1."""
    import uvicorn

    _need_browser()
    registry = Communes(make_engine(f"sqlite:///{db_path}"))
    registry.migrate()
    registry.ensure_first("tran-ninh", "Xã Trần Ninh")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{db_path}",
        web_base_url=f"http://{A}:{port}",
        province_host=PROVINCE,
        media_dir=tmp_path / "media",
    )
    app = SimpleNamespace(settings=settings, db=registry.base, campaign=campaign, clock=clock, demo=False)
    server = uvicorn.Server(uvicorn.Config(host_consoles(app, registry), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):  # bounded: uvicorn starts within a second or two
        if server.started:
            break
        time.sleep(0.01)
    harness = Province(registry, campaign, clock, tmp_path)
    yield SimpleNamespace(registry=registry, port=port, harness=harness)
    server.should_exit = True
    thread.join(timeout=10)
    registry.dispose()
    registry.base.dispose()


def test_the_province_adds_a_commune_whose_first_staff_member_signs_in_on_its_host(deployment):
    from playwright.sync_api import expect, sync_playwright

    port = deployment.port
    _, token = deployment.harness.admin_link("Hà Thị Tỉnh")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=[*ARGS, "--host-resolver-rules=MAP * 127.0.0.1"]
        )
        try:
            errors: list[str] = []
            admin = browser.new_context(locale="vi-VN").new_page()
            admin.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            admin.goto(f"http://{PROVINCE}:{port}/vao/{token}")
            admin.get_by_role("button", name="Vào trang của tỉnh").click()
            expect(admin.get_by_role("heading", name="Các xã")).to_be_visible()
            expect(admin.get_by_text("Hà Thị Tỉnh")).to_be_visible()

            admin.get_by_label("Mã xã").fill("yen-phuc")
            admin.get_by_label("Tên xã").fill("Xã Yên Phúc")
            admin.get_by_label("Địa chỉ trang quản lý của xã").fill(B)
            admin.get_by_role("button", name="Thêm xã").click()
            expect(admin.get_by_role("status")).to_contain_text("Đã thêm Xã Yên Phúc (mã yen-phuc).")
            row = admin.locator('tr[data-commune="yen-phuc"]')
            expect(row.get_by_role("link", name=f"http://{B}:{port}")).to_be_visible()

            row.get_by_role("button", name="Mời cán bộ đầu tiên").click()
            expect(admin.get_by_role("heading", name="Mời cán bộ đầu tiên của Xã Yên Phúc")).to_be_visible()
            qr = admin.get_by_role("img", name="Mã QR của liên kết mời cán bộ Xã Yên Phúc")
            admin.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=qr.element_handle())
            link = admin.locator("#staff-link").get_attribute("href")
            assert link.startswith(f"http://{B}:{port}/vao/")

            staff = browser.new_context(locale="vi-VN").new_page()
            staff.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            staff.goto(link)
            staff.get_by_label("Họ và tên").fill("Vi Thị Cán Bộ")
            staff.get_by_role("button", name="Vào trang quản lý").click()
            expect(staff.get_by_role("heading", name="Tổng quan")).to_be_visible()
            expect(staff.get_by_text("Vi Thị Cán Bộ")).to_be_visible()
            assert staff.url == f"http://{B}:{port}/"
            cookies = staff.context.cookies()
            assert [(c["name"], c["domain"]) for c in cookies] == [("thidua_phien", B)]

            # the same browser at commune A's host and at the province's: signed in nowhere
            staff.goto(f"http://{A}:{port}/")
            assert staff.url == f"http://{A}:{port}/dang-nhap"
            staff.goto(f"http://{PROVINCE}:{port}/")
            assert staff.url == f"http://{PROVINCE}:{port}/dang-nhap"
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
    with Session(deployment.harness.engine("yen-phuc")) as s:
        assert s.exec(select(Member.role).where(Member.full_name == "Vi Thị Cán Bộ")).one() == "staff"
    with Session(deployment.registry.base) as s:
        assert not s.exec(select(Member).where(Member.full_name == "Vi Thị Cán Bộ")).all()
