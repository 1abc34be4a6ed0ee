"""Tra cứu khen thưởng across campaigns: decisions of two campaigns in two years, on the real
SQLite file and on PostgreSQL; a name with or without diacritics, a unit, a year, an award; a
person's history; a withdrawn decision never counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from domain import lookup
from domain.lookup import Known, person_key
from domain.uow import UnitOfWork
from storage import lookup as rows

from .lookup_seed import (
    EARLIER,
    EARLIER_SHORT,
    EARLIER_TITLE,
    earlier_campaign,
    store_campaigns,
    two_years,
    with_rules,
)

NOW = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def seeded(engine):
    with Session(engine, expire_on_commit=False) as s:
        people = two_years(s, NOW)
        s.commit()
    return people


@pytest.fixture
def known(campaign) -> Known:
    return Known(campaign, {EARLIER: earlier_campaign()})


def names(found) -> list[tuple[str, str, str]]:
    return [(c.nominee, c.number, c.unit) for c in found.items]


def test_a_name_without_diacritics_finds_every_campaign_newest_first(engine, seeded, known):
    with Session(engine) as s:
        found = lookup.search(s, known, text="hoang van tu")
    assert names(found) == [
        ("Hoàng Văn Tư", "310/QĐ-UBND", "Thôn 3"),
        ("Hoàng Văn Tư", "125/QĐ-UBND", "Thôn 1"),
        ("Hộ ông Hoàng Văn Tư", "88/QĐ-UBND", "Thôn 1"),
    ]
    assert found.total == 3 and not found.more
    first, _, last = found.items
    assert first.award == "Giấy khen của Chủ tịch UBND huyện"
    assert last.award == "Giấy khen của Chủ tịch UBND xã (năm 2023)"  # named as its own file names it
    assert (last.campaign, last.campaign_short) == (EARLIER_TITLE, EARLIER_SHORT)
    assert last.citation == "Hiến 300 m2 đất làm đường liên thôn."
    assert (last.signed_on, last.signer_name) == (date(2023, 11, 20), "Hoàng Văn Vịnh")
    # grouped by year, then campaign
    groups = found.grouped()
    assert [g.year for g in groups] == [2024, 2023]
    assert [c.title for c in groups[1].campaigns] == [EARLIER_TITLE]
    assert [len(c.items) for c in groups[0].campaigns] == [2]


def test_with_diacritics_a_unit_a_year_an_award(engine, seeded, known):
    with Session(engine) as s:
        assert lookup.search(s, known, text="Hoàng Văn Tư").total == 3
        assert [c.nominee for c in lookup.search(s, known, unit_code="T05").items] == [
            "Chi hội Phụ nữ thôn 5",
            "Thôn 5",
        ]
        assert [c.nominee for c in lookup.search(s, known, year=2023).items] == [
            "Hộ ông Hoàng Văn Tư",
            "Thôn 5",
        ]
        assert [c.number for c in lookup.search(s, known, award_key="district").items] == ["310/QĐ-UBND"]
        both = lookup.search(s, known, text="tu", unit_code="T01", year=2024)
        assert names(both) == [("Hoàng Văn Tư", "125/QĐ-UBND", "Thôn 1")]
        assert lookup.search(s, known, text="Không Ai Cả").total == 0
        # the chat's one question: a unit's name is the unit's history; else a name
        assert lookup.lookup(s, known, "thon 5").total == 2
        assert lookup.lookup(s, known, "phu nu").total == 1


def test_a_withdrawn_decision_never_counts(engine, seeded, known):
    with Session(engine) as s:
        assert lookup.search(s, known, text="Lường Thị Hoa").total == 0
        assert lookup.search(s, known).total == 5
        assert lookup.search(s, known, year=2023).total == 2


def test_pages_of_a_long_result(engine, seeded, known):
    with Session(engine) as s:
        first = lookup.search(s, known, limit=2)
        second = lookup.search(s, known, offset=2, limit=2)
        last = lookup.search(s, known, offset=4, limit=2)
    assert (first.total, second.total, last.total) == (5, 5, 5)
    assert first.more and second.more and not last.more
    seen = [c.ref for c in (*first.items, *second.items, *last.items)]
    assert len(set(seen)) == 5


def test_pages_read_decision_by_decision_match_the_whole_join(engine, seeded):
    """With no name or unit the pages are read decision by decision; they hold the same awards
    in the same order as the join sorted whole (which a name search reads)."""
    with Session(engine) as s:
        for kw in ({}, {"year": 2024}, {"award_key": "commune"}, {"year": 2023}):
            joined, n = rows.awards(s, not_submission=-1, **kw)  # the join path
            assert n == len(joined) > 0
            for limit in (1, 2, 3):
                pages = [rows.awards(s, offset=o, limit=limit, **kw) for o in range(0, n, limit)]
                assert [r for page, _ in pages for r in page] == joined, (kw, limit)
                assert {total for _, total in pages} == {n}
            assert rows.awards(s, **kw) == (joined, n)


def test_a_persons_history_and_a_residents_own_awards(engine, seeded, known):
    with Session(engine) as s:
        history = lookup.history_of(s, known, "Hộ ông Hoàng Văn Tư", "T01")
        assert [c.number for c in history] == ["125/QĐ-UBND", "88/QĐ-UBND"]  # not the namesake of Thôn 3
        mine = lookup.awards_of_member(s, known, seeded["tu"])
        assert [(c.campaign_code, c.number) for c in mine] == [
            ("tran-ninh-2024", "125/QĐ-UBND"),
            (EARLIER, "88/QĐ-UBND"),
        ]
        assert lookup.awards_of_member(s, known, seeded["other"]) == []


def test_earlier_awards_within_the_campaign_files_window(engine, seeded, campaign):
    with Session(engine) as s:
        new = lookup.search(s, Known(campaign), text="Hoàng Văn Tư", unit_code="T01", year=2024).items[0]
        from storage.submissions import submission_by_ref

        sub = submission_by_ref(s, new.ref)
        others = {EARLIER: earlier_campaign()}
        assert lookup.earlier_awards(s, Known(campaign, others), sub, NOW) == []  # no [rules]: none
        two = Known(with_rules(campaign, repeat_award_years=2), others)
        assert [c.number for c in lookup.earlier_awards(s, two, sub, NOW)] == ["88/QĐ-UBND"]
        one = Known(with_rules(campaign, repeat_award_years=1), others)
        assert lookup.earlier_awards(s, one, sub, NOW) == []  # 20/11/2023 is before 01/03/2024


def test_the_campaigns_are_named_from_the_commune_table(engine, seeded, campaign):
    with Session(engine) as s:
        store_campaigns(s, datetime(2024, 11, 5, 3, 0, tzinfo=UTC), seeded["staff"])
        s.commit()
        known = lookup.known_campaigns(UnitOfWork(s, NOW), campaign)
        assert set(known.others) == {EARLIER} and known.current is campaign
        oldest = lookup.search(s, known, text="hoang van tu").items[-1]
    assert (oldest.campaign, oldest.campaign_short) == (EARLIER_TITLE, EARLIER_SHORT)
    assert oldest.award == "Giấy khen của Chủ tịch UBND xã (năm 2023)"


def test_the_person_key():
    assert person_key("Hộ ông Hoàng Văn Tư") == person_key("hoang van tu") == "hoang van tu"
    assert person_key("Hộ gia đình bà Lường Thị Hoa") == "luong thi hoa"
    assert person_key("Hồ Bá Thắng") == "ho ba thang"  # a name, not a household
    assert person_key("Thôn 5") == "thon 5"
