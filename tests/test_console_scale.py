"""The web console at 100,000 dossiers is index reads only: the name and reference search on a
trigram index kept by the database itself (SQLite: an FTS5 table kept by triggers; PostgreSQL:
pg_trgm GIN), SQLite's planner statistics taken at start, a dossier's trail read by an index,
the dossier page naming only the people it shows. bench/web_list.py --http measures the pages."""

from __future__ import annotations

from sqlalchemy import event, text
from sqlmodel import Session

from storage import members
from storage.db import migrate
from storage.listing import Filters, dossier_page
from storage.models import Submission

from . import seed
from .seeding import populate
from .web_helpers import people, web  # noqa: F401  (fixtures)


def add(s: Session, campaign, clock, nominee: str) -> Submission:
    m = seed.console_member(s, f"Người gửi {nominee}", "resident", f"r-{nominee}", clock.now(), "T01")
    return seed.create_submission(
        s,
        kind="nomination",
        campaign_code=campaign.code,
        submitter_id=m.id,
        now=clock.now(),
        unit_code="T01",
        category="household",
        nominee=nominee,
        contents=["c2"],
        achievements="x" * 40,
        answers={},
        flags=[],
        proposed_award="commune",
    )


def found(s: Session, campaign, q: str, folded: str | None = None) -> list[str]:
    return [r.nominee for r in dossier_page(s, campaign.code, Filters(q=q, q_folded=folded))[0]]


def plan(s: Session, sql: str, **params) -> str:
    return "\n".join(str(r[-1]) for r in s.connection().execute(text("EXPLAIN QUERY PLAN " + sql), params))


def test_sqlite_searches_names_and_references_on_a_trigram_index_kept_by_every_write(db, campaign, clock):
    with Session(db) as s:
        tu = add(s, campaign, clock, "Hộ ông Hoàng Văn Tư")
        add(s, campaign, clock, "Hộ bà Lò Thị Mai")
        s.commit()
        assert found(s, campaign, "Hoàng Văn", "hoang van") == ["Hộ ông Hoàng Văn Tư"]
        assert found(s, campaign, "hoang van tu", "hoang van tu") == ["Hộ ông Hoàng Văn Tư"]
        assert found(s, campaign, "lò thị") == ["Hộ bà Lò Thị Mai"]  # any case, not ASCII only
        assert found(s, campaign, tu.ref.lower()) == ["Hộ ông Hoàng Văn Tư"]
        assert found(s, campaign, "Mai") == ["Hộ bà Lò Thị Mai"]
        assert found(s, campaign, 'Tư"') == []  # a quote is text, not FTS syntax
        assert found(s, campaign, "Tư") == ["Hộ ông Hoàng Văn Tư"]  # under 3 characters: LIKE
        for q in ("Tư", "Hoàng Văn"):  # the search narrows the other filters, never widens them
            assert dossier_page(s, campaign.code, Filters(q=q, status="rejected"))[1] == 0

        # raw SQL too: the triggers keep the index, whoever writes
        s.connection().execute(
            text(
                "UPDATE submission SET nominee = 'Hộ ông Đinh Công Tráng', nominee_key = 'ho ong dinh cong trang' WHERE id = :i"
            ),
            {"i": tu.id},
        )
        assert found(s, campaign, "Hoàng Văn", "hoang van") == []
        assert found(s, campaign, "dinh cong", "dinh cong") == ["Hộ ông Đinh Công Tráng"]
        for table in ("status_change", "submission_version", "evidence"):
            s.connection().execute(text(f"DELETE FROM {table} WHERE submission_id = :i"), {"i": tu.id})
        s.connection().execute(text("DELETE FROM submission WHERE id = :i"), {"i": tu.id})
        assert found(s, campaign, "dinh cong", "dinh cong") == []
        s.connection().execute(
            text("INSERT INTO submission_search(submission_search) VALUES ('integrity-check')")
        )

        where = "submission.id IN (SELECT rowid FROM submission_search WHERE submission_search MATCH :q)"
        shown = plan(s, f"SELECT count(*) FROM submission WHERE {where}", q='"hoang van"')
        # the matches from the index, then each row by its id: no pass over the table
        assert "VIRTUAL TABLE INDEX" in shown and "SEARCH submission USING INTEGER PRIMARY KEY" in shown, (
            shown
        )


