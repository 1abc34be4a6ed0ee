"""Two clerks at once, on SQLite and PostgreSQL: two browsers send their forms at the same
moment, each having read what the other is about to change. The second of two simultaneous
actions gets the refusal it gets when it comes second (who, when), and nothing is stored twice.

The harness (`Race`, `race`) signs two browsers in, lets each read its page, then sends both
forms from two threads; `meet` makes both requests pass a named read before either writes
(the race made certain), unless the code makes the second wait for the first (a lock): then
the first goes on alone after a short while. Every state-changing POST route of the console is
listed in RACES: a route that is not fails `test_every_post_route_of_the_console_is_raced`."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.routing import Route

from domain import campaigns as campaign_ops
from domain import council as council_ops
from domain import review
from domain import shortlist as lists
from domain.refusals import Refused, StaleDecision
from domain.uow import UnitOfWork
from storage import campaigns as campaign_rows
from storage import council as council_rows
from storage import roster, submissions
from storage.communes import Communes
from storage.db import make_engine
from storage.models import (
    Announcement,
    AwardDecision,
    CampaignRecord,
    CouncilItem,
    CouncilRound,
    CouncilVote,
    Invite,
    Member,
    StatusChange,
    Submission,
    UnitRow,
    WebLink,
    WebSession,
)
from storage.models.province import ProvinceWebSession

from . import seed as seeding
from .campaign_texts import campaign_text, file_text
from .conftest import nominate_household, rows
from .people_sheets import filled
from .province_web_helpers import pg_base, province, province_db, registry  # noqa: F401
from .review_helpers import join, member_id
from .web_helpers import Web, csrf_of, field, make_staff

MEET_TIMEOUT = 3.0  # how long a request waits at `meet` for the other (blocked on a lock: never)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, db_path):
    """Both databases: every fixture built on `db` (core, web, people) runs on each."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_db")
        return
    engine = make_engine(f"sqlite:///{db_path}")
    yield engine
    engine.dispose()


@pytest.fixture
def web(core, db, campaign, clock, tmp_path) -> Web:
    return Web(core, db, campaign, clock, tmp_path)


@pytest.fixture
def office(core, db, clock):
    """A resident with a nomination (DC-0001), two staff members and an admin."""
    from .conftest import Player, register_resident

    resident = Player(core, "res1")
    register_resident(resident)
    ref = nominate_household(resident)
    staff = join(core, db, clock, "staff1", "staff", "VPTK", name="Lê Thị Văn Phòng")
    admin = join(core, db, clock, "admin1", "admin", "VPTK", name="Hoàng Quản Trị")
    return {
        "resident": resident,
        "ref": ref,
        "staff": member_id(core, staff),
        "staff2": make_staff(db, clock),
        "admin": member_id(core, admin),
        "admin2": member_id(core, join(core, db, clock, "admin2", "admin", "VPTK", name="Vi Thị Hai")),
    }


