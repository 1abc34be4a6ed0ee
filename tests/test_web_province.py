"""The province console on PROVINCE_HOST: a province administrator signs in with the link the
command line prints, sees each commune's figures (never a person), adds a commune and invites
its first staff member, whose link signs in on that commune's host only. The province
administrator gets nothing from a commune's console, a commune's staff nothing from the
province's; every form carries the session's CSRF token."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from bot.cli import main
from storage.communes import Communes
from storage.db import make_engine
from storage.models import AuditLog, Member
from storage.models.province import ProvinceAdmin, ProvinceWebSession

from .conftest import Player, nominate_household, register_resident
from .province_web_helpers import (  # noqa: F401
    A_HOST,
    B_HOST,
    PROVINCE_HOST,
    Province,
    pg_base,
    province,
    province_db,
    registry,
)
from .review_helpers import join, member_id
from .web_helpers import csrf_of


def home_csrf(admin) -> str:
    return csrf_of(admin.get("/").text)


def row_of(html: str, code: str) -> str:
    m = re.search(rf'<tr data-commune="{code}">(.*?)</tr>', html, re.S)
    assert m, f"no row for {code}"
    return re.sub(r"\s+", " ", m.group(1))


@pytest.fixture
def sqlite_province(db_path, campaign, clock, tmp_path):
    """The deployment on its SQLite file, as the command line finds it through DATABASE_URL."""
    communes = Communes(make_engine(f"sqlite:///{db_path}"))
    communes.migrate()
    communes.ensure_first("tran-ninh", "Xã Trần Ninh")
    yield Province(communes, campaign, clock, tmp_path)
    communes.dispose()
    communes.base.dispose()


def test_the_command_line_prints_a_link_that_signs_the_administrator_in(
    sqlite_province, monkeypatch, capsys, db_path
):
    province = sqlite_province
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("WEB_BASE_URL", f"http://{A_HOST}")
    monkeypatch.setenv("PROVINCE_HOST", PROVINCE_HOST)
    assert main(["province", "admin", "add", "Hà Thị Tỉnh", "--phone", "0912 345 678"]) == 0
    out = capsys.readouterr().out
    assert "Đã thêm quản trị viên cấp tỉnh: Hà Thị Tỉnh (số 1)." in out
    link = re.search(rf"http://{PROVINCE_HOST}/vao/(\S+)", out)
    assert link, out
    browser = province.client(PROVINCE_HOST)
    assert "Vào trang của tỉnh" in browser.get(f"/vao/{link.group(1)}").text
    signed = browser.post(f"/vao/{link.group(1)}")
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    assert "httponly" in signed.headers["set-cookie"].lower() and "Domain" not in signed.headers["set-cookie"]
    page = browser.get("/")
    assert "Các xã" in page.text and "Hà Thị Tỉnh" in page.text and "Xã Trần Ninh" in page.text
    assert browser.post(f"/vao/{link.group(1)}").status_code == 410  # once only

    assert main(["province", "admin", "add", "Lò Văn Hai", "--phone", "0912345678"]) == 2
    assert "đã là của một quản trị viên" in capsys.readouterr().err
    assert main(["province", "admin", "link", "1"]) == 0
    assert f"http://{PROVINCE_HOST}/vao/" in capsys.readouterr().out
    assert main(["province", "admin", "link", "7"]) == 2
    with Session(province.registry.base) as s:
        assert [a.name for a in s.exec(select(ProvinceAdmin))] == ["Hà Thị Tỉnh"]
    monkeypatch.setenv("PROVINCE_HOST", "")
    assert main(["province", "admin", "add", "Lò Văn Hai"]) == 2
    assert "PROVINCE_HOST" in capsys.readouterr().err


def test_the_communes_list_shows_figures_never_a_person(province):
    province.add()
    core = province.core()
    resident = Player(core, "res1")
    register_resident(resident, name="Nguyễn Văn Bình")
    nominate_household(resident, nominee="Hộ ông Hoàng Văn Tư")
    join(core, core.db, province.clock, "staff1", "staff", "VPTK", name="Lê Thị Văn Phòng")
    page = province.admin().get("/").text
    a, b = row_of(page, "tran-ninh"), row_of(page, "yen-phuc")
    # members 2, units 2 (T01, VPTK), campaigns 1, one dossier sent; commune B: nothing yet
    assert "<td>2</td> <td>2</td> <td>1</td> <td>1 " in a and "chờ thẩm định 1" in a
    assert "<td>10:00 05/11/2024</td>" in a  # the last thing done there (a registration, a nomination)
    assert "<td>0</td> <td>0</td> <td>0</td> <td>0 </td> <td>—</td>" in b and f"http://{B_HOST}/" in b
    for name in ("Nguyễn Văn Bình", "Hoàng Văn Tư", "Lê Thị Văn Phòng", "DC-0001"):
        assert name not in page


def test_adding_a_commune_makes_it_and_serves_it_on_its_host(province):
    admin = province.admin()
    r = admin.post(
        "/xa",
        data={"csrf": home_csrf(admin), "code": "yen-phuc", "name": "Xã Yên Phúc", "host": "B.Thidua.Test"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/?them=yen-phuc"
    assert "Đã thêm Xã Yên Phúc (mã yen-phuc)." in admin.get(r.headers["location"]).text
    assert "Đã thêm" not in admin.get("/?them=khong-co").text
    made = province.registry.get("yen-phuc")
    assert (made.name, made.web_host, made.status) == ("Xã Yên Phúc", B_HOST, "active")
    assert province.client(B_HOST).get("/dang-nhap").status_code == 200
    assert province.client("c.thidua.test").get("/dang-nhap").status_code == 404  # now several

    refused = {
        "taken code": ({"code": "yen-phuc", "name": "Xã Khác", "host": "c.thidua.test"}, "đã có"),
        "taken host": ({"code": "khac", "name": "Xã Khác", "host": B_HOST}, "đã dùng cho xã khác"),
        "province host": ({"code": "khac", "name": "Xã Khác", "host": PROVINCE_HOST}, "trang của tỉnh"),
        "no host": ({"code": "khac", "name": "Xã Khác", "host": ""}, "Xin ghi địa chỉ"),
        "bad code": ({"code": "Xã Khác", "name": "Xã Khác", "host": "c.thidua.test"}, "chưa đúng"),
    }
    for why, (form, says) in refused.items():
        r = admin.post("/xa", data={"csrf": home_csrf(admin), **form})
        assert r.status_code == 400 and says in r.text, why
        assert f'value="{form["name"]}"' in r.text  # the form again, as typed
    assert [c.code for c in province.registry.all()] == ["tran-ninh", "yen-phuc"]


def test_the_first_staff_invitation_signs_in_at_that_communes_host_only(province):
    province.add()
    admin = province.admin()
    page = admin.post("/xa/yen-phuc/moi", data={"csrf": home_csrf(admin)})
    assert page.status_code == 200 and "Mời cán bộ đầu tiên của Xã Yên Phúc" in page.text
    link = re.search(rf'href="(http://{B_HOST}/vao/[^"]+)"', page.text).group(1)
    assert 'src="data:image/png;base64,' in page.text  # the QR code, the secret in no address
    token = link.rsplit("/", 1)[1]
    assert province.client(A_HOST).post(f"/vao/{token}").status_code == 404  # not A's link
    staff = province.client(B_HOST)
    assert "xin cho biết họ và tên" in staff.get(f"/vao/{token}").text
    r = staff.post(f"/vao/{token}", data={"name": "Vi Thị Cán Bộ"})
    assert r.status_code == 303 and "Vi Thị Cán Bộ" in staff.get("/").text
    with Session(province.engine("yen-phuc")) as s:
        member = s.exec(select(Member).where(Member.full_name == "Vi Thị Cán Bộ")).one()
        assert member.role == "staff"
        trail = s.exec(select(AuditLog).where(AuditLog.action == "province.invite_staff")).one()
        assert trail.after["name"] == "Hà Thị Tỉnh"
    with Session(province.registry.base) as s:
        assert not s.exec(select(Member).where(Member.full_name == "Vi Thị Cán Bộ")).all()
    assert admin.post("/xa/khong-co/moi", data={"csrf": home_csrf(admin)}).status_code == 404


def test_the_province_administrator_gets_nothing_from_a_commune_and_staff_nothing_from_the_province(
    province,
):
    province.add()
    admin = province.admin()
    core = province.core()
    staff_id = member_id(
        core, join(core, core.db, province.clock, "staff1", "staff", "VPTK", name="Lê Thị A")
    )
    staff = province.signed_in(A_HOST, None, staff_id)
    for host in (A_HOST, B_HOST):  # the administrator's session sent to a commune's console
        c = province.client(host)
        c.cookies.set("thidua_tinh", admin.cookies.get("thidua_tinh"))
        c.cookies.set("thidua_phien", admin.cookies.get("thidua_tinh"))
        for path in ("/", "/ho-so", "/nguoi", "/bo-phieu"):
            assert c.get(path).headers.get("location") == "/dang-nhap", (host, path)
    c = province.client(PROVINCE_HOST)  # a commune's staff session sent to the province console
    c.cookies.set("thidua_phien", staff.cookies.get("thidua_phien"))
    c.cookies.set("thidua_tinh", staff.cookies.get("thidua_phien"))
    assert c.get("/").headers["location"] == "/dang-nhap"
    csrf = csrf_of(staff.get("/nguoi").text)
    r = c.post("/xa", data={"csrf": csrf, "code": "khac", "name": "Xã Khác", "host": "c.thidua.test"})
    assert r.headers["location"] == "/dang-nhap"
    assert c.post("/xa/yen-phuc/moi", data={"csrf": csrf}).headers["location"] == "/dang-nhap"
    assert province.registry.get("khac") is None
    # the province's pages are not a commune's: no staff page answers on the province host
    assert admin.get("/ho-so").status_code == 404 and "trang của tỉnh" in admin.get("/ho-so").text


def test_every_province_form_needs_the_sessions_csrf_token(province):
    province.add()
    admin = province.admin()
    for path, form in (
        ("/xa", {"code": "khac", "name": "Xã Khác", "host": "c.thidua.test"}),
        ("/xa/yen-phuc/moi", {}),
        ("/dang-xuat", {}),
    ):
        for token in (None, "sai"):
            r = admin.post(path, data={**form, **({"csrf": token} if token else {})})
            assert r.status_code == 403 and "Phiên làm việc không hợp lệ" in r.text, path
    assert province.registry.get("khac") is None
    with Session(province.engine("yen-phuc")) as s:
        assert not s.exec(select(AuditLog).where(AuditLog.action == "province.invite_staff")).all()
    r = admin.post("/dang-xuat", data={"csrf": home_csrf(admin)})
    assert r.status_code == 200 and "Bạn đã đăng xuất" in r.text
    assert admin.get("/").headers["location"] == "/dang-nhap"
    with Session(province.registry.base) as s:
        assert s.exec(select(ProvinceWebSession)).one().revoked_at is not None


def test_a_link_from_another_site_or_a_wrong_link_signs_nobody_in(province):
    _, token = province.admin_link()
    c = province.client(PROVINCE_HOST)
    r = c.post(f"/vao/{token}", headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and not c.cookies.get("thidua_tinh")
    assert c.get("/vao/khong-dung").status_code == 404
    assert c.post("/vao/khong-dung").status_code == 404
    assert "không dùng mật khẩu" in c.get("/dang-nhap").text
    assert c.post(f"/vao/{token}").status_code == 303  # the link itself still works
