"""Backups: `python -m bot backup` while the bot writes, `python -m bot restore` into an empty
database; every submission confirmed before the backup is back, media included."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from sqlalchemy import text

from handlers.core import Core
from storage.db import make_engine, migrate
from storage.models import StatusChange, Submission

from .conftest import Player, nominate_household, postgres_unreachable, postgres_url, register_resident, rows
from .test_cli_ranges import run_bot


class Writer(threading.Thread):
    """A resident nominating again and again; keeps every reference the bot confirmed."""

    def __init__(self, core: Core) -> None:
        super().__init__(daemon=True)
        self.player = Player(core, "writer")
        self.confirmed: list[str] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            register_resident(self.player)
            while not self.stop.is_set():
                self.confirmed.append(nominate_household(self.player))
        except BaseException as exc:
            self.error = exc


def _check_restored(db, before: list[str], writer: Writer) -> None:
    refs = {s.ref for s in rows(db, Submission)}
    assert set(before) <= refs, sorted(set(before) - refs)  # nothing confirmed is lost
    assert refs <= set(writer.confirmed)  # nothing half-written
    assert len(rows(db, StatusChange)) == len(refs)


def test_a_backup_taken_while_the_bot_writes_restores_every_confirmed_submission(
    db_path, campaign, clock, tmp_path
):
    engine = make_engine(f"sqlite:///{db_path}")
    media = tmp_path / "media"
    (media / "ab").mkdir(parents=True)
    (media / "ab" / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    writer = Writer(Core(engine, campaign, clock))
    writer.start()
    try:
        for _ in range(2000):  # bounded: a few nominations in before the backup starts
            if len(writer.confirmed) >= 3 or writer.error:
                break
            writer.stop.wait(0.01)
        before = list(writer.confirmed)
        done = run_bot(
            tmp_path,
            "backup",
            "--out",
            str(tmp_path / "b.tar.gz"),
            DATABASE_URL=f"sqlite:///{db_path}",
            MEDIA_DIR=str(media),
        )
        assert done.returncode == 0, done.stderr
        during = len(writer.confirmed) - len(before)
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert writer.error is None, writer.error
    assert len(before) >= 3 and during >= 0
    restored = tmp_path / "restored.db"
    done = run_bot(
        tmp_path,
        "restore",
        str(tmp_path / "b.tar.gz"),
        DATABASE_URL=f"sqlite:///{restored}",
        MEDIA_DIR=str(tmp_path / "media2"),
    )
    assert done.returncode == 0 and done.stdout.strip() == "OK", done.stderr
    again = make_engine(f"sqlite:///{restored}")
    _check_restored(again, before, writer)
    assert (tmp_path / "media2" / "ab" / "photo.jpg").read_bytes() == b"\xff\xd8 a photo"
    # a second restore into the same, no longer empty, database is refused in one line
    done = run_bot(tmp_path, "restore", str(tmp_path / "b.tar.gz"), DATABASE_URL=f"sqlite:///{restored}")
    assert done.returncode == 1 and "not empty" in done.stderr and "Traceback" not in done.stderr
    again.dispose()
    engine.dispose()


@pytest.fixture
def two_pg_databases():
    """Two fresh databases (a backup restores a whole database)."""
    url = postgres_url()
    names = [f"restore_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    try:
        admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for n in names:
                conn.execute(text(f'CREATE DATABASE "{n}"'))
    except Exception as exc:
        postgres_unreachable(url, exc)
    base = re.sub(r"/[^/]*$", "", url)
    yield [f"{base}/{n}" for n in names]
    with admin.connect() as conn:
        for n in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'))
    admin.dispose()


def test_postgresql_backup_and_restore_with_pg_dump(two_pg_databases, campaign, clock, tmp_path):
    source, target = two_pg_databases
    engine = make_engine(source)
    migrate(engine)
    p = Player(Core(engine, campaign, clock))
    register_resident(p)
    ref = nominate_household(p)
    engine.dispose()
    done = run_bot(tmp_path, "backup", "--out", str(tmp_path / "pg.tar.gz"), DATABASE_URL=source)
    assert done.returncode == 0, done.stderr
    done = run_bot(tmp_path, "restore", str(tmp_path / "pg.tar.gz"), DATABASE_URL=target)
    assert done.returncode == 0, done.stderr
    restored = make_engine(target)
    assert [s.ref for s in rows(restored, Submission)] == [ref]
    restored.dispose()
