"""Where one commune's data lives, and an Engine that works only there.

PostgreSQL: a schema per commune, ONE connection pool for all of them. A commune's Engine is the
base Engine with the execution option `commune_schema`; every transaction it begins first runs
`SET LOCAL search_path TO "<schema>"` on the DBAPI connection. SET LOCAL ends with the
transaction (commit or rollback), so a pooled connection never carries one commune's path into
another's transaction, and the number of connections stays the pool's whatever the number of
communes. Raw SQL, the counters' trigger functions and the search's indexes all resolve their
unqualified names through that path.

SQLite: a file per commune beside the DATABASE_URL file, each its own Engine
(storage.db.make_engine)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, create_engine
from sqlalchemy.pool import NullPool

from .db import heads, make_engine, migrate

SCHEMA_OPTION = "commune_schema"
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# set on the base Engine once its begin listener is installed
_LISTENING = "_commune_scope_listener"


def check_schema(schema: str) -> str:
    """A schema name written into SQL: only the names this module makes (lower case, digits, _)."""
    if not SCHEMA_NAME.match(schema):
        raise ValueError(f"not a commune schema name: {schema!r}")
    return schema


def _set_path(conn: Connection) -> None:
    schema = conn.get_execution_options().get(SCHEMA_OPTION)
    if schema is None:
        return
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f'SET LOCAL search_path TO "{check_schema(schema)}"')
    finally:
        cursor.close()


def in_schema(base: Engine, schema: str) -> Engine:
    """The base Engine working in `schema` (same pool): each transaction sets its path first."""
    check_schema(schema)
    if not getattr(base, _LISTENING, False):
        event.listen(base, "begin", _set_path)
        setattr(base, _LISTENING, True)
    return base.execution_options(**{SCHEMA_OPTION: schema})


def current_schema(base: Engine) -> str:
    """The schema the base Engine works in (public, unless its connections set another path)."""
    with base.connect() as conn:
        found = conn.execute(text("SELECT current_schema()")).scalar()
    if not found:
        raise RuntimeError("PostgreSQL names no current schema: its search_path is empty")
    return str(found)


def migration_engine(base: Engine, schema: str) -> Engine:
    """An Engine for Alembic in one schema: no pool (used once), the path set at connect, so
    Alembic's own transactions and the migrations' DDL all stay in the schema."""
    engine = create_engine(base.url, poolclass=NullPool)
    check_schema(schema)

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_conn.commit()

    return engine


def create_schema(base: Engine, schema: str) -> None:
    """Make the schema (if absent) and migrate it to the newest commune schema."""
    with base.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{check_schema(schema)}"')
    migrate_schema(base, schema)


def migrate_schema(base: Engine, schema: str) -> None:
    engine = migration_engine(base, schema)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def base_file(base: Engine) -> Path:
    """The DATABASE_URL file of an SQLite deployment: the other communes' files sit beside it."""
    database = base.url.database
    if not database or database == ":memory:":
        raise ValueError("communes need an SQLite file (DATABASE_URL), not an in-memory database")
    return Path(database)


def file_engine(base: Engine, name: str) -> Engine:
    """The Engine of the commune file `name` beside the DATABASE_URL file."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a commune file name: {name!r}")
    return make_engine(f"sqlite:///{base_file(base).parent / name}")


def schemas_behind(base: Engine, schemas: list[str]) -> list[str]:
    """The schemas not at the newest commune schema (missing, or an older version), read in
    one statement: a start with a hundred communes asks once."""
    if not schemas:
        return []
    want = heads()
    with base.connect() as conn:
        present: set[str] = set(
            conn.execute(
                text(
                    "SELECT table_schema FROM information_schema.tables "
                    "WHERE table_name = 'alembic_version' AND table_schema = ANY(:s)"
                ),
                {"s": schemas},
            ).scalars()
        )
        versions: dict[str, set[str]] = {s: set() for s in schemas}
        if present:
            union = " UNION ALL ".join(
                f"SELECT '{check_schema(s)}', version_num FROM \"{s}\".alembic_version"
                for s in sorted(present)
            )
            for row in conn.execute(text(union)):
                versions[str(row[0])].add(str(row[1]))
    return [s for s in schemas if versions[s] != want]
