"""One storage scope per commune: a commune's Engine sees its own data only, whatever the
table, on SQLite (a file each) and PostgreSQL (a schema each, one pool: every transaction sets
its path with SET LOCAL, so a pooled connection never carries one commune's path into
another's transaction). An existing deployment upgraded to the registry keeps every row,
readable through commune 1's Engine."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlmodel import Session, SQLModel

import storage.models  # noqa: F401  (every table on SQLModel.metadata)
from handlers.core import Core
from storage.communes import Communes
from storage.models import Member

from .ceremony import ceremony
from .communes_fixtures import pg_base, province_db, registry  # noqa: F401
from .conftest import Player, nominate_household, register_resident, rows


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every commune table, in primary-key order."""
    found = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = [tuple(r) for r in conn.execute(table.select().order_by(*order))]
    return found


def counts(engine) -> dict[str, int]:
    return {name: len(found) for name, found in snapshot(engine).items()}


def campaign_in(engine, campaign, clock, user: str = "u1") -> str:
    """A resident registers and nominates, then the whole award step (a council round, the
    decisions, the notices queued in the outbox): the same names and unit codes in any commune."""
    p = Player(Core(engine, campaign, clock), user_id=user)
    register_resident(p, name="Nguyễn Văn Bình", village="1")
    ref = nominate_household(p, nominee="Hộ ông Hoàng Văn Tư")
    ceremony(engine, campaign, clock)
    return ref


def test_an_upgraded_deployment_becomes_commune_one_with_every_row_readable(province_db, campaign, clock):
    """Seeded by the current code (chat flows, a council round, decisions, outbox rows), then
    upgraded: the registry appears beside the data, which stays where it is."""
    ref = campaign_in(province_db, campaign, clock)
    before = snapshot(province_db)
    assert before["member"] and before["council_round"] and before["award_decision"] and before["outbox"]

    communes = Communes(province_db)
    communes.migrate()
    first = communes.ensure_first("tran-ninh", "Xã Trần Ninh")
    engine = communes.engine_of(first)
    assert snapshot(engine) == before

    # the chat goes on through commune 1's Engine: the resident sees their dossier
    p = Player(Core(engine, campaign, clock), user_id="u1")
    p.say("/hoso")
    assert ref in p.text, p.text
    communes.dispose()


def test_writes_through_one_commune_are_invisible_to_another(registry, campaign, clock):
    """Two new communes with the same unit codes, member names and chat user ids: what one
    writes, table by table, the other and commune 1 never see."""
    a = registry.engine_of(registry.create("xa-a", "Xã A"))
    b = registry.engine_of(registry.create("xa-b", "Xã B"))
    first = registry.engine_of(registry.first())
    empty = counts(b)

    campaign_in(b, campaign, clock)
    seen_by_b = snapshot(b)
    assert counts(a) == empty and counts(first) == empty

    campaign_in(a, campaign, clock)
    assert snapshot(b) == seen_by_b
    assert counts(a) == counts(b)  # the same journey, counted apart
    assert counts(first) == empty
    names = [m.full_name for m in rows(a, Member)]
    assert names == [m.full_name for m in rows(b, Member)] and "Nguyễn Văn Bình" in names


def schema_of(conn) -> str:
    return conn.execute(text("SELECT current_schema()")).scalar()


def backend(conn) -> int:
    return conn.execute(text("SELECT pg_backend_pid()")).scalar()


@pytest.fixture
def pg_registry(pg_base):
    communes = Communes(pg_base)
    communes.migrate()
    communes.ensure_first("tran-ninh", "Xã Trần Ninh")
    return communes


