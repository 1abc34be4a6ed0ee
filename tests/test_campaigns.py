"""The commune's campaigns over time: the `campaign` table, its drafts and lifecycle moves,
their refusals, audit rows and events, on SQLite and PostgreSQL; two clerks at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from domain import campaigns as ops
from domain.campaign import CampaignError, load_campaign, parse_campaign_text
from domain.refusals import Refused
from domain.uow import UnitOfWork
from storage.models import AuditLog, CampaignRecord

from .campaign_texts import CAMPAIGN_FILE, campaign_text, file_text
from .seed import console_member


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request):
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


def staff(engine, now, external_id="staff1"):
    with Session(engine) as s:
        member = console_member(s, "Cán bộ Văn phòng", "staff", external_id, now)
        s.commit()
        s.refresh(member)
        return member


def audits(engine) -> list[tuple[str, str | None]]:
    with Session(engine) as s:
        rows = s.exec(select(AuditLog).where(AuditLog.entity == "campaign").order_by(AuditLog.id)).all()
        return [(r.action, (r.after or {}).get("code")) for r in rows]


def test_the_text_loader_is_the_file_loader():
    assert parse_campaign_text(file_text()) == load_campaign(CAMPAIGN_FILE)
    with pytest.raises(CampaignError, match="Tệp TOML sai cú pháp ở dòng 1"):
        parse_campaign_text("[campaign\ncode=1")
    with pytest.raises(CampaignError, match=r"campaign\.code"):
        parse_campaign_text(campaign_text("Không hợp lệ"))


def test_a_draft_opens_closes_is_decided_and_archived(engine, clock):
    now = clock.now()
    clerk = staff(engine, now)
    with Session(engine) as s:
        uow = UnitOfWork(s, now)
        [saved] = ops.save_draft(uow, clerk, campaign_text("vu-dong-2024"))
        s.commit()
    assert (saved.code, saved.version, saved.created) == ("vu-dong-2024", 1, True)
    moves = [
        (ops.open_campaign, "open"),
        (ops.close_campaign, "closed"),
        (ops.mark_decided, "decided"),
        (ops.archive_campaign, "archived"),
    ]
    for n, (move, status) in enumerate(moves, start=1):
        clock.advance(minutes=1)
        with Session(engine) as s:
            [event] = move(UnitOfWork(s, clock.now()), clerk, "vu-dong-2024")
            s.commit()
        assert (event.to_status, event.actor_id) == (status, clerk.id)
        with Session(engine) as s:
            row = s.get(CampaignRecord, "vu-dong-2024")
            assert (row.status, row.version) == (status, n + 1)
    assert row.opened_at == now + timedelta(minutes=1) and row.closed_at == now + timedelta(minutes=2)
    assert row.title.startswith("Phong trào thi đua đặc biệt") and "vu-dong-2024" in row.source
    assert audits(engine) == [
        ("campaign.save", "vu-dong-2024"),
        ("campaign.open", "vu-dong-2024"),
        ("campaign.closed", "vu-dong-2024"),
        ("campaign.decided", "vu-dong-2024"),
        ("campaign.archived", "vu-dong-2024"),
    ]


def test_refusals_write_nothing(engine, clock):
    now = clock.now()
    clerk = staff(engine, now)
    with Session(engine) as s:
        resident = console_member(s, "Người dân", "resident", "r1", now)
        s.commit()
        s.refresh(resident)
    with Session(engine) as s:
        uow = UnitOfWork(s, now)
        with pytest.raises(Refused) as invalid:
            ops.save_draft(uow, clerk, campaign_text("vu-dong-2024").replace("[organiser]", "[organizer]"))
        assert invalid.value.key == "campaign.invalid" and "organiser" in invalid.value.values["error"]
        with pytest.raises(Refused) as denied:
            ops.save_draft(uow, resident, campaign_text("vu-dong-2024"))
        assert denied.value.key == "role.denied"
        ops.save_draft(uow, clerk, campaign_text("vu-dong-2024"))
        with pytest.raises(Refused) as twice:
            ops.save_draft(uow, clerk, campaign_text("vu-dong-2024"))
        assert twice.value.key == "campaign.exists"
        with pytest.raises(Refused) as renamed:
            ops.save_draft(uow, clerk, campaign_text("vu-xuan-2025"), code="vu-dong-2024")
        assert renamed.value.key == "campaign.code_changed"
        with pytest.raises(Refused) as early:
            ops.close_campaign(uow, clerk, "vu-dong-2024")
        assert early.value.key == "campaign.moved" and early.value.values["status"] == "Bản nháp"
        with pytest.raises(Refused) as unknown:
            ops.open_campaign(uow, clerk, "khong-co")
        assert unknown.value.key == "campaign.unknown"
        with pytest.raises(Refused) as late:
            ops.save_draft(
                uow, clerk, campaign_text("da-qua", opens_on="2024-01-01", deadline_on="2024-03-01")
            )
            ops.open_campaign(uow, clerk, "da-qua")
        assert late.value.key == "campaign.past_deadline"
        s.commit()
    with Session(engine) as s:
        assert {(r.code, r.status, r.version) for r in s.exec(select(CampaignRecord))} == {
            ("vu-dong-2024", "draft", 1),
            ("da-qua", "draft", 1),
        }
    assert [a for a, _ in audits(engine)] == ["campaign.save", "campaign.save"]


def test_a_draft_is_edited_at_the_version_seen(engine, clock):
    now = clock.now()
    clerk = staff(engine, now)
    with Session(engine) as s:
        ops.save_draft(UnitOfWork(s, now), clerk, campaign_text("vu-dong-2024"))
        s.commit()
    edited = campaign_text("vu-dong-2024", short_title="Vụ đông thắng lợi")
    with Session(engine) as s:
        [saved] = ops.save_draft(UnitOfWork(s, now), clerk, edited, code="vu-dong-2024", seen_version=1)
        s.commit()
    assert saved.version == 2
    with Session(engine) as s, pytest.raises(Refused) as stale:
        ops.save_draft(
            UnitOfWork(s, now),
            clerk,
            file_text().replace("tran-ninh-2024", "vu-dong-2024"),
            code="vu-dong-2024",
            seen_version=1,
        )
    assert stale.value.key == "campaign.moved"
    with Session(engine) as s:
        [campaign] = ops.campaigns_in(UnitOfWork(s, now), ("draft",))
    assert campaign.campaign.short_title == "Vụ đông thắng lợi"


def test_two_clerks_press_open_at_once_and_one_opens(engine, clock):
    now = clock.now()
    first, second = staff(engine, now, "staff1"), staff(engine, now, "staff2")
    with Session(engine) as s:
        ops.save_draft(UnitOfWork(s, now), first, campaign_text("vu-dong-2024"))
        s.commit()
    results: dict[str, object] = {}
    updated = threading.Event()

    def press(clerk, name: str, after: threading.Event | None) -> None:
        with Session(engine) as s:
            if after is not None:
                after.wait(10)
            try:
                ops.open_campaign(UnitOfWork(s, now), clerk, "vu-dong-2024", seen_version=1)
                updated.set()
                results[name] = "opened"
                if after is None:  # hold the row a moment while the other presses
                    waiting.join(0.3)
                s.commit()
            except Refused as refusal:
                s.rollback()
                results[name] = refusal.key

    waiting = threading.Thread(target=press, args=(second, "second", updated))
    waiting.start()
    press(first, "first", None)
    waiting.join(20)
    assert results == {"first": "opened", "second": "campaign.moved"}
    with Session(engine) as s:
        row = s.get(CampaignRecord, "vu-dong-2024")
        assert (row.status, row.version) == ("open", 2)
    assert [a for a, _ in audits(engine)] == ["campaign.save", "campaign.open"]


def test_the_open_campaigns_are_read_parsed_once_per_version(engine, clock):
    now = clock.now()
    clerk = staff(engine, now)
    with Session(engine) as s:
        uow = UnitOfWork(s, now)
        for code, opens in (("vu-dong-2024", "2024-10-01"), ("vu-xuan-2025", "2024-10-15")):
            ops.save_draft(uow, clerk, campaign_text(code, opens_on=opens))
        ops.open_campaign(uow, clerk, "vu-dong-2024")
        clock.advance(minutes=1)
        ops.open_campaign(UnitOfWork(s, clock.now()), clerk, "vu-xuan-2025")
        s.commit()
    with Session(engine) as s:
        uow = UnitOfWork(s, clock.now())
        first = ops.open_campaigns(uow)
        again = ops.open_campaigns(uow)
        assert [c.code for c in first] == ["vu-xuan-2025", "vu-dong-2024"]  # the newest opened first
        assert all(a is b for a, b in zip(first, again, strict=True))
        assert {r.code for r in ops.campaign_rows(uow)} == {"vu-dong-2024", "vu-xuan-2025"}


def test_the_same_code_and_version_in_two_communes_are_two_campaigns(db, db_path, tmp_path, clock):
    import shutil

    from storage.db import make_engine

    shutil.copy(db_path, tmp_path / "other.db")
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        for engine, title in ((db, "Vụ đông ở xã này"), (other, "Vụ đông ở xã kia")):
            clerk = staff(engine, clock.now())
            with Session(engine) as s:
                uow = UnitOfWork(s, clock.now())
                ops.save_draft(uow, clerk, campaign_text("vu-dong-2024", short_title=title))
                ops.open_campaign(uow, clerk, "vu-dong-2024")
                s.commit()
        for engine, title in ((db, "Vụ đông ở xã này"), (other, "Vụ đông ở xã kia")):
            with Session(engine) as s:
                [campaign] = ops.open_campaigns(UnitOfWork(s, clock.now()))
                assert campaign.campaign.short_title == title
    finally:
        other.dispose()
