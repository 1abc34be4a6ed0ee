"""bench/communes.py's seed: two campaigns of a commune (tests/seeding.populate) and its
residents up to a size; a migrated commune schema's structure dumped once and replayed under
other communes' names (pg_dump --schema-only), stamped at the newest revision."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from domain.campaign import load_campaign
from storage.db import heads, optimize
from storage.models import Identity, Member
from storage.scopes import migration_engine
from tests.seeding import START, populate

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "campaigns" / "tran-ninh-2024.toml"
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
NOW = datetime(2024, 11, 5, 3, 0, tzinfo=UTC)  # inside the campaign's window
EXTRA_FROM = 100_001  # the extra residents' ids, past populate's members
HOST = "{code}.bench.test"


def campaigns():
    """This year's campaign (the screens') and last year's, under another code."""
    now = load_campaign(CAMPAIGN)
    last = now.model_copy(update={"campaign": now.campaign.model_copy(update={"code": "tran-ninh-2023"})})
    return now, last


def seed(engine, members: int, submissions: int) -> None:
    """Both campaigns' submissions and the commune's members (populate's, then residents up
    to `members`, each with a chat identity)."""
    now, last = campaigns()
    populate(engine, now, submissions)
    populate(engine, last, submissions, seed=8, members=False, first=submissions + 1)
    with Session(engine) as s:
        have = len(s.exec(select(Member.id)).all())
    units = [u.code for u in now.units if not u.code.startswith("VP")]
    rows = [
        dict(
            id=EXTRA_FROM + i,
            full_name=f"Nguyễn Văn An {i}",
            role="resident",
            unit_code=units[i % len(units)],
            created_at=START,
            updated_at=START,
        )
        for i in range(max(0, members - have))
    ]
    with engine.begin() as conn:
        for at in range(0, len(rows), 5_000):
            chunk = rows[at : at + 5_000]
            conn.execute(insert(Member.__table__), chunk)
            conn.execute(
                insert(Identity.__table__),
                [
                    dict(
                        member_id=r["id"],
                        channel="console",
                        external_id=f"m{r['id']}",
                        chat_id=f"m{r['id']}",
                        display_name=None,
                        created_at=START,
                    )
                    for r in chunk
                ],
            )
    optimize(engine, bulk=True)


def structure_of(schema: str) -> str:
    """A migrated commune schema's DDL (tables, indexes, trigger functions, triggers)."""
    url = make_url(PG_URL)
    done = subprocess.run(
        [
            "pg_dump",
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            f"--schema={schema}",
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            url.database or "test",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    # psql's meta-commands (\\restrict, \\unrestrict) are no SQL: the DDL is run by the driver
    return "\n".join(line for line in done.stdout.splitlines() if not line.startswith("\\"))


def copy_structure(base, ddl: str, template: str, schemas: list[str]) -> None:
    """The template's DDL replayed under each schema's name, stamped at the newest revision
    (on a connection of its own: the dump empties the session's search_path)."""
    engine = migration_engine(base, template)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for schema in schemas:
            cur.execute(ddl.replace(template, schema))
            for head in heads():
                cur.execute(f"INSERT INTO \"{schema}\".alembic_version VALUES ('{head}')")
            raw.commit()  # a schema per transaction: its locks are let go
    finally:
        raw.close()
        engine.dispose()
