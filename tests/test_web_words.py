"""Every page of the web console is Vietnamese: each route of the Starlette app is rendered
(GET, and POST with an empty form, which shows the page's own refusal), signed in as each role
that opens it and signed out, on a campaign with every status, a council round, a decision, a
report, an announcement and a web-only clerk. The text people read (and the alt, title,
placeholder and aria-label of the elements) holds no English word and no raw catalog key."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlmodel import Session, select

from domain import council as ops
from domain.uow import UnitOfWork
from messages.catalog import MESSAGES
from storage.models import AuditLog, Member, Submission
from web.app import make_console

from .english_words import ENGLISH_WORDS
from .review_helpers import moved
from .test_honours import _member, client_for, make_decided
from .web_helpers import Web, csrf_of, web_only_clerk

ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
# what a raw key begins with: the catalog's prefixes and the audit actions' first words
KEY_HEADS = {k.split(".")[0] for k in MESSAGES} | {"invite", "member", "decision", "slot", "announce"}
ENGLISH = {w.lower() for w in ENGLISH_WORDS}


class Reader(HTMLParser):
    """The text of a page as people read it: data outside script and style, and the attributes
    a screen reader or a tooltip says."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts += [v for k, v in attrs if k in ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def foreign(html: str, campaign) -> list[str]:
    reader = Reader()
    reader.feed(html)
    text = re.sub(r"(https?://|/)\S+", " ", " ".join(reader.parts))  # links are not words
    extra = {c.key.lower() for c in campaign.categories} | {a.key.lower() for a in campaign.awards}
    found = []
    for token in re.findall(r"[\w.]+", text):
        token = token.strip(".")
        parts = token.split(".")
        if len(parts) > 1 and parts[0] in KEY_HEADS and all(re.fullmatch(r"[a-z_]+", p) for p in parts):
            found.append(token)  # a raw catalog key («invite.use.role»)
        elif token.lower() in ENGLISH or token.lower() in extra:
            found.append(token)
    return found


@pytest.fixture
def campaign_seen(core, db, campaign, clock, tmp_path):
    """A campaign at the award step, with everything a page can show."""
    staff = make_decided(db, campaign, clock, tmp_path)
    with Session(db) as s:
        admin = _member(s, "Hoàng Quản Trị", "admin", "a1", clock.now(), "VPTK")
        web_only_clerk(s, clock.now())
        s.commit()
        admin_id = admin.id
        voter_ids = [m.id for m in s.exec(select(Member).where(Member.role == "council")).all()]
    for kind in ("nomination", "proposal", "report"):
        for path in ([], ["under_review"], ["needs_info"], ["approved"], ["rejected"], ["withdrawn"]):
            entry = kind != "report"
            moved(
                db,
                clock,
                path,
                submitter_id=staff.id,
                kind=kind,
                nominee="Chi hội Nông dân thôn 2" if entry else None,
                category="collective" if entry else None,
                unit="T02",
            )
    listed = moved(
        db,
        clock,
        ["approved", "shortlisted"],
        submitter_id=staff.id,
        nominee="Hộ bà Lò Thị Mai",
        category="household",
    )
    with Session(db) as s:  # a round open on it: the ballot has an item to vote on
        uow = UnitOfWork(s, clock.now())
        ops.open_round(uow, s.merge(staff), campaign)
        ops.cast_vote(uow, s.get(Member, voter_ids[0]), campaign, listed, "agree")
        s.commit()
    web = Web(core, db, campaign, clock, tmp_path)
    c = web.signed_in(staff.id)
    page = c.get("/thong-bao").text
    c.post(
        "/thong-bao", data={"csrf": csrf_of(page), "text": "Họp thôn tối nay lúc 19 giờ.", "audience": "all"}
    )
    c.post("/nguoi/moi", data={"csrf": csrf_of(page), "role": "council", "unit": ""})
    return {"web": web, "staff": staff.id, "admin": admin_id, "council": voter_ids[0]}


def fill(path: str, refs: list[str], web: Web, evidence: int, member_id: int) -> list[str]:
    if "{ref}" in path:
        return [path.replace("{ref}", r) for r in refs]
    if "{token}" in path:
        return [path.replace("{token}", web.link(member_id))]
    if "{evidence_id:int}" in path:
        return [path.replace("{evidence_id:int}", str(evidence))]
    if "{code}" in path:
        return [path.replace("{code}", "KHONGCO")]
    if "{kind}" in path:
        return [path.replace("{kind}", k) for k in ("pdf", "png")]
    return [path]


