"""The web console under Starlette's test client, on the test's SQLite file, with people who
reached it the real way (invite codes in chat, sign-in links)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from storage import weblogin
from storage.models import Member
from web.app import make_console
from web.console import COOKIE, Console
from web.security import RateLimit

from . import seed
from .conftest import Player, nominate_household, register_resident
from .review_helpers import join, member_id


class Web:
    def __init__(self, core, db, campaign, clock, tmp_path) -> None:
        self.core, self.db, self.campaign, self.clock = core, db, campaign, clock
        self.console = Console(
            db=db,
            campaign=campaign,
            clock=clock,
            base_url="http://testserver",
            media_dir=tmp_path / "media",
            export_dir=tmp_path / "exports",
            signin_limit=RateLimit(limit=1000),
        )
        self.app = make_console(self.console)

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)

    def link(self, member_id: int | None = None, **kw) -> str:
        with Session(self.db) as s:
            token = weblogin.insert_link(s, now=self.clock.now(), member_id=member_id, **kw)
            s.commit()
        return token

    def signed_in(self, member_id: int) -> TestClient:
        """A browser signed in through a one-time link, as a person would."""
        c = self.client()
        token = self.link(member_id)
        r = c.post(f"/vao/{token}")
        assert r.status_code == 303, r.text
        assert c.cookies.get(COOKIE)
        return c

    def session_for(self, member_id: int) -> TestClient:
        """A browser holding a session of any member (links refuse residents and heads: this
        is what a stolen or stale cookie of theirs would be)."""
        with Session(self.db) as s:
            opened = weblogin.open_session(s, member_id, self.clock.now())
            s.commit()
        c = self.client()
        c.cookies.set(COOKIE, opened.token)
        return c

    def member(self, member_id: int) -> Member:
        with Session(self.db) as s:
            return s.get(Member, member_id)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no csrf field"
    return m.group(1)


def field(html: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert m, f"no field {name}"
    return m.group(1)


@pytest.fixture
def web(core, db, campaign, clock, tmp_path) -> Web:
    return Web(core, db, campaign, clock, tmp_path)


@pytest.fixture
def people(core, db, clock):
    """A resident with a household nomination (DC-0001), a unit head, a staff member, an admin."""
    resident = Player(core, "res1")
    register_resident(resident)
    ref = nominate_household(resident)
    head = join(core, db, clock, "head1", "head", "T01", name="Lý Văn Trưởng")
    staff = join(core, db, clock, "staff1", "staff", "VPTK", name="Lê Thị Văn Phòng")
    admin = join(core, db, clock, "admin1", "admin", "VPTK", name="Hoàng Quản Trị")
    return {
        "resident": resident,
        "head": head,
        "staff": staff,
        "admin": admin,
        "ref": ref,
        "ids": {
            k: member_id(core, p)
            for k, p in (("resident", resident), ("head", head), ("staff", staff), ("admin", admin))
        },
    }


def web_only_clerk(s: Session, now) -> Member:
    """A staff member with no chat account (as `invite --web` makes one): the web only."""
    clerk = Member(full_name="Nông Thị Thư", role="staff", unit_code="VPTK", created_at=now, updated_at=now)
    s.add(clerk)
    s.flush()
    return clerk


def make_staff(db, clock, name: str = "Cán bộ Hai", external_id: str = "staff2") -> int:
    with Session(db) as s:
        m = seed.console_member(s, name, "staff", external_id, clock.now(), "VPTK", display_name=name)
        s.commit()
        return m.id
