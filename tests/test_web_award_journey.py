"""The award step on the web alone, in a real browser (no chat at all): staff open a round; two
council members vote on a 360-px phone, each vote coming back at the item voted on; staff close
the round after the page that shows the tally; the item that failed leaves the council's list
and its nominator's notification waits in the outbox; staff record the decision, download the
minutes, the decision and the certificates from «Xuất tài liệu», withdraw the decision with a
reason and record it again. A screenshot of each page goes to tests/artifacts/award_journey/."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from storage import submissions, weblogin
from storage.models import AwardDecision, Evidence

from . import seed
from .review_helpers import notes, sub
from .test_web_browser import ARGS, CHROMIUM, _need_browser, _photo, serve
from .test_web_decisions import docx_text

SHOTS = Path(__file__).parent / "artifacts" / "award_journey"
PHONE = {"width": 360, "height": 740}
ACHIEVEMENTS = (
    "Hiến 150 m2 đất và 40 ngày công làm đường bê tông liên thôn; vận động 12 hộ cùng làm; "
    "giữ vườn cây ăn quả, chăn nuôi cho thu nhập ổn định, giúp hai hộ cận nghèo giống cây."
)
# (nominee, category, unit, votes of member 1 and 2): the second fails (no member agrees)
ITEMS = [
    ("Hộ ông Hoàng Văn Tư", "household", "T01", ("agree", "agree")),
    ("Hộ bà Nông Thị Hoa", "household", "T01", ("disagree", "more_info")),
    ("Chi hội Phụ nữ thôn 2", "collective", "T02", ("agree", "agree")),
    ("Bà Lộc Thị Hạnh", "official", "T03", ("agree", "agree")),
]
CHOICE = {"agree": "Đồng ý", "disagree": "Không đồng ý", "more_info": "Xin ý kiến thêm"}


def _member(s: Session, clock, name: str, role: str, unit: str | None, key: str) -> int:
    m = seed.create_member(
        s,
        full_name=name,
        role=role,
        unit_code=unit,
        phone=None,
        channel="telegram",
        external_id=key,
        chat_id=key,
        display_name=name,
        now=clock.now(),
    )
    s.flush()
    return m.id


@pytest.fixture
def journey(db, campaign, clock, tmp_path):
    """Four nominations on the commune's council list (the first with a photo), a nominator,
    staff and two council members, each with a sign-in link; the console served by uvicorn."""
    _need_browser()
    media = tmp_path / "media"
    _photo(media / "zalo" / "anh-1.png")
    with Session(db) as s:
        ids = {
            "nominator": _member(s, clock, "Nông Văn Dân", "resident", "T01", "r1"),
            "staff": _member(s, clock, "Lương Thị Mai", "staff", "VPTK", "s1"),
            "m1": _member(s, clock, "Hoàng Văn Vịnh", "council", None, "m1"),
            "m2": _member(s, clock, "Vi Văn Sơn", "council", None, "m2"),
        }
        refs = []
        for nominee, category, unit, _ in ITEMS:
            row = seed.create_submission(
                s,
                kind="nomination",
                campaign_code=campaign.code,
                submitter_id=ids["nominator"],
                now=clock.now(),
                unit_code=unit,
                category=category,
                nominee=nominee,
                contents=["c2", "c3"],
                achievements=ACHIEVEMENTS,
                answers={"discipline": "no"},
                flags=[],
                proposed_award="commune",
            )
            for to, fields in (("approved", None), ("shortlisted", {"shortlist_award": "commune"})):
                seed.change_status(
                    s, row, to, actor_id=None, reason=None, now=clock.now(), notify=None, fields=fields
                )
            refs.append(row.ref)
        first = submissions.submission_by_ref(s, refs[0])
        s.add(
            Evidence(
                submission_id=first.id,
                channel="zalo",
                unique_id="z-anh-1",
                local_path=str(media / "zalo" / "anh-1.png"),
                created_at=clock.now(),
            )
        )
        links = {k: weblogin.insert_link(s, now=clock.now(), member_id=ids[k]) for k in ("staff", "m1", "m2")}
        s.commit()
    console, stop = serve(db, campaign, clock, media, tmp_path / "exports")
    yield {
        "base": console.base_url,
        "links": {k: console.link(v) for k, v in links.items()},
        "refs": refs,
        "ids": ids,
    }
    stop()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page) -> None:
    """Nothing scrolls sideways at this width, and every menu entry is whole on screen."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    boxes = page.evaluate(
        "Array.from(document.querySelectorAll('nav.menu a')).map(a => a.getBoundingClientRect().right)"
    )
    assert boxes and max(boxes) <= width, (page.url, boxes)


