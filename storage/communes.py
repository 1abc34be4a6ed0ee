"""The province registry: which communes the deployment serves and where each one's data is.

    communes = Communes(base_engine)       # the DATABASE_URL engine
    communes.migrate()                     # the registry's tables, then every commune's schema
    first = communes.ensure_first("tran-ninh", "Xã Trần Ninh")   # the data already in place
    other = communes.create("yen-phuc", "Xã Yên Phúc", web_host="yenphuc.example.vn")
    engine = communes.engine_of(other)     # every storage/domain function runs on it unchanged

Commune 1 is the data that was there before the registry: PostgreSQL's current schema (public),
or the DATABASE_URL file; nothing moves on an upgrade. Another commune gets the schema
`xa_<code>` (`-` written `_`; prefixed with the base schema's name when that is not public,
so that deployments sharing a database, as the tests do, keep theirs apart) or the file
`xa-<code>.sqlite3` beside the DATABASE_URL file. The registry's tables (`province_*`) live only
where DATABASE_URL points, migrated by their own chain (storage/province_migrations/)."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import ColumnElement, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from . import scopes
from .db import at_head
from .db import migrate as migrate_commune
from .models.province import ProvinceCommune

log = logging.getLogger(__name__)

PROVINCE_MIGRATIONS = Path(__file__).with_name("province_migrations")
VERSION_TABLE = "province_version"
CODE = re.compile(r"^[a-z0-9-]{2,32}$")
HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$"
)
NEW, ACTIVE = "new", "active"


@dataclass(frozen=True)
class Commune:
    id: int
    code: str
    name: str
    web_host: str | None
    scope: str  # a PostgreSQL schema, or an SQLite file's name beside the DATABASE_URL file
    status: str
    created_at: datetime


class CommuneRefused(Exception):
    """The registry said no; `key` names the text in the chat catalog (messages/texts/communes.py)."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def _commune(row: ProvinceCommune) -> Commune:
    return Commune(row.id, row.code, row.name, row.web_host, row.scope, row.status, row.created_at)


def migrate_registry(base: Engine) -> None:
    """The registry's tables at their newest shape (Alembic, version table province_version);
    a registry already there is left alone without loading Alembic (most starts are restarts)."""
    if at_head(base, PROVINCE_MIGRATIONS, VERSION_TABLE):
        return
    chatter = logging.getLogger("alembic")  # an INFO line per plugin (on import) and per revision
    level = chatter.level
    chatter.setLevel(logging.WARNING)
    try:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(PROVINCE_MIGRATIONS))
        with base.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        chatter.setLevel(level)


def normal_host(host: str | None) -> str | None:
    """A web host as stored: lower case, no scheme or path; None when empty."""
    if host is None or not host.strip():
        return None
    return host.strip().lower()


