"""The wall of honour in a real browser (Chromium through Playwright, as tests/test_web_browser.py):
a consented photo is shown large enough to see, the print view and the printed page carry the
wall alone. Screenshots go to the test's folder (and to $WEB_SCREENSHOTS when set)."""

from __future__ import annotations

import os
from pathlib import Path

from .test_honours import decided  # noqa: F401  (fixture)
from .test_web_browser import ARGS, CHROMIUM, _need_browser, _photo, serving


def test_the_wall_shows_consented_photos_large_and_prints_alone(db, campaign, clock, decided, tmp_path):
    _need_browser()
    from playwright.sync_api import sync_playwright

    media = tmp_path / "media"
    _photo(media / "ho-tu.jpg")  # the consented photo's file, now a real picture (640 × 480)
    shots = [tmp_path] + ([Path(os.environ["WEB_SCREENSHOTS"])] if os.environ.get("WEB_SCREENSHOTS") else [])
    with serving(db, campaign, clock, media, tmp_path / "exports") as console, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="vi-VN")
            page.goto(console.base_url + "/guong-dien-hinh")
            # its Zalo copy (the Telegram one needs the bot's token, which this test has not)
            img = page.get_by_role("img", name="Ảnh của Hộ ông Hoàng Văn Tư").first
            page.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle())
            assert img.bounding_box()["width"] >= 300  # not a thumbnail
            assert page.get_by_role("img", name="Ảnh của Hộ bà Lường Thị Hoa").count() == 0  # not agreed
            for folder in shots:
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / "web-honours.png"), full_page=True)
            page.emulate_media(media="print")
            assert not page.locator("header.top").is_visible()
            assert page.get_by_role("heading", name="Giấy khen của Chủ tịch UBND xã").is_visible()
            page.emulate_media(media="screen")
            page.goto(console.base_url + "/guong-dien-hinh?ban-in=1")
            assert page.locator("header.top").count() == 0
            assert page.get_by_text(campaign.campaign.title).is_visible()
            for folder in shots:
                page.screenshot(path=str(folder / "web-honours-print.png"), full_page=True)
        finally:
            browser.close()