def _sign_in(browser, link: str, viewport: dict):
    ctx = browser.new_context(viewport=viewport, locale="vi-VN", accept_downloads=True)
    page = ctx.new_page()
    page.goto(link)
    page.get_by_role("button", name="Vào trang quản lý").click()
    return page


def _menu(page, name: str) -> None:
    page.get_by_role("navigation", name="Trang").get_by_role("link", name=name, exact=True).click()


def _vote_all(page, votes: list[str], who: str) -> None:
    """Vote item by item as a thumb would: scroll to the card, press; the page comes back at
    that card (its anchor in the address, the card at the top of the screen, not page top)."""
    from playwright.sync_api import expect

    for n, choice in enumerate(votes, 1):
        card = page.locator(f"#item-{n}")
        card.scroll_into_view_if_needed()
        card.get_by_role("button", name=CHOICE[choice], exact=True).click()
        page.wait_for_url(f"**#item-{n}")
        expect(card.get_by_role("status")).to_have_text("Đã ghi phiếu.")
        expect(card.get_by_text(f"Phiếu của bạn: {CHOICE[choice]}")).to_be_visible()
        # the card at the top of the screen, or (the last ones) the page scrolled to its end
        top, at_end = page.evaluate(
            f"""[document.getElementById('item-{n}').getBoundingClientRect().top,
                 window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2]"""
        )
        assert abs(top) < 40 or (at_end and 0 <= top < PHONE["height"] / 2), (who, n, top)
        if n > 1:
            assert page.evaluate("window.scrollY") > 100, (who, n)
        _fits(page)
    _shot(page, f"02-ballot-{who}-phone")


def _download(page, tmp_path: Path, button: str, select: tuple[str, str] | None = None) -> Path:
    if select is not None:
        page.get_by_label(select[0], exact=True).select_option(select[1])
    with page.expect_download() as dl:
        page.get_by_role("button", name=button).click()
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    return saved


def _docx_text(path: Path) -> str:
    return docx_text(path.read_bytes())


