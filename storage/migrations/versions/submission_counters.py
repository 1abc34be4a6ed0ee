"""submission counters kept by triggers, indexes for paged screens (issue 14)

The counters (submission_tally, submission_sent) are kept right by triggers on `submission`, so
every write path counts: the domain's operations, bulk inserts (tests/seeding.py), raw SQL, a
restore. SQLite: row triggers. PostgreSQL: statement triggers with transition tables (one
grouped upsert per statement, counter rows taken in key order so two moves cannot deadlock on
them). The counters are filled from the rows already there.

NOTE for later migrations: on SQLite, a batch_alter_table on `submission` copies the table and
drops its triggers; call create_triggers() again after such a change.

Revision ID: i14_tally
Revises: i16_broadcasts
"""

import sqlalchemy as sa
from alembic import op

revision = "i14_tally"
down_revision = "i16_broadcasts"
branch_labels = None
depends_on = None

TALLY_KEY = ("campaign_code", "kind", "status", "unit_code", "category", "shortlist_award")


def _tally_cols(row: str) -> str:
    return (
        f"{row}.campaign_code, {row}.kind, {row}.status, coalesce({row}.unit_code, ''), "
        f"coalesce({row}.category, ''), coalesce({row}.shortlist_award, '')"
    )


# -- SQLite: row triggers -----------------------------------------------------------------------

# submission_sent's spans: (span, the start of a timestamp's UTC span on SQLite, on PostgreSQL)
SPANS = [
    ("day", "date({x})", "({x} AT TIME ZONE 'UTC')::date"),
    ("month", "date({x}, 'start of month')", "date_trunc('month', {x} AT TIME ZONE 'UTC')::date"),
]
SENT_KEY = ("campaign_code", "span", "start", "unit_code")
SENT = "{r}.submitted_at IS NOT NULL AND {r}.status <> 'withdrawn'"  # what submission_sent counts


def _sqlite_add(row: str, sign: str) -> str:
    """Statements adding `sign`1 for the row OLD or NEW to every counter."""
    out = [
        f"INSERT INTO submission_tally ({', '.join(TALLY_KEY)}, n) "
        f"SELECT {_tally_cols(row)}, {sign}1 WHERE 1 "
        f"ON CONFLICT ({', '.join(TALLY_KEY)}) DO UPDATE SET n = n {sign} 1;"
    ]
    key = ", ".join(SENT_KEY)
    for span, lite, _ in SPANS:
        out.append(
            f"INSERT INTO submission_sent ({key}, n) "
            f"SELECT {row}.campaign_code, '{span}', {lite.format(x=row + '.submitted_at')}, "
            f"coalesce({row}.unit_code, ''), {sign}1 WHERE {SENT.format(r=row)} "
            f"ON CONFLICT ({key}) DO UPDATE SET n = n {sign} 1;"
        )
    return "\n  ".join(out)


COUNTED = ("campaign_code", "kind", "status", "unit_code", "category", "shortlist_award", "submitted_at")

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER submission_counts_insert AFTER INSERT ON submission BEGIN
  {_sqlite_add('NEW', '+')}
END""",
    f"""CREATE TRIGGER submission_counts_update AFTER UPDATE OF {', '.join(COUNTED)} ON submission
