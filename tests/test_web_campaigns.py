"""«Đợt thi đua» on the console: the list and its moves, the editor's form (every field of the
campaign file, rows added and removed, errors beside their field with every value kept), the
TOML download and upload, «Xem trước»."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlmodel import Session

from domain import campaigns
from domain.campaign import parse_campaign_text
from domain.campaign_form import form_of
from domain.uow import UnitOfWork
from storage.models import CampaignRecord

from .campaign_texts import file_text
from .conftest import rows
from .test_campaign_toml import assert_same_field_by_field
from .web_helpers import csrf_of, people, web  # noqa: F401


@pytest.fixture
def stored(db, campaign, clock):
    """The bundled campaign stored as the commune's first (open) campaign."""
    with Session(db) as s:
        campaigns.store_file_campaign(UnitOfWork(s, clock.now()), campaign, file_text())
        s.commit()
    return campaign


def staff(web, people):
    return web.signed_in(people["ids"]["staff"])


def inputs(html: str) -> dict[str, str]:
    """The form's fields as a browser sends them: inputs, text areas, the chosen option."""
    out: dict[str, str] = {}
    for m in re.finditer(r'<input type="[a-z]+" id="[^"]*" name="([^"]+)"[^>]*? value="([^"]*)"', html):
        out[m.group(1)] = unescape(m.group(2))
    for m in re.finditer(r'<textarea rows="\d+" id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        out[m.group(1)] = unescape(m.group(2))
    for m in re.finditer(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', m.group(2))
        first = re.search(r'<option value="([^"]*)"', m.group(2))
        out[m.group(1)] = unescape((chosen or first).group(1))
    return out


def test_the_list_shows_each_campaign_with_the_moves_its_status_allows(web, people, stored, db, clock):
    c = staff(web, people)
    with Session(db) as s:
        text = file_text().replace('code = "tran-ninh-2024"', 'code = "vu-dong-2024"', 1)
        campaigns.save_draft(UnitOfWork(s, clock.now()), web.member(people["ids"]["staff"]), text)
        s.commit()
    html = c.get("/dot-thi-dua").text
    row = html[html.index('id="dot-tran-ninh-2024"') :]
    row = row[: row.index("</tr>")]
    assert "Đang mở" in row and ">Đóng</button>" in row and "Mở đợt" not in row and "/sua" not in row
    draft = html[html.index('id="dot-vu-dong-2024"') :]
    draft = draft[: draft.index("</tr>")]
    assert "Bản nháp" in draft and "Mở đợt" in draft and "/dot-thi-dua/vu-dong-2024/sua" in draft
    # residents and heads get nothing of it
    assert web.session_for(people["ids"]["head"]).get("/dot-thi-dua").status_code == 403


def test_a_draft_is_opened_closed_marked_decided_and_archived_from_the_list(web, people, stored, db, clock):
    c = staff(web, people)
    with Session(db) as s:
        text = file_text().replace('code = "tran-ninh-2024"', 'code = "vu-dong-2024"', 1)
        text = text.replace("deadline_on = 2024-11-30", "deadline_on = 2024-12-20", 1)
        campaigns.save_draft(UnitOfWork(s, clock.now()), web.member(people["ids"]["staff"]), text)
        s.commit()
    for move, status in (
        ("mo", "open"),
        ("dong", "closed"),
        ("quyet-dinh", "decided"),
        ("luu-tru", "archived"),
    ):
        html = c.get("/dot-thi-dua").text
        seen = re.search(
            r'action="/dot-thi-dua/vu-dong-2024/' + move + r'".*?name="seen" value="(\d+)"', html, re.S
        )
        assert seen, move
        r = c.post(f"/dot-thi-dua/vu-dong-2024/{move}", data={"csrf": csrf_of(html), "seen": seen.group(1)})
        assert r.status_code == 303, r.text
        [row] = [x for x in rows(db, CampaignRecord) if x.code == "vu-dong-2024"]
        assert row.status == status
    # a page that saw an older version is told the campaign moved, nothing applied
    html = c.get("/dot-thi-dua").text
    r = c.post("/dot-thi-dua/tran-ninh-2024/dong", data={"csrf": csrf_of(html), "seen": "99"})
    assert r.status_code == 409 and "vừa được người khác chuyển sang" in r.text
    assert [x.status for x in rows(db, CampaignRecord) if x.code == "tran-ninh-2024"] == ["open"]


def test_every_field_of_the_campaign_file_is_on_the_form(web, people, stored, db, clock):
    c = staff(web, people)
    html = c.get("/dot-thi-dua/moi?tu=tran-ninh-2024").text
    shown = inputs(html)
    expected = form_of(stored)
    missing = set(expected) - set(shown)
    assert not missing, sorted(missing)
    assert shown["campaign.code"] == "" and shown["campaign.opens_on"] == ""  # a copy: to retype
    assert shown["categories.3.checks.0.min"] == "50000000"


def test_a_new_campaign_from_a_copy_is_saved_as_a_draft_and_is_the_campaign_typed(
    web, people, stored, db, clock
):
    c = staff(web, people)
    html = c.get("/dot-thi-dua/moi?tu=tran-ninh-2024").text
    fields = inputs(html) | {
        "campaign.code": "tran-ninh-2025",
        "campaign.opens_on": "2025-03-01",
        "campaign.deadline_on": "2025-09-30",
        "parent_plan.date": "2025-02-20",
        "campaign.short_title": "Thi đua sản xuất 2025",
    }
    r = c.post("/dot-thi-dua/moi", data={"csrf": csrf_of(html), "lam": "luu", **fields})
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/dot-thi-dua?luu=tran-ninh-2025"
    [row] = [x for x in rows(db, CampaignRecord) if x.code == "tran-ninh-2025"]
    assert row.status == "draft"
    saved = parse_campaign_text(row.source)
    assert saved.campaign.short_title == "Thi đua sản xuất 2025"
    assert saved.categories == stored.categories and saved.awards == stored.awards
    # the download is the stored text; read back it is the same campaign
    got = c.get("/dot-thi-dua/tran-ninh-2025/tep.toml")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert_same_field_by_field(parse_campaign_text(got.text), saved)


def test_invalid_input_is_shown_beside_its_field_with_every_value_kept(web, people, stored, db):
    c = staff(web, people)
    html = c.get("/dot-thi-dua/moi?tu=tran-ninh-2024").text
    fields = inputs(html) | {
        "campaign.code": "Trần Ninh 2025",
        "campaign.opens_on": "2025-03-01",
        "campaign.deadline_on": "2025-09-30",
        "parent_plan.date": "2025-02-20",
        "forms.max_photos": "50",
        "units.2.kind": "city",
        "reminders.time": "8 giờ",
    }
    r = c.post("/dot-thi-dua/moi", data={"csrf": csrf_of(html), "lam": "luu", **fields})
    assert r.status_code == 400
    again = inputs(r.text)
    assert again["campaign.code"] == "Trần Ninh 2025" and again["reminders.time"] == "8 giờ"
    assert again["campaign.title"] == stored.campaign.title
    for name, text in (
        ("campaign.code", "Mã đợt gồm 2–40 chữ thường không dấu"),
        ("forms.max_photos", "Phải từ 20 trở xuống."),
        ("units.2.kind", "Chỉ được chọn: village, agency, union."),
        ("reminders.time", "Giờ không đúng (giờ:phút, ví dụ 08:00)."),
    ):
        beside = re.search(rf'id="f-{re.escape(name.replace(".", "-"))}-loi">([^<]*)<', r.text)
        assert beside and text in unescape(beside.group(1)), name
    assert len(rows(db, CampaignRecord)) == 1  # nothing saved


def test_add_and_remove_rows_without_script(web, people, stored):
    c = staff(web, people)
    html = c.get("/dot-thi-dua/moi?tu=tran-ninh-2024").text
    fields = inputs(html)
    r = c.post("/dot-thi-dua/moi", data={"csrf": csrf_of(html), "them": "contents.0.figures", **fields})
    assert r.status_code == 200 and 'name="contents.0.figures.2.key"' in r.text
    r = c.post("/dot-thi-dua/moi", data={"csrf": csrf_of(html), "xoa": "units.12", **fields})
    assert 'name="units.12.code"' not in r.text and 'name="units.11.code"' in r.text
    assert inputs(r.text)["campaign.title"] == stored.campaign.title


def test_a_draft_is_edited_and_a_stale_save_is_told(web, people, stored, db, clock):
    c = staff(web, people)
    with Session(db) as s:
        text = file_text().replace('code = "tran-ninh-2024"', 'code = "vu-dong-2024"', 1)
        campaigns.save_draft(UnitOfWork(s, clock.now()), web.member(people["ids"]["staff"]), text)
        s.commit()
    html = c.get("/dot-thi-dua/vu-dong-2024/sua").text
    fields = inputs(html) | {"campaign.short_title": "Vụ đông 2024"}
    r = c.post("/dot-thi-dua/vu-dong-2024/sua", data={"csrf": csrf_of(html), "seen": "1", **fields})
    assert r.status_code == 303, r.text
    [row] = [x for x in rows(db, CampaignRecord) if x.code == "vu-dong-2024"]
    assert row.version == 2 and parse_campaign_text(row.source).campaign.short_title == "Vụ đông 2024"
    r = c.post("/dot-thi-dua/vu-dong-2024/sua", data={"csrf": csrf_of(html), "seen": "1", **fields})
    assert r.status_code == 409 and "vừa được người khác" in r.text
    assert c.get("/dot-thi-dua/tran-ninh-2024/sua").status_code == 409  # not a draft


def test_an_uploaded_toml_file_becomes_a_draft_or_is_refused_with_the_loaders_words(web, people, stored, db):
    c = staff(web, people)
    html = c.get("/dot-thi-dua").text
    text = file_text().replace('code = "tran-ninh-2024"', 'code = "tai-len-2025"', 1)
    r = c.post("/dot-thi-dua/tai-len", data={"csrf": csrf_of(html), "toml": text})
    assert r.status_code == 303 and r.headers["location"] == "/dot-thi-dua?luu=tai-len-2025"
    bad = text.replace('code = "tai-len-2025"', 'code = "Tải lên"', 1)
    r = c.post("/dot-thi-dua/tai-len", data={"csrf": csrf_of(html), "toml": bad})
    assert r.status_code == 400
    assert "campaign.code: Mã đợt gồm 2–40 chữ thường không dấu" in unescape(r.text)
    assert 'code = &#34;Tải lên&#34;' in r.text or "Tải lên" in unescape(r.text)  # the text kept
    assert sorted(x.code for x in rows(db, CampaignRecord)) == ["tai-len-2025", "tran-ninh-2024"]


def test_the_preview_shows_the_chat_questions_of_each_category(web, people, stored):
    c = staff(web, people)
    html = unescape(c.get("/dot-thi-dua/tran-ninh-2024/xem-truoc").text)
    assert "Bạn muốn đề cử ai?" in html and "thuộc đối tượng nào?" in html
    for cat in stored.categories:
        assert cat.label in html and cat.criteria_short in html
        for chk in cat.checks:
            assert chk.prompt in html
    assert "Từ 50 triệu đồng trở lên là đạt tiêu chí." in html
