"""The council on the web console: a council member signs in with a link from chat,
reads the lists and dossiers without any form, is refused every staff action, votes and
changes the vote on the ballot page until the round closes; staff open a round, watch the
tally and close it from the round page. Every action is the chat's domain operation, audited
with the channel «web»."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from storage.models import AuditLog, CouncilItem, CouncilRound, CouncilVote, Member, Submission

from .conftest import nominate_household, rows
from .review_helpers import join, member_id, notes
from .test_council import shortlist
from .web_helpers import csrf_of, people, web  # noqa: F401  (fixtures)

LINK = re.compile(r"http://testserver/vao/(\S+)")


@pytest.fixture
def council(web, people, core, db, clock):
    """DC-0001 and a second nomination on the commune list; two council members who signed in
    with the link «Mở trang quản lý» gives them in chat."""
    second = nominate_household(people["resident"], nominee="Hộ bà Nông Thị Hoa")
    for ref in (people["ref"], second):
        shortlist(db, clock, ref)
    out = {"refs": (people["ref"], second), "ids": {}, "browsers": {}}
    for i, name in ((1, "Hoàng Văn Vịnh"), (2, "Lộc Thị Hạnh")):
        p = join(core, db, clock, f"m{i}", "council", None, name=name)
        core.console_url = "http://testserver"
        p.say("/web")
        token = LINK.search(p.text).group(1)
        c = web.client()
        r = c.post(f"/vao/{token}")
        assert r.status_code == 303 and r.headers["location"] == "/bo-phieu"
        out["ids"][i], out["browsers"][i], out[f"m{i}"] = member_id(core, p), c, p
    # a third nomination stays approved, not on a list: the council does not read it
    third = nominate_household(people["resident"], nominee="Hộ ông Vi Văn Ba")
    with Session(db) as s:
        from . import seed

        row = s.exec(select(Submission).where(Submission.ref == third)).one()
        seed.change_status(s, row, "approved", actor_id=None, reason=None, now=clock.now(), notify=None)
        s.commit()
    out["hidden"] = third
    return out


def staff_round(web, people, action: str):
    c = web.signed_in(people["ids"]["staff"])
    page = c.get("/phien-xet")
    return c, c.post("/phien-xet", data={"csrf": csrf_of(page.text), "action": action})


def vote(c, ref: str, choice: str):
    page = c.get("/bo-phieu")
    return c.post("/bo-phieu", data={"csrf": csrf_of(page.text), "ref": ref, "choice": choice})


def test_a_council_member_reads_the_lists_and_dossiers_without_forms(web, people, council):
    c = council["browsers"][1]
    first, second = council["refs"]
    lists = c.get("/hoi-dong")
    assert lists.status_code == 200 and first in lists.text and second in lists.text
    assert council["hidden"] not in lists.text and "Đã đạt, chưa vào danh sách" not in lists.text
    listing = c.get("/ho-so")
    assert listing.status_code == 200 and first in listing.text and council["hidden"] not in listing.text
    dossier = c.get(f"/ho-so/{first}")
    assert dossier.status_code == 200 and "Hoàng Văn Tư" in dossier.text
    assert "<form" not in dossier.text.replace('action="/dang-xuat"', "").split("</header>")[1]
    assert "Nhật ký" not in dossier.text
    hidden = c.get(f"/ho-so/{council['hidden']}")
    assert hidden.status_code == 404 and "Hộ ông Vi Văn Ba" not in hidden.text
    # the menu: the ballot, the dossiers, the lists; nothing of the office's
    assert (
        'href="/bo-phieu"' in lists.text
        and 'href="/xuat"' not in lists.text
        and 'href="/nguoi"' not in lists.text
    )


def test_a_council_member_cannot_decide_shortlist_export_or_open_a_round(web, people, council, db):
    c = council["browsers"][1]
    token = csrf_of(c.get("/bo-phieu").text)
    first = council["refs"][0]
    for path, data in (
        (f"/ho-so/{first}/quyet-dinh", {"decision": "reject", "reason": "không đạt"}),
        (f"/ho-so/{first}/danh-sach", {"action": "remove"}),
        ("/xuat", {"what": "xlsx"}),
        ("/nguoi/moi", {"role": "council"}),
        ("/phien-xet", {"action": "open"}),
    ):
        r = c.post(path, data={"csrf": token, **data})
        assert r.status_code == 403 and "Không có quyền" in r.text and first not in r.text, path
    for path in ("/", "/xuat", "/nguoi", "/chien-dich", "/phien-xet"):
        r = c.get(path)
        assert r.status_code == 403 and "Hoàng Văn Tư" not in r.text, path
    assert rows(db, CouncilRound) == []
    with Session(db) as s:
        assert s.exec(select(Submission).where(Submission.ref == first)).one().status == "shortlisted"


def test_vote_change_and_close_on_the_web(web, people, council, db, core):
    first, second = council["refs"]
    m1, m2 = council["browsers"][1], council["browsers"][2]
    closed = m1.get("/bo-phieu")
    assert closed.status_code == 200 and "Hiện không có phiên xét nào đang mở" in closed.text
    # staff open the round from the page; members are told in chat as when opened in chat
    staff, r = staff_round(web, people, "open")
    assert r.status_code == 303
    page = staff.get(r.headers["location"])
    assert "Đã mở phiên xét" in page.text and "0/2 thành viên đã bỏ phiếu (cần 2)" in page.text
    for i in (1, 2):
        assert any("mở phiên xét số 1 (2 hồ sơ)" in n for n in notes(db, council["ids"][i]))
    ballot = m1.get("/bo-phieu")
    assert "Phiên xét số 1" in ballot.text and "Hoàng Văn Tư" in ballot.text
    assert ballot.text.count("Đồng ý</button>") == 2 and "Xin ý kiến thêm</button>" in ballot.text
    r = vote(m1, first, "agree")
    assert r.status_code == 303 and r.headers["location"] == f"/bo-phieu?xong={first}#item-1"
    assert "Phiếu của bạn: <b>Đồng ý</b>" in m1.get("/bo-phieu").text
    assert vote(m1, second, "more_info").status_code == 303
    # the vote changes while the round is open: the same row, updated
    assert vote(m1, first, "disagree").status_code == 303
    assert "Phiếu của bạn: <b>Không đồng ý</b>" in m1.get("/bo-phieu").text
    votes = rows(db, CouncilVote)
    assert len(votes) == 2 and {v.choice for v in votes} == {"disagree", "more_info"}
    assert vote(m2, first, "agree").status_code == 303 and vote(m2, second, "agree").status_code == 303
    assert vote(m2, first, "bogus").status_code == 400
    # the staff's live tally under the campaign's rule (more than half of those present)
    tally = staff.get("/phien-xet").text
    assert "2/2 thành viên đã bỏ phiếu (cần 2)" in tally
    cells = re.findall(
        r'data-label="Đồng ý">(\d)</td><td class="n" data-label="Không đồng ý">(\d)</td>'
        r'<td class="n" data-label="Xin ý kiến thêm">(\d)</td>\s*<td class="result result-(\w+)">',
        tally,
    )
    assert cells == [("1", "1", "0", "failed"), ("1", "0", "1", "failed")]
    assert vote(m2, second, "agree").status_code == 303 and vote(m1, second, "agree").status_code == 303
    assert "result-passed" in staff.get("/phien-xet").text
    # the audit: the domain's rows and the console's, with the channel «web»
    audit = rows(db, AuditLog)
    web_votes = [a for a in audit if a.action == "web.vote"]
    assert len(web_votes) == 7 and all(a.after["channel"] == "web" for a in web_votes)
    assert len([a for a in audit if a.action == "council.vote"]) == 7  # the refused one left none
    # close: only from the confirmation page, which shows the tally; no vote afterwards
    token = csrf_of(staff.get("/phien-xet").text)
    r = staff.post("/phien-xet", data={"csrf": token, "action": "close"})
    assert r.status_code == 303 and r.headers["location"] == "/phien-xet/ket-thuc"
    assert rows(db, CouncilRound)[0].status == "open"
    confirm = staff.get("/phien-xet/ket-thuc")
    assert "Kết thúc phiên xét số 1?" in confirm.text and 'class="result result-failed"' in confirm.text
    assert "1 hồ sơ không đạt: rời danh sách Hội đồng" in confirm.text
    r = staff.post("/phien-xet", data={"csrf": token, "action": "close", "confirm": "yes"})
    assert r.status_code == 303 and r.headers["location"] == "/phien-xet/1?xong=dong"
    assert "Đã kết thúc phiên xét" in staff.get(r.headers["location"]).text
    assert [i.result for i in rows(db, CouncilItem)] == ["failed", "passed"]
    page = m1.get("/bo-phieu")
    assert (
        "Hiện không có phiên xét nào đang mở" in page.text
        and "<button type=\"submit\" name=\"choice\"" not in page.text
    )
    late = m1.post("/bo-phieu", data={"csrf": csrf_of(page.text), "ref": first, "choice": "agree"})
    assert late.status_code == 409 and "Hiện không có phiên xét nào đang mở" in late.text
    assert {v.choice for v in rows(db, CouncilVote) if v.member_id == council["ids"][1]} == {
        "disagree",
        "agree",
    }
    assert [a.action for a in rows(db, AuditLog) if a.action.startswith("web.council_")] == [
        "web.council_open",
        "web.council_close",
    ]
    # closing again is refused the chat's way
    again = staff.post(
        "/phien-xet",
        data={"csrf": csrf_of(staff.get("/phien-xet").text), "action": "close", "confirm": "yes"},
    )
    assert again.status_code == 409 and "Hiện không có phiên xét nào đang mở" in again.text


def test_opening_with_nothing_on_the_lists_is_refused_in_words(web, people, core, db, clock):
    join(core, db, clock, "m1", "council", None, name="Hoàng Văn Vịnh")
    _, r = staff_round(web, people, "open")
    assert r.status_code == 400 and "Danh sách trình Hội đồng chưa có hồ sơ nào" in r.text
    assert rows(db, CouncilRound) == []


def test_residents_and_heads_get_no_ballot_or_round(web, people, council):
    for who in ("resident", "head"):
        c = web.session_for(people["ids"][who])
        for path in ("/bo-phieu", "/phien-xet"):
            r = c.get(path)
            assert r.status_code == 403 and council["refs"][0] not in r.text
        assert c.post("/bo-phieu", data={"ref": council["refs"][0], "choice": "agree"}).status_code == 403
    # staff have no ballot (they are not council members)
    assert web.signed_in(people["ids"]["staff"]).get("/bo-phieu").status_code == 403


def test_the_lists_say_their_counts_include_the_decided_items(web, db, campaign, clock):
    """Once a decision awarded every item, a list's quota line says it counts those awarded
    and the list reads «Không còn hồ sơ nào chờ Hội đồng xét», not «Danh sách còn trống»
    beside a count of four."""
    from html import unescape

    from .ceremony import ceremony

    ceremony(db, campaign, clock)
    with Session(db) as s:
        staff = s.exec(select(Member).where(Member.role == "staff")).one()
    html = unescape(web.signed_in(staff.id).get("/hoi-dong").text)
    district = html.split("Giấy khen của Chủ tịch UBND huyện</h2>", 1)[1].split("</section>", 1)[0]
    assert "kể cả 4 hồ sơ đã có quyết định" in district, district
    assert "Không còn hồ sơ nào chờ Hội đồng xét." in district and "Danh sách còn trống" not in district
    commune = html.split("Giấy khen của Chủ tịch UBND xã</h2>", 1)[1].split("</section>", 1)[0]
    assert "kể cả 10 hồ sơ đã có quyết định" in commune, commune


def test_a_past_round_points_to_the_decision_page_only_while_items_wait(web, db, campaign, clock):
    """Once every passed item has its decision, the round's page no longer says they wait; a
    decision withdrawn puts its items back, and the page says how many."""
    from domain import council as ops
    from domain.uow import UnitOfWork
    from storage.models import AwardDecision

    from .ceremony import ceremony

    ceremony(db, campaign, clock)
    with Session(db) as s:
        staff = s.exec(select(Member).where(Member.role == "staff")).one()
    browser = web.signed_in(staff.id)
    assert "chờ ghi quyết định" not in browser.get("/phien-xet/1").text
    with Session(db) as s:
        commune = s.exec(select(AwardDecision).where(AwardDecision.number == "125/QĐ-UBND")).one()
        ops.withdraw_decision(
            UnitOfWork(s, clock.now()), s.get(Member, staff.id), campaign, commune.id, "Ghi nhầm số"
        )
        s.commit()
    assert "10 hồ sơ đạt chờ ghi quyết định" in browser.get("/phien-xet/1").text


def test_a_dossier_the_council_did_not_recommend_is_not_shown_on_a_list(web, db, campaign, clock):
    """The item that failed the vote left the list: its page says it went to the council, and
    never «Trong danh sách»."""
    from html import unescape

    from .ceremony import ceremony

    refs = ceremony(db, campaign, clock)
    with Session(db) as s:
        staff = s.exec(select(Member).where(Member.role == "staff")).one()
    browser = web.signed_in(staff.id)
    failed = unescape(browser.get(f"/ho-so/{refs['failed']}").text)
    assert "Hội đồng không đề nghị khen thưởng" in failed
    assert "Trong danh sách" not in failed and "Đã trình Hội đồng xét" in failed
    awarded = unescape(browser.get(f"/ho-so/{refs['commune'][0]}").text)
    assert "Trong danh sách" in awarded