def test_postgresql_searches_on_trigram_indexes(pg_db, campaign, clock):
    with Session(pg_db) as s:
        add(s, campaign, clock, "Hộ ông Hoàng Văn Tư")
        add(s, campaign, clock, "Hộ bà Lò Thị Mai")
        s.commit()
        assert found(s, campaign, "hoang van tu", "hoang van tu") == ["Hộ ông Hoàng Văn Tư"]
        assert found(s, campaign, "Lò Thị") == ["Hộ bà Lò Thị Mai"]
        assert dossier_page(s, campaign.code, Filters(q="Lò Thị", status="rejected"))[1] == 0
        indexes = set(
            s.connection()
            .execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'submission'"))
            .scalars()
        )
        assert {
            "ix_submission_trgm_ref",
            "ix_submission_trgm_nominee",
            "ix_submission_trgm_nominee_key",
        } <= indexes
        s.connection().execute(text("SET LOCAL enable_seqscan = off"))  # two rows: show it can
        shown = "\n".join(
            s.connection()
            .execute(text("EXPLAIN SELECT count(*) FROM submission WHERE nominee_key LIKE '%hoang van%'"))
            .scalars()
        )
        assert "ix_submission_trgm_nominee_key" in shown, shown


def test_sqlite_has_planner_statistics_from_start_once_a_campaign_has_grown(db, campaign):
    populate(db, campaign, 1500)
    with Session(db) as s:
        assert (
            not s.connection()
            .execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"))
            .all()
        )
    migrate(db)  # what every start does
    with Session(db) as s:
        stats = {r[0] for r in s.connection().execute(text("SELECT tbl FROM sqlite_stat1"))}
        assert {"submission", "audit_log"} <= stats
        # the dossier list's page: read in id order from the index, not every row sorted
        page = plan(
            s,
            "SELECT submission.id FROM submission JOIN member ON member.id = submission.submitter_id "
            "WHERE submission.campaign_code = :c AND submission.status != 'draft' "
            "ORDER BY submission.id DESC LIMIT 50",
            c=campaign.code,
        )
        assert "TEMP B-TREE" not in page, page
        flagged = plan(
            s,
            "SELECT count(*) FROM submission WHERE campaign_code = :c AND status != 'draft' "
            "AND CAST(flags AS VARCHAR) != '[]' AND CAST(flags AS VARCHAR) != ''",
            c=campaign.code,
        )
        assert "ix_submission_flagged" in flagged, flagged
        trail = plan(
            s, "SELECT id FROM audit_log WHERE entity = 'submission' AND entity_id IN ('DC-0007') ORDER BY id"
        )
        assert "ix_audit_log_entity_id" in trail, trail


def test_a_small_database_keeps_the_planners_own_guesses(db):
    migrate(db)
    with Session(db) as s:
        assert (
            not s.connection()
            .execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"))
            .all()
        )


def test_the_dossier_page_reads_the_names_it_shows_not_the_whole_roll(web, people, db):
    staff = web.signed_in(people["ids"]["staff"])
    statements: list[str] = []

    def seen(conn, cursor, statement, params, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(db, "before_cursor_execute", seen)
    try:
        page = staff.get(f"/ho-so/{people['ref']}")
    finally:
        event.remove(db, "before_cursor_execute", seen)
    assert page.status_code == 200 and "Nguyễn Văn Bình" in page.text
    on_member = [q for q in statements if "FROM member" in q and "WHERE" not in q.split("FROM member", 1)[1]]
    assert on_member == []
    with Session(db) as s:
        assert members.member_names(s, [people["ids"]["staff"], None]) == {
            people["ids"]["staff"]: "Lê Thị Văn Phòng"
        }
        assert members.member_names(s, []) == {}
