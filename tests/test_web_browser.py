"""The web console in a real browser: Playwright (the Python package) drives the system's
Chromium against the console served by uvicorn on 127.0.0.1. Sign in through a link, open a
dossier with a photo, approve it, download the workbook and read it back; a screenshot of each
page goes to the test's tmp_path (and to $WEB_SCREENSHOTS when set, for docs/).

Skipped when no Chromium is installed, unless REQUIRE_BROWSER=1 (CI), where that fails."""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from storage import submissions, weblogin
from storage.models import Evidence
from web.app import make_console
from web.console import Console

from . import seed
from .conftest import Player, nominate_household, register_resident
from .review_helpers import join, member_id, sub

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _need_browser():
    found = Path(CHROMIUM).exists() or shutil.which(CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        found = False
    if not found:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM} (or no playwright package)")
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) "
            "to run the browser tests"
        )


def _photo(path: Path) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 480), (46, 125, 50))
    draw = ImageDraw.Draw(img)
    draw.rectangle((60, 260, 580, 420), fill=(121, 85, 72))
    draw.ellipse((440, 40, 560, 160), fill=(255, 213, 79))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG")


def _seed(db, campaign, clock, resident_id: int) -> None:
    """A campaign under way: nominations and proposals from several units, some decided."""
    plan = [
        ("T01", "household", "Hộ bà Nông Thị Hoa", "approved"),
        ("T02", "household", "Hộ ông Vi Văn Dũng", "submitted"),
        ("T02", "collective", "Chi hội Phụ nữ thôn 2", "under_review"),
        ("T03", "official", "Ông Hoàng Văn Sáu", "approved"),
        ("T04", "enterprise", "HTX Chè Trần Ninh", "needs_info"),
        ("HND", "household", "Hộ ông Lương Văn Bảy", "submitted"),
        ("T03", "household", "Hộ bà Lộc Thị Tám", "rejected"),
        ("DTN", "collective", "Đoàn Thanh niên xã", "submitted"),
        ("T01", "public_employee", "Cô Hà Thị Chín", "submitted"),
    ]
    with Session(db) as s:
        for unit, cat, nominee, status in plan:
            row = seed.create_submission(
                s,
                kind="nomination",
                campaign_code=campaign.code,
                submitter_id=resident_id,
                now=clock.now(),
                unit_code=unit,
                category=cat,
                nominee=nominee,
                contents=["c2", "c3"],
                achievements="Tích cực tham gia phong trào, đóng góp ngày công và kinh phí làm đường.",
                answers={"annual_income": 72_000_000, "discipline": "no"}
                if cat == "household"
                else {"discipline": "no"},
                flags=[],
                proposed_award="commune",
            )
            if status == "under_review":
                seed.change_status(
                    s, row, "under_review", actor_id=None, reason=None, now=clock.now(), notify=None
                )
            elif status != "submitted":
                seed.change_status(
                    s,
                    row,
                    status,
                    actor_id=None,
                    reason="Thiếu xác nhận của thôn." if status != "approved" else None,
                    now=clock.now(),
                    notify=None,
                )
        s.commit()