class Communes:
    """The registry over the DATABASE_URL engine, and each commune's Engine (cached)."""

    def __init__(self, base: Engine) -> None:
        self.base = base
        self.postgres = base.dialect.name == "postgresql"
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    # -- reading ----------------------------------------------------------------------------

    def _one(self, *where: ColumnElement[bool]) -> Commune | None:
        with Session(self.base) as s:
            row = s.exec(select(ProvinceCommune).where(*where).order_by(col(ProvinceCommune.id))).first()
        return _commune(row) if row else None

    def all(self) -> list[Commune]:
        with Session(self.base) as s:
            rows = s.exec(select(ProvinceCommune).order_by(col(ProvinceCommune.id))).all()
        return [_commune(r) for r in rows]

    def get(self, code: str) -> Commune | None:
        return self._one(col(ProvinceCommune.code) == code)

    def by_id(self, commune_id: int) -> Commune | None:
        return self._one(col(ProvinceCommune.id) == commune_id)

    def by_host(self, host: str) -> Commune | None:
        return self._one(col(ProvinceCommune.web_host) == normal_host(host))

    def first(self) -> Commune | None:
        return self._one()

    # -- where a commune's data is ---------------------------------------------------------------

    def engine_of(self, commune: Commune) -> Engine:
        """The Engine of the commune's own data. PostgreSQL: the base pool with the commune's
        path set in each transaction; SQLite: the commune's file (commune 1: the base file)."""
        with self._lock:
            engine = self._engines.get(commune.scope)
            if engine is None:
                engine = self._make_engine(commune.scope)
                self._engines[commune.scope] = engine
            return engine

    def _make_engine(self, scope: str) -> Engine:
        if self.postgres:
            return scopes.in_schema(self.base, scope)
        if scope == scopes.base_file(self.base).name:
            return self.base
        return scopes.file_engine(self.base, scope)

    def _scope_for(self, code: str, first: bool) -> str:
        if self.postgres:
            here = scopes.current_schema(self.base)
            if first:
                return here
            prefix = "xa_" if here == "public" else f"{here}_xa_"
            return prefix + code.replace("-", "_")
        base = scopes.base_file(self.base)
        return base.name if first else f"xa-{code}.sqlite3"

    def dispose(self) -> None:
        """Close the communes' own SQLite engines (PostgreSQL's share the base pool)."""
        with self._lock:
            engines, self._engines = list(self._engines.values()), {}
        for engine in engines:
            if engine is not self.base and not self.postgres:
                engine.dispose()

    # -- writing ------------------------------------------------------------------------------

    def _insert(
        self, code: str, name: str, web_host: str | None, scope: str, status: str, now: datetime | None
    ) -> Commune:
        if not CODE.match(code):
            raise CommuneRefused("commune.code_bad", code=code)
        host = normal_host(web_host)
        if host is not None and not HOST.match(host):
            raise CommuneRefused("commune.host_bad", host=host)
        if not 2 <= len(name.strip()) <= 200:
            raise CommuneRefused("commune.name_bad")
        row = ProvinceCommune(
            code=code,
            name=name.strip(),
            web_host=host,
            scope=scope,
            status=status,
            created_at=datetime.now(UTC),
        )
        try:
            with Session(self.base, expire_on_commit=False) as s:
                s.add(row)
                s.commit()
        except IntegrityError:
            if self.get(code) is not None:
                raise CommuneRefused("commune.code_taken", code=code) from None
            if host is not None and self.by_host(host) is not None:
                raise CommuneRefused("commune.host_taken", host=host) from None
            raise CommuneRefused("commune.scope_taken", code=code) from None
        return _commune(row)

    def create(
        self, code: str, name: str, web_host: str | None = None, *, now: datetime | None = None
    ) -> Commune:
        """Register a new commune, make its schema or file and migrate it. The row comes first
        (status «new»): its unique code, host and scope decide between two concurrent creations
        before any schema is made; a creation cut short is finished by the next `migrate`."""
        return self._make_ready(self.register(code, name, web_host, now=now))

    def register(
        self, code: str, name: str, web_host: str | None = None, *, now: datetime | None = None
    ) -> Commune:
        """The first half of `create`: the row (status «new»), nothing made yet. A caller that
        makes the schema its own way (bench/communes.py copies a migrated one) then calls
        `activate`; otherwise the next `migrate` makes it."""
        if self.first() is None:
            raise CommuneRefused("commune.no_first")
        return self._insert(code, name, web_host, self._scope_for(code, first=False), NEW, now)

    def activate(self, commune: Commune) -> Commune:
        """The commune's schema or file is made and at head: it serves from now on."""
        with self.base.begin() as conn:
            conn.execute(
                update(ProvinceCommune).where(col(ProvinceCommune.id) == commune.id).values(status=ACTIVE)
            )
        return Commune(**{**commune.__dict__, "status": ACTIVE})

    def _make_ready(self, commune: Commune) -> Commune:
        if self.postgres:
            scopes.create_schema(self.base, commune.scope)
        else:
            migrate_commune(self.engine_of(commune))
        return self.activate(commune)

    def ensure_first(self, code: str, name: str, *, now: datetime | None = None) -> Commune:
        """The commune whose data is already in place (the current schema, the DATABASE_URL
        file), registered once: a deployment upgraded to the registry keeps every row where it
        is. Returns the first commune, whatever its code, when one is registered."""
        found = self.first()
        if found is not None:
            return found
        try:
            return self._insert(code, name, None, self._scope_for(code, first=True), ACTIVE, now)
        except CommuneRefused:
            found = self.first()  # another process registered it meanwhile
            if found is None:
                raise
            return found

    def count(self) -> int:
        with Session(self.base) as s:
            return int(s.exec(select(func.count()).select_from(ProvinceCommune)).one())

    def is_base(self, commune: Commune) -> bool:
        """Is this the data where DATABASE_URL points (commune 1, in place)?"""
        if self.postgres:
            return commune.scope == scopes.current_schema(self.base)
        return commune.scope == scopes.base_file(self.base).name

    def migrate(self) -> None:
        """The registry, the data in place (commune 1, registered or not yet), then every other
        commune at the newest schema; one left «new» by a creation cut short is made ready.
        On PostgreSQL one query reads every schema's version: a restart opens no connection
        per commune."""
        migrate_registry(self.base)
        migrate_commune(self.base)
        others = [c for c in self.all() if not self.is_base(c)]
        if self.postgres:
            behind = set(scopes.schemas_behind(self.base, [c.scope for c in others if c.status != NEW]))
        for commune in others:
            if commune.status == NEW:
                self._make_ready(commune)
            elif self.postgres:
                if commune.scope in behind:
                    scopes.migrate_schema(self.base, commune.scope)
            else:
                migrate_commune(self.engine_of(commune))
