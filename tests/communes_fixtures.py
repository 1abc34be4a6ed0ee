"""A province deployment's base database for tests: SQLite (a copy of the migrated template,
as an existing deployment's file) and PostgreSQL (a fresh schema standing for `public`, its
communes' schemas named after it and dropped with it). Import the fixtures you use:

    from .communes_fixtures import province_db, registry  # noqa: F401
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from storage.communes import Communes
from storage.db import make_engine, migrate

from .conftest import postgres_unreachable, postgres_url
from .seeding import engine_in_schema


def drop_schemas(url: str, prefix: str) -> None:
    admin = make_engine(url)
    try:
        with admin.begin() as conn:
            names = conn.execute(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"), {"p": prefix + "%"}
            ).scalars()
            for name in list(names):
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_base():
    """A PostgreSQL base engine in a fresh schema, migrated by the current code (commune 1's
    data in place, no registry yet). Every schema named after it is dropped afterwards."""
    url = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
    except Exception as exc:
        postgres_unreachable(url, exc)
    engine = engine_in_schema(url, schema)
    migrate(engine)
    yield engine
    engine.dispose()
    drop_schemas(url, schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def province_db(request, db_path):
    """The base engine of a deployment as the current code leaves it, on each database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{db_path}")
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("pg_base")


@pytest.fixture
def registry(province_db):
    """The registry over it, migrated, with the data in place registered as commune 1."""
    communes = Communes(province_db)
    communes.migrate()
    communes.ensure_first("tran-ninh", "Xã Trần Ninh")
    yield communes
    communes.dispose()
