"""The console's pages: who may open which (no data leaks), what each shows, the headers every
response carries, photos, exports and people."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from storage import submissions
from storage.models import AuditLog, Evidence, Invite, Member
from web.photos import TelegramFiles

from . import seed
from .conftest import rows
from .review_helpers import join, member_id
from .web_helpers import csrf_of, people, web  # noqa: F401  (fixtures)

PAGES = [
    "/",
    "/ho-so",
    "/ho-so/DC-0001",
    "/hoi-dong",
    "/xuat",
    "/nguoi",
    "/chien-dich",
    "/phien-xet",
    "/quyet-dinh",
    "/thong-bao",
]
# what a council member may open (the lists and the dossiers on them, read-only; their ballot)
COUNCIL_PAGES = {"/ho-so": 200, "/hoi-dong": 200, "/ho-so/DC-0001": 404}
POSTS = [
    ("/ho-so/DC-0001/quyet-dinh", {"decision": "approve"}),
    ("/xuat", {"what": "xlsx"}),
    ("/nguoi/moi", {"role": "staff", "unit": "VPTK"}),
    ("/nguoi/vai-tro", {"member": "1", "role": "admin", "unit": "VPTK"}),
    ("/thong-bao", {"text": "Họp thôn tối nay.", "audience": "all"}),
    ("/thong-bao/gui-lai", {"id": "1"}),
    ("/phien-xet", {"action": "open"}),
    ("/quyet-dinh", {"action": "withdraw", "decision": "1", "reason": "ghi nhầm số"}),
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize("path", PAGES)
def test_role_by_page_matrix_shows_data_to_the_office_only(web, people, path):
    nominee = "Hoàng Văn Tư"
    anonymous = web.client().get(path)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/dang-nhap"
    for who in ("resident", "head"):
        r = web.session_for(people["ids"][who]).get(path)
        assert r.status_code == 403 and "Không có quyền" in r.text
        assert nominee not in r.text and "DC-0001" not in r.text and "Lê Thị Văn Phòng" not in r.text
    for who in ("staff", "admin"):
        r = web.signed_in(people["ids"][who]).get(path)
        assert r.status_code == 200, r.text
        if path in ("/", "/ho-so", "/ho-so/DC-0001"):
            assert nominee in r.text and "DC-0001" in r.text


@pytest.mark.parametrize("path", PAGES)
def test_a_council_member_opens_the_lists_only(web, people, core, db, clock, path):
    """DC-0001 is not on a council list yet: the council member does not read it."""
    c = web.signed_in(member_id(core, join(core, db, clock, "m1", "council", None, name="Vi Văn Sơn")))
    r = c.get(path)
    assert r.status_code == COUNCIL_PAGES.get(path, 403), r.text
    assert "Hoàng Văn Tư" not in r.text and "DC-0001" not in r.text and "Lê Thị Văn Phòng" not in r.text
    for post, data in POSTS:
        assert c.post(post, data={"csrf": csrf_of(c.get("/bo-phieu").text), **data}).status_code == 403
    assert submissions.submission_by_ref(Session(web.db), "DC-0001").status == "submitted"


@pytest.mark.parametrize("path,data", POSTS)
def test_no_action_for_residents_heads_or_strangers(web, people, path, data):
    assert web.client().post(path, data=data).status_code == 303
    for who in ("resident", "head"):
        c = web.session_for(people["ids"][who])
        assert c.post(path, data=data).status_code == 403
    assert submissions.submission_by_ref(Session(web.db), "DC-0001").status == "submitted"
    assert not rows(web.db, Member, Member.role == "admin", Member.id == 1)


def test_a_form_without_the_session_csrf_token_is_refused(web, people):
    c = web.signed_in(people["ids"]["staff"])
    page = c.get("/ho-so/DC-0001")
    seen = re.search(r'name="seen" value="([^"]+)"', page.text).group(1)
    for token in (None, "forged", csrf_of(web.signed_in(people["ids"]["admin"]).get("/").text)):
        data = {"decision": "approve", "seen": seen, **({"csrf": token} if token else {})}
        r = c.post("/ho-so/DC-0001/quyet-dinh", data=data)
        assert r.status_code == 403 and "Phiên làm việc không hợp lệ" in r.text
    with Session(web.db) as s:
        assert submissions.submission_by_ref(s, "DC-0001").status == "submitted"


def test_every_response_carries_a_strict_csp_and_no_inline_script_or_style(web, people):
    c = web.signed_in(people["ids"]["admin"])
    for path in [*PAGES, "/dang-nhap", "/khong-co-trang-nay"]:
        r = c.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert (
            r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "same-origin"
        )
        assert not re.search(r"<script(?![^>]*\bsrc=)", r.text), path
        assert (
            " style=" not in r.text
            and "<style" not in r.text
            and "http://" not in r.text.replace("http://testserver", "")
        ), path
    missing = c.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and "Không có trang này" in missing.text
    assert c.get("/tinh/app.css").status_code == 200 and c.get("/tinh/app.js").status_code == 200


def test_user_text_is_escaped(web, people, core):
    with Session(web.db) as s:
        sub = submissions.submission_by_ref(s, "DC-0001")
        sub.nominee = '<script>alert("x")</script> Hộ ông Tư'
        s.add(sub)
        s.commit()
    c = web.signed_in(people["ids"]["staff"])
    for path in ("/ho-so", "/ho-so/DC-0001", "/ho-so?q=script"):
        text = c.get(path).text
        assert "<script>alert" not in text and "&lt;script&gt;alert" in text


def test_overview_dossier_list_filters_and_vietnamese_formats(web, people, core):
    with Session(web.db) as s:  # a nomination below the income criterion (flagged by the chat)
        seed.create_submission(
            s,
            kind="nomination",
            campaign_code=web.campaign.code,
            submitter_id=people["ids"]["resident"],
            now=web.clock.now(),
            unit_code="T02",
            category="household",
            nominee="Hộ bà Lò Thị Mai",
            contents=["c2"],
            achievements="Nuôi 20 con bò, trồng 2 ha quế.",
            proposed_award="commune",
            answers={"annual_income": 30_000_000, "discipline": "no"},
            flags=["Thu nhập/năm: 30 triệu đồng < 50 triệu đồng (V.2.c)"],
        )
        s.commit()
    c = web.signed_in(people["ids"]["staff"])
    home = c.get("/").text
    assert "hồ sơ đã gửi" in home and "chờ thẩm định" in home and "ngày" in home
    assert "<svg" in home and "Thôn 1" in home and "25 ngày" in home  # 05/11 10:00 -> 30/11 23:59
    listing = c.get("/ho-so").text
    assert "DC-0001" in listing and "DC-0002" in listing and "05/11/2024" in listing
    flagged = c.get("/ho-so?flag=any").text
    assert "DC-0002" in flagged and "DC-0001" not in flagged
    assert "DC-0002" in c.get("/ho-so", params={"flag": "Thu nhập/năm"}).text
    by_name = c.get("/ho-so", params={"q": "Lò Thị"}).text
    assert "DC-0002" in by_name and "DC-0001" not in by_name
    for typed in ("lo thi mai", "LO THI", "Lo Thi Mai"):  # typed without diacritics, any case
        found = c.get("/ho-so", params={"q": typed}).text
        assert "DC-0002" in found and "DC-0001" not in found, typed
    assert "DC-0001" in c.get("/ho-so?q=dc-0001").text
    assert "Không có hồ sơ nào khớp" in c.get("/ho-so?unit=T05").text
    page = c.get("/ho-so/DC-0002").text
    assert "30.000.000 đ" in page and "Thu nhập/năm: 30 triệu đồng &lt; 50 triệu đồng" in page
    campaign_page = c.get("/chien-dich").text
    assert "50.000.000 đ" in campaign_page and "28/02/2024" in campaign_page


def test_dossier_pagination_is_bounded(web, people, clock):
    with Session(web.db) as s:
        for i in range(120):
            seed.create_submission(
                s,
                kind="nomination",
                campaign_code=web.campaign.code,
                submitter_id=people["ids"]["resident"],
                now=clock.now(),
                unit_code="T02",
                category="household",
                nominee=f"Hộ số {i:03d}",
                contents=["c2"],
                achievements="x" * 40,
                answers={},
                flags=[],
                proposed_award="commune",
            )
        s.commit()
    c = web.signed_in(people["ids"]["staff"])
    first = c.get("/ho-so?unit=T02").text
    assert "Hồ sơ <small>(120)</small>" in first and "Trang 1 / 3" in first
    assert first.count('href="/ho-so/DC-') == 50
    last = c.get("/ho-so?unit=T02&trang=3").text
    assert last.count('href="/ho-so/DC-') == 20 and "Hộ số 000" in last


def test_photos_from_telegram_are_fetched_by_file_id_once_and_zalo_images_read_from_media(
    web, people, clock, tmp_path
):
    calls = []

    def bot_api(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path.endswith("/getFile"):
            return httpx.Response(
                200, json={"ok": True, "result": {"file_id": "big-1", "file_path": "photos/p1.jpg"}}
            )
        return httpx.Response(200, content=PNG)

    web.console.telegram_files = TelegramFiles(
        "123:abc",
        "https://api.test/bot",
        "https://api.test/file/bot",
        client=httpx.Client(transport=httpx.MockTransport(bot_api)),
    )
    media = web.console.media_dir
    media.mkdir(parents=True)
    (media / "zalo.png").write_bytes(PNG)
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    with Session(web.db) as s:
        sub = submissions.submission_by_ref(s, "DC-0001")
        for e in (
            Evidence(
                submission_id=sub.id,
                channel="telegram",
                file_id="big-1",
                unique_id="u1",
                created_at=clock.now(),
            ),
            Evidence(
                submission_id=sub.id,
                channel="zalo",
                unique_id="z1",
                local_path=str(media / "zalo.png"),
                created_at=clock.now(),
            ),
            Evidence(
                submission_id=sub.id,
                channel="zalo",
                unique_id="z2",
                local_path=str(outside),
                created_at=clock.now(),
            ),
        ):
            s.add(e)
        s.commit()
        ids = [
            e.id
            for e in s.exec(select(Evidence).where(Evidence.submission_id == sub.id).order_by(Evidence.id))
        ]
    c = web.signed_in(people["ids"]["staff"])
    page = c.get("/ho-so/DC-0001").text
    assert all(f'src="/anh/{i}"' in page for i in ids)
    for _ in range(2):
        r = c.get(f"/anh/{ids[0]}")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content == PNG
    assert calls == ["/bot123:abc/getFile", "/file/bot123:abc/photos/p1.jpg"]  # cached on disk after
    assert c.get(f"/anh/{ids[1]}").content == PNG
    assert c.get(f"/anh/{ids[2]}").status_code == 404  # not under MEDIA_DIR
    assert web.client().get(f"/anh/{ids[1]}").status_code == 303


def test_the_workbook_downloads_and_the_export_is_audited(web, people):
    c = web.signed_in(people["ids"]["staff"])
    page = c.get("/xuat").text
    r = c.post("/xuat", data={"csrf": csrf_of(page), "what": "xlsx"})
    assert r.status_code == 200 and "tong-hop-tran-ninh-2024" in r.headers["content-disposition"]
    assert not list(web.console.export_dir.glob("*"))  # made for this download, then removed
    wb = load_workbook(io.BytesIO(r.content))
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "DC-0001" in values
    docx = c.post("/xuat", data={"csrf": csrf_of(page), "what": "list"})
    assert docx.status_code in (200, 409)  # nothing approved yet: a clear message
    if docx.status_code == 409:
        assert "Chưa có hồ sơ" in docx.text
    audit = rows(web.db, AuditLog, AuditLog.action == "web.export")
    assert audit and audit[0].after["channel"] == "web" and audit[0].after["what"] == "xlsx"


def test_people_invites_with_qr_and_role_changes_by_admin_only(web, people):
    staff = web.signed_in(people["ids"]["staff"])
    page = staff.get("/nguoi").text
    assert "Lý Văn Trưởng" in page and "Hoàng Quản Trị" in page and "Nguyễn Văn Bình" not in page
    assert 'value="admin"' not in page.split("Tạo mã mời")[1].split("</form>")[0]
    made = staff.post("/nguoi/moi", data={"csrf": csrf_of(page), "role": "head", "unit": "T03"})
    code = re.search(r'<p class="code">([A-Z0-9]{8})</p>', made.text).group(1)
    qr = staff.get(f"/nguoi/ma/{code}.png")
    assert qr.status_code == 200 and qr.content.startswith(b"\x89PNG")
    assert rows(web.db, Invite, Invite.code == code)[0].role == "head"
    refused = staff.post(
        "/nguoi/vai-tro",
        data={"csrf": csrf_of(page), "member": str(people["ids"]["head"]), "role": "staff", "unit": "VPTK"},
    )
    assert refused.status_code == 403
    admin = web.signed_in(people["ids"]["admin"])
    token = csrf_of(admin.get("/nguoi").text)
    r = admin.post(
        "/nguoi/vai-tro",
        data={"csrf": token, "member": str(people["ids"]["head"]), "role": "staff", "unit": "VPTK"},
    )
    assert r.status_code == 303
    assert web.member(people["ids"]["head"]).role == "staff"
    assert rows(web.db, AuditLog, AuditLog.action == "web.role")[0].after["channel"] == "web"
    assert "Nguyễn Văn Bình" in admin.get("/nguoi?role=resident").text


def test_the_dossier_query_filters_the_same_on_postgresql(pg_db, campaign, clock):
    from storage.listing import Filters, dossier_page

    with Session(pg_db) as s:
        m = seed.create_member(
            s,
            full_name="Nguyễn Văn Bình",
            role="resident",
            unit_code="T01",
            phone=None,
            channel="console",
            external_id="r1",
            chat_id="r1",
            display_name=None,
            now=clock.now(),
        )
        for nominee, flags in (
            ("Hộ ông Hoàng Văn Tư", []),
            ("Hộ bà Lò Thị Mai", ["Thu nhập/năm: 30 triệu đồng < 50 triệu đồng (V.2.c)"]),
        ):
            seed.create_submission(
                s,
                kind="nomination",
                campaign_code=campaign.code,
                submitter_id=m.id,
                now=clock.now(),
                unit_code="T02",
                category="household",
                nominee=nominee,
                contents=["c2"],
                achievements="x" * 40,
                answers={},
                flags=flags,
                proposed_award="commune",
            )
        s.commit()
        names = lambda f: [r.nominee for r in dossier_page(s, campaign.code, f)[0]]  # noqa: E731
        assert names(Filters()) == ["Hộ bà Lò Thị Mai", "Hộ ông Hoàng Văn Tư"]
        assert names(Filters(flag="any")) == names(Filters(flag="Thu nhập/năm")) == ["Hộ bà Lò Thị Mai"]
        assert names(Filters(q="dc-0001")) == ["Hộ ông Hoàng Văn Tư"]
        assert names(Filters(q="hoang van tu", q_folded="hoang van tu")) == ["Hộ ông Hoàng Văn Tư"]
        assert names(Filters(q="100%_")) == [] and dossier_page(s, campaign.code, Filters(unit="T02"))[1] == 2