def test_the_award_step_on_the_web_without_chat(journey, db, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, refs = journey["base"], journey["refs"]
    passed = [nominee for nominee, *_ in ITEMS if nominee != "Hộ bà Nông Thị Hoa"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            desk = _sign_in(browser, journey["links"]["staff"], {"width": 1366, "height": 768})
            errors: list[str] = []
            desk.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            # staff open the round
            _menu(desk, "Phiên xét")
            desk.get_by_role("button", name="Mở phiên xét").click()
            expect(desk.get_by_role("status")).to_contain_text("Đã mở phiên xét")
            _shot(desk, "01-round-open")

            # two council members vote on a phone; the first item's photo is a thumbnail
            for who in ("m1", "m2"):
                phone = _sign_in(browser, journey["links"][who], PHONE)
                expect(phone.get_by_role("heading", name="Bỏ phiếu bình xét")).to_be_visible()
                thumb = phone.get_by_role("img", name=f"Ảnh 1 của {refs[0]}")
                expect(thumb).to_be_visible()
                phone.wait_for_function(
                    "(el) => el.complete && el.naturalWidth > 0", arg=thumb.element_handle()
                )
                assert phone.locator("#item-1 a:has(img)").get_attribute("href").startswith("/anh/")
                _fits(phone)
                _vote_all(phone, [votes[0 if who == "m1" else 1] for *_, votes in ITEMS], who)
                expect(phone.get_by_text("bạn đã bỏ phiếu 4/4 hồ sơ")).to_be_visible()

            # the live tally reads on a phone too
            staff_phone = browser.new_context(
                viewport=PHONE, locale="vi-VN", storage_state=desk.context.storage_state()
            ).new_page()
            staff_phone.goto(base + "/phien-xet")
            expect(staff_phone.get_by_text("2/2 thành viên đã bỏ phiếu")).to_be_visible()
            _fits(staff_phone)
            _shot(staff_phone, "03-tally-phone")

            # closing asks first, showing the tally and what it does
            desk.reload()
            desk.get_by_role("link", name="Kết thúc phiên xét…").click()
            expect(desk.get_by_role("heading", name="Kết thúc phiên xét số 1?")).to_be_visible()
            expect(desk.get_by_text("1 hồ sơ không đạt: rời danh sách Hội đồng")).to_be_visible()
            assert sub(db, refs[1]).status == "shortlisted"  # nothing closed by looking
            _shot(desk, "04-round-close-confirm")
            desk.get_by_role("button", name="Xác nhận kết thúc phiên xét").click()
            expect(desk.get_by_role("status")).to_have_text("Đã kết thúc phiên xét.")
            expect(desk.get_by_text("3 đạt · 1 không đạt")).to_be_visible()
            _shot(desk, "05-round-closed")
            # the round keeps its page, listed with its result
            desk.goto(base + "/phien-xet")
            desk.get_by_role("link", name="Phiên số 1").click()
            row = desk.locator("table.tally tbody tr").nth(1)
            expect(row).to_contain_text("Hộ bà Nông Thị Hoa")
            assert [c.strip() for c in row.locator("td").all_inner_texts()[2:]] == [
                "0",
                "1",
                "1",
                "Không đạt",
            ]

            # the failed item left the council's list; its nominator is told through the outbox
            assert sub(db, refs[1]).status == "not_recommended"
            assert any(
                refs[1] in n and "chưa đủ để đề nghị khen thưởng" in n
                for n in notes(db, journey["ids"]["nominator"])
            )
            desk.goto(base + "/hoi-dong")
            expect(desk.get_by_role("link", name=refs[0])).to_be_visible()
            expect(desk.get_by_role("link", name=refs[1])).to_have_count(0)
            expect(desk.locator("table.list").first).to_contain_text("Hộ gia đình")
            _shot(desk, "06-council-list")
            desk.goto(base + f"/ho-so/{refs[1]}")
            expect(desk.get_by_text("Hội đồng không đề nghị khen thưởng").first).to_be_visible()

            # staff record the decision: the commune chairman signs the commune's award
            _menu(desk, "Quyết định")
            form = desk.locator("#ghi-commune")
            expect(form.get_by_label("Người ký (Chủ tịch UBND xã)")).to_have_value("Hoàng Văn Vịnh")
            form.get_by_label("Số quyết định", exact=False).fill("125")
            _shot(desk, "07-decision-form")
            form.get_by_role("button", name="Ghi quyết định").click()
            expect(desk.get_by_role("status")).to_contain_text("Đã ghi quyết định")
            expect(desk.get_by_role("heading", name="Quyết định số 125/QĐ-UBND", exact=False)).to_be_visible()
            _shot(desk, "08-decision-recorded")
            assert [sub(db, r).status for r in refs] == ["awarded", "not_recommended", "awarded", "awarded"]

            # the documents, from «Xuất tài liệu»
            _menu(desk, "Xuất tài liệu")
            _shot(desk, "09-exports")
            minutes = _download(desk, tmp_path, "Tải biên bản")
            decision = _download(desk, tmp_path, "Tải quyết định")
            certificates = _download(desk, tmp_path, "Tải giấy khen")
            for path, start in (
                (minutes, "bien-ban-xet-khen-thuong-"),
                (decision, "quyet-dinh-khen-thuong-"),
                (certificates, "giay-khen-"),
            ):
                assert path.name.startswith(start) and path.suffix == ".docx", path.name
                assert path.read_bytes()[:2] == b"PK"
            assert all(n in _docx_text(minutes) for n, *_ in ITEMS)
            assert all(n in _docx_text(decision) for n in passed) and "125/QĐ-UBND" in _docx_text(decision)
            assert all(n in _docx_text(certificates) for n in passed)
            assert "Hộ bà Nông Thị Hoa" not in _docx_text(certificates)

            # withdrawn with a reason, then recorded again under its right number
            _menu(desk, "Quyết định")
            desk.get_by_text("Thu hồi quyết định này…").click()
            desk.get_by_label("Lý do thu hồi").fill("Ghi nhầm số quyết định")
            desk.get_by_role("button", name="Thu hồi Quyết định số 125/QĐ-UBND").click()
            expect(desk.get_by_role("status")).to_have_text("Đã thu hồi quyết định.")
            expect(desk.get_by_text("Lý do: Ghi nhầm số quyết định")).to_be_visible()
            assert [sub(db, r).status for r in refs] == ["shortlisted", "not_recommended"] + [
                "shortlisted"
            ] * 2
            form = desk.locator("#ghi-commune")
            form.get_by_label("Số quyết định", exact=False).fill("126")
            form.get_by_role("button", name="Ghi quyết định").click()
            expect(desk.get_by_role("status")).to_contain_text("Đã ghi quyết định")
            _shot(desk, "10-decision-again")
            with Session(db) as s:
                from sqlmodel import select

                got = [
                    (d.number, d.withdrawn) for d in s.exec(select(AwardDecision).order_by(AwardDecision.id))
                ]
            assert got == [("125/QĐ-UBND", True), ("126/QĐ-UBND", False)]
            _menu(desk, "Xuất tài liệu")
            again = _download(desk, tmp_path, "Tải quyết định")
            assert "126/QĐ-UBND" in _docx_text(again)

            # every award page on a phone: nothing cut, nothing to scroll sideways
            for path in ("/phien-xet", "/phien-xet/1", "/quyet-dinh", "/xuat", "/hoi-dong"):
                staff_phone.goto(base + path)
                _fits(staff_phone)
                _shot(staff_phone, "11-phone" + path.replace("/", "-"))
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