@contextmanager
def meet(monkeypatch, owner: Any, name: str, parties: int = 2):
    """Each of `parties` threads, after its first call of owner.name, waits for the others
    (at most MEET_TIMEOUT: a party blocked on a lock never comes, and is not waited for)."""
    barrier = threading.Barrier(parties, timeout=MEET_TIMEOUT)
    real = getattr(owner, name)
    once = threading.local()

    def met(*args, **kwargs):
        out = real(*args, **kwargs)
        if not getattr(once, "done", False):
            once.done = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return out

    monkeypatch.setattr(owner, name, met)
    yield


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads at once; their results (or exceptions) in order."""
    out: list[Any] = [None] * len(calls)
    start = threading.Barrier(len(calls), timeout=30)

    def run(i: int, call) -> None:
        start.wait()
        try:
            out[i] = call()
        except Exception as exc:  # the test looks at it
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    return out


def op(db, clock, fn: Callable[[UnitOfWork], Any]) -> Callable[[], Any]:
    """A domain operation in its own session and transaction (one request, one process)."""

    def call():
        with Session(db, expire_on_commit=False) as s:
            try:
                fn(UnitOfWork(s, clock.now()))
                s.commit()
                return "done"
            except Refused as exc:
                s.rollback()
                return exc

    return call


def approved(db, clock, refs: list[str]) -> None:
    with Session(db) as s:
        for ref in refs:
            row = s.exec(select(Submission).where(Submission.ref == ref)).one()
            seeding.change_status(s, row, "approved", actor_id=None, reason=None, now=clock.now())
        s.commit()


def on_list(db, clock, refs: list[str], award: str) -> None:
    with Session(db) as s:
        for ref in refs:
            row = s.exec(select(Submission).where(Submission.ref == ref)).one()
            seeding.change_status(
                s,
                row,
                "shortlisted",
                actor_id=None,
                reason=None,
                now=clock.now(),
                fields={"shortlist_award": award},
            )
        s.commit()


def individuals(office, n: int) -> list[str]:
    return [nominate_household(office["resident"], nominee=f"Ông Hoàng Văn Cá Nhân {i}") for i in range(n)]


def member(db, member_id: int) -> Member:
    with Session(db) as s:
        return s.get(Member, member_id)


# -- the operations, two sessions interleaved ---------------------------------------------------


def test_two_decisions_on_one_dossier_one_applies_the_other_is_told_who_and_when(db, office, clock):
    ref, staff, staff2 = office["ref"], member(db, office["staff"]), member(db, office["staff2"])
    with Session(db, expire_on_commit=False) as second:
        # the second clerk's page read the dossier: submitted, version 1
        seen = submissions.submission_by_ref(second, ref)
        assert (seen.status, seen.version) == ("submitted", 1)
        with Session(db) as first:
            review.decide(UnitOfWork(first, clock.now()), staff, ref, "approved", seen_status="submitted")
            first.commit()
        with pytest.raises(StaleDecision) as refused:
            review.decide(
                UnitOfWork(second, clock.now()),
                staff2,
                ref,
                "rejected",
                "Thiếu xác nhận của thôn.",
                seen_status="submitted",
                seen_version=1,
            )
        second.rollback()
    assert refused.value.by_name == "Lê Thị Văn Phòng" and refused.value.at is not None
    with Session(db) as s:
        moves = s.exec(select(StatusChange.to_status).order_by(StatusChange.id)).all()
    assert moves == ["submitted", "approved"]


def test_two_decisions_sent_at_the_same_moment(db, office, clock, monkeypatch):
    ref = office["ref"]
    staff, staff2 = member(db, office["staff"]), member(db, office["staff2"])
    with meet(monkeypatch, review, "find"):
        out = together(
            op(db, clock, lambda u: review.decide(u, staff, ref, "approved", seen_status="submitted")),
            op(
                db,
                clock,
                lambda u: review.decide(
                    u, staff2, ref, "rejected", "Thiếu giấy tờ.", seen_status="submitted"
                ),
            ),
        )
    assert sorted(type(o).__name__ for o in out) == ["StaleDecision", "str"], out
    refused = next(o for o in out if isinstance(o, StaleDecision))
    assert refused.by_name in ("Lê Thị Văn Phòng", "Cán bộ Hai") and refused.at is not None
    assert [x for x in rows(db, StatusChange) if x.to_status in ("approved", "rejected")].__len__() == 1


def council_ready(core, db, clock, office) -> list[int]:
    approved(db, clock, [office["ref"]])
    on_list(db, clock, [office["ref"]], "commune")
    return [
        member_id(core, join(core, db, clock, f"hd{i}", "council", None, name=f"Thành Viên {i}"))
        for i in (1, 2)
    ]


def test_two_staff_open_a_round_at_once_one_round_opens(db, core, office, clock, campaign, monkeypatch):
    council_ready(core, db, clock, office)
    staff, staff2 = member(db, office["staff"]), member(db, office["staff2"])
    with meet(monkeypatch, council_rows, "open_round"):
        out = together(
            op(db, clock, lambda u: council_ops.open_round(u, staff, campaign)),
            op(db, clock, lambda u: council_ops.open_round(u, staff2, campaign)),
        )
    refusals = [o.key for o in out if isinstance(o, Refused)]
    assert refusals == ["council.already_open"], out
    assert [(r.number, r.status) for r in rows(db, CouncilRound)] == [(1, "open")]


def test_a_vote_sent_as_the_round_closes_lands_in_it_or_is_refused(
    db, core, office, clock, campaign, monkeypatch
):
    voters = council_ready(core, db, clock, office)
    staff, voter = member(db, office["staff"]), member(db, voters[0])
    op(db, clock, lambda u: council_ops.open_round(u, staff, campaign))()
    with meet(monkeypatch, council_rows, "open_round"):
        out = together(
            op(db, clock, lambda u: council_ops.close_round(u, staff, campaign)),
            op(db, clock, lambda u: council_ops.cast_vote(u, voter, campaign, office["ref"], "agree")),
        )
    votes = rows(db, CouncilVote)
    [item] = rows(db, CouncilItem)
    # either the vote came first and the close counted it, or it was refused: never a vote
    # stored in a round that was already closed (and so never counted)
    assert len(votes) == item.agree, (out, len(votes), item.agree)
    if votes:
        assert out == ["done", "done"]
    else:
        assert out[0] == "done" and isinstance(out[1], Refused) and out[1].key == "council.closed"


def test_two_staff_add_to_the_district_list_at_three_of_four(db, office, clock, campaign, monkeypatch):
    refs = individuals(office, 5)
    approved(db, clock, refs)
    on_list(db, clock, refs[:3], "district")
    staff, staff2 = member(db, office["staff"]), member(db, office["staff2"])
    with meet(monkeypatch, submissions, "shortlisted"):
        out = together(
            op(db, clock, lambda u: lists.shortlist(u, staff, campaign, refs[3], "district")),
            op(db, clock, lambda u: lists.shortlist(u, staff2, campaign, refs[4], "district")),
        )
    assert sorted(o.key if isinstance(o, Refused) else o for o in out) == ["done", "sl.quota"], out
    on = [x for x in rows(db, Submission) if x.shortlist_award == "district"]
    assert len(on) == 4


# -- the console: two browsers -----------------------------------------------------------------


@dataclass
class Race:
    """Two browsers' forms sent at once. `setup(ctx)` makes the starting point and returns
    what the forms need; `forms(ctx)` gives each browser (signed in as ctx["who"][i]) the page
    it read and the form it sends; `meet` (module, name) is the read both pass before writing;
    `check(ctx, responses)` says what must hold after."""

    who: tuple[str, str]
    forms: Callable[[dict, Any, Any], list[tuple[str, str, dict]]]
    check: Callable[[dict, list], None]
    setup: Callable[[dict], None] = lambda ctx: None
    meet: tuple[Any, str] | None = None


def page_form(page: str, post: str, **data) -> Callable[[Any], tuple[str, dict]]:
    def make(client) -> tuple[str, dict]:
        html = client.get(page).text
        values = {k: (v(html) if callable(v) else v) for k, v in data.items()}
        return post, {"csrf": csrf_of(html), **values}

    return make


def seen(html: str) -> str:
    return field(html, "seen")


def check_decide(ctx, responses) -> None:
    assert sorted(r.status_code for r in responses) == [303, 409], [r.status_code for r in responses]
    refused = next(r for r in responses if r.status_code == 409)
    assert "chuyển sang" in refused.text and "lúc" in refused.text  # who and when
    decided = [x for x in rows(ctx["db"], StatusChange) if x.to_status in ("approved", "rejected")]
    assert len(decided) == 1


def check_list(ctx, responses) -> None:
    assert sorted(r.status_code for r in responses) == [303, 400], [r.status_code for r in responses]
    assert "tối đa 4" in next(r for r in responses if r.status_code == 400).text
    assert len([x for x in rows(ctx["db"], Submission) if x.shortlist_award == "district"]) == 4


def check_open(ctx, responses) -> None:
    assert sorted(r.status_code for r in responses) == [303, 409], [r.status_code for r in responses]
    assert len(rows(ctx["db"], CouncilRound)) == 1


def check_vote_and_close(ctx, responses) -> None:
    assert all(r.status_code < 500 for r in responses)
    [item] = rows(ctx["db"], CouncilItem)
    assert len(rows(ctx["db"], CouncilVote)) == item.agree


def check_one_session(ctx, responses) -> None:
    assert sorted(r.status_code for r in responses) == [303, 410], [r.status_code for r in responses]
    assert len(rows(ctx["db"], WebSession)) == ctx["sessions_before"] + 1


def check_no_error(ctx, responses) -> None:
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]


def check_announcements(ctx, responses) -> None:
    # one after the other, the same text is sent twice (the office may repeat a notice): at
    # once, the same; each announcement with its own recipients
    assert [r.status_code for r in responses] == [303, 303]
    sent = rows(ctx["db"], Announcement)
    assert len(sent) == 2 and sent[0].recipients == sent[1].recipients > 0


def setup_list(ctx) -> None:
    refs = individuals(ctx["office"], 5)
    approved(ctx["db"], ctx["clock"], refs)
    on_list(ctx["db"], ctx["clock"], refs[:3], "district")
    ctx["refs"] = refs


def setup_council(ctx) -> None:
    council_ready(ctx["core"], ctx["db"], ctx["clock"], ctx["office"])


def setup_open_round(ctx) -> None:
    ids = council_ready(ctx["core"], ctx["db"], ctx["clock"], ctx["office"])
    ctx["ids"]["council1"] = ids[0]
    op(
        ctx["db"],
        ctx["clock"],
        lambda u: council_ops.open_round(u, member(ctx["db"], ctx["office"]["staff"]), ctx["campaign"]),
    )()


def setup_closed_round(ctx) -> None:
    """A round closed with the dossier passed: the commune's award waits for its decision."""
    voters = council_ready(ctx["core"], ctx["db"], ctx["clock"], ctx["office"])
    staff = member(ctx["db"], ctx["office"]["staff"])
    db, clock, campaign, ref = ctx["db"], ctx["clock"], ctx["campaign"], ctx["office"]["ref"]
    op(db, clock, lambda u: council_ops.open_round(u, staff, campaign))()
    for voter in voters:
        op(db, clock, lambda u, v=voter: council_ops.cast_vote(u, member(db, v), campaign, ref, "agree"))()
    op(db, clock, lambda u: council_ops.close_round(u, staff, campaign))()
    ctx["today"] = campaign.local(clock.now()).date().isoformat()