def serve(db, campaign, clock, media: Path, exports: Path):
    """The console on a free port of 127.0.0.1, served by uvicorn in a thread: (the console,
    the function that stops it)."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    console = Console(
        db=db,
        campaign=campaign,
        clock=clock,
        base_url=f"http://127.0.0.1:{sock.getsockname()[1]}",
        media_dir=media,
        export_dir=exports,
    )
    server = uvicorn.Server(uvicorn.Config(make_console(console), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):  # bounded: uvicorn starts within a second or two
        if server.started:
            break
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return console, stop


@pytest.fixture
def served(db, campaign, clock, core, tmp_path):
    _need_browser()
    resident = Player(core, "res1")
    register_resident(resident)
    ref = nominate_household(resident, nominee="Hộ ông Hoàng Văn Tư")
    staff = join(core, db, clock, "staff1", "staff", "VPTK", name="Lê Thị Văn Phòng")
    media = tmp_path / "media"
    _photo(media / "zalo" / "anh-1.png")
    with Session(db) as s:
        row = submissions.submission_by_ref(s, ref)
        s.add(
            Evidence(
                submission_id=row.id,
                channel="zalo",
                unique_id="z-anh-1",
                local_path=str(media / "zalo" / "anh-1.png"),
                created_at=clock.now(),
            )
        )
        s.commit()
    _seed(db, campaign, clock, member_id(core, resident))
    console, stop = serve(db, campaign, clock, media, tmp_path / "exports")
    with Session(db) as s:
        token = weblogin.insert_link(s, now=clock.now(), member_id=member_id(core, staff))
        s.commit()
    yield {"link": console.link(token), "base": console.base_url, "ref": ref}
    stop()


def signed_in_page(browser, link: str, viewport: dict):
    """A page in a fresh browser context, signed in through the one-time link."""
    page = browser.new_context(viewport=viewport, locale="vi-VN").new_page()
    page.goto(link)
    page.get_by_role("button", name="Vào trang quản lý").click()
    return page


@contextmanager
def serving(db, campaign, clock, media: Path, exports: Path):
    """The console served by uvicorn on a free port of 127.0.0.1, for as long as the block runs."""
    console, stop = serve(db, campaign, clock, media, exports)
    try:
        yield console
    finally:
        stop()


def test_sign_in_open_a_dossier_with_a_photo_approve_it_and_download_the_workbook(served, db, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    shots = [tmp_path]
    if os.environ.get("WEB_SCREENSHOTS"):
        shots.append(Path(os.environ["WEB_SCREENSHOTS"]))

    def shot(page, name: str) -> None:
        for folder in shots:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    base, ref = served["base"], served["ref"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            ctx = browser.new_context(
                viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="vi-VN"
            )
            page = ctx.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(served["link"])
            shot(page, "web-signin")
            page.get_by_role("button", name="Vào trang quản lý").click()
            expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
            expect(page.get_by_text("Lê Thị Văn Phòng")).to_be_visible()
            shot(page, "web-overview")
            page.get_by_role("link", name="Hồ sơ", exact=True).click()
            expect(page.get_by_role("link", name=ref)).to_be_visible()
            shot(page, "web-dossiers")
            page.get_by_role("link", name=ref).click()
            img = page.get_by_role("img", name=f"Ảnh 1 của {ref}")
            expect(img).to_be_visible()
            # visible is not decoded yet: wait for the picture itself (a busy machine is slow)
            page.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle())
            assert page.evaluate("(el) => el.naturalWidth", img.element_handle()) == 640
            shot(page, "web-dossier")
            page.get_by_role("button", name="Đạt", exact=True).click()
            expect(page.get_by_role("status")).to_have_text("Đã lưu kết quả thẩm định.")
            assert sub(db, ref).status == "approved"
            for path, name in (
                ("/hoi-dong", "web-council"),
                ("/nguoi", "web-people"),
                ("/chien-dich", "web-campaign"),
            ):
                page.goto(base + path)
                shot(page, name)
            page.goto(base + "/xuat")
            shot(page, "web-exports")
            with page.expect_download() as dl:
                page.get_by_role("button", name="Tải bảng tính").click()
            saved = tmp_path / dl.value.suggested_filename
            dl.value.save_as(saved)
            assert saved.name.startswith("tong-hop-tran-ninh-2024")
            wb = load_workbook(io.BytesIO(saved.read_bytes()))
            found = [
                [c.value for c in row]
                for ws in wb.worksheets
                for row in ws.iter_rows()
                if any(c.value == ref for c in row)
            ]
            assert found and "Đạt" in found[0], found
            # a 360-px phone: the overview fits the width (no sideways scrolling)
            phone = browser.new_context(
                viewport={"width": 360, "height": 740}, storage_state=ctx.storage_state()
            )
            p2 = phone.new_page()
            p2.goto(base + "/")
            assert p2.evaluate("document.documentElement.scrollWidth") <= 360
            shot(p2, "web-overview-phone")
            p2.goto(base + f"/ho-so/{ref}")
            assert p2.evaluate("document.documentElement.scrollWidth") <= 360
            shot(p2, "web-dossier-phone")
            # sign out: the session ends
            page.goto(base + "/")
            page.get_by_role("button", name="Đăng xuất").click()
            expect(page.get_by_role("heading", name="Bạn đã đăng xuất")).to_be_visible()
            page.goto(base + "/ho-so")
            expect(page.get_by_role("heading", name="Trang quản lý phong trào thi đua")).to_be_visible()
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()


def test_a_council_member_votes_and_changes_the_vote_while_staff_watch_the_round(
    served, db, core, clock, tmp_path
):
    """Staff open a round on the commune list from the round page; a council member signed in
    with a link votes on a phone-sized page, changes the vote; staff see it and close the round."""
    from playwright.sync_api import expect, sync_playwright
    from sqlmodel import select

    from storage.models import CouncilVote, Submission

    with Session(db) as s:
        row = s.exec(select(Submission).where(Submission.nominee == "Hộ bà Nông Thị Hoa")).one()
        seed.change_status(
            s,
            row,
            "shortlisted",
            actor_id=None,
            reason=None,
            now=clock.now(),
            notify=None,
            fields={"shortlist_award": "commune"},
        )
        s.commit()
    member = member_id(core, join(core, db, clock, "m1", "council", None, name="Vi Văn Sơn"))
    with Session(db) as s:
        token = weblogin.insert_link(s, now=clock.now(), member_id=member)
        s.commit()
    base = served["base"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            staff = signed_in_page(browser, served["link"], {"width": 1366, "height": 768})
            staff.get_by_role("link", name="Phiên xét", exact=True).click()
            staff.get_by_role("button", name="Mở phiên xét").click()
            expect(staff.get_by_role("status")).to_contain_text("Đã mở phiên xét")
            voter = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN").new_page()
            voter.goto(f"{base}/vao/{token}")
            voter.get_by_role("button", name="Vào trang quản lý").click()
            expect(voter.get_by_role("heading", name="Bỏ phiếu bình xét")).to_be_visible()
            voter.get_by_role("button", name="Đồng ý", exact=True).click()
            expect(voter.get_by_text("Phiếu của bạn: Đồng ý")).to_be_visible()
            voter.get_by_role("button", name="Không đồng ý", exact=True).click()
            expect(voter.get_by_text("Phiếu của bạn: Không đồng ý")).to_be_visible()
            assert voter.evaluate("document.documentElement.scrollWidth") <= 360
            voter.screenshot(path=str(tmp_path / "web-vote-phone.png"), full_page=True)
            with Session(db) as s:
                assert [v.choice for v in s.exec(select(CouncilVote)).all()] == ["disagree"]
            staff.reload()
            expect(staff.get_by_text("1/1 thành viên đã bỏ phiếu")).to_be_visible()
            staff.get_by_role("link", name="Kết thúc phiên xét…").click()
            staff.get_by_role("button", name="Xác nhận kết thúc phiên xét").click()
            expect(staff.get_by_role("status")).to_contain_text("Đã kết thúc phiên xét")
            voter.reload()
            expect(voter.get_by_text("Hiện không có phiên xét nào đang mở.")).to_be_visible()
        finally:
            browser.close()


def test_the_people_table_fits_a_phone(served, db, clock):
    """At 360 px «Người dùng» reads row by row like «Hồ sơ»: no cell cut at the card's edge
    (a council member's role is the longest line)."""
    from playwright.sync_api import sync_playwright

    from .test_web_award_journey import _member  # imported here: that module imports this one

    with Session(db) as s:
        for i, name in enumerate(("Hoàng Văn Vịnh", "Lộc Thị Hạnh")):
            _member(s, clock, name, "council", None, f"hd{i}")
        s.commit()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = signed_in_page(browser, served["link"], {"width": 360, "height": 740})
            page.goto(served["base"] + "/nguoi")
            rights = page.evaluate(
                "Array.from(document.querySelectorAll('main td')).map(td => td.getBoundingClientRect().right)"
            )
            assert rights and max(rights) <= 360, rights
        finally:
            browser.close()
