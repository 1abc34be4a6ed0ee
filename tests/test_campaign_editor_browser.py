"""«Tạo đợt thi đua mới» in a real browser: staff fill the form for a small campaign (rows added
with «Thêm dòng»), first with a wrong code (the loader's words beside the field, every value
kept), then right; save the draft, look at «Xem trước», open it. The campaign stored equals,
field by field, the one typed and the one read back from its «Tải tệp TOML» download.
Screenshots go to tests/artifacts/editor/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session

from domain import campaigns
from domain.campaign import (
    Campaign,
    CampaignError,
    CampaignInfo,
    Category,
    Check,
    Content,
    Criteria,
    Figure,
    Organiser,
    Unit,
    parse_campaign_text,
)
from domain.campaign_toml import to_toml
from domain.uow import UnitOfWork
from storage import weblogin
from storage.models import CampaignRecord

from . import seed
from .campaign_texts import file_text
from .conftest import rows
from .test_campaign_toml import assert_same_field_by_field
from .test_web_browser import ARGS, CHROMIUM, _need_browser, serve

SHOTS = Path(__file__).parent / "artifacts" / "editor"

# what the clerk types: field name -> value (the form's fields are the file's keys)
TYPED = {
    "campaign.short_title": "Thi đua sản xuất vụ đông",
    "campaign.title": "Phong trào thi đua sản xuất vụ đông năm 2024",
    "campaign.theme": "Cả xã chung sức làm vụ đông thắng lợi",
    "campaign.opens_on": "2024-11-10",
    "campaign.deadline_on": "2024-12-31",
    "organiser.name": "Ủy ban nhân dân xã Trần Ninh",
    "organiser.short_name": "UBND xã Trần Ninh",
    "organiser.parent_name": "Ủy ban nhân dân huyện Văn Quan",
    "organiser.place": "Trần Ninh",
    "organiser.district": "Văn Quan",
    "organiser.province": "Lạng Sơn",
    "organiser.signer_title": "CHỦ TỊCH",
    "organiser.office": "Văn phòng - Thống kê",
    "organiser.council": "Hội đồng Thi đua - Khen thưởng xã",
    "contents.0.key": "c1",
    "contents.0.label": "Trồng cây vụ đông",
    "contents.0.text": "Mở rộng diện tích cây vụ đông, áp dụng giống mới.",
    "contents.0.keywords": "vụ đông\nngô\nkhoai tây",
    "contents.0.figures.0.key": "dien_tich",
    "contents.0.figures.0.label": "Diện tích trồng mới",
    "contents.0.figures.0.unit": "ha",
    "units.0.code": "T01",
    "units.0.name": "Thôn Nà Pàn",
    "units.1.code": "T02",
    "units.1.name": "Thôn Khòn Pát",
    "criteria.common": "Chấp hành tốt chủ trương, chính sách.",
    "categories.0.key": "household",
    "categories.0.label": "Hộ sản xuất giỏi",
    "categories.0.nominee_prompt": "Tên hộ được đề cử?",
    "categories.0.clause": "III.1",
    "categories.0.criteria": "Hộ trồng từ 1 ha cây vụ đông trở lên, thu nhập khá.",
    "categories.0.criteria_short": "Trồng từ 1 ha vụ đông.",
    "categories.0.checks.0.key": "income",
    "categories.0.checks.0.prompt": "Thu nhập từ vụ đông khoảng bao nhiêu?",
    "categories.0.checks.0.min": "20000000",
    "awards.0.key": "commune",
    "awards.0.label": "Giấy khen của Chủ tịch UBND xã",
    "awards.0.grantor": "Chủ tịch UBND xã",
    "awards.0.quota.individual.min": "1",
    "awards.0.quota.individual.max": "5",
    "reminders.days_before": "5, 1",
    "launch.time": "07:30",
}
CHOSEN = {
    "units.1.kind": "village",
    "categories.0.quota_group": "individual",
    "categories.0.checks.0.kind": "money",
}


def expected() -> Campaign:
    """The campaign the clerk meant, built from the models (the form's defaults elsewhere)."""
    return Campaign(
        campaign=CampaignInfo(
            code="vu-dong-2024",
            title=TYPED["campaign.title"],
            short_title=TYPED["campaign.short_title"],
            theme=TYPED["campaign.theme"],
            timezone="Asia/Ho_Chi_Minh",
            opens_on=dt.date(2024, 11, 10),
            deadline_on=dt.date(2024, 12, 31),
        ),
        organiser=Organiser(**{k.split(".")[1]: v for k, v in TYPED.items() if k.startswith("organiser.")}),
        contents=(
            Content(
                key="c1",
                label="Trồng cây vụ đông",
                text=TYPED["contents.0.text"],
                keywords=("vụ đông", "ngô", "khoai tây"),
                figures=(Figure(key="dien_tich", label="Diện tích trồng mới", unit="ha"),),
            ),
        ),
        units=(
            Unit(code="T01", name="Thôn Nà Pàn", kind="village"),
            Unit(code="T02", name="Thôn Khòn Pát", kind="village"),
        ),
        criteria=Criteria(common=TYPED["criteria.common"]),
        categories=(
            Category(
                key="household",
                label="Hộ sản xuất giỏi",
                quota_group="individual",
                nominee_prompt="Tên hộ được đề cử?",
                clause="III.1",
                criteria=TYPED["categories.0.criteria"],
                criteria_short="Trồng từ 1 ha vụ đông.",
                checks=(
                    Check(
                        key="income",
                        kind="money",
                        prompt=TYPED["categories.0.checks.0.prompt"],
                        min=20_000_000,
                    ),
                ),
            ),
        ),
        awards=(
            {
                "key": "commune",
                "label": "Giấy khen của Chủ tịch UBND xã",
                "grantor": "Chủ tịch UBND xã",
                "quota": {"individual": {"min": 1, "max": 5}},
            },
        ),
        reminders={"days_before": (5, 1)},
        launch={"time": "07:30"},
    )


@pytest.fixture
def editor(db, campaign, clock, tmp_path):
    _need_browser()
    with Session(db) as s:
        campaigns.store_file_campaign(UnitOfWork(s, clock.now()), campaign, file_text())
        staff = seed.console_member(
            s, "Lương Thị Mai", "staff", "s1", clock.now(), "VPTK", display_name="Mai"
        )
        s.commit()
        token = weblogin.insert_link(s, now=clock.now(), member_id=staff.id)
        s.commit()
    console, stop = serve(db, campaign, clock, tmp_path / "media", tmp_path / "exports")
    yield console.link(token)
    stop()


def test_a_campaign_made_in_the_browser_is_the_campaign_of_its_toml_export(editor, db, clock, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
        page.goto(editor)
        page.get_by_role("button", name="Vào trang quản lý").click()
        page.goto(editor.split("/vao/")[0] + "/dot-thi-dua")
        page.get_by_role("link", name="Tạo đợt thi đua mới").click()
        expect(page.get_by_role("heading", name="Tạo đợt thi đua mới")).to_be_visible()

        def fill(name: str, value: str) -> None:
            page.locator(f'[name="{name}"]').fill(value)

        # the rows the small campaign needs beyond the first of each group
        for group in ("contents.0.figures", "units", "categories.0.checks"):
            page.locator(f'button[name="them"][value="{group}"]').click()
        for name, value in TYPED.items():
            fill(name, value)
        for name, value in CHOSEN.items():
            page.locator(f'[name="{name}"]').select_option(value)
        fill("campaign.code", "Vụ Đông 2024")  # a wrong code first
        page.get_by_role("button", name="Lưu bản nháp").last.click()
        beside = page.locator("#f-campaign-code-loi")
        expect(beside).to_be_visible()
        page.screenshot(path=str(SHOTS / "1-loi-ma-dot.png"), full_page=True)
        shown = beside.inner_text()
        # the file's loader says the very same of that value
        wrong = to_toml(expected()).replace('code = "vu-dong-2024"', 'code = "Vụ Đông 2024"')
        with pytest.raises(CampaignError) as loaded:
            parse_campaign_text(wrong, "vu-dong.toml")
        assert str(loaded.value) == f"vu-dong.toml: campaign.code: {shown}"
        # every value kept
        assert page.locator('[name="units.1.name"]').input_value() == "Thôn Khòn Pát"
        assert page.locator('[name="contents.0.keywords"]').input_value() == "vụ đông\nngô\nkhoai tây"

        fill("campaign.code", "vu-dong-2024")
        page.get_by_role("button", name="Xem trước").click()
        expect(page.get_by_text("Thu nhập từ vụ đông khoảng bao nhiêu?").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "2-xem-truoc.png"), full_page=True)
        page.get_by_role("button", name="Lưu bản nháp").last.click()
        expect(page.get_by_text("Đã lưu bản nháp «vu-dong-2024».")).to_be_visible()
        row = page.locator("#dot-vu-dong-2024")
        expect(row).to_contain_text("Bản nháp")
        page.screenshot(path=str(SHOTS / "3-danh-sach.png"), full_page=True)
        row.get_by_role("button", name="Mở đợt").click()
        expect(page.locator("#dot-vu-dong-2024")).to_contain_text("Đang mở")
        with page.expect_download() as got:
            page.locator("#dot-vu-dong-2024").get_by_role("link", name="Tải tệp TOML").click()
        exported = Path(got.value.path()).read_text(encoding="utf-8")
        page.screenshot(path=str(SHOTS / "4-da-mo.png"), full_page=True)
        browser.close()

    [row] = [r for r in rows(db, CampaignRecord) if r.code == "vu-dong-2024"]
    assert row.status == "open"
    made = parse_campaign_text(row.source)
    assert_same_field_by_field(made, parse_campaign_text(exported, "vu-dong-2024.toml"))
    assert_same_field_by_field(made, expected())


def test_a_toml_file_chosen_in_the_browser_becomes_a_draft_or_gets_the_loaders_words(editor, db, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    good = tmp_path / "vu-xuan-2025.toml"
    good.write_text(to_toml(expected()).replace("vu-dong-2024", "vu-xuan-2025"), encoding="utf-8")
    bad = tmp_path / "sai.toml"
    bad.write_text(
        good.read_text(encoding="utf-8").replace("max_photos = 5", "max_photos = 50"), encoding="utf-8"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
        page.goto(editor)
        page.get_by_role("button", name="Vào trang quản lý").click()
        page.goto(editor.split("/vao/")[0] + "/dot-thi-dua")
        page.locator("#tep-toml").set_input_files(str(bad))
        expect(page.locator("#noi-dung-toml")).to_have_value(bad.read_text(encoding="utf-8"))
        page.get_by_role("button", name="Tạo bản nháp từ tệp").click()
        expect(page.get_by_role("alert")).to_contain_text("forms.max_photos: Phải từ 20 trở xuống.")
        page.screenshot(path=str(SHOTS / "5-tai-len-loi.png"), full_page=True)
        page.locator("#tep-toml").set_input_files(str(good))
        expect(page.locator("#noi-dung-toml")).to_have_value(good.read_text(encoding="utf-8"))
        page.get_by_role("button", name="Tạo bản nháp từ tệp").click()
        expect(page.get_by_text("Đã lưu bản nháp «vu-xuan-2025».")).to_be_visible()
        browser.close()
    [row] = [r for r in rows(db, CampaignRecord) if r.code == "vu-xuan-2025"]
    assert row.status == "draft" and row.source == good.read_text(encoding="utf-8")