def check_one_decision(ctx, responses) -> None:
    # two clerks record the commune's decision with two numbers: one is recorded, the other is
    # told there is nothing left to decide, as when it comes second
    assert sorted(r.status_code for r in responses)[0] == 303, [r.status_code for r in responses]
    assert 400 <= sorted(r.status_code for r in responses)[1] < 500, [r.status_code for r in responses]
    assert len(rows(ctx["db"], AwardDecision)) == 1


def check_one_citation(ctx, responses) -> None:
    # two clerks save two wordings on what they both saw: one is kept, the other is told it
    # changed meanwhile (409), as when it comes second
    assert sorted(r.status_code for r in responses) == [303, 409], [r.status_code for r in responses]
    with Session(ctx["db"]) as s:
        kept = submissions.submission_by_ref(s, ctx["office"]["ref"]).citation
    assert kept in ("Hiến 200 m² đất làm đường thôn.", "Hiến đất và vận động bà con làm đường.")


def setup_link(ctx) -> None:
    ctx["token"] = ctx["web"].link(ctx["office"]["staff2"])
    ctx["sessions_before"] = len(rows(ctx["db"], WebSession))


def link_forms(ctx, a, b):
    return [("/vao/" + ctx["token"], "POST", {}), ("/vao/" + ctx["token"], "POST", {})]


