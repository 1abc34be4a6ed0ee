"""The submission counters' triggers (submission_tally, submission_sent: tables in
storage/models/submissions.py, read by storage/views.py).

The counters are kept right by triggers on `submission`, so every write path counts: the
domain's operations, bulk inserts (tests/seeding.py), raw SQL, a restore. SQLite: row triggers.
PostgreSQL: statement triggers with transition tables (one grouped upsert per statement, counter
rows taken in key order so two moves cannot deadlock on them; TRUNCATE empties the counters).

On SQLite, a batch_alter_table on `submission` copies the table and drops its triggers: a
migration that does so calls create_triggers() again."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

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


def create_triggers(bind: Connection) -> None:
    """The triggers that keep the counters. A migration that rebuilds `submission` on SQLite
    (batch mode copies the table, and its triggers are lost) calls this again."""
    if bind.dialect.name == "postgresql":
        statements = [*PG_FUNCTIONS.values(), *PG_TRIGGERS]
    else:
        statements = SQLITE_TRIGGERS
    for ddl in statements:
        bind.execute(text(ddl))


def drop_triggers(bind: Connection) -> None:
    for what in ("insert", "update", "delete", "truncate"):
        if bind.dialect.name == "postgresql":
            bind.execute(text(f"DROP TRIGGER IF EXISTS submission_counts_{what} ON submission"))
            bind.execute(text(f"DROP FUNCTION IF EXISTS submission_counts_{what}()"))
        else:
            bind.execute(text(f"DROP TRIGGER IF EXISTS submission_counts_{what}"))


def backfill(bind: Connection) -> None:
    """The counters from the rows already there (run with writers kept out, e.g. under a table
    lock on PostgreSQL, so that no write falls between the count and the triggers)."""
    pg = bind.dialect.name == "postgresql"
    bind.execute(text("DELETE FROM submission_tally"))
    bind.execute(
        text(
            f"INSERT INTO submission_tally ({', '.join(TALLY_KEY)}, n) "
            "SELECT campaign_code, kind, status, coalesce(unit_code, ''), coalesce(category, ''), "
            "coalesce(shortlist_award, ''), count(*) FROM submission GROUP BY 1, 2, 3, 4, 5, 6"
        )
    )
    bind.execute(text("DELETE FROM submission_sent"))
    for span, lite, pg_expr in SPANS:
        bind.execute(
            text(
                f"INSERT INTO submission_sent ({', '.join(SENT_KEY)}, n) "
                f"SELECT campaign_code, '{span}', {(pg_expr if pg else lite).format(x='submitted_at')}, "
                f"coalesce(unit_code, ''), count(*) FROM submission "
                f"WHERE {SENT.format(r='submission')} GROUP BY 1, 2, 3, 4"
            )
        )
