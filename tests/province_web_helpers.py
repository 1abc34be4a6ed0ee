"""The web consoles of a deployment serving several communes, under Starlette's test client:
the dispatcher bot/ mounts (bot.web_communes.host_consoles) over a real registry, each request
sent with the Host a browser would send. Two communes: commune 1 (the data in place) on
a.thidua.test and `yen-phuc` on b.thidua.test; the province console on tinh.thidua.test.

    from .province_web_helpers import Province, province, pg_base, province_db, registry  # noqa: F401
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from bot.settings import Settings
from bot.web_communes import host_consoles
from domain import province_admin as ops
from domain.uow import UnitOfWork
from handlers.core import Core
from storage import weblogin
from storage.models.province import ProvinceAdmin
from web.console import COOKIE
from web.province.console import COOKIE as PROVINCE_COOKIE

from .communes_fixtures import pg_base, province_db, registry  # noqa: F401

A_HOST, B_HOST, PROVINCE_HOST = "a.thidua.test", "b.thidua.test", "tinh.thidua.test"


class Province:
    def __init__(self, registry, campaign, clock, tmp_path) -> None:
        self.registry, self.campaign, self.clock = registry, campaign, clock
        self.first = registry.first()
        self.settings = Settings(
            _env_file=None,
            database_url="sqlite:///unused.db",
            web_base_url=f"http://{A_HOST}",
            province_host=PROVINCE_HOST,
            media_dir=tmp_path / "media",
        )
        self.app = SimpleNamespace(
            settings=self.settings, db=registry.base, campaign=campaign, clock=clock, demo=False
        )
        self.seconds = 1000.0  # the dispatcher's monotonic clock (its registry re-reading)
        self.dispatch = host_consoles(self.app, registry, monotonic=lambda: self.seconds)

    def add(self, code: str = "yen-phuc", host: str = B_HOST, name: str = "Xã Yên Phúc"):
        commune = self.registry.create(code, name, web_host=host)
        self.dispatch.forget()
        return commune

    def engine(self, code: str | None = None):
        commune = self.registry.get(code) if code else self.first
        return self.registry.base if self.registry.is_base(commune) else self.registry.engine_of(commune)

    def core(self, code: str | None = None) -> Core:
        return Core(self.engine(code), self.campaign, self.clock)

    def client(self, host: str) -> TestClient:
        return TestClient(self.dispatch, base_url=f"http://{host}", follow_redirects=False)

    # -- commune consoles -------------------------------------------------------------------

    def link(self, code: str | None, member_id: int | None = None, **kw) -> str:
        with Session(self.engine(code)) as s:
            token = weblogin.insert_link(s, now=self.clock.now(), member_id=member_id, **kw)
            s.commit()
        return token

    def signed_in(self, host: str, code: str | None, member_id: int) -> TestClient:
        """A browser signed in at `host` through a one-time link of commune `code`'s member."""
        c = self.client(host)
        r = c.post(f"/vao/{self.link(code, member_id)}")
        assert r.status_code == 303, r.text
        assert c.cookies.get(COOKIE)
        return c

    def session_for(self, host: str, code: str | None, member_id: int) -> TestClient:
        """A browser holding a session of any member of commune `code` (residents and heads
        have no link: this is what a stolen or stale cookie of theirs would be)."""
        with Session(self.engine(code)) as s:
            opened = weblogin.open_session(s, member_id, self.clock.now())
            s.commit()
        c = self.client(host)
        c.cookies.set(COOKIE, opened.token)
        return c

    # -- the province console -----------------------------------------------------------------

    def admin_link(self, name: str = "Hà Thị Tỉnh") -> tuple[int, str]:
        with UnitOfWork.begin(self.registry.base, self.clock.now()) as uow:
            added = ops.add_admin(uow, name)
            token = ops.issue_link(uow, uow.session.get(ProvinceAdmin, added.admin_id)).token
            uow.commit()
        return added.admin_id, token

    def admin(self, name: str = "Hà Thị Tỉnh") -> TestClient:
        """A province administrator's browser, signed in with their one-time link."""
        c = self.client(PROVINCE_HOST)
        r = c.post(f"/vao/{self.admin_link(name)[1]}")
        assert r.status_code == 303, r.text
        assert c.cookies.get(PROVINCE_COOKIE)
        return c


@pytest.fixture
def province(registry, campaign, clock, tmp_path) -> Province:
    return Province(registry, campaign, clock, tmp_path)