def two(ctx_forms: Callable[[dict], list[tuple[str, str, dict]]]):
    def forms(ctx, a, b):
        out = []
        for client, (page, post, data) in zip((a, b), ctx_forms(ctx), strict=True):
            path, values = page_form(page, post, **data)(client)
            out.append((path, "POST", values))
        return out

    return forms


def upload_forms(ctx, a, b):
    """Both clerks read the import page and send the same filled spreadsheet."""
    data = filled(ctx["campaign"])
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return [
        (
            "/nguoi/nhap",
            "POST",
            {"csrf": csrf_of(c.get("/nguoi/nhap").text)},
            {"file": ("d.xlsx", data, xlsx)},
        )
        for c in (a, b)
    ]


# -- the campaigns («Đợt thi đua»): the bundled campaign stored open, a draft beside it ------------


def setup_campaigns(ctx) -> None:
    staff = member(ctx["db"], ctx["office"]["staff"])
    op(ctx["db"], ctx["clock"], lambda u: campaign_ops.store_file_campaign(u, ctx["campaign"], file_text()))()
    op(ctx["db"], ctx["clock"], lambda u: campaign_ops.save_draft(u, staff, campaign_text("vu-dong-2024")))()


def setup_closed_campaign(ctx) -> None:
    setup_campaigns(ctx)
    staff = member(ctx["db"], ctx["office"]["staff"])
    op(ctx["db"], ctx["clock"], lambda u: campaign_ops.close_campaign(u, staff, "tran-ninh-2024"))()


