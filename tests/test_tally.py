"""The submission counters (submission_tally, submission_sent) are kept by database triggers:
they equal the rows counted one by one after a bulk-seeded campaign, after every move the
domain makes, after raw SQL (multi-row updates, deletes, inserts), and after the migration
fills them on a database that already had submissions; on SQLite and PostgreSQL alike. The
digest and the screens' pages read from them and give what reading the rows gave."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import insert, text
from sqlmodel import Session, select

from domain import review, shortlist
from domain import submissions as ops
from domain.lifecycle import move
from domain.uow import UnitOfWork
from messages.folding import fold
from storage import pages
from storage.db import alembic_config, make_engine
from storage.models import Member, StatusChange, Submission, SubmissionSent, SubmissionTally

from .conftest import IN_CAMPAIGN, postgres_unreachable, postgres_url
from .seeding import START, engine_in_schema, head_ids, populate, staff_ids
from .test_screens import same_digest


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    """A migrated database: a real SQLite file, or a fresh schema on the test PostgreSQL."""
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


def rows_counted(engine) -> tuple[Counter, Counter, Counter]:
    """The counters as they should be: every submission read and counted in Python."""
    tally, days, months = Counter(), Counter(), Counter()
    with Session(engine) as s:
        for r in s.exec(
            select(
                Submission.campaign_code,
                Submission.kind,
                Submission.status,
                Submission.unit_code,
                Submission.category,
                Submission.shortlist_award,
                Submission.submitted_at,
            )
        ).all():
            tally[(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or "")] += 1
            if r[6] is not None and r[2] != "withdrawn":
                day = r[6].astimezone(UTC).date()
                days[(r[0], day, r[3] or "")] += 1
                months[(r[0], day.replace(day=1), r[3] or "")] += 1
    return tally, days, months


def kept(engine) -> tuple[Counter, Counter, Counter]:
    """What the triggers keep (rows at 0 are left in place: they count nothing)."""
    with Session(engine) as s:
        t = SubmissionTally
        tally = Counter(
            {
                (r.campaign_code, r.kind, r.status, r.unit_code, r.category, r.shortlist_award): r.n
                for r in s.exec(select(t)).all()
                if r.n
            }
        )
        sent = s.exec(select(SubmissionSent)).all()
        days, months = (
            {(r.campaign_code, r.start, r.unit_code): r.n for r in sent if r.n and r.span == span}
            for span in ("day", "month")
        )
    return tally, Counter(days), Counter(months)


def assert_kept(engine) -> None:
    want_tally, want_days, want_months = rows_counted(engine)
    have_tally, have_days, have_months = kept(engine)
    assert have_tally == want_tally
    assert have_days == want_days
    assert have_months == want_months


def test_the_counters_equal_the_rows_after_a_seeded_campaign_and_raw_sql(engine, campaign):
    populate(engine, campaign, 700, seed=3, odd=True)  # odd: some rows without a unit
    assert_kept(engine)
    tally = kept(engine)[0]
    assert sum(tally.values()) == 700 and any(k[3] == "" for k in tally)
    with engine.begin() as conn:  # several rows a statement, every counted column
        conn.execute(
            text("UPDATE submission SET status = 'approved' WHERE status = 'under_review' AND id % 2 = 0")
        )
        conn.execute(text("UPDATE submission SET unit_code = 'T03' WHERE unit_code = 'T04'"))
        conn.execute(text("UPDATE submission SET unit_code = NULL, category = NULL WHERE id % 17 = 0"))
        conn.execute(
            text("UPDATE submission SET status = 'withdrawn' WHERE status = 'submitted' AND id % 3 = 0")
        )
        conn.execute(text("UPDATE submission SET submitted_at = NULL WHERE id % 19 = 0"))
        conn.execute(
            text(
                "UPDATE submission SET shortlist_award = NULL, status = 'approved' "
                "WHERE status = 'shortlisted' AND id % 5 = 0"
            )
        )
        conn.execute(text("UPDATE submission SET answers = '{}' WHERE id < 50"))  # nothing counted
        conn.execute(text("UPDATE submission SET campaign_code = 'other-2025' WHERE id % 23 = 0"))
    assert_kept(engine)
    with engine.begin() as conn:
        for table in ("evidence", "status_change"):
            conn.execute(text(f"DELETE FROM {table} WHERE submission_id % 4 = 1"))
        conn.execute(text("DELETE FROM submission WHERE id % 4 = 1"))
        conn.execute(
            text(
                "INSERT INTO submission (id, ref, campaign_code, kind, status, submitter_id, unit_code, "
                "category, contents, answers, flags, version, created_at, submitted_at, updated_at) "
                "SELECT id + 10000, 'X' || id, campaign_code, kind, status, submitter_id, unit_code, "
                "category, contents, answers, flags, version, created_at, submitted_at, updated_at "
                "FROM submission WHERE id % 4 = 2"
            )
        )
    assert_kept(engine)
    tally = kept(engine)[0]
    assert ("other-2025" in {k[0] for k in tally}) and sum(tally.values()) > 500


def test_truncate_empties_the_counters_on_postgresql(pg_db, campaign):
    populate(pg_db, campaign, 50, seed=3)
    with pg_db.begin() as conn:
        conn.execute(text("TRUNCATE submission CASCADE"))
    assert kept(pg_db) == (Counter(), Counter(), Counter()) == rows_counted(pg_db)


def at(hours: int) -> datetime:
    return IN_CAMPAIGN + timedelta(hours=hours)


def test_the_counters_follow_every_move_the_domain_makes(engine, campaign):
    populate(engine, campaign, 0)  # members only: every submission here goes through the domain
    staff, head = staff_ids()[0], head_ids(campaign)["T01"]
    award = campaign.awards[0].key
    steps = iter(range(1, 1000))

    def step(op) -> None:
        with UnitOfWork.begin(engine, at(next(steps))) as uow:
            op(uow, lambda mid: uow.session.get(Member, mid))
            uow.session.commit()
        assert_kept(engine)

    refs: list[str] = []

    def nominate(resident: int, unit: str, category: str):
        def op(uow, m):
            ops.submit(
                uow,
                m(resident),
                campaign,
                kind="nomination",
                channel="console",
                nominee=f"Hộ ông Lò Văn {resident}",
                category=category,
                unit_code=unit,
                contents=["c1"],
                achievements="Thành tích nổi bật trong năm.",
                answers={},
                proposed_award=award,
            )
            refs.append(uow.session.exec(select(Submission.ref).order_by(Submission.id.desc())).first())

        return op

    for i, (unit, category) in enumerate(
        [
            ("T01", "household"),
            ("T02", "official"),
            ("T02", "household"),
            ("T03", "collective"),
            ("T01", "household"),
        ]
    ):
        step(nominate(1 + i, unit, category))
    step(
        lambda uow, m: ops.submit(
            uow,
            m(head),
            campaign,
            kind="proposal",
            channel="console",
            nominee="Chi hội Phụ nữ thôn 1",
            category="collective",
            contents=["c1"],
            achievements="Thành tích của tập thể.",
            answers={},
            proposed_award=award,
        )
    )
    step(
        lambda uow, m: ops.report(
            uow,
            m(head),
            campaign,
            channel="console",
            achievements="Báo cáo của thôn.",
            answers={"figures": {}},
        )
    )
    step(
        lambda uow, m: ops.report(
            uow,
            m(head),
            campaign,
            channel="console",  # a second one updates it
            achievements="Báo cáo của thôn, bổ sung.",
            answers={"figures": {}},
        )
    )
    a, b, c, d, e = refs
    step(lambda uow, m: review.take_for_review(uow, m(staff), a))
    step(lambda uow, m: review.decide(uow, m(staff), a, "approved"))
    step(lambda uow, m: review.decide(uow, m(staff), b, "needs_info", "Thiếu ảnh minh chứng."))
    step(lambda uow, m: ops.amend(uow, m(2), b, channel="console", achievements="Đã bổ sung thành tích."))
    step(lambda uow, m: review.decide(uow, m(staff), b, "rejected", "Không đủ tiêu chuẩn."))
    step(lambda uow, m: ops.withdraw(uow, m(3), c))
    step(lambda uow, m: shortlist.shortlist(uow, m(staff), campaign, a, award))
    step(lambda uow, m: shortlist.unlist(uow, m(staff), campaign, a, award))
    step(lambda uow, m: shortlist.shortlist(uow, m(staff), campaign, a, award))

    def awarded(uow, m):
        sub = uow.session.exec(select(Submission).where(Submission.ref == a)).one()
        move(uow, sub, "awarded", actor_id=staff, reason="QĐ 1/QĐ-UBND")

    step(awarded)

    def unit_change(uow, m):  # an edit through the ORM: the unit and the category
        sub = uow.session.exec(select(Submission).where(Submission.ref == d)).one()
        sub.unit_code, sub.category = "T05", "official"
        uow.session.add(sub)

    step(unit_change)

    def delete(uow, m):
        sub = uow.session.exec(select(Submission).where(Submission.ref == e)).one()
        for change in uow.session.exec(select(StatusChange).where(StatusChange.submission_id == sub.id)):
            uow.session.delete(change)
        uow.session.flush()
        uow.session.delete(sub)

    step(delete)

    tally = kept(engine)[0]
    statuses = Counter()
    for k, n in tally.items():
        statuses[k[2]] += n
    assert statuses == Counter({"awarded": 1, "rejected": 1, "withdrawn": 1, "submitted": 3})
    same_digest(engine, campaign, at(100), at(0))  # and the digest reads them as it read the rows


WINDOWS = [  # (since, at) in minutes after the first seeded submission (one every 37 minutes)
    (0, 37 * 2000),  # many whole days between two edge days
    (60 * 7, 37 * 9000 + 7),  # whole months, the days around them, the edge days
    (60 * 24 * 30 - 60 * 2, 60 * 24 * 92),  # from the last day of a month to a month's first
    (37 * 300 + 5, 37 * 1700 - 11),  # edges in the middle of a day
    (37 * 10, 37 * 12),  # within one day
    (60 * 23, 60 * 25),  # across one midnight
    (37 * 500, 37 * 400),  # at before since: nothing new
]


def test_the_digest_from_the_counters_equals_the_rows_counted(engine, campaign):
    populate(engine, campaign, 9500, seed=9, odd=True)  # a submission every 37 minutes: 244 days
    with engine.begin() as conn:  # withdrawn ones are not new; moves change the day counters
        conn.execute(text("UPDATE submission SET status = 'withdrawn' WHERE id % 13 = 0"))
    for window in WINDOWS:
        since, until = (START + timedelta(minutes=m) for m in window)
        new = same_digest(engine, campaign, until, since)
        assert new.total and (new.new or window[0] > window[1]), window


def test_the_digest_keeps_the_order_of_tied_statuses(engine, campaign):
    populate(engine, campaign, 0)
    with engine.begin() as conn:  # two statuses with one each: the one that came first leads
        conn.execute(
            insert(Submission.__table__),
            [
                dict(
                    id=i,
                    ref=f"DC-{i:04d}",
                    campaign_code=campaign.code,
                    kind="nomination",
                    status=status,
                    submitter_id=1,
                    unit_code="T01",
                    contents=[],
                    answers={},
                    flags=[],
                    version=1,
                    created_at=START,
                    submitted_at=START,
                    updated_at=START,
                )
                for i, status in ((1, "approved"), (2, "submitted"), (3, "rejected"), (4, "rejected"))
            ],
        )
        conn.execute(text("UPDATE submission SET status = 'withdrawn' WHERE id = 1"))
    new = same_digest(engine, campaign, START + timedelta(days=1), START)
    assert list(new.by_status.items()) == [("rejected", 2), ("withdrawn", 1), ("submitted", 1)]


def _upgrade(engine, revision: str) -> None:
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def revision_before(migration_file: str) -> str:
    """The revision the named migration file follows, read from the migrations themselves."""
    for script in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions():
        if Path(script.path).name == migration_file:
            assert isinstance(script.down_revision, str)
            return script.down_revision
    raise AssertionError(migration_file)


BEFORE_COUNTERS = revision_before("submission_counters.py")


@pytest.fixture(params=["sqlite", "postgresql"])
def before_counters(request, tmp_path):
    """A database migrated up to the revision just before the counters."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/old.db")
        _upgrade(engine, BEFORE_COUNTERS)
        yield engine
        engine.dispose()
        return
    import uuid

    url, schema = postgres_url(), f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        postgres_unreachable(url, exc)
    engine = engine_in_schema(url, schema)
    _upgrade(engine, BEFORE_COUNTERS)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_the_migration_fills_the_counters_of_a_database_with_submissions(before_counters, campaign):
    populate(before_counters, campaign, 900, seed=4, odd=True)  # no counters, no triggers yet
    _upgrade(before_counters, "head")
    assert_kept(before_counters)
    assert sum(kept(before_counters)[0].values()) == 900
    with before_counters.begin() as conn:  # and from then on the triggers keep them
        conn.execute(text("UPDATE submission SET status = 'rejected' WHERE status = 'submitted'"))
    assert_kept(before_counters)