def test_one_pooled_connection_takes_each_communes_path_and_keeps_none(pg_registry):
    """Raw SQL on one pooled connection, in turn for A, B and the base: each transaction sees
    its own schema, after a commit, a rollback and an error alike."""
    registry = pg_registry
    base = registry.base
    home = registry.first().scope
    ca, cb = registry.create("xa-a", "Xã A"), registry.create("xa-b", "Xã B")
    a, b = registry.engine_of(ca), registry.engine_of(cb)
    assert a.pool is base.pool and b.pool is base.pool  # one pool whatever the communes
    base.pool.dispose()

    with a.begin() as conn:
        pid = backend(conn)
        assert schema_of(conn) == ca.scope
        conn.execute(
            text(
                "INSERT INTO member (full_name, role, created_at, updated_at) "
                "VALUES ('Chỉ ở A', 'resident', now(), now())"
            )
        )
    with b.connect() as conn:
        assert backend(conn) == pid  # the same connection, back from the pool
        assert schema_of(conn) == cb.scope
        assert conn.execute(text("SELECT count(*) FROM member")).scalar() == 0
        conn.rollback()
        # a new transaction on the same Connection sets the path again
        assert schema_of(conn) == cb.scope
    with base.connect() as conn:
        assert backend(conn) == pid and schema_of(conn) == home
        assert conn.execute(text("SELECT count(*) FROM member")).scalar() == 0

    with a.connect() as conn:  # a rollback: the path goes with it
        conn.execute(
            text(
                "INSERT INTO member (full_name, role, created_at, updated_at) "
                "VALUES ('Bỏ đi', 'resident', now(), now())"
            )
        )
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM member")).scalar() == 1
    with pytest.raises(ProgrammingError), a.connect() as conn:  # an error mid-transaction
        conn.execute(text("SELECT * FROM no_such_table"))
    with b.connect() as conn:
        assert backend(conn) == pid and schema_of(conn) == cb.scope
    with base.connect() as conn:
        assert schema_of(conn) == home
        conn.execute(text("SET search_path TO pg_catalog"))  # even one left by hand on purpose…
        conn.commit()
    with b.connect() as conn:  # …is not what a commune's transaction sees
        assert backend(conn) == pid and schema_of(conn) == cb.scope

    # the same statement again and again on the connection (psycopg prepares it from the
    # fifth time): each commune still counts its own rows
    for _ in range(6):
        for engine, n in ((a, 1), (b, 0)):
            with engine.connect() as conn:
                assert backend(conn) == pid
                assert conn.execute(text("SELECT count(*) FROM member")).scalar() == n

    # a Session committing twice: each of its transactions is in A
    with Session(a) as s:
        assert s.exec(text("SELECT current_schema()")).scalar() == ca.scope
        s.commit()
        assert s.exec(text("SELECT count(*) FROM member")).scalar() == 1


def test_the_counters_triggers_count_in_each_communes_own_schema(pg_registry):
    """submission's statement triggers (storage/counters.py) write their commune's
    submission_tally and submission_sent, reached through the transaction's path."""
    registry = pg_registry
    a = registry.engine_of(registry.create("xa-a", "Xã A"))
    b = registry.engine_of(registry.create("xa-b", "Xã B"))
    first = registry.engine_of(registry.first())
    insert = text(
        "INSERT INTO submission (ref, kind, campaign_code, status, unit_code, submitter_id, answers, "
        "flags, contents, version, created_at, updated_at, submitted_at) "
        "SELECT :ref || n, 'nomination', 'c', 'submitted', 'T01', m.id, '{}', '[]', '[]', 1, now(), now(), now() "
        "FROM generate_series(1, :n) n, (SELECT id FROM member LIMIT 1) m"
    )
    for engine, n in ((a, 3), (b, 5)):
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO member (full_name, role, created_at, updated_at) "
                    "VALUES ('Người nộp', 'resident', now(), now())"
                )
            )
            conn.execute(insert, {"ref": "DC-", "n": n})
    for engine, n in ((a, 3), (b, 5), (first, 0)):
        with engine.connect() as conn:
            assert conn.execute(text("SELECT coalesce(sum(n), 0) FROM submission_tally")).scalar() == n
            assert (
                conn.execute(
                    text("SELECT coalesce(sum(n), 0) FROM submission_sent WHERE span = 'day'")
                ).scalar()
                == n
            )
    with a.begin() as conn:
        conn.execute(text("UPDATE submission SET status = 'approved'"))
        conn.execute(text("TRUNCATE submission CASCADE"))
    with b.connect() as conn:
        assert (
            conn.execute(text("SELECT sum(n) FROM submission_tally WHERE status = 'submitted'")).scalar() == 5
        )
    with a.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM submission_tally")).scalar() == 0