def editor_fields(html: str) -> dict[str, str]:
    from .test_web_campaigns import inputs

    return inputs(html)


def editor_forms(page: str, post: str, **changes: str):
    def forms(ctx, a, b):
        out = []
        for client in (a, b):
            html = client.get(page).text
            out.append((post, "POST", {"csrf": csrf_of(html), **editor_fields(html), **changes}))
        return out

    return forms


def toml_upload_forms(ctx, a, b):
    text = campaign_text("tai-len-2025")
    return [
        ("/dot-thi-dua/tai-len", "POST", {"csrf": csrf_of(c.get("/dot-thi-dua").text), "toml": text})
        for c in (a, b)
    ]


def check_one_import(ctx, responses) -> None:
    # the same file sent by two clerks at once: imported once; the other is told it is done
    assert sorted(r.status_code for r in responses) == [303, 409], [r.status_code for r in responses]
    assert "đã được nhập rồi" in next(r for r in responses if r.status_code == 409).text
    listed = [m for m in rows(ctx["db"], Member) if m.phone in ("0912345678", "0987654321", "0977111222")]
    assert len(listed) == 3
    assert len([u for u in rows(ctx["db"], UnitRow) if u.code == "T20"]) == 1
    assert len([i for i in rows(ctx["db"], Invite) if i.purpose == "person"]) == 3


def move_forms(code: str, move: str):
    def forms(ctx, a, b):
        out = []
        for client in (a, b):
            html = client.get("/dot-thi-dua").text
            seen = field(html[html.index(f'action="/dot-thi-dua/{code}/{move}"') :], "seen")
            out.append((f"/dot-thi-dua/{code}/{move}", "POST", {"csrf": csrf_of(html), "seen": seen}))
        return out

    return forms


def check_one_move(code: str, status: str):
    def check(ctx, responses) -> None:
        # one moves it; the other is told it moved (who got there first shows in the list)
        assert sorted(r.status_code for r in responses) == [303, 409], [r.status_code for r in responses]
        assert "vừa được người khác chuyển sang" in next(r for r in responses if r.status_code == 409).text
        [row] = [x for x in rows(ctx["db"], CampaignRecord) if x.code == code]
        assert row.status == status

    return check


def check_one_new_campaign(code: str, refused: int):
    def check(ctx, responses) -> None:
        assert sorted(r.status_code for r in responses) == [303, refused], [r.status_code for r in responses]
        assert f"Đã có đợt thi đua mã «{code}»" in next(r for r in responses if r.status_code == refused).text
        assert len([x for x in rows(ctx["db"], CampaignRecord) if x.code == code]) == 1

    return check


def check_one_draft_save(ctx, responses) -> None:
    assert sorted(r.status_code for r in responses) == [303, 409], [r.status_code for r in responses]
    [row] = [x for x in rows(ctx["db"], CampaignRecord) if x.code == "vu-dong-2024"]
    assert row.version == 2


NEW_CAMPAIGN = {
    "campaign.code": "tran-ninh-2025",
    "campaign.opens_on": "2025-03-01",
    "campaign.deadline_on": "2025-09-30",
    "parent_plan.date": "2025-02-20",
    "lam": "luu",
}