WHEN {' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in COUNTED)} BEGIN
  {_sqlite_add('OLD', '-')}
  {_sqlite_add('NEW', '+')}
END""",
    f"""CREATE TRIGGER submission_counts_delete AFTER DELETE ON submission BEGIN
  {_sqlite_add('OLD', '-')}
END""",
]


# -- PostgreSQL: statement triggers with transition tables --------------------------------------


def _pg_function(name: str, sources: list[tuple[str, str]]) -> str:
    """A trigger function adding +1 per row of new_rows and -1 per row of old_rows, grouped,
    in key order; groups whose change nets to nothing are not touched."""

    def union(cols: str, where: str = "") -> str:
        return " UNION ALL ".join(
            f"SELECT {cols}, {'-1' if sign == '-' else '1'} AS d FROM {r} r {where}" for r, sign in sources
        )

    tally_cols = (
        "r.campaign_code, r.kind, r.status, coalesce(r.unit_code, ''), "
        "coalesce(r.category, ''), coalesce(r.shortlist_award, '')"
    )
    keys6 = "1, 2, 3, 4, 5, 6"
    body = [
        f"""  INSERT INTO submission_tally AS t ({', '.join(TALLY_KEY)}, n)
  SELECT {', '.join(f'k{i}' for i in range(6))}, sum(d) FROM (
    {union(tally_cols)}
  ) AS x(k0, k1, k2, k3, k4, k5, d)
  GROUP BY {keys6} HAVING sum(d) <> 0 ORDER BY {keys6}
  ON CONFLICT ({', '.join(TALLY_KEY)}) DO UPDATE SET n = t.n + excluded.n;"""
    ]
    cols = " UNION ALL ".join(
        f"SELECT r.campaign_code, '{span}', {pg.format(x='r.submitted_at')}, coalesce(r.unit_code, ''), d "
        f"FROM moved r"
        for span, _, pg in SPANS
    )
    body.append(f"""  WITH moved AS ({union('r.*', 'WHERE ' + SENT.format(r='r'))})
  INSERT INTO submission_sent AS t ({', '.join(SENT_KEY)}, n)
  SELECT k0, k1, k2, k3, sum(d) FROM ({cols}) AS x(k0, k1, k2, k3, d)
  GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4
  ON CONFLICT ({', '.join(SENT_KEY)}) DO UPDATE SET n = t.n + excluded.n;""")
    nl = "\n"
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{nl.join(body)}
  RETURN NULL;
END $$"""


PG_FUNCTIONS = {
    "insert": _pg_function("submission_counts_insert", [("new_rows", "+")]),
    "update": _pg_function("submission_counts_update", [("old_rows", "-"), ("new_rows", "+")]),
    "delete": _pg_function("submission_counts_delete", [("old_rows", "-")]),
}
PG_TRIGGERS = [
    "CREATE TRIGGER submission_counts_insert AFTER INSERT ON submission "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION submission_counts_insert()",
    "CREATE TRIGGER submission_counts_update AFTER UPDATE ON submission "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION submission_counts_update()",
    "CREATE TRIGGER submission_counts_delete AFTER DELETE ON submission "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION submission_counts_delete()",
    # TRUNCATE fires no row or statement DELETE trigger: empty the counters with it
    "CREATE FUNCTION submission_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM submission_tally; DELETE FROM submission_sent; RETURN NULL; END $$",
    "CREATE TRIGGER submission_counts_truncate AFTER TRUNCATE ON submission "
    "FOR EACH STATEMENT EXECUTE FUNCTION submission_counts_truncate()",
]


def create_triggers(bind) -> None:
    if bind.dialect.name == "postgresql":
        for ddl in [*PG_FUNCTIONS.values(), *PG_TRIGGERS]:
            op.execute(ddl)
    else:
        for ddl in SQLITE_TRIGGERS:
            op.execute(ddl)


def drop_triggers(bind) -> None:
    for what in ("insert", "update", "delete", "truncate"):
        if bind.dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS submission_counts_{what} ON submission")
            op.execute(f"DROP FUNCTION IF EXISTS submission_counts_{what}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS submission_counts_{what}")


def backfill(bind) -> None:
    """The counters from the rows already there (run with writers kept out: see upgrade)."""
    pg = bind.dialect.name == "postgresql"
    op.execute("DELETE FROM submission_tally")
    op.execute(
        f"INSERT INTO submission_tally ({', '.join(TALLY_KEY)}, n) "
        "SELECT campaign_code, kind, status, coalesce(unit_code, ''), coalesce(category, ''), "
        "coalesce(shortlist_award, ''), count(*) FROM submission GROUP BY 1, 2, 3, 4, 5, 6"
    )
    op.execute("DELETE FROM submission_sent")
    for span, lite, pg_expr in SPANS:
        op.execute(
            f"INSERT INTO submission_sent ({', '.join(SENT_KEY)}, n) "
            f"SELECT campaign_code, '{span}', {(pg_expr if pg else lite).format(x='submitted_at')}, "
            f"coalesce(unit_code, ''), count(*) FROM submission "
            f"WHERE {SENT.format(r='submission')} GROUP BY 1, 2, 3, 4"
        )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # no write may fall between the backfill and the triggers
        op.execute("LOCK TABLE submission IN SHARE ROW EXCLUSIVE MODE")
    op.create_table(
        "submission_tally",
        sa.Column("campaign_code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("unit_code", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("shortlist_award", sa.String(32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*TALLY_KEY),
        sqlite_with_rowid=False,  # SQLite: the rows in key order, a GROUP BY reads no other table
    )
    op.create_table(
        "submission_sent",
        sa.Column("campaign_code", sa.String(40), nullable=False),
        sa.Column("span", sa.String(8), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("unit_code", sa.String(16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*SENT_KEY),
        sqlite_with_rowid=False,
    )
    backfill(bind)
    create_triggers(bind)
    op.drop_index("ix_submission_campaign_status", table_name="submission")
    op.create_index("ix_submission_status_id", "submission", ["campaign_code", "status", "id"])
    op.create_index("ix_submission_award", "submission", ["campaign_code", "shortlist_award", "id"])
    op.drop_index("ix_submission_unit_code", table_name="submission")
    op.create_index("ix_submission_unit_kind", "submission", ["unit_code", "kind", "id"])
    op.drop_index("ix_submission_submitter_id", table_name="submission")
    op.create_index("ix_submission_submitter", "submission", ["submitter_id", "id"])
    op.create_index("ix_audit_log_entity_action_at", "audit_log", ["entity", "action", "at", "id"])


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_index("ix_audit_log_entity_action_at", table_name="audit_log")
    op.drop_index("ix_submission_submitter", table_name="submission")
    op.create_index("ix_submission_submitter_id", "submission", ["submitter_id"])
    op.drop_index("ix_submission_unit_kind", table_name="submission")
    op.create_index("ix_submission_unit_code", "submission", ["unit_code"])
    op.drop_index("ix_submission_award", table_name="submission")
    op.drop_index("ix_submission_status_id", table_name="submission")
    op.create_index("ix_submission_campaign_status", "submission", ["campaign_code", "status"])
    drop_triggers(bind)
    op.drop_table("submission_sent")
    op.drop_table("submission_tally")
