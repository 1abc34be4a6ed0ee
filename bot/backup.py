"""python -m bot backup / restore: one archive with the database and the media folder.

  python -m bot backup --out /var/backups/thidua/2024-11-27.tar.gz
  python -m bot restore /var/backups/thidua/2024-11-27.tar.gz   (into an EMPTY database)

SQLite: the online backup API copies a consistent snapshot while the bot keeps writing (every
commit before the copy is in it, none after is half in it). PostgreSQL: `pg_dump --format=custom`
when it is installed (the same major version as the server, or newer); restore uses
`pg_restore`. The password goes to the tools in PGPASSWORD, never on their command line.
The archive is a .tar.gz: manifest.json, database.sqlite or database.pgdump, media/.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from storage.db import make_engine, migrate, normalise_url

from .settings import Settings, SettingsError

FORMAT = 1


class BackupError(Exception):
    """One line for the operator (exit 1)."""


def add_parsers(sub) -> None:
    b = sub.add_parser("backup", help="copy the live database and the media folder into one archive")
    b.add_argument("--out", required=True, help="the archive to write (.tar.gz)")
    b.set_defaults(handler=backup_command)
    r = sub.add_parser("restore", help="put a backup archive back into an empty database")
    r.add_argument("archive", help="a file made by `backup`")
    r.set_defaults(handler=restore_command)


def backup_command(args, settings: Settings) -> int:
    try:
        made = backup(settings, Path(args.out))
    except BackupError as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    print(f"{made} — {made.stat().st_size // 1024} KB")
    return 0


def restore_command(args, settings: Settings) -> int:
    try:
        restore(settings, Path(args.archive))
    except BackupError as exc:
        print(f"restore: {exc}", file=sys.stderr)
        return 1
    print("OK")
    return 0


# -- backup -----------------------------------------------------------------------------------


def _backend(url: str) -> str:
    try:
        return make_url(normalise_url(url)).get_backend_name()
    except Exception:
        raise SettingsError(f"DATABASE_URL: not a database URL: {url[:40]!r}") from None


def _sqlite_path(url: str) -> Path:
    database = make_url(normalise_url(url)).database
    if not database or database == ":memory:":
        raise BackupError("DATABASE_URL: an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _pg_env(url: str) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: the password never on a command line."""
    u = make_url(normalise_url(url))
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", u.host),
        ("PGPORT", u.port),
        ("PGUSER", u.username),
        ("PGPASSWORD", u.password),
        ("PGDATABASE", u.database),
    ):
        if value is not None:
            env[key] = str(value)
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt install postgresql-client)")
    return path


def backup(settings: Settings, out: Path) -> Path:
    url = settings.database_url
    kind = _backend(url)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="thidua-backup-") as tmp:
        work = Path(tmp)
        if kind == "sqlite":
            source = _sqlite_path(url)
            if not source.exists():
                raise BackupError(f"DATABASE_URL: no database at {source}")
            dbfile = work / "database.sqlite"
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
            dst = sqlite3.connect(dbfile)
            try:
                src.backup(dst)  # the online backup API: one consistent snapshot
            finally:
                dst.close()
                src.close()
        elif kind == "postgresql":
            dbfile = work / "database.pgdump"
            done = subprocess.run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={dbfile}"],
                env=_pg_env(url),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip().splitlines()[-1:]}")
        else:
            raise BackupError(f"DATABASE_URL: {kind} is not supported")
        manifest = {
            "format": FORMAT,
            "database": kind,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (work / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        partial = out.with_name(out.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(dbfile, arcname=dbfile.name)
            media = Path(settings.media_dir)
            if media.is_dir():
                tar.add(
                    media,
                    arcname="media",
                    filter=lambda ti: None if Path(ti.name).name.startswith(".part-") else ti,
                )
        os.replace(partial, out)  # a backup is either whole or absent
    return out


# -- restore ----------------------------------------------------------------------------------


def _empty(url: str) -> bool:
    engine = make_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(settings: Settings, archive: Path) -> None:
    url = settings.database_url
    kind = _backend(url)
    if not Path(archive).is_file():
        raise BackupError(f"no such file: {archive}")
    with tempfile.TemporaryDirectory(prefix="thidua-restore-") as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")  # no absolute paths, no "..", no devices
            manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError) as exc:
            raise BackupError(f"not a backup archive: {type(exc).__name__}") from None
        if manifest.get("format") != FORMAT or manifest.get("database") != kind:
            raise BackupError(
                f"the archive holds a {manifest.get('database')} database; DATABASE_URL is {kind}"
            )
        if kind == "sqlite":
            target = _sqlite_path(url)
            if target.exists() and not _empty(url):
                raise BackupError(f"DATABASE_URL: {target} is not empty; restore into a new file")
            check = sqlite3.connect(work / "database.sqlite")
            try:
                if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError("the database in the archive is damaged")
            finally:
                check.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "database.sqlite", f"{target}.part")
            os.replace(f"{target}.part", target)
        else:
            if not _empty(url):
                raise BackupError("DATABASE_URL: the database is not empty; restore into a new one")
            done = subprocess.run(
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    f"--dbname={_pg_env(url)['PGDATABASE']}",
                    str(work / "database.pgdump"),
                ],
                env=_pg_env(url),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip().splitlines()[-1:]}")
        media = work / "media"
        if media.is_dir():
            shutil.copytree(media, Path(settings.media_dir), dirs_exist_ok=True)
    engine = make_engine(url)
    try:
        migrate(engine)  # a backup from an older version is brought to this one's schema
    finally:
        engine.dispose()
