"""Each commune's console on its own host (bot/web_communes.py, web/hosts.py): a request goes to
the console of the commune whose host it names; a sign-in at one commune is worth nothing at
another; one commune keeps answering on any host; an unknown host of several gets a small page;
a commune added meanwhile is served at once. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.web_communes import address_on
from storage.models import Member
from web.hosts import Hosts, host_of

from .conftest import Player, nominate_household, register_resident
from .province_web_helpers import (  # noqa: F401
    A_HOST,
    B_HOST,
    PROVINCE_HOST,
    pg_base,
    province,
    province_db,
    registry,
)
from .review_helpers import join, member_id
from .test_production import nginx  # noqa: F401


def staff_of(province, code: str | None, name: str, user: str = "staff1") -> int:
    core = province.core(code)
    return member_id(core, join(core, core.db, province.clock, user, "staff", "VPTK", name=name))


def test_each_host_is_its_communes_console_and_a_sign_in_stays_on_its_host(province):
    province.add()
    a_staff = staff_of(province, None, "Lê Thị Xã A")
    b_staff = staff_of(province, "yen-phuc", "Vi Văn Xã B")
    resident = Player(province.core("yen-phuc"), "resB")
    register_resident(resident, name="Nông Văn Bê")
    nominate_household(resident, nominee="Hộ ông Nông Văn Bê")

    a = province.signed_in(A_HOST, None, a_staff)
    b = province.signed_in(B_HOST, "yen-phuc", b_staff)
    assert "Lê Thị Xã A" in a.get("/").text and "Vi Văn Xã B" not in a.get("/").text
    assert "Vi Văn Xã B" in b.get("/").text
    assert "Hộ ông Nông Văn Bê" in b.get("/ho-so").text
    assert "Hộ ông Nông Văn Bê" not in a.get("/ho-so").text
    assert a.get("/ho-so/DC-0001").status_code == 404  # B's first dossier: not A's

    # A's session cookie sent to B's host: nobody there
    stolen = province.client(B_HOST)
    stolen.cookies.set("thidua_phien", a.cookies.get("thidua_phien"))
    assert stolen.get("/").headers["location"] == "/dang-nhap"
    # A's one-time link opened at B: unknown there, and still usable at A
    token = province.link(None, a_staff)
    assert province.client(B_HOST).post(f"/vao/{token}").status_code == 404
    assert province.client(A_HOST).post(f"/vao/{token}").status_code == 303
    # the sign-in links each console prints carry its own host
    issued = a.post("/nguoi/moi", data={"csrf": csrf(a), "role": "staff", "unit": "VPTK"})
    assert f"http://{A_HOST}/vao/" in issued.text and B_HOST not in issued.text


def csrf(client) -> str:
    from .web_helpers import csrf_of

    return csrf_of(client.get("/nguoi").text)


def test_the_public_wall_and_files_are_per_host(province):
    province.add()
    assert "Gương điển hình" in province.client(A_HOST).get("/guong-dien-hinh").text
    assert province.client(B_HOST).get("/guong-dien-hinh").status_code == 200
    assert province.client(B_HOST).get("/tinh/app.css").status_code == 200
    # each console was built once, for its own commune
    assert set(province.dispatch.apps()) == {"tran-ninh", "yen-phuc"}
    assert province.dispatch.apps()["yen-phuc"].state.console.db is province.engine("yen-phuc")
    assert province.dispatch.apps()["tran-ninh"].state.console.db is province.registry.base


def test_an_unknown_host_of_several_communes_is_a_small_page_and_404(province):
    province.add()
    r = province.client("lạ.example").get("/")
    assert r.status_code == 404 and "Không có trang này" in r.text and "thuộc xã nào" in r.text
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert province.client("c.thidua.test").get("/guong-dien-hinh").status_code == 404
    # CONSOLE_URL's host is commune 1's while it has no host of its own
    assert province.client(A_HOST).get("/dang-nhap").status_code == 200


def test_one_commune_answers_on_any_host_as_before(province):
    for host in (A_HOST, "203.0.113.7", "anything.example:8080"):
        r = province.client(host).get("/dang-nhap")
        assert r.status_code == 200 and "Trang quản lý" in r.text


def test_a_commune_added_by_another_process_is_served_on_its_next_request(province):
    assert province.client(B_HOST).get("/dang-nhap").status_code == 200  # the only commune
    province.registry.create("yen-phuc", "Xã Yên Phúc", web_host=B_HOST)  # not through this dispatcher
    # read under a second ago: B's host is still the only commune's
    assert province.client(B_HOST).get("/dang-nhap").status_code == 200
    assert province.dispatch.apps().keys() == {"tran-ninh"}
    province.seconds += 1.0  # a second later a host it does not know makes it read the registry
    staff = staff_of(province, "yen-phuc", "Vi Văn Xã B")
    assert "Vi Văn Xã B" in province.signed_in(B_HOST, "yen-phuc", staff).get("/").text
    with Session(province.registry.base) as s:
        assert not s.exec(select(Member).where(Member.full_name == "Vi Văn Xã B")).all()


def test_hosts_are_compared_without_case_port_or_final_dot():
    assert host_of("A.Thidua.Test:8443") == "a.thidua.test" == host_of("a.thidua.test.")
    assert host_of("[::1]:8080") == "::1"

    class Row:
        def __init__(self, id, code, host, status="active"):
            self.id, self.code, self.name, self.web_host, self.status = id, code, code, host, status

    hosts = Hosts.of(
        [Row(1, "a", None), Row(2, "b", "B.example:8443"), Row(3, "c", "c.example", "new")], "a.example"
    )
    assert hosts.find("b.example").code == "b" and hosts.find("a.example").code == "a"
    assert hosts.find("c.example") is None  # still being made: not served
    assert hosts.find("other.example") is None


def test_a_communes_address_is_console_url_with_its_host():
    assert address_on("https://bot.example.gov.vn", "yenphuc.example.vn") == "https://yenphuc.example.vn"
    assert address_on("http://127.0.0.1:8080/", "b.test") == "http://b.test:8080"
    assert address_on("http://127.0.0.1:8080", "b.test:9000") == "http://b.test:9000"
    assert address_on("https://bot.example.gov.vn/", None) == "https://bot.example.gov.vn"


def test_behind_nginx_every_host_reaches_its_own_console(province, nginx):
    """deploy/nginx-thidua.conf passes Host through: one upstream, each host its console."""
    import httpx

    from .test_production import Served

    province.add()
    b_staff = staff_of(province, "yen-phuc", "Vi Văn Xã B")
    _, admin_token = province.admin_link()
    with Served(province.dispatch) as served:
        port = nginx(served.port)

        def through(host: str) -> httpx.Client:
            return httpx.Client(
                base_url=f"http://127.0.0.1:{port}", headers={"host": f"{host}:{port}"}, timeout=10
            )

        with through(B_HOST) as b:
            token = province.link("yen-phuc", b_staff)
            signed = b.post(f"/vao/{token}", headers={"origin": f"http://{B_HOST}:{port}"})
            assert signed.status_code == 303, signed.text
            assert "Vi Văn Xã B" in b.get("/").text
        with through(A_HOST) as a:
            a.cookies.set("thidua_phien", signed.cookies["thidua_phien"])
            assert a.get("/").headers["location"] == "/dang-nhap"
        with through(PROVINCE_HOST) as p:
            signed = p.post(f"/vao/{admin_token}", headers={"origin": f"http://{PROVINCE_HOST}:{port}"})
            assert signed.status_code == 303, signed.text
            assert "Xã Yên Phúc" in p.get("/").text
        with through("nowhere.example") as other:
            assert other.get("/").status_code == 404


def test_a_communes_console_runs_its_own_campaign(province):
    """The app's campaigns provider (a commune's campaign table once there) gives B its own."""
    from datetime import date

    province.add()
    asked = []

    def campaigns_for(commune, engine):
        asked.append((commune.code, engine))
        return [province.campaign.with_deadline(date(2024, 12, 15))]

    province.app.campaigns_for = campaigns_for
    assert "hạn gửi hồ sơ 23:59 15/12/2024" in province.client(B_HOST).get("/dang-nhap").text
    assert "hạn gửi hồ sơ 23:59 30/11/2024" in province.client(A_HOST).get("/dang-nhap").text
    assert asked == [("yen-phuc", province.engine("yen-phuc"))]  # commune 1 keeps the app's
