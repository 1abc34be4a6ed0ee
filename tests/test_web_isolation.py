"""The web consoles of two communes are walls apart, checked for EVERY route of the console
(generated from `make_console(...).routes`: a new route is checked the day it is added, and one
with a path parameter this test has no value for fails it) with every role, on SQLite and
PostgreSQL.

Commune A (the data in place, a.thidua.test) and commune B (b.thidua.test) run the same
campaign: the same unit codes and names, the same dossier numbers, rounds and decisions. B's
people, nominees, texts and photos carry the marker «Zuxa», and B has more members and dossiers
than A. Then, at A's host, as an anonymous visitor, a resident, a unit head, staff, an admin
and a council member:

- every GET route, with path values that exist in both communes and values only B has (a
  dossier, a photo, a sign-in link, an invite code), answers the same bytes before B is
  seeded and after (B's names, counts and files cannot show: nothing of B changes A's pages),
  and never the marker;
- every POST route, with a form naming B's things, answers without the marker (downloads
  opened: the workbook's and documents' XML) and leaves every table of B exactly as it was."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select
from starlette.routing import Route

from domain import council as council_ops
from domain.campaign import load_campaign
from domain.uow import UnitOfWork
from storage import weblogin
from storage.models import Announcement, Evidence, Invite, Member, Submission
from web.app import make_console
from web.security import RateLimit

from . import seed as seeding
from .campaign_texts import campaign_text
from .conftest import CAMPAIGN_FILE
from .people_sheets import filled
from .province_web_helpers import A_HOST, pg_base, province, province_db, registry  # noqa: F401

MARK = "Zuxa"
ROLES = ("anonymous", "resident", "head", "staff", "admin", "council")
NOMINEES = [
    ("Hộ ông Hoàng Văn Tư", "T01", "household", "commune"),
    ("Hộ bà Lường Thị Hoa", "T02", "household", "commune"),
    ("Chi hội Phụ nữ thôn Nà Pàn", "HPN", "collective", "commune"),
    ("Nguyễn Thị Ngọc Ánh", "T03", "official", "district"),
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def marked(name: str, mark: str) -> str:
    return f"{name} {mark}".strip()


def seed_commune(db, campaign, clock, media_dir, *, mark: str, extra: int = 0) -> dict:
    """A commune at its decision: the office, a head, a resident, three council members, four
    nominations voted and decided (photos agreed for the public page), an announcement, an
    invite code and a sign-in link; `extra` more residents and sent dossiers. Every name and
    text ends with `mark`."""
    now = clock.now()
    ids: dict = {}
    with Session(db, expire_on_commit=False) as s:
        staff = seeding.console_member(s, marked("Lương Thị Mai", mark), "staff", "s1", now, "VPTK")
        ids["staff"] = staff.id
        ids["admin"] = seeding.console_member(
            s, marked("Hoàng Quản Trị", mark), "admin", "a1", now, "VPTK"
        ).id
        ids["head"] = seeding.console_member(s, marked("Lý Văn Trưởng", mark), "head", "h1", now, "T01").id
        resident = seeding.console_member(s, marked("Nông Văn Sáu", mark), "resident", "r1", now, "T01")
        ids["resident"] = resident.id
        voters = [
            seeding.console_member(s, marked(name, mark), "council", f"c{i}", now)
            for i, name in enumerate(("Hoàng Văn Vịnh", "Lộc Thị Hạnh", "Vi Văn Sơn"))
        ]
        ids["council"] = voters[0].id
        refs = []
        for nominee, unit, category, award in NOMINEES:
            sub = seeding.create_submission(
                s,
                kind="nomination",
                campaign_code=campaign.code,
                submitter_id=resident.id,
                now=now,
                unit_code=unit,
                category=category,
                nominee=marked(nominee, mark),
                contents=["c2", "c3"],
                achievements=marked("Hiến 150 m2 đất làm đường bê tông của thôn, trồng 3 ha hồi", mark),
                answers={"annual_income": 200_000_000, "discipline": "no"} if category == "household" else {},
                flags=[],
                proposed_award=award,
            )
            sub.citation = marked("Hiến đất làm đường của thôn", mark)
            seeding.change_status(s, sub, "approved", actor_id=None, reason=None, now=now)
            seeding.change_status(
                s, sub, "shortlisted", actor_id=None, reason=None, now=now, fields={"shortlist_award": award}
            )
            refs.append(sub.ref)
            photo = media_dir / f"{mark or 'a'}-{sub.ref}.png"
            photo.write_bytes(PNG + mark.encode())
            s.add(
                Evidence(
                    submission_id=sub.id,
                    channel="zalo",
                    unique_id=f"{mark}-{sub.ref}",
                    local_path=photo.name,
                    caption=marked("Ảnh con đường", mark),
                    publish_consent=True,
                    created_at=now,
                )
            )
        for i in range(extra):
            person = seeding.console_member(s, f"{MARK} Bê {i}", "resident", f"x{i}", now, "T02")
            extra_sub = seeding.create_submission(
                s,
                kind="nomination",
                campaign_code=campaign.code,
                submitter_id=person.id,
                now=now,
                unit_code="T02",
                category="household",
                nominee=f"Hộ ông {MARK} Quoxi {i}",
                contents=["c2"],
                achievements=f"{MARK} trồng 5 ha quế, thu nhập cao, giúp đỡ hàng xóm.",
                answers={"annual_income": 90_000_000, "discipline": "no"},
                flags=[],
                proposed_award="commune",
            )
            photo = media_dir / f"{MARK}-extra-{i}.png"
            photo.write_bytes(PNG + MARK.encode())
            s.add(
                Evidence(
                    submission_id=extra_sub.id,
                    channel="zalo",
                    unique_id=photo.name,
                    local_path=photo.name,
                    created_at=now,
                )
            )
        s.add(
            Announcement(
                campaign_code=campaign.code,
                audience={"kind": "all"},
                text=marked("Họp thôn lúc 8 giờ sáng mai", mark),
                created_by=staff.id,
                channel="web",
                created_at=now,
            )
        )
        s.commit()
        uow = UnitOfWork(s, now)
        council_ops.open_round(uow, staff, campaign)
        for voter in voters:
            for ref in refs:
                council_ops.cast_vote(uow, voter, campaign, ref, "agree")
        later = UnitOfWork(s, now + timedelta(hours=50))
        council_ops.close_round(later, staff, campaign)
        for award in ("commune", "district"):
            council_ops.record_decision(
                later,
                staff,
                campaign,
                award_key=award,
                number=f"12{len(award)}/QĐ-UBND",
                signed_on=date(2024, 11, 20),
                signer_name=marked("Hoàng Văn Vịnh", mark),
                signer_title="Chủ tịch",
            )
        s.commit()
    ids["refs"] = refs
    return ids


def fingerprint(db) -> dict[str, str]:
    """Every table's rows, hashed: what B holds, to the byte."""
    out = {}
    with db.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            order = ", ".join(c.name for c in table.primary_key.columns) or "1"
            rows = conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {order}')).all()
            out[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def readable(response) -> str:
    """What a response says: its text, or the XML inside a workbook or a Word document."""
    body = response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace")


def has_mark(response, typed: tuple = ()) -> bool:
    """The marker anywhere in the response, but for what the request itself typed (a search
    box shows its words again)."""
    said = readable(response)
    for _, value in typed:
        said = said.replace(value, "")
    return MARK.lower() in said.lower() or (not typed and MARK.encode() in response.content)


@pytest.fixture
def walls(province, tmp_path):
    """A seeded; B registered and still empty; a browser per role at A's host; the values of
    every path parameter (in both communes, and in B only)."""
    media = tmp_path / "media"
    media.mkdir(parents=True, exist_ok=True)
    province.add()
    a = seed_commune(province.engine(), province.campaign, province.clock, media, mark="")
    with Session(province.engine()) as s:
        a_refs = len(s.exec(select(Submission)).all())
    b_only_ref = f"DC-{a_refs + 1:04d}"  # B's dossiers go on after the ones both have
    clients = {}
    for role in ROLES:
        if role == "anonymous":
            clients[role] = province.client(A_HOST)
        elif role in ("resident", "head"):  # no sign-in link: a stolen or stale cookie
            clients[role] = province.session_for(A_HOST, None, a[role])
        else:
            clients[role] = province.signed_in(A_HOST, None, a[role])
    province.dispatch.apps()["tran-ninh"].state.console.signin_limit = RateLimit(limit=100_000)
    token, code = secrets.token_urlsafe(32), f"B{secrets.token_hex(4).upper()}"
    values = {
        "ref": ["DC-0001", b_only_ref],
        "evidence_id": ["1", str(len(NOMINEES) + 2)],
        "token": [token],
        "code": [code, "tran-ninh-2024"],  # an invite's, a campaign's both communes have
        "number": ["1", "2"],
        "kind": ["pdf", "png"],
    }
    return {
        "a": a,
        "clients": clients,
        "values": values,
        "token": token,
        "code": code,
        "b_only_ref": b_only_ref,
    }


def seed_b(province, walls, media) -> dict:
    engine = province.engine("yen-phuc")
    b = seed_commune(engine, province.campaign, province.clock, media, mark=MARK, extra=3)
    now = province.clock.now()
    with Session(engine) as s:
        assert s.exec(select(Submission).where(Submission.ref == walls["b_only_ref"])).one()
        assert len(s.exec(select(Evidence)).all()) >= int(walls["values"]["evidence_id"][1])
        s.add(
            Invite(
                code=walls["code"],
                role="head",
                unit_code="T01",
                created_at=now,
                expires_at=now + timedelta(days=7),
            )
        )
        s.add(
            weblogin.WebLink(
                token_hash=weblogin.digest(walls["token"]),
                member_id=b["staff"],
                created_at=now,
                expires_at=now + timedelta(minutes=10),
            )
        )
        s.commit()
    return b


def console_routes(province) -> list[Route]:
    app = province.dispatch.apps()["tran-ninh"]
    routes = [r for r in app.routes if isinstance(r, Route)]
    assert [r.path for r in routes] == [
        r.path for r in make_console(app.state.console).routes if isinstance(r, Route)
    ]
    return routes


def paths_of(route: Route, values: dict) -> list[str]:
    """The route's path with every combination of its parameters' values."""
    names = list(route.param_convertors)
    missing = [n for n in names if n not in values]
    assert not missing, f"{route.path}: no value for {missing}; add B's to `values`"
    paths = [route.path]
    for name in names:
        pattern = re.compile(r"\{" + name + r"(:[a-z]+)?\}")
        paths = [pattern.sub(v, p) for p in paths for v in values[name]]
    return paths


QUERIES = {
    "/ho-so": [{}, {"q": MARK}, {"q": "Hoàng"}, {"status": "submitted"}],
    "/guong-dien-hinh": [{}, {"ban-in": "1"}],
}


def get_everything(province, walls) -> dict:
    seen = {}
    for route in console_routes(province):
        if "GET" not in (route.methods or ()):
            continue
        for path in paths_of(route, walls["values"]):
            for query in QUERIES.get(route.path, [{}]):
                for role, client in walls["clients"].items():
                    r = client.get(path, params=query)
                    assert r.status_code < 500, (role, path, r.status_code)
                    seen[(role, path, tuple(query.items()))] = r
    return seen


def post_forms(walls) -> dict[str, list[dict]]:
    b_only, award_docs = (
        walls["b_only_ref"],
        {"minutes": "1", "decision": "121/QĐ-UBND", "certificates": "121/QĐ-UBND"},
    )
    return {
        "/bo-phieu": [{"ref": ref, "choice": "agree"} for ref in ("DC-0001", b_only)],
        "/ho-so/{ref}/quyet-dinh": [{"seen": "submitted:1", "decision": "approve", "reason": ""}],
        "/ho-so/{ref}/danh-sach": [{"seen": "approved:2", "award": "district"}, {"action": "remove"}],
        "/ho-so/{ref}/trich-yeu": [{"seen_citation": "", "citation": "Hiến đất làm đường."}],
        "/phien-xet": [{"action": "open"}, {"action": "close", "confirm": "yes"}],
        "/quyet-dinh": [
            {
                "action": "record",
                "award": "commune",
                "number": "999",
                "signed_on": "2024-11-20",
                "signer": "Vi Văn A",
            },
            {"action": "withdraw", "decision": "2", "reason": "Ghi nhầm số quyết định."},
        ],
        "/xuat": [
            {"what": what, "ref": award_docs.get(what, ref)}
            for what in ("xlsx", "list", "proposal", "report", *award_docs)
            for ref in ("DC-0001", b_only)
        ]
        + [{"what": "proposal", "award": "district"}],
        "/thong-bao/xem": [{"audience": "all", "text": "Họp thôn lúc 8 giờ."}],
        "/thong-bao": [{"audience": "all", "text": "Họp thôn lúc 8 giờ."}],
        "/thong-bao/gui-lai": [{"id": "1"}],
        "/nguoi/moi": [{"role": "head", "unit": "T01"}],
        "/nguoi/vai-tro": [{"member": str(walls["a"]["council"] + 3), "role": "head", "unit": "T01"}],
        "/vao/{token}": [{}],
        "/dang-xuat": [{}],
        # the office's spreadsheet, naming units and people both communes have
        "/nguoi/nhap": [{"_file": filled(load_campaign(CAMPAIGN_FILE))}, {}],
        # the campaigns: a code both communes have, a new draft, an upload
        "/dot-thi-dua/moi": [{"lam": "luu"}, {}],
        "/dot-thi-dua/{code}/sua": [{"lam": "luu"}],
        "/dot-thi-dua/tai-len": [{"toml": campaign_text("tai-len-2025")}, {"toml": "không phải TOML"}],
        **{
            f"/dot-thi-dua/{{code}}/{move}": [{"seen": "1"}, {}]
            for move in ("mo", "dong", "quyet-dinh", "luu-tru")
        },
    }


def csrf_of_session(province, client) -> str:
    with Session(province.engine()) as s:
        found = weblogin.session_of(s, client.cookies.get("thidua_phien"), province.clock.now())
    return found[0].csrf if found else ""


def fresh(province, walls, role):
    a = walls["a"]
    if role == "anonymous":
        return province.client(A_HOST)
    if role in ("resident", "head"):
        return province.session_for(A_HOST, None, a[role])
    return province.signed_in(A_HOST, None, a[role])


def test_no_route_of_a_communes_console_shows_or_touches_another_communes_data(province, walls, tmp_path):
    before = get_everything(province, walls)
    seed_b(province, walls, tmp_path / "media")
    after = get_everything(province, walls)
    assert before.keys() == after.keys()
    for key, r in after.items():
        assert not has_mark(r, key[2]), key
        if r.headers.get("content-type", "").startswith("text/html"):
            assert r.content == before[key].content, f"{key}: changed when commune B was seeded"
    assert any(r.status_code == 200 and "Hoàng Văn Tư" in r.text for r in after.values())  # A's own

    b_before = fingerprint(province.engine("yen-phuc"))
    forms, answered = post_forms(walls), []
    for route in console_routes(province):
        if "POST" not in (route.methods or ()):
            continue
        assert route.path in forms, f"{route.path}: add the forms naming B's things to post_forms()"
        for path in paths_of(route, walls["values"]):
            for form in forms[route.path]:
                for role in ROLES:
                    client = fresh(province, walls, role)
                    data = {"csrf": csrf_of_session(province, client), **form}
                    upload = data.pop("_file", None)
                    files = (
                        {
                            "file": (
                                "danh-sach.xlsx",
                                upload,
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            )
                        }
                        if upload
                        else None
                    )
                    r = client.post(path, data=data, files=files)
                    assert r.status_code < 500, (role, path, form, r.status_code)
                    assert not has_mark(r), (role, path, form)
                    answered.append((role, r.status_code, r.headers.get("content-type", "")))
                    if r.status_code == 303 and r.headers["location"].startswith("/"):
                        assert not has_mark(client.get(r.headers["location"])), (role, path, form)
    assert fingerprint(province.engine("yen-phuc")) == b_before
    # the forms did reach A's operations: files downloaded, actions done, others refused
    assert sum(1 for role, status, kind in answered if "openxmlformats" in kind) >= 8
    assert {status for role, status, _ in answered if role == "staff"} >= {200, 303, 400, 404}
    assert not [
        kind for role, _, kind in answered if role in ("resident", "head", "anonymous") and "openxml" in kind
    ]
    with Session(province.engine("yen-phuc")) as s:  # B's own pages still show B
        assert s.exec(select(Member).where(Member.full_name == f"Lương Thị Mai {MARK}")).one()
