"""An existing deployment upgrades in place: a database made by the code before the campaign
table, with members, dossiers and a conversation, is migrated; the start stores the campaign
file's campaign as the commune's first (open or closed by its dates) and nothing else changes.
SQLite (through `python -m bot migrate`'s build) and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from bot.bootstrap import build, store_first_campaign
from bot.settings import Settings
from domain.campaign import parse_campaign_text
from domain.clock import ManualClock
from handlers.core import Core
from storage.db import make_engine, migrate
from storage.models import AuditLog, CampaignRecord, Submission

from .campaign_texts import CAMPAIGN_FILE, file_text
from .conftest import IN_CAMPAIGN, Player, postgres_unreachable, postgres_url
from .seeding import engine_in_schema, populate
from .test_tally import _upgrade, revision_before

BEFORE = revision_before("campaign_table.py")
AFTER_DEADLINE = datetime(2024, 12, 3, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path):
    """(engine, url) of a database at the revision before the campaign table."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/old.db"
        engine = make_engine(url)
        _upgrade(engine, BEFORE)
        yield engine, url
        engine.dispose()
        return
    url, schema = postgres_url(), f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        postgres_unreachable(url, exc)
    engine = engine_in_schema(url, schema)
    _upgrade(engine, BEFORE)
    yield engine, None
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def seed_old(engine, campaign) -> tuple[int, str]:
    populate(engine, campaign, 60, seed=3)
    with engine.begin() as conn:  # a resident in the middle of the menu, as the old code left it
        conn.execute(
            text(
                "INSERT INTO conversation_state (channel, user_id, member_id, flow, step, seq, data, "
                "version, updated_at) VALUES ('console', 'm1', 1, NULL, 'menu', 3, '{}', 1, :at)"
            ),
            {"at": IN_CAMPAIGN.replace(tzinfo=None)},
        )
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Submission)).one(), dump(s)


def dump(s: Session) -> str:
    return repr(
        s.exec(
            select(Submission.ref, Submission.status, Submission.campaign_code).order_by(Submission.id)
        ).all()
    )


@pytest.mark.parametrize("now, status", [(IN_CAMPAIGN, "open"), (AFTER_DEADLINE, "closed")])
def test_the_file_campaign_becomes_the_first_and_nothing_else_changes(old_database, now, status, tmp_path):
    engine, url = old_database
    campaign = parse_campaign_text(file_text())
    count, before = seed_old(engine, campaign)
    clock = ManualClock(now)
    if url is not None:  # SQLite: the start itself (`python -m bot migrate` builds the app)
        settings = Settings(
            _env_file=None, database_url=url, campaign_file=CAMPAIGN_FILE, media_dir=str(tmp_path)
        )
        build(settings, clock=clock, store_campaign=True).db.dispose()
    else:
        migrate(engine)
        store_first_campaign(engine, campaign, file_text(), clock)
    store_first_campaign(engine, campaign, file_text(), clock)  # a restart adds nothing
    with Session(engine) as s:
        [row] = s.exec(select(CampaignRecord)).all()
        assert (row.code, row.status, row.version) == ("tran-ninh-2024", status, 1)
        assert row.source == file_text() and row.opened_at == campaign.opens_at
        assert (row.closed_at is not None) == (status == "closed")
        assert s.exec(select(func.count()).select_from(Submission)).one() == count == 60
        assert dump(s) == before
        assert s.exec(select(AuditLog.action).where(AuditLog.entity == "campaign")).all() == [
            "campaign.store_file"
        ]
    p = Player(Core(engine, campaign, clock), user_id="m1")
    p.say("/start")  # the resident goes on: the same campaign, no question
    assert "đợt nào" not in p.text and "Nguyễn Thị Hồng 1" in p.text
    if status == "open":
        assert "«Thi đua chào mừng 60 năm huyện Văn Quan» — hạn gửi: 23:59 ngày 30/11/2024" in p.text
    else:
        assert "Hiện chưa có đợt thi đua nào đang mở nhận hồ sơ" in p.text


def test_a_deadline_extended_after_the_close_opens_the_campaign_again(db, clock):
    campaign = parse_campaign_text(file_text())
    late = ManualClock(AFTER_DEADLINE)
    store_first_campaign(db, campaign, file_text(), late)
    store_first_campaign(db, campaign.with_deadline(date(2024, 12, 15)), file_text(), late)
    with Session(db) as s:
        row = s.get(CampaignRecord, "tran-ninh-2024")
        assert (row.status, row.version) == ("open", 2)
        actions = s.exec(
            select(AuditLog.action).where(AuditLog.entity == "campaign").order_by(AuditLog.id)
        ).all()
        assert actions == ["campaign.store_file", "campaign.open"]
    store_first_campaign(db, campaign, file_text(), late)  # without the setting: nothing moves
    with Session(db) as s:
        assert s.get(CampaignRecord, "tran-ninh-2024").status == "open"
