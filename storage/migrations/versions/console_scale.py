"""the web console at 100,000 dossiers: a dossier's audit trail read by an index; the name
and reference search by trigram indexes (pg_trgm GIN on PostgreSQL, an FTS5 trigram table kept
by triggers on SQLite)

Revision ID: console_scale
Revises: zalo_oa_channel
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "console_scale"
down_revision = "zalo_oa_channel"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# the search's columns (storage.pages.named: ILIKE/LIKE '%term%' on each)
SEARCHED = ("ref", "nominee", "nominee_key")


def trigram_schema(conn) -> str | None:
    """The schema holding pg_trgm (created in public when absent; a trusted extension since
    PostgreSQL 13, so the database's owner may create it), or None when it cannot be had: the
    search then reads the rows, as before."""
    found = conn.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar()
    if found:
        return found
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except sa.exc.DBAPIError as exc:
        log.warning("pg_trgm is not available (%s); the dossier search reads every row", exc.orig)
        return None
    return "public"


# SQLite: submission_search indexes the searched columns of `submission` by trigram (FTS5,
# external content: the text stays in `submission`); triggers keep it in step with every
# write, whoever makes it. A later migration that rebuilds `submission` on SQLite (a batch
# copy) drops them with the table: it must call create_search_triggers again, as it calls
# storage.counters.create_triggers.
FTS_TABLE = "submission_search"
FLAGGED = "ix_submission_flagged"
_COLS = ", ".join(SEARCHED)
_NEW = ", ".join(f"new.{c}" for c in SEARCHED)
_OLD = ", ".join(f"old.{c}" for c in SEARCHED)
SQLITE_SEARCH_TRIGGERS = [
    f"""CREATE TRIGGER submission_search_insert AFTER INSERT ON submission BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.id, {_NEW});
    END""",
    f"""CREATE TRIGGER submission_search_delete AFTER DELETE ON submission BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});
    END""",
    f"""CREATE TRIGGER submission_search_update AFTER UPDATE OF {_COLS} ON submission BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.id, {_NEW});
    END""",
]


def create_search_triggers(bind) -> None:
    if bind.dialect.name == "sqlite":
        for ddl in SQLITE_SEARCH_TRIGGERS:
            op.execute(ddl)


def upgrade() -> None:
    op.create_index("ix_audit_log_entity_id", "audit_log", ["entity", "entity_id", "id"])
    op.create_index(
        "ix_submission_list",
        "submission",
        ["campaign_code", "category", "proposed_award", "shortlist_award", "status"],
    )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        # the flagged dossiers («Có cảnh báo»), a few, read from their own partial index, not
        # from every row; the list's condition is written the same way (storage.listing). No
        # model: the condition casts a json column, spelled per database
        op.execute(
            f"CREATE INDEX {FLAGGED} ON submission (campaign_code, status) "
            "WHERE CAST(flags AS VARCHAR) != '[]' AND CAST(flags AS VARCHAR) != ''"
        )
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_COLS}, content='submission', "
            "content_rowid='id', tokenize='trigram')"
        )
        op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # the rows there
        create_search_triggers(conn)
        return
    if conn.dialect.name != "postgresql":
        return
    schema = trigram_schema(conn)
    if schema is None:
        return
    for column in SEARCHED:
        # the opclass named with its schema: the tables may live in a schema without pg_trgm
        op.execute(
            f'CREATE INDEX IF NOT EXISTS ix_submission_trgm_{column} ON submission '
            f'USING gin ({column} "{schema}".gin_trgm_ops)'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS ix_submission_trgm_{column}")
    if op.get_bind().dialect.name == "sqlite":
        for what in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS submission_search_{what}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        op.execute(f"DROP INDEX IF EXISTS {FLAGGED}")
    op.drop_index("ix_submission_list", table_name="submission")
    op.drop_index("ix_audit_log_entity_id", table_name="audit_log")
