"""A resident registers and nominates a household, end to end through the core."""

from __future__ import annotations

from storage.models import AuditLog, Evidence, Member, StatusChange, Submission

from .conftest import nominate_household, register_resident, rows


def test_full_nomination_is_stored_with_history_audit_and_evidence(player, db):
    register_resident(player)
    ref = nominate_household(player, photos=2)
    assert ref == "DC-0001"
    assert "Đã gửi đề cử, mã hồ sơ DC-0001" in player.text

    [member] = rows(db, Member)
    assert (member.full_name, member.role, member.unit_code) == ("Nguyễn Văn Bình", "resident", "T01")
    [sub] = rows(db, Submission)
    assert sub.ref == "DC-0001" and sub.status == "submitted" and sub.kind == "nomination"
    assert sub.category == "household" and sub.nominee == "Hộ ông Hoàng Văn Tư"
    assert sub.unit_code == "T01" and sub.contents == ["c2", "c3"]
    assert sub.answers == {"annual_income": 60_000_000, "discipline": "no"}
    assert sub.flags == [] and sub.proposed_award == "commune"
    assert sub.submitted_at.tzinfo is not None
    assert [e.unique_id for e in rows(db, Evidence)] == ["photo-0", "photo-1"]
    [change] = rows(db, StatusChange)
    assert (change.from_status, change.to_status, change.actor_id) == (None, "submitted", member.id)
    actions = [a.action for a in rows(db, AuditLog)]
    assert actions == ["member.register", "nomination.create", "status"]


def test_my_submissions_lists_status_and_withdraws(player, db):
    register_resident(player)
    nominate_household(player)
    player.press("mine")
    assert "DC-0001 · Hộ ông Hoàng Văn Tư · Đã gửi, chờ thẩm định" in player.text
    player.say("1")
    assert "Trạng thái: Đã gửi, chờ thẩm định" in player.text
    player.press("Rút hồ sơ")
    player.press("Đồng ý rút")
    assert "Đã rút hồ sơ DC-0001" in player.text
    [sub] = rows(db, Submission)
    assert sub.status == "withdrawn"
    assert [c.to_status for c in rows(db, StatusChange)] == ["submitted", "withdrawn"]
