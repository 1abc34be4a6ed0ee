"""The OA's access token, renewed by itself.

The pair lives in the database (table oa_token; the settings' pair seeds it once). Before a
call the access token is renewed when less than ZALO_OA_RENEW_BEFORE_MINUTES are left, and
after an "expired" answer (-216 or HTTP 401). One renewal at a time across processes: a
process first claims the row (a conditional UPDATE on its version, committed), then renews,
then stores the new pair with version + 1 in one transaction; another process that finds the
claim taken waits for the new version instead of renewing too.

The refresh token is single use, so the answer must not be lost between the renewal and its
commit: the answer is first written to a journal file beside the database (fsync, mode 0600)
and removed after the commit. A process killed in between leaves the journal; the next start
(or the next renewal) stores it, so the OA keeps the only valid refresh token."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.clock import Clock
from storage import zalo_oa as oa_store

from .client import OaClient, OaError, Pair

log = logging.getLogger(__name__)

CLAIM = timedelta(seconds=60)  # a renewal's claim lapses after this if its holder died
# the settings' access token (its age unknown): assumed to have this left; an "expired" answer
# renews it sooner
SEED_LIFETIME = timedelta(hours=12)


class TokenError(Exception):
    """No usable access token (the refresh token was refused: authorise the app again)."""


@dataclass(frozen=True)
class Access:
    token: str
    version: int
    expires_at: datetime


class OaTokens:
    def __init__(
        self,
        db: Engine,
        clock: Clock,
        client: OaClient,
        *,
        oa_id: str,
        app_id: str,
        app_secret: str,
        journal: Path,
        seed: tuple[str, str] | None = None,
        renew_before: timedelta = timedelta(minutes=60),
        wait_step: float = 0.05,
    ) -> None:
        self.db, self.clock, self.client = db, clock, client
        self.oa_id, self.app_id, self._app_secret = oa_id, app_id, app_secret
        self.journal = Path(journal)
        self._seed = seed
        self.renew_before = renew_before
        self.wait_step = wait_step
        self.claimer = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lock = asyncio.Lock()
        self._cached: Access | None = None

    # -- reading ----------------------------------------------------------------------------
    def read(self) -> Access | None:
        """The stored pair's access token (a journal left by a killed renewal is stored first)."""
        self.recover()
        with Session(self.db) as s:
            row = oa_store.get(s, self.oa_id)
            if row is None and self._seed is not None:
                row = oa_store.seed(s, self.oa_id, *self._seed, self.clock.now() + SEED_LIFETIME)
                s.commit()
            if row is None:
                return None
            return Access(row.access_token, row.version, row.access_expires_at)

    async def access(self) -> Access:
        """A token with more than `renew_before` left (renewed first if needed)."""
        now = self.clock.now()
        cached = self._cached
        if cached is None or cached.expires_at - now <= self.renew_before:
            cached = await asyncio.to_thread(self.read)
            if cached is None:
                raise TokenError("no Zalo OA token: set ZALO_OA_ACCESS_TOKEN and ZALO_OA_REFRESH_TOKEN")
            if cached.expires_at - now <= self.renew_before:
                cached = await self.renew(cached.version)
            self._cached = cached
        return cached

    async def expired(self, version: int) -> Access:
        """The platform refused the token of `version`: renew (once for everyone who saw it)."""
        if self._cached is not None and self._cached.version != version:
            return self._cached
        self._cached = await self.renew(version)
        return self._cached

    # -- renewing ---------------------------------------------------------------------------
    async def renew(self, version: int, *, attempts: int = 200) -> Access:
        async with self._lock:  # this process: one at a time
            for _ in range(attempts):
                got, refresh = await asyncio.to_thread(self._claim, version)
                if got is not None:  # renewed by another meanwhile
                    return got
                if refresh is not None:
                    return await self._renew_claimed(refresh)
                await asyncio.sleep(self.wait_step)  # another process renews: wait for it
            raise TokenError("the Zalo OA token renewal held by another process did not finish")

    def _claim(self, version: int) -> tuple[Access | None, str | None]:
        """(a newer token, None) | (None, the refresh token to use) | (None, None): wait."""
        self.recover()
        now = self.clock.now()
        with Session(self.db) as s:
            row = oa_store.get(s, self.oa_id)
            if row is None:
                raise TokenError("no Zalo OA token stored")
            if row.version != version:
                return Access(row.access_token, row.version, row.access_expires_at), None
            if not oa_store.claim(s, self.oa_id, version, self.claimer, now, now + CLAIM):
                return None, None
            s.commit()
            return None, row.refresh_token

    async def _renew_claimed(self, refresh: str) -> Access:
        try:
            pair = await self.client.renew(self.app_id, self._app_secret, refresh)
        except OaError as exc:
            await asyncio.to_thread(self._release)
            log.error("zalo_oa: the token renewal failed: %s", exc)
            raise TokenError(f"token renewal refused: {exc}") from None
        await asyncio.to_thread(self._write_journal, refresh, pair)
        access = await asyncio.to_thread(self._store, refresh, pair)
        log.info("zalo_oa: access token renewed, valid until %s", access.expires_at.isoformat())
        return access

    def _release(self) -> None:
        with Session(self.db) as s:
            oa_store.release(s, self.oa_id, self.claimer)
            s.commit()

    def _store(self, replaces: str, pair: Pair) -> Access:
        """The new pair, the version and the renewal's record: one transaction; then the
        journal goes."""
        now = self.clock.now()
        expires = now + timedelta(seconds=pair.expires_in)
        with Session(self.db) as s:
            oa_store.renewed(
                s,
                self.oa_id,
                replaces=replaces,
                access=pair.access,
                refresh=pair.refresh,
                expires_at=expires,
                now=now,
            )
            s.commit()
            row = oa_store.get(s, self.oa_id)
            access = Access(row.access_token, row.version, row.access_expires_at)
        self.journal.unlink(missing_ok=True)
        return access

    # -- the journal -------------------------------------------------------------------------
    def _write_journal(self, replaces: str, pair: Pair) -> None:
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "oa_id": self.oa_id,
            "replaces": replaces,
            "access": pair.access,
            "refresh": pair.refresh,
            "expires_in": pair.expires_in,
            "at": self.clock.now().isoformat(),
        }
        tmp = self.journal.with_suffix(".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps(data).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.journal)
        dir_fd = os.open(self.journal.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def recover(self) -> bool:
        """Store a renewal whose process died before its commit (its journal); True if one was."""
        try:
            data = json.loads(self.journal.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        except (OSError, ValueError):
            log.error("zalo_oa: the token journal %s cannot be read; left for the operator", self.journal)
            return False
        if data.get("oa_id") != self.oa_id:
            return False
        at = datetime.fromisoformat(data["at"])
        with Session(self.db) as s:
            done = oa_store.renewed(
                s,
                self.oa_id,
                replaces=data["replaces"],
                access=data["access"],
                refresh=data["refresh"],
                expires_at=at + timedelta(seconds=int(data["expires_in"])),
                now=self.clock.now(),
            )
            s.commit()
        self.journal.unlink(missing_ok=True)
        if done:
            log.warning("zalo_oa: a token renewal left unfinished by a stopped process was stored")
        return done

    def left(self) -> timedelta | None:
        """How long the stored access token has left (None: nothing stored)."""
        got = self.read()
        return None if got is None else got.expires_at - self.clock.now()
