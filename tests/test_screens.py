"""Staff and head screens stay bounded as the campaign grows: statistics and the digest are
counted by the database (GROUP BY), and give what counting every row in Python gave."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from domain import digest as dg
from handlers.digest import text_table
from storage.models import Submission

from .seeding import START, populate


def previous_compute(s, campaign, at, since):
    """The digest as it was computed before: every submission read, counted in Python."""
    rows = s.exec(
        select(
            Submission.kind,
            Submission.unit_code,
            Submission.category,
            Submission.status,
            Submission.submitted_at,
        )
        .where(Submission.campaign_code == campaign.code)
        .order_by(Submission.id)
    ).all()
    live = [r for r in rows if r[3] != "withdrawn"]
    is_new = [r for r in live if r[4] is not None and since <= r[4] <= at]
    per_unit = Counter(r[1] for r in live)
    new_unit = Counter(r[1] for r in is_new)
    statuses = Counter(r[3] for r in rows if r[0] in ("nomination", "proposal"))
    categories = Counter(r[2] for r in live if r[2])
    return dg.Digest(
        at=at,
        since=since,
        final=False,
        total=len(live),
        new=len(is_new),
        # what «Thẩm định hồ sơ» opens; unit reports apart; the office is never late
        waiting=sum(1 for r in rows if r[0] in ("nomination", "proposal") and r[3] in dg.WAITING),
        reports=sum(1 for r in live if r[0] == "report"),
        by_status=dict(statuses.most_common()),
        by_category={c.key: categories[c.key] for c in campaign.categories if categories[c.key]},
        by_unit=[dg.UnitRow(u.code, u.name, per_unit[u.code], new_unit[u.code]) for u in campaign.units],
        empty_units=[u.name for u in campaign.units if not per_unit[u.code] and u.reports],
    )


def same_digest(engine, campaign, at, since) -> dg.Digest:
    """The digest as computed now equals the previous computation, in the same order (ties
    included) and the same words; returned for more checks."""
    with Session(engine) as s:
        new = dg.compute(s, campaign, at, since=since)
        old = previous_compute(s, campaign, at, since)
    assert new == old
    assert list(new.by_status) == list(old.by_status)  # the same order, ties included
    assert text_table(campaign, new) == text_table(campaign, old)
    return new


@pytest.mark.parametrize("n", [0, 7, 3000])
def test_the_aggregate_digest_equals_the_previous_one(db, campaign, n):
    populate(db, campaign, n, seed=5, odd=True)
    at = START + timedelta(minutes=37 * n * 2 // 3)
    since = START + timedelta(minutes=37 * n // 3)
    new = same_digest(db, campaign, at, since)
    if n:
        assert new.total and new.new and new.waiting


def test_the_aggregate_digest_on_postgresql(pg_db, campaign):
    populate(pg_db, campaign, 500, seed=5)
    at = datetime(2024, 3, 6, tzinfo=UTC)
    with Session(pg_db) as s:
        assert dg.compute(s, campaign, at, since=START) == previous_compute(s, campaign, at, START)


# -- the screens a page at a time ------------------------------------------------------------

from sqlmodel import func  # noqa: E402

from handlers.paging import NEXT, PAGE_SIZE, PREV  # noqa: E402
from storage import pages  # noqa: E402

from .conftest import Player  # noqa: E402
from .seeding import head_ids, staff_ids  # noqa: E402


def items(p: Player) -> list[str]:
    return [o.value for o in p.question.options if not o.value.startswith("page:") and o.value != "done"]


def count(db, *where) -> int:
    with Session(db) as s:
        return s.exec(select(func.count()).select_from(Submission).where(*where)).one()


@pytest.fixture
def big(db, campaign):
    populate(db, campaign, 1300, seed=11)
    return db


def walk_pages(p: Player, total: int) -> list[str]:
    """Every item, page after page, then back to the first page."""
    seen = items(p)
    pages_n = -(-total // PAGE_SIZE)
    assert len(seen) == min(PAGE_SIZE, total)
    for n in range(2, pages_n + 1):
        p.press(NEXT)
        assert f"Trang {n}/{pages_n}" in p.question.text
        seen += items(p)
    assert NEXT not in [o.value for o in p.question.options]
    for _ in range(pages_n - 1):
        p.press(PREV)
    assert pages_n == 1 or "Trang 1/" in p.question.text
    assert items(p) == seen[:PAGE_SIZE]
    return seen


def test_a_heads_dossiers_page_by_page_and_by_search(big, core, campaign):
    head = Player(core, f"m{head_ids(campaign)['T01']}", name=None)
    head.say("/menu")
    head.press("mine")
    want = count(big, Submission.unit_code == "T01", Submission.kind.in_(["report", "proposal"]))
    assert want > 3 * PAGE_SIZE
    assert f"({want})" in head.question.text and "Gõ tên, mã hồ sơ" in head.question.text
    refs = walk_pages(head, want)
    assert len(refs) == len(set(refs)) == want  # every one once, in the order they came
    assert refs == sorted(refs, key=lambda r: int(r.split("-")[1]))
    head.say(refs[-1])  # a reference typed: that dossier alone
    assert items(head) == [refs[-1]] and f"Tìm «{refs[-1]}»: 1 hồ sơ" in head.question.text
    head.press(refs[-1])
    assert refs[-1] in head.text  # its detail
    head.say("huy")
    head.press("mine")
    head.say("khong co dau")  # nothing found: said so, the list can be had back
    assert "Tìm «khong co dau»: 0 hồ sơ" in head.question.text and items(head) == []
    head.press("page:all")
    assert len(items(head)) == PAGE_SIZE


def test_staff_browse_the_unit_reports_by_unit_name(big, core, campaign):
    staff = Player(core, f"m{staff_ids()[0]}", name=None)
    staff.say("/menu")
    staff.press("reports")
    total = count(big, Submission.kind == "report", Submission.status != "withdrawn")  # as the digest counts
    assert f"({total})" in staff.question.text and f"Trang 1/{-(-total // PAGE_SIZE)}" in staff.question.text
    staff.say("thon 2")  # a unit's name, typed without diacritics
    want = count(
        big, Submission.kind == "report", Submission.unit_code == "T02", Submission.status != "withdrawn"
    )
    assert f"{want} hồ sơ" in staff.question.text
    shown = walk_pages(staff, want)
    with Session(big) as s:
        assert {r.unit_code for r in s.exec(select(Submission).where(Submission.ref.in_(shown)))} == {"T02"}


def test_the_council_list_shows_a_page_of_choices_and_its_counts(big, core, campaign):
    staff = Player(core, f"m{staff_ids()[0]}", name=None)
    staff.say("/menu")
    staff.press("shortlist")
    staff.press("commune")
    on = count(big, Submission.status == "shortlisted", Submission.shortlist_award == "commune")
    approved = count(big, Submission.status == "approved", Submission.kind != "report")
    text = staff.question.text
    assert f"… và {on - PAGE_SIZE} hồ sơ khác" in text and len(text) < 4096  # one screen
    first = staff.question.options
    assert all(o.value.startswith("del:") for o in first[:PAGE_SIZE])
    assert [o.value for o in first][-2:] == [NEXT, "done"]
    staff.say("Hoàng Văn Đức 12")  # a name: the matching ones on or off the list
    found = items(staff)
    assert found and all(v.split(":")[0] in ("add", "del") for v in found)
    assert -(-(on + approved) // PAGE_SIZE) > 10


def test_the_next_dossier_is_the_oldest_waiting_one(big, campaign):
    with Session(big) as s:
        waiting = s.exec(
            select(Submission)
            .where(
                Submission.status.in_(["submitted", "under_review"]),
                Submission.kind.in_(["nomination", "proposal"]),
            )
            .order_by(Submission.submitted_at, Submission.id)
        ).all()
        sub, n = pages.next_waiting(
            s,
            campaign_code=campaign.code,
            kinds=["nomination", "proposal"],
            statuses=["submitted", "under_review"],
        )
        assert (sub.ref, n) == (waiting[0].ref, len(waiting))
        skipped = [w.ref for w in waiting[:3]]
        sub, n = pages.next_waiting(
            s,
            campaign_code=campaign.code,
            kinds=["nomination", "proposal"],
            statuses=["submitted", "under_review"],
            exclude=skipped,
        )
        assert (sub.ref, n) == (waiting[3].ref, len(waiting) - 3)


def test_a_name_typed_without_diacritics_finds_the_same_dossiers(big, core, campaign):
    """Staff on a cheap phone type «hoang van duc 12»: the same dossiers as «Hoàng Văn Đức 12»
    (the nominee's search key, written with the nominee)."""
    staff = Player(core, f"m{staff_ids()[0]}", name=None)
    staff.say("/menu")
    staff.press("shortlist")
    staff.press("commune")
    staff.say("Hoàng Văn Đức 12")
    accented = staff.question.text.split("\n")
    found = [line for line in accented if line.startswith("Tìm «")]
    assert found and not found[0].endswith(": 0 hồ sơ")
    with_marks = walk_pages(staff, int(found[0].rsplit(": ", 1)[1].split()[0]))
    staff.press("page:all")
    staff.say("hoang van duc 12")
    assert f"Tìm «hoang van duc 12»: {len(with_marks)} hồ sơ" in staff.question.text
    assert walk_pages(staff, len(with_marks)) == with_marks
    with Session(big) as s:
        names = dict(s.exec(select(Submission.ref, Submission.nominee)).all())
    assert with_marks and all("Hoàng Văn Đức 12" in names[r.split(":")[-1]] for r in with_marks)
