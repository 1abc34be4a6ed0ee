"""Engines and migrations. SQLite (WAL) by default; a PostgreSQL URL works the same way.

SQLite runs with synchronous=FULL: a commit is on disk before the person is told "sent"
(NORMAL in WAL mode may lose the last commits on a power cut). Measured with
bench/core_turns.py: about 0.5 ms more per turn (see README, "Measured")."""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

if TYPE_CHECKING:  # pragma: no cover
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


def normalise_url(url: str) -> str:
    """postgres:// and postgresql:// mean psycopg 3 here (the driver we install)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, echo: bool = False, synchronous: str = "FULL") -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if synchronous.upper() not in ("FULL", "NORMAL", "EXTRA"):
            raise ValueError(f"synchronous: FULL, NORMAL or EXTRA, not {synchronous!r}")
        synchronous = synchronous.upper()
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # Alembic loads only when there is something to do

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


_REVISION = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)


def heads(migrations: Path = MIGRATIONS) -> set[str]:
    """The newest revisions of a chain (storage/migrations/versions by default), read from the
    files' own `revision = ...` / `down_revision = ...` lines (no Alembic import)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (migrations / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        revisions.add(ast.literal_eval(found["revision"]))
        down = ast.literal_eval(found.get("down_revision", "None"))
        parents.update(down if isinstance(down, (tuple, list)) else [down] if down else [])
    return revisions - parents


def at_head(engine: Engine, migrations: Path = MIGRATIONS, version_table: str = "alembic_version") -> bool:
    """True when the database is already at the newest schema (a restart: nothing to do)."""
    try:
        want = heads(migrations)
        with engine.connect() as conn:
            have = {r[0] for r in conn.execute(text(f"SELECT version_num FROM {version_table}"))}
    except Exception:
        return False
    return bool(want) and have == want


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (alembic upgrade head), then give SQLite's
    planner its statistics (optimize). A database already at the newest schema is left alone
    without loading Alembic (most starts are restarts)."""
    if at_head(engine):
        optimize(engine)
        # nothing was done: said only when asked (LOG_LEVEL=DEBUG), so that a command's
        # answer stays its one line on stderr (export, invitation, backup…)
        log.debug("database ready")
        return
    chatter = logging.getLogger("alembic")  # an INFO line per plugin (on import) and per revision
    level = chatter.level
    chatter.setLevel(logging.WARNING)
    try:
        from alembic import command

        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        chatter.setLevel(level)
    optimize(engine)
    log.info("database ready")


def session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


# Below this many submissions SQLite's built-in guesses serve every screen; statistics taken
# from a handful of rows would later mislead the planner on a campaign that has grown.
ANALYZE_FROM = 1000


# the tables a bulk load fills (PostgreSQL is asked about these only, in the current schema)
BULK_TABLES = ("member", "identity", "submission", "status_change", "audit_log", "evidence")


def optimize(engine: Engine, *, bulk: bool = False) -> None:
    """Planner statistics, at start and after a bulk load (bulk=True: a bench's seed, an
    import). SQLite has none until ANALYZE runs: without them the dossier list sorts every row
    for one page. The first ANALYZE reads every index (about a second at 100,000 dossiers,
    once: a sampled one, analysis_limit, misjudges the campaign index and keeps the sort);
    later starts run PRAGMA optimize, which analyses again only the tables that changed a lot.
    PostgreSQL's autovacuum keeps its own statistics; after a bulk load they are taken at once."""
    if engine.dialect.name == "postgresql":
        if bulk:
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE " + ", ".join(BULK_TABLES))
        return
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        stats = conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()
        if stats and not bulk:
            conn.exec_driver_sql("PRAGMA optimize")
            return
        if not bulk:
            has_table = conn.execute(
                text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'submission'")
            ).scalar()
            if not has_table:
                return
            rows = conn.execute(text(f"SELECT count(*) FROM (SELECT 1 FROM submission LIMIT {ANALYZE_FROM})"))
            if (rows.scalar() or 0) < ANALYZE_FROM:
                return
        conn.exec_driver_sql("ANALYZE")


class LeaderLock:
    """Which process runs the scheduler when several serve the same PostgreSQL database.

    A PostgreSQL session advisory lock held on a dedicated connection: it is released when
    the holder closes it or its process dies, and another process can then take it. On SQLite
    (one machine) the lock is always granted. Exactly-once delivery does not depend on it (the
    outbox's unique delivery keys guarantee that); it only saves the followers the work."""

    def __init__(self, engine: Engine, name: str) -> None:
        import hashlib

        self.engine = engine
        self.key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        self.held = False
        self.pid: int | None = None  # the PostgreSQL backend holding the lock
        self._conn: Connection | None = None

    def try_acquire(self) -> bool:
        if self.held:
            return True
        if self.engine.dialect.name != "postgresql":
            self.held = True
            return True
        conn = self.engine.connect()
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
            conn.commit()  # a session lock: it outlives the transaction
        except Exception:
            conn.close()
            raise
        if got:
            self._conn, self.held = conn, True
            self.pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            conn.commit()
        else:
            conn.close()
        return got

    def check(self) -> bool:
        """Is the lock still ours? Asks the server on the lock's own connection; a dropped
        connection (server restart, network, pg_terminate_backend) means the lock is gone:
        it is given up here, and the caller stops leading."""
        if not self.held:
            return False
        if self._conn is None:
            return True  # SQLite: one machine, always held
        try:
            ours = self._conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid()"
                    " AND ((classid::bigint << 32) | objid::bigint) = (:k)::bigint"
                ),
                {"k": self.key},
            ).scalar()
            self._conn.commit()
        except Exception as exc:
            log.warning("leader lock lost: %s", type(exc).__name__)
            ours = 0
        if not ours:
            self._drop()
            return False
        return True

    def _drop(self) -> None:
        conn, self._conn, self.held, self.pid = self._conn, None, False, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except Exception:
                pass

    def release(self) -> None:
        conn, self._conn, self.held, self.pid = self._conn, None, False, None
        if conn is not None:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                conn.commit()
            except Exception:
                conn.invalidate()
            finally:
                conn.close()