# -- the screens' pages read by index ranges give the rows in the list's order -----------------


def test_a_heads_pages_and_the_council_choices_in_order_on_both_databases(engine, campaign):
    populate(engine, campaign, 1500, seed=11)
    head, award = head_ids(campaign)["T01"], campaign.awards[0].key
    with engine.begin() as conn:  # the head sent a few of their own too
        conn.execute(text(f"UPDATE submission SET submitter_id = {head} WHERE id % 97 = 0"))
    with Session(engine) as s:
        own = pages.own(submitter_id=head, unit_code="T01", unit_kinds=("report", "proposal"))
        want = [
            r.ref
            for r in s.exec(
                select(Submission)
                .where(
                    (Submission.submitter_id == head)
                    | ((Submission.unit_code == "T01") & Submission.kind.in_(["report", "proposal"]))
                )
                .order_by(Submission.id)
            ).all()
        ]
        total = pages.own_count(s, submitter_id=head, unit_code="T01", unit_kinds=("report", "proposal"))
        assert total == len(want) == pages.page(s, own, offset=0, limit=8)[1] > 30
        got = [
            r.ref
            for off in range(0, total, 8)
            for r in pages.page(s, own, offset=off, limit=8, total=total)[0]
        ]
        assert got == want

        choices = pages.council_choices(
            campaign_code=campaign.code, award=award, kinds=("nomination", "proposal")
        )
        on = [
            r.ref
            for r in s.exec(
                select(Submission)
                .where(
                    Submission.shortlist_award == award,
                    Submission.status.in_(["shortlisted", "awarded"]),
                    Submission.kind.in_(["nomination", "proposal"]),
                )
                .order_by(Submission.id)
            ).all()
        ]
        candidates = [
            r.ref
            for r in s.exec(
                select(Submission)
                .where(Submission.status == "approved", Submission.kind.in_(["nomination", "proposal"]))
                .order_by(Submission.id)
            ).all()
        ]
        total = pages.council_choices_count(
            s, campaign_code=campaign.code, award=award, kinds=("nomination", "proposal")
        )
        assert total == len(on) + len(candidates) == pages.page(s, choices, offset=0, limit=8)[1]
        got = [
            r.ref
            for off in range(0, total, 8)
            for r in pages.page(s, choices, offset=off, limit=8, total=total)[0]
        ]
        assert got == on + candidates
        found = pages.matching(choices, "Đức 12", [])  # a search narrows each part
        names = dict(s.exec(select(Submission.ref, Submission.nominee)).all())
        want = [r for r in on + candidates if "Đức 12" in names[r]]
        rows, n = pages.page(s, found, offset=0, limit=8)
        assert n == len(want) > 8 and [r.ref for r in rows] == want[:8]


