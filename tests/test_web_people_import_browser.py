"""«Nhập danh sách từ Excel» in a real browser (Playwright, the system's Chromium): download the
template from the page, fill it as a clerk would, choose it in the file field and send it; a
wrong file's rows shown by sheet and row. Skipped without Chromium unless REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
from pathlib import Path

from sqlmodel import Session

from storage import weblogin
from storage.models import Member

from .conftest import rows
from .people_sheets import filled
from .review_helpers import join, member_id
from .test_web_browser import ARGS, CHROMIUM, _need_browser, serving


def shot(page, folder: Path, name: str) -> None:
    """A screenshot to the test's folder (and to $WEB_SCREENSHOTS when set, for docs/)."""
    for where in (
        folder,
        *([Path(os.environ["WEB_SCREENSHOTS"])] if os.environ.get("WEB_SCREENSHOTS") else []),
    ):
        where.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(where / f"{name}.png"), full_page=True)


def test_a_clerk_downloads_the_template_fills_it_and_uploads_it(db, campaign, clock, core, tmp_path):
    _need_browser()
    from playwright.sync_api import expect, sync_playwright

    staff = member_id(core, join(core, db, clock, "staff1", "staff", "VPTK", name="Lê Thị Văn Phòng"))
    with serving(db, campaign, clock, tmp_path / "media", tmp_path / "exports") as console:
        with Session(db) as s:
            token = weblogin.insert_link(s, now=clock.now(), member_id=staff)
            s.commit()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                ctx = browser.new_context(
                    viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="vi-VN"
                )
                page = ctx.new_page()
                errors: list[str] = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.goto(console.link(token))
                page.get_by_role("button", name="Vào trang quản lý").click()
                page.goto(console.base_url + "/nguoi")
                page.get_by_role("link", name="Nhập danh sách từ Excel").click()
                expect(page.get_by_role("heading", name="Nhập danh sách từ Excel")).to_be_visible()
                with page.expect_download() as dl:
                    page.get_by_role("link", name="Tải mẫu Excel").click()
                template = tmp_path / "mau.xlsx"
                dl.value.save_as(template)
                bad = tmp_path / "sai.xlsx"
                bad.write_bytes(filled(campaign, people=[("Lý Văn Sai", "09", "Trưởng thôn", "T01")]))
                page.get_by_label("Tệp Excel").set_input_files(str(bad))
                page.get_by_role("button", name="Nhập danh sách").click()
                expect(page.get_by_role("alert")).to_contain_text("Có 1 dòng chưa đúng")
                row = page.get_by_role("row").filter(has_text="chưa đúng (ví dụ 0912345678)")
                expect(row).to_contain_text("Cán bộ")
                expect(row).to_contain_text("4")
                shot(page, tmp_path, "web-people-import-errors")
                good = tmp_path / "danh-sach.xlsx"
                good.write_bytes(filled(campaign, template=template.read_bytes()))
                page.get_by_label("Tệp Excel").set_input_files(str(good))
                page.get_by_role("button", name="Nhập danh sách").click()
                expect(page.get_by_role("status")).to_have_text(
                    f"Đã nhập 1 đơn vị và 3 người; {len(campaign.units)} dòng đã có từ trước."
                )
                expect(page.get_by_role("link", name="In giấy mời (Word)")).to_be_visible()
                shot(page, tmp_path, "web-people-import")
                assert not [e for e in errors if "Content Security Policy" in e], errors
            finally:
                browser.close()
    assert {m.phone for m in rows(db, Member) if m.phone} == {"0912345678", "0987654321", "0977111222"}