VARIANTS = [
    "/ho-so?status=waiting",
    "/ho-so?kind=entry&status=approved",
    "/ho-so?kind=report",
    "/guong-dien-hinh?ban-in=1",
    "/ho-so/DC-0001?xong=tham-dinh",
    "/khong-co-trang-nay",
]


def test_every_page_is_vietnamese_for_every_role(campaign_seen, db, campaign, clock, tmp_path):
    web: Web = campaign_seen["web"]
    app = make_console(web.console)
    with Session(db) as s:
        refs = list(s.exec(select(Submission.ref).order_by(Submission.id)).all())
    routes = [(r.path, sorted(r.methods or ())) for r in app.routes if hasattr(r, "methods")]
    clients = {role: web.signed_in(campaign_seen[role]) for role in ("staff", "admin", "council")}
    clients["signed out"] = client_for(db, campaign, clock, tmp_path)
    covered, problems, pages = set(), {}, 0
    for role, c in clients.items():
        token = (
            csrf_of(c.get("/dang-nhap" if role == "signed out" else "/hoi-dong").text)
            if role != "signed out"
            else ""
        )
        for path, methods in routes:
            if path == "/dang-xuat":
                continue  # signs the browser out: done last
            for url in fill(path, refs, web, 1, campaign_seen["staff"]):
                for method in [m for m in methods if m in ("GET", "POST")]:
                    if method == "POST" and "{token}" in path:
                        r = web.client().post(url, data={})  # a fresh browser: the link signs in
                    elif method == "POST":
                        r = c.post(url, data={"csrf": token})
                    else:
                        r = c.get(url)
                    covered.add((path, method))
                    if "text/html" in r.headers.get("content-type", ""):
                        pages += 1
                        words = foreign(r.text, campaign)
                        if words:
                            problems[f"{role} {method} {url}"] = sorted(set(words))
        for url in VARIANTS:
            r = c.get(url)
            pages += 1
            if words := foreign(r.text, campaign):
                problems[f"{role} GET {url}"] = sorted(set(words))
    for role in ("staff", "council"):
        out = clients[role].post("/dang-xuat", data={"csrf": csrf_of(clients[role].get("/hoi-dong").text)})
        covered.add(("/dang-xuat", "POST"))
        if words := foreign(out.text, campaign):
            problems[f"{role} POST /dang-xuat"] = sorted(set(words))
    assert covered == {(p, m) for p, ms in routes for m in ms if m in ("GET", "POST")}
    assert pages > 100
    assert problems == {}


def test_every_audit_action_has_a_vietnamese_label(campaign_seen, db):
    from web.render import action_label

    with Session(db) as s:
        actions = set(s.exec(select(AuditLog.action)).all())
    assert {"status", "web.invite", "decision.record", "council.vote", "invite.create.role"} <= actions
    assert {a for a in actions if action_label(a) == action_label("no.such.action")} == set()


def test_the_foreign_word_check_finds_what_it_should(campaign):
    html = '<p>collective: 2</p><img alt="individual"><p title="invite.use.role">Kênh: console</p>'
    assert foreign(html, campaign) == ["collective", "individual", "invite.use.role", "console"]
    assert foreign("<p>Thôn 5 — Hộ ông Tư, Giấy khen (PDF)</p><script>var status;</script>", campaign) == []


def test_every_downloaded_file_is_named_in_vietnamese(campaign, clock):
    """The names files are saved under (web «Xuất tài liệu», chat, command line): no key of the
    campaign file («district», «commune») in them."""
    from documents.files import WHAT, filename

    from .english_words import english_in

    names = [filename(campaign, what, clock.now()) for what in WHAT if what != "proposal"]
    names += [
        filename(campaign, "proposal", clock.now(), award.key) for award in campaign.awards if award.quota
    ]
    assert any(n.startswith("to-trinh-chu-tich-ubnd-huyen-") for n in names), names
    for name in names:
        assert not english_in(name.replace("-", " ")), name
