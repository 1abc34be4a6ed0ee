"""Making unit heads and staff (invite codes, as in real use) and a few stored facts."""

from __future__ import annotations

from sqlmodel import Session, select

from storage import members
from storage.models import AuditLog, Outbox, StatusChange, Submission

from . import seed as seeding
from .conftest import Player


def join(
    core, db, clock, user_id: str, role: str, unit: str | None = None, name: str = "Trần Văn Hải"
) -> Player:
    """A person joins with a one-time invite code for `role` (and `unit`)."""
    code = seeding.invite_code(db, clock.now(), role, unit)
    p = Player(core, user_id)
    p.say(f"/start {code}")
    p.say(name)
    assert "Đăng ký xong" in p.text, p.text
    return p


def sub(db, ref: str) -> Submission:
    with Session(db) as s:
        return s.exec(select(Submission).where(Submission.ref == ref)).one()


def statuses(db, ref: str) -> list[tuple]:
    with Session(db) as s:
        row = s.exec(select(Submission).where(Submission.ref == ref)).one()
        return [
            (c.from_status, c.to_status, c.actor_id, c.reason)
            for c in s.exec(
                select(StatusChange).where(StatusChange.submission_id == row.id).order_by(StatusChange.id)
            )
        ]


def notes(db, member_id: int) -> list[str]:
    with Session(db) as s:
        return [
            o.payload["text"]
            for o in s.exec(select(Outbox).where(Outbox.member_id == member_id).order_by(Outbox.id))
        ]


def audits(db, ref: str) -> list[AuditLog]:
    with Session(db) as s:
        return list(s.exec(select(AuditLog).where(AuditLog.entity_id == ref).order_by(AuditLog.id)))


def member_id(core, p: Player) -> int:
    with Session(core.db) as s:
        return members.member_by_identity(s, p.channel, p.user_id).id


def approved(
    db, clock, *, submitter_id: int, nominee: str, category: str, unit: str = "T01", kind: str = "nomination"
) -> str:
    """An item staff already approved (set up in storage; the shortlist is then driven by chat)."""
    return moved(
        db,
        clock,
        ["approved"],
        submitter_id=submitter_id,
        nominee=nominee,
        category=category,
        unit=unit,
        kind=kind,
    )


def moved(
    db,
    clock,
    path: list[str],
    *,
    submitter_id: int,
    nominee: str | None,
    category: str | None,
    unit: str = "T01",
    kind: str = "nomination",
) -> str:
    """An item sent, then moved along `path` (set up in storage, no notification)."""
    with Session(db) as s:
        row = seeding.create_submission(
            s,
            kind=kind,
            campaign_code="tran-ninh-2024",
            submitter_id=submitter_id,
            now=clock.now(),
            unit_code=unit,
            category=category,
            nominee=nominee,
            contents=["c2"],
            achievements="Thành tích nổi bật trong đợt thi đua năm nay.",
            answers={},
            flags=[],
            proposed_award="district",
        )
        for to in path:
            fields = {"shortlist_award": "commune"} if to == "shortlisted" else None
            seeding.change_status(s, row, to, actor_id=None, reason=None, now=clock.now(), fields=fields)
        s.commit()
        return row.ref
