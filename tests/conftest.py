"""Shared fixtures: a real SQLite file per test (migrated once, copied), a real PostgreSQL
schema where asked, a controllable clock, and a Player that chats with the core."""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from bot.bootstrap import wire_events
from domain.campaign import Campaign, load_campaign
from domain.clock import ManualClock
from handlers.core import Core
from messages.model import InboundEvent, PhotoIn, Question, Reply, Text
from messages.render import render_text
from storage.db import make_engine, migrate

from .seeding import engine_in_schema

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN_FILE = ROOT / "campaigns" / "tran-ninh-2024.toml"
VN = datetime.now().astimezone().tzinfo  # unused; campaign.tz is the one that matters

# 10:00 on 05/11/2024 in Hà Nội: inside the Trần Ninh campaign window.
IN_CAMPAIGN = datetime(2024, 11, 5, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def _event_handlers() -> None:
    """The domain's notification handlers, wired as bot/bootstrap.py wires them for the app."""
    wire_events()


@pytest.fixture(autouse=True)
def _fresh_campaign_cache() -> None:
    """Each test has its own database: a campaign parsed for another test's database under the
    same code and version is not this one's (domain/campaigns.py caches by code and version)."""
    from domain import campaigns

    campaigns._parsed.clear()


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def db_path(tmp_path, _template_db) -> Path:
    path = tmp_path / "thidua.db"
    shutil.copy(_template_db, path)
    return path


@pytest.fixture
def db(db_path):
    engine = make_engine(f"sqlite:///{db_path}")
    yield engine
    engine.dispose()


def postgres_url() -> str | None:
    return os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_unreachable(url: str, exc: Exception) -> None:
    """Skip the test when PostgreSQL is absent, unless REQUIRE_POSTGRES=1 (CI): then fail it."""
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL required (REQUIRE_POSTGRES=1) but unreachable at {url}: {exc}")
    pytest.skip(f"PostgreSQL not reachable at {url} (set TEST_POSTGRES_URL): {exc}")


@pytest.fixture
def pg_db():
    """A fresh schema on the test PostgreSQL, migrated. Skips when PostgreSQL is absent,
    unless REQUIRE_POSTGRES=1 (CI), where absence fails the test."""
    url = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        postgres_unreachable(url, exc)
    engine = engine_in_schema(url, schema)
    migrate(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def campaign() -> Campaign:
    return load_campaign(CAMPAIGN_FILE)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(IN_CAMPAIGN)


@pytest.fixture
def core(db, campaign, clock) -> Core:
    return Core(db, campaign, clock)


_keys = itertools.count(1)


class Player:
    """Plays one person in a chat with the core, on a channel, and keeps what the bot said."""

    def __init__(
        self, core: Core, user_id: str = "u1", channel: str = "console", name: str | None = "Người thử"
    ) -> None:
        self.core = core
        self.user_id = user_id
        self.channel = channel
        self.name = name
        self.last: list[Reply] = []

    def _event(self, **kw) -> InboundEvent:
        key = kw.pop("key", None) or f"k{next(_keys)}"
        return InboundEvent(
            channel=self.channel,
            user_id=self.user_id,
            chat_id=self.user_id,
            key=key,
            display_name=self.name,
            **kw,
        )

    def send(self, event: InboundEvent) -> list[Reply]:
        self.last = self.core.handle(event)
        return self.last

    def say(self, text: str, **kw) -> list[Reply]:
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            return self.send(self._event(kind="command", command=command.lower(), args=args, **kw))
        return self.send(self._event(kind="text", text=text, **kw))

    def press(self, label_or_value: str) -> list[Reply]:
        """Press a button of the last question, by label or value (as Telegram would)."""
        q = self.question
        for o in [*q.options, *q.nav]:
            if label_or_value in (o.label, o.value):
                return self.send(self._event(kind="choice", choice=o.value, seq=q.seq))
        raise AssertionError(f"no option {label_or_value!r} in {[o.label for o in q.options + q.nav]}")

    def photo(self, unique_id: str, **kw) -> list[Reply]:
        return self.send(
            self._event(kind="photo", photo=PhotoIn(unique_id=unique_id, file_id=f"f-{unique_id}", **kw))
        )

    @property
    def question(self) -> Question:
        qs = [r for r in self.last if isinstance(r, Question)]
        assert qs, f"no question in {self.text}"
        return qs[-1]

    @property
    def text(self) -> str:
        return "\n---\n".join(render_text(r) for r in self.last)

    def texts(self) -> list[str]:
        return [r.text for r in self.last if isinstance(r, (Text, Question))]


@pytest.fixture
def player(core) -> Player:
    return Player(core)


def register_resident(p: Player, name: str = "Nguyễn Văn Bình", village: str = "1") -> None:
    p.say("/start")
    p.press("register")
    p.say(name)
    p.say(village)
    p.say("bo qua")
    assert "Đăng ký xong" in p.text, p.text


ACHIEVEMENTS = "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn."


def nominate_household(
    p: Player,
    *,
    income: str = "60 triệu",
    photos: int = 0,
    nominee: str = "Hộ ông Hoàng Văn Tư",
    unit: str | None = None,
) -> str:
    """A registered resident's household nomination; returns the reference (DC-....).
    The category comes from the name («Hộ ...»), the unit is the resident's village, the two
    contents are suggested from the achievements, the award level is the council's."""
    p.press("nominate")
    p.say(nominee)
    if "thuộc đối tượng nào" in p.text:  # a name that does not say its category
        p.say("ho gia dinh")
    p.say(ACHIEVEMENTS)
    assert "[x] Phát triển kinh tế" in p.text, p.text
    p.say("ok")  # the suggested contents (c2, c3)
    p.say(income)
    p.say("khong")
    for i in range(photos):
        p.photo(f"photo-{i}")  # the first moves on to the summary, the others join it there
    if not photos:
        p.say("bo qua")
    assert "Kiểm tra lại đề cử" in p.text, p.text
    if unit is not None:  # about another unit than the resident's village: one change
        p.press("change_unit")
        p.say(unit)
        assert f"Đơn vị: {unit}" in p.text, p.text
    p.say("1")  # send
    import re

    m = re.search(r"DC-\d{4}", p.text)
    assert m, p.text
    return m.group(0)


def unsent(db):
    """Outbox rows not sent (a turn's replies are kept there and marked sent once they went)."""
    from storage.models import Outbox

    return rows(db, Outbox, Outbox.status != "sent")


def rows(db, model, *where):
    with Session(db) as s:
        return list(s.exec(select(model).where(*where)).all() if where else s.exec(select(model)).all())
