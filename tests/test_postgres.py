"""The same conversation on PostgreSQL (required in CI, skipped when no server is reachable)."""

from __future__ import annotations

from datetime import timezone

from sqlalchemy import inspect

from handlers.core import Core
from storage.models import AuditLog, Member, ProcessedEvent, StatusChange, Submission

from .conftest import Player, nominate_household, register_resident, rows


def test_migrations_and_a_full_nomination_on_postgresql(pg_db, campaign, clock):
    tables = set(inspect(pg_db).get_table_names())
    assert {"member", "identity", "invite", "submission", "submission_version", "status_change",
            "evidence", "conversation_state", "processed_event", "audit_log", "outbox"} <= tables
    p = Player(Core(pg_db, campaign, clock))
    register_resident(p, name="Nguyễn Thị Hoà")
    ref = nominate_household(p, photos=1, nominee="Hộ bà Đinh Thị Ngọc Ánh")
    assert ref == "DC-0001"
    [m] = rows(pg_db, Member)
    assert m.full_name == "Nguyễn Thị Hoà"
    [sub] = rows(pg_db, Submission)
    assert sub.nominee == "Hộ bà Đinh Thị Ngọc Ánh" and sub.contents == ["c2", "c3"]
    assert sub.submitted_at == clock.now() and sub.submitted_at.tzinfo == timezone.utc
    assert [c.to_status for c in rows(pg_db, StatusChange)] == ["submitted"]
    assert len(rows(pg_db, AuditLog)) == 3
    # a redelivered event is processed once on PostgreSQL too
    before = len(rows(pg_db, ProcessedEvent))
    p.say("/hoso", key="pg-dup")
    assert p.say("/hoso", key="pg-dup") == []
    assert len(rows(pg_db, ProcessedEvent)) == before + 1