def test_the_overviews_oldest_waiting_equal_the_whole_queue_sorted(engine, campaign):
    """The web overview's «what waits» box: the heads of each (status, kind) range give the
    same first rows as sorting the whole queue, and the count comes from the counters."""
    populate(engine, campaign, 1200, seed=5)
    statuses, kinds = ("submitted", "under_review", "needs_info"), ("nomination", "proposal", "report")
    with Session(engine) as s:
        queue = [
            r.ref
            for r in s.exec(
                select(Submission)
                .where(
                    Submission.campaign_code == campaign.code,
                    Submission.status.in_(statuses),
                    Submission.kind.in_(kinds),
                )
                .order_by(Submission.submitted_at, Submission.id)
            ).all()
        ]
        rows, total = pages.oldest_waiting(
            s, campaign_code=campaign.code, kinds=kinds, statuses=statuses, limit=15
        )
        assert total == len(queue) > 15
        assert [r.ref for r in rows] == queue[:15]
        assert pages.oldest_waiting(s, campaign_code="other", kinds=kinds, statuses=statuses, limit=15) == (
            [],
            0,
        )


def test_the_migration_writes_the_search_key_of_every_nominee(before_counters, campaign):
    """The search key migration: nominees stored without a key get their folded search key."""
    populate(before_counters, campaign, 2500, seed=6)  # more than one batch of the backfill
    _upgrade(before_counters, "head")
    with Session(before_counters) as s:
        rows = s.exec(select(Submission.nominee, Submission.nominee_key)).all()
    named = [(n, k) for n, k in rows if n]
    assert len(named) > 2000 and all(k == fold(n) for n, k in named)
    assert all(k is None for n, k in rows if not n)
    assert ("Hộ ông Hoàng Văn Đức 7", "ho ong hoang van duc 7") in named