RACES: dict[str, Race | str] = {
    "/ho-so/{ref}/quyet-dinh": Race(
        who=("staff", "staff2"),
        forms=two(
            lambda ctx: [
                (
                    f"/ho-so/{ctx['office']['ref']}",
                    f"/ho-so/{ctx['office']['ref']}/quyet-dinh",
                    {"seen": seen, "decision": "approve", "reason": ""},
                ),
                (
                    f"/ho-so/{ctx['office']['ref']}",
                    f"/ho-so/{ctx['office']['ref']}/quyet-dinh",
                    {"seen": seen, "decision": "reject", "reason": "Thiếu xác nhận của thôn."},
                ),
            ]
        ),
        check=check_decide,
        meet=(review, "find"),
    ),
    "/ho-so/{ref}/danh-sach": Race(
        who=("staff", "staff2"),
        setup=setup_list,
        forms=two(
            lambda ctx: [
                (f"/ho-so/{ref}", f"/ho-so/{ref}/danh-sach", {"seen": seen, "award": "district"})
                for ref in ctx["refs"][3:5]
            ]
        ),
        check=check_list,
        meet=(submissions, "shortlisted"),
    ),
    "/phien-xet": Race(
        who=("staff", "staff2"),
        setup=setup_council,
        forms=two(lambda ctx: [("/phien-xet", "/phien-xet", {"action": "open"})] * 2),
        check=check_open,
        meet=(council_rows, "open_round"),
    ),
    "/bo-phieu": Race(
        who=("staff", "council1"),
        setup=setup_open_round,
        forms=two(
            lambda ctx: [
                ("/phien-xet/ket-thuc", "/phien-xet", {"action": "close", "confirm": "yes"}),
                ("/bo-phieu", "/bo-phieu", {"ref": ctx["office"]["ref"], "choice": "agree"}),
            ]
        ),
        check=check_vote_and_close,
        meet=(council_rows, "open_round"),
    ),
    "/ho-so/{ref}/trich-yeu": Race(
        who=("staff", "staff2"),
        forms=two(
            lambda ctx: [
                (
                    f"/ho-so/{ctx['office']['ref']}",
                    f"/ho-so/{ctx['office']['ref']}/trich-yeu",
                    {"seen_citation": "", "citation": text},
                )
                for text in ("Hiến 200 m² đất làm đường thôn.", "Hiến đất và vận động bà con làm đường.")
            ]
        ),
        check=check_one_citation,
        meet=(submissions, "submission_by_ref"),
    ),
    "/quyet-dinh": Race(
        who=("staff", "staff2"),
        setup=setup_closed_round,
        forms=two(
            lambda ctx: [
                (
                    "/quyet-dinh",
                    "/quyet-dinh",
                    {
                        "action": "record",
                        "award": "commune",
                        "number": number,
                        "signed_on": ctx["today"],
                        "signer": "Hoàng Văn Vịnh",
                    },
                )
                for number in ("125", "126")
            ]
        ),
        check=check_one_decision,
        meet=(council_rows, "number_taken"),
    ),
    "/vao/{token}": Race(
        who=("anonymous", "anonymous"), setup=setup_link, forms=link_forms, check=check_one_session
    ),
    "/nguoi/moi": Race(
        who=("staff", "staff2"),
        forms=two(lambda ctx: [("/nguoi", "/nguoi/moi", {"role": "head", "unit": "T01"})] * 2),
        check=check_no_error,
    ),
    "/nguoi/vai-tro": Race(
        who=("admin", "admin2"),
        forms=two(
            lambda ctx: [
                (
                    "/nguoi",
                    "/nguoi/vai-tro",
                    {"member": str(ctx["office"]["staff2"]), "role": "head", "unit": "T01"},
                ),
                (
                    "/nguoi",
                    "/nguoi/vai-tro",
                    {"member": str(ctx["office"]["staff2"]), "role": "admin", "unit": "VPTK"},
                ),
            ]
        ),
        check=check_no_error,
    ),
    "/thong-bao": Race(
        who=("staff", "staff2"),
        forms=two(
            lambda ctx: (
                [("/thong-bao", "/thong-bao", {"audience": "all", "text": "Họp thôn lúc 8 giờ sáng mai."})]
                * 2
            )
        ),
        check=check_announcements,
    ),
    "/thong-bao/xem": "a preview: reads and renders, writes nothing",
    "/thong-bao/gui-lai": Race(
        who=("staff", "staff2"),
        forms=two(lambda ctx: [("/thong-bao", "/thong-bao/gui-lai", {"id": "1"})] * 2),
        check=check_no_error,
    ),
    "/xuat": Race(
        who=("staff", "staff2"),
        forms=two(lambda ctx: [("/xuat", "/xuat", {"what": "xlsx"})] * 2),
        check=check_no_error,
    ),
    "/dot-thi-dua/moi": Race(
        who=("staff", "staff2"),
        setup=setup_campaigns,
        forms=editor_forms("/dot-thi-dua/moi?tu=tran-ninh-2024", "/dot-thi-dua/moi", **NEW_CAMPAIGN),
        check=check_one_new_campaign("tran-ninh-2025", 409),
        meet=(campaign_ops, "_checked"),
    ),
    "/dot-thi-dua/{code}/sua": Race(
        who=("staff", "staff2"),
        setup=setup_campaigns,
        forms=editor_forms(
            "/dot-thi-dua/vu-dong-2024/sua", "/dot-thi-dua/vu-dong-2024/sua", **{"lam": "luu"}
        ),
        check=check_one_draft_save,
        meet=(campaign_rows, "get"),
    ),
    "/dot-thi-dua/tai-len": Race(
        who=("staff", "staff2"),
        setup=setup_campaigns,
        forms=toml_upload_forms,
        check=check_one_new_campaign("tai-len-2025", 400),
        meet=(campaign_ops, "_checked"),
    ),
    "/dot-thi-dua/{code}/mo": Race(
        who=("staff", "staff2"),
        setup=setup_campaigns,
        forms=move_forms("vu-dong-2024", "mo"),
        check=check_one_move("vu-dong-2024", "open"),
        meet=(campaign_rows, "get"),
    ),
    "/dot-thi-dua/{code}/dong": Race(
        who=("staff", "staff2"),
        setup=setup_campaigns,
        forms=move_forms("tran-ninh-2024", "dong"),
        check=check_one_move("tran-ninh-2024", "closed"),
        meet=(campaign_rows, "get"),
    ),
    "/dot-thi-dua/{code}/quyet-dinh": Race(
        who=("staff", "staff2"),
        setup=setup_closed_campaign,
        forms=move_forms("tran-ninh-2024", "quyet-dinh"),
        check=check_one_move("tran-ninh-2024", "decided"),
        meet=(campaign_rows, "get"),
    ),
    "/dot-thi-dua/{code}/luu-tru": Race(
        who=("staff", "staff2"),
        setup=setup_campaigns,
        forms=move_forms("vu-dong-2024", "luu-tru"),
        check=check_one_move("vu-dong-2024", "archived"),
        meet=(campaign_rows, "get"),
    ),
    "/dang-xuat": "signs out the browser's own session: nothing two browsers share",
    "/nguoi/nhap": Race(
        who=("staff", "staff2"),
        forms=upload_forms,
        check=check_one_import,
        meet=(roster, "members_by_phone"),
    ),
}


