"""Units are commune data: the table is filled from the campaign file at the first start, the
campaign the bot runs takes its units from it, and a unit added later is offered at once."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.bootstrap import build
from bot.settings import load_settings
from domain.units import apply_units, seed_units
from domain.uow import UnitOfWork
from storage import units as unit_rows
from storage.models import UnitRow

from .conftest import Player, rows


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, db):
    return request.getfixturevalue("pg_db") if request.param == "postgresql" else db


def test_an_empty_table_is_filled_from_the_file_once(any_db, campaign, clock):
    with UnitOfWork.begin(any_db, clock.now()) as uow:
        assert seed_units(uow, campaign) == len(campaign.units)
        assert seed_units(uow, campaign) == 0  # filled: the file is not read again
        uow.commit()
    stored = rows(any_db, UnitRow)
    assert [(u.code, u.name, u.kind, u.reports) for u in stored] == [
        (u.code, u.name, u.kind, u.reports) for u in campaign.units
    ]


def test_the_campaign_takes_its_units_from_the_table(db, campaign, clock):
    with Session(db) as s:
        assert apply_units(s, campaign) is campaign  # an empty table: the file's units
        seed_units(UnitOfWork(s, clock.now()), campaign)
        unit_rows.add_units(s, [unit_rows.NewUnit("T20", "Thôn Bản Mới", "village")], clock.now())
        s.commit()
        live = apply_units(s, campaign)
    assert live.unit("T20").name == "Thôn Bản Mới"
    assert [u.code for u in live.villages()][-1] == "T20"
    assert live.units[: len(campaign.units)] == campaign.units
    assert not campaign.has_unit("T20")  # the file's campaign is left as it was


def test_a_unit_added_meanwhile_is_offered_at_the_next_turn(core, db, campaign, clock):
    with Session(db) as s:
        seed_units(UnitOfWork(s, clock.now()), campaign)
        s.commit()
    p = Player(core, "newcomer")
    p.say("/start")
    p.press("register")
    p.say("Hoàng Văn Mới")
    assert "Thôn Bản Mới" not in p.text
    p.say("/huy")
    clock.advance(seconds=5)
    with Session(db) as s:
        unit_rows.add_units(s, [unit_rows.NewUnit("T20", "Thôn Bản Mới", "village")], clock.now())
        s.commit()
    p.press("register")
    p.say("Hoàng Văn Mới")
    assert "Thôn Bản Mới" in p.text
    p.say("Thôn Bản Mới")
    p.say("bo qua")
    assert "Đăng ký xong" in p.text and "Thôn Bản Mới" in p.text, p.text


def test_the_app_fills_the_table_at_start_and_runs_on_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'start.db'}")
    app = build(load_settings())
    try:
        stored = rows(app.db, UnitRow)
        assert len(stored) == len(app.campaign.units) > 0
        assert app.core.campaign.units == app.campaign.units
    finally:
        app.db.dispose()
