"""The public wall of honour /guong-dien-hinh: the campaign's title, grouped by decision and
award, each awardee with the office's citation and never the submitter's own words or an
income, whatever field of the form they were typed in; the unit named once; a print view."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import Session, select

from domain import citation
from domain.uow import UnitOfWork
from storage import submissions
from storage.models import Evidence, Member, Submission
from web.pages.honours import unit_once

from .test_honours import client_for, decided  # noqa: F401  (fixture)

INCOME = 987_654_321
WRITTEN = "Đi đầu hiến đất làm đường bê tông, giúp nhiều hộ trong thôn trồng hồi."


def fill_every_field(db, campaign, nominee: str) -> list[str]:
    """Every answer the submission form takes, and the submitter's own details, each holding a
    marker no public text could contain; the money answers an income. Returns the markers."""
    markers: list[str] = []

    def marker(name: str) -> str:
        markers.append(f"DAU{len(markers):02d}{name.upper()}X")
        return markers[-1]

    with Session(db) as s:
        sub = s.exec(select(Submission).where(Submission.nominee == nominee)).one()
        answers: dict = {}
        for cat in campaign.categories:
            for chk in cat.checks:
                answers[chk.key] = INCOME if chk.kind == "money" else marker(chk.key)
        answers["vote_note"] = marker("vote")
        answers["figures"] = {ct.key: {f.key: marker(f.key) for f in ct.figures} for ct in campaign.contents}
        sub.answers = answers
        sub.achievements = f"{marker('ach')} làm đường. Thu nhập hơn 200 triệu/năm, {marker('ach')} nuôi bò."
        sub.flags = [marker("flag")]
        sub.contents = [marker("content")]
        for e in s.exec(select(Evidence).where(Evidence.submission_id == sub.id)):
            e.caption = marker("caption")
            s.add(e)
        who = s.get(Member, sub.submitter_id)
        who.phone, who.full_name = "0912345678", marker("submitter")
        s.add_all([sub, who])
        s.commit()
    markers += ["0912345678", "987.654.321", "987654321", "200 triệu", "Thu nhập", "thu nhập"]
    return markers


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_no_raw_text_nor_income_reaches_the_public_page(db, campaign, clock, decided, tmp_path):
    markers = fill_every_field(db, campaign, "Hộ ông Hoàng Văn Tư")
    client = client_for(db, campaign, clock, tmp_path)
    before = client.get("/guong-dien-hinh").text
    assert "Hộ ông Hoàng Văn Tư" in before
    assert [m for m in markers if m in before] == []  # no citation written yet: none shown
    with Session(db) as s:
        citation.set_citation(UnitOfWork(s, clock.now()), s.merge(decided), _ref(s), WRITTEN)
        s.commit()
    for path in ("/guong-dien-hinh", "/guong-dien-hinh?ban-in=1"):
        page = client.get(path).text
        assert WRITTEN in page
        assert [m for m in markers if m in page] == []


def _ref(s) -> str:
    return s.exec(select(Submission.ref).where(Submission.nominee == "Hộ ông Hoàng Văn Tư")).one()


def test_the_wall_is_grouped_by_decision_and_award_under_the_campaign_title(
    db, campaign, clock, decided, tmp_path
):
    page = client_for(db, campaign, clock, tmp_path).get("/guong-dien-hinh").text
    words = text_of(page)
    assert campaign.campaign.title in words and "Gương điển hình" in words
    assert "Giấy khen của Chủ tịch UBND xã Quyết định số 125/QĐ-UBND ngày 05/11/2024" in words
    assert words.count("Quyết định số 125/QĐ-UBND") == 1  # one heading for the decision's awardees
    # the two awardees under it, each with its unit once
    assert "Hộ ông Hoàng Văn Tư — Thôn 1" in words and "Hộ bà Lường Thị Hoa — Thôn 1" in words
    assert "/guong-dien-hinh?ban-in=1" in page


def test_the_unit_is_named_once():
    assert unit_once("Thôn 5", "Thôn 5") is None
    assert unit_once("Chi hội Phụ nữ thôn 5", "Thôn 5") is None
    assert unit_once("Hộ ông Hoàng Văn Tư", "Thôn 1") == "Thôn 1"


def test_the_print_view_has_the_wall_alone(db, campaign, clock, decided, tmp_path):
    client = client_for(db, campaign, clock, tmp_path)
    page = client.get("/guong-dien-hinh?ban-in=1").text
    assert "Hộ ông Hoàng Văn Tư" in page and 'class="wall printing"' in page
    assert '<header class="top">' not in page and "<footer>" not in page and "ban-in=1" not in page
    css = (Path(__file__).parents[1] / "web" / "static" / "app.css").read_text()
    printing = css[css.index("@media print") :]
    assert ".wall" in printing and "header.top" in printing
    # a consented photo is shown large enough to see (not a thumbnail)
    assert re.search(r"\.wall-photos img \{[^}]*max-width: 22rem", css)
    with Session(db) as s:
        assert submissions.submission_by_ref(s, _ref(s)).status == "awarded"