def console_post_routes(app) -> set[str]:
    return {r.path for r in app.routes if isinstance(r, Route) and "POST" in (r.methods or ())}


def test_every_post_route_of_the_console_is_raced(web):
    missing = console_post_routes(web.app) - set(RACES)
    assert not missing, f"POST routes with no race in RACES: {sorted(missing)}"


@pytest.mark.parametrize("path", sorted(k for k, v in RACES.items() if isinstance(v, Race)))
def test_two_browsers_send_at_once(path, web, core, db, office, clock, campaign, monkeypatch):
    spec: Race = RACES[path]
    ctx = {"web": web, "core": core, "db": db, "office": office, "clock": clock, "campaign": campaign}
    ctx["ids"] = {k: v for k, v in office.items() if isinstance(v, int)}
    spec.setup(ctx)
    clients = [web.client() if w == "anonymous" else web.signed_in(ctx["ids"][w]) for w in spec.who]
    if spec.who[1] == "anonymous":
        ctx["sessions_before"] = len(rows(db, WebSession))
    forms = spec.forms(ctx, *clients)
    sends = [
        lambda c=c, f=f: c.post(f[0], data=f[2], files=f[3] if len(f) > 3 else None)
        for c, f in zip(clients, forms, strict=True)
    ]
    if spec.meet is not None:
        with meet(monkeypatch, *spec.meet):
            responses = together(*sends)
    else:
        responses = together(*sends)
    for r in responses:
        assert not isinstance(r, Exception), r
    ctx["responses"] = responses
    spec.check(ctx, responses)


