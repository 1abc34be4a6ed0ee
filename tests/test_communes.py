"""The province registry (storage/communes.py): communes registered, each with its own schema
or file, migrated; the registry's tables only where DATABASE_URL points; refusals on a taken or
wrong code or host. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from storage.communes import CommuneRefused, Communes
from storage.db import heads
from storage.models import PROVINCE_METADATA
from storage.scopes import schemas_behind

from .communes_fixtures import pg_base, province_db, registry  # noqa: F401


def tables(engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def version(engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text(f"SELECT version_num FROM {table}"))}


def test_the_first_commune_is_the_data_in_place_and_another_gets_its_own_scope(registry):
    first = registry.first()
    assert (first.id, first.code, first.name, first.status) == (1, "tran-ninh", "Xã Trần Ninh", "active")
    assert registry.is_base(first)
    assert registry.engine_of(first).url == registry.base.url

    other = registry.create("yen-phuc", "Xã Yên Phúc", web_host="YenPhuc.LangSon.gov.vn")
    assert (other.code, other.web_host, other.status) == ("yen-phuc", "yenphuc.langson.gov.vn", "active")
    if registry.postgres:
        assert other.scope.endswith("xa_yen_phuc")
    else:
        assert other.scope == "xa-yen-phuc.sqlite3"
    assert not registry.is_base(other)

    assert [c.code for c in registry.all()] == ["tran-ninh", "yen-phuc"]
    assert registry.get("yen-phuc") == other == registry.by_id(other.id)
    assert registry.by_host("yenphuc.langson.gov.vn") == other
    assert registry.get("nowhere") is None and registry.by_id(99) is None
    assert registry.first() == first
    assert registry.engine_of(other) is registry.engine_of(registry.get("yen-phuc"))  # cached


def test_the_registry_tables_live_only_where_database_url_points(registry):
    other = registry.create("yen-phuc", "Xã Yên Phúc")
    province = set(PROVINCE_METADATA.tables)
    base_tables = tables(registry.base)
    assert province <= base_tables
    commune_tables = tables(registry.engine_of(other))
    assert not {t for t in commune_tables if t.startswith("province_")}
    assert {"member", "submission", "submission_tally", "alembic_version"} <= commune_tables
    # each chain at its own head, in its own version table
    assert version(registry.engine_of(other), "alembic_version") == heads()
    assert version(registry.base, "alembic_version") == heads()
    assert version(registry.base, "province_version") == {"province_registry"}
    assert "province_version" not in commune_tables


@pytest.mark.parametrize(
    ("code", "name", "host", "key"),
    [
        ("tran-ninh", "Xã Khác", None, "commune.code_taken"),
        ("Yen Phuc", "Xã Yên Phúc", None, "commune.code_bad"),
        ("x", "Xã X", None, "commune.code_bad"),
        ("a" * 33, "Xã dài", None, "commune.code_bad"),
        ("yen-phuc", " ", None, "commune.name_bad"),
        ("yen-phuc", "Xã Yên Phúc", "http://a/b", "commune.host_bad"),
        ("hoi-hoan", "Xã Hội Hoan", "TAKEN.example.vn", "commune.host_taken"),
    ],
)
def test_a_taken_or_wrong_code_or_host_is_refused_and_nothing_is_made(registry, code, name, host, key):
    registry.create("da-trong", "Xã Đã Trọng", web_host="taken.example.vn")
    before = registry.all()
    with pytest.raises(CommuneRefused) as refused:
        registry.create(code, name, web_host=host)
    assert refused.value.key == key
    assert registry.all() == before
    if registry.postgres and key != "commune.code_taken":
        with registry.base.connect() as conn:
            schemas = conn.execute(text("SELECT nspname FROM pg_namespace")).scalars().all()
        home = registry.first().scope
        assert not [s for s in schemas if s.startswith(home) and s.endswith("_" + code.replace("-", "_"))]


def test_no_commune_is_added_before_the_first_is_registered(province_db):
    communes = Communes(province_db)
    communes.migrate()
    with pytest.raises(CommuneRefused) as refused:
        communes.create("yen-phuc", "Xã Yên Phúc")
    assert refused.value.key == "commune.no_first"
    assert communes.all() == []


def test_ensure_first_registers_once_and_migrate_runs_again_harmlessly(registry):
    again = registry.ensure_first("other-code", "Tên khác")
    assert (again.id, again.code) == (1, "tran-ninh")
    registry.create("yen-phuc", "Xã Yên Phúc")
    registry.migrate()
    registry.migrate()
    assert [c.status for c in registry.all()] == ["active", "active"]


def test_a_creation_cut_short_is_finished_by_the_next_migrate(registry, monkeypatch):
    def fails(*_args):
        raise RuntimeError("the machine stopped")

    monkeypatch.setattr(Communes, "_make_ready", fails)
    with pytest.raises(RuntimeError):
        registry.create("yen-phuc", "Xã Yên Phúc")
    assert registry.get("yen-phuc").status == "new"
    monkeypatch.undo()
    registry.migrate()
    other = registry.get("yen-phuc")
    assert other.status == "active"
    assert version(registry.engine_of(other), "alembic_version") == heads()


def test_one_query_finds_the_commune_schemas_behind_the_newest(pg_base):
    """A restart reads every commune schema's version at once; only those behind are migrated."""
    communes = Communes(pg_base)
    communes.migrate()
    communes.ensure_first("tran-ninh", "Xã Trần Ninh")
    a, b = communes.create("xa-a", "Xã A"), communes.create("xa-b", "Xã B")
    scopes_ = [a.scope, b.scope]
    assert schemas_behind(pg_base, scopes_) == []
    with pg_base.begin() as conn:
        conn.execute(text(f'UPDATE "{b.scope}".alembic_version SET version_num = :v'), {"v": "outbox_lane"})
    assert schemas_behind(pg_base, scopes_) == [b.scope]
    assert schemas_behind(pg_base, [*scopes_, "no_such_schema"]) == [b.scope, "no_such_schema"]


def test_the_registry_migrations_match_its_models(registry):
    """A registry model change without its migration in storage/province_migrations fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def ours(name, type_, _parents) -> bool:
        return type_ != "table" or (name.startswith("province_") and name != "province_version")

    with registry.base.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True, "include_name": ours}),
            PROVINCE_METADATA,
        )
    assert diff == []