# -- the province console: two administrators at once ----------------------------------------


def province_forms(province, clients, path: str, data: dict) -> list[tuple[str, dict]]:
    return [(path, {"csrf": csrf_of(c.get("/").text), **data}) for c in clients]


def check_one_commune(province, responses) -> None:
    # the same code and host added twice at once: the registry's unique keys keep one
    assert sorted(r.status_code for r in responses) == [303, 400], [r.status_code for r in responses]
    assert "đã có" in next(r for r in responses if r.status_code == 400).text
    assert [c.code for c in province.registry.all()] == ["tran-ninh", "yen-phuc"]


def check_two_invitations(province, responses) -> None:
    # two invitations of the first staff member: two links, each good once, in B's scope only
    assert [r.status_code for r in responses] == [200, 200]
    links = {re.search(r'id="staff-link" href="([^"]+)"', r.text).group(1) for r in responses}
    assert len(links) == 2
    with Session(province.engine("yen-phuc")) as s:
        assert len(s.exec(select(WebLink).where(WebLink.role == "staff")).all()) == 2


def check_one_province_session(province, responses) -> None:
    assert sorted(r.status_code for r in responses) == [303, 410], [r.status_code for r in responses]
    with Session(province.registry.base) as s:
        assert len(s.exec(select(ProvinceWebSession)).all()) == 3  # the two administrators' own + one


PROVINCE_RACES: dict[str, Any] = {
    "/xa": (
        lambda p, cs: province_forms(
            p, cs, "/xa", {"code": "yen-phuc", "name": "Xã Yên Phúc", "host": "b.thidua.test"}
        ),
        check_one_commune,
        (Communes, "first"),
    ),
    "/xa/{code}/moi": (
        lambda p, cs: (p.add(), province_forms(p, cs, "/xa/yen-phuc/moi", {}))[1],
        check_two_invitations,
        None,
    ),
    "/vao/{token}": (
        lambda p, cs: [(f"/vao/{p.admin_link('Lò Thị Ba')[1]}", {})] * 2,
        check_one_province_session,
        None,
    ),
    "/dang-xuat": "signs out the browser's own session: nothing two browsers share",
}


def test_every_post_route_of_the_province_console_is_raced(province):
    from web.province import pages

    posts = {r.path for r in pages.ROUTES if "POST" in (r.methods or ())}
    assert posts - set(PROVINCE_RACES) == set(), (
        f"POST routes with no race: {sorted(posts - set(PROVINCE_RACES))}"
    )


@pytest.mark.parametrize("path", sorted(k for k, v in PROVINCE_RACES.items() if isinstance(v, tuple)))
def test_two_province_administrators_send_at_once(path, province, monkeypatch):
    forms, check, meeting = PROVINCE_RACES[path]
    clients = [province.admin("Hà Thị Tỉnh"), province.admin("Lò Văn Hai")]
    sends = [
        lambda c=c, f=f: c.post(f[0], data=f[1])
        for c, f in zip(clients, forms(province, clients), strict=True)
    ]
    if meeting is not None:
        with meet(monkeypatch, *meeting):
            responses = together(*sends)
    else:
        responses = together(*sends)
    for r in responses:
        assert not isinstance(r, Exception), r
    check(province, responses)
