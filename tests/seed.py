"""Rows for a test's starting point, written the way the domain writes them (references from
the per-kind counters, history and audit rows) but without the rules an operation checks
(deadline, role): tests set up states a chat could not reach in one step."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from domain import members as people
from domain import submissions as filing
from domain.lifecycle import TransitionError, may_move
from domain.uow import UnitOfWork
from storage import audit, members, submissions
from storage.models import Invite, Member, Submission


def create_submission(
    s: Session, *, kind: str, campaign_code: str, submitter_id: int, now: datetime, **fields: Any
) -> Submission:
    sub, _ = filing.file(
        UnitOfWork(s, now), kind=kind, campaign_code=campaign_code, submitter_id=submitter_id, **fields
    )
    return sub


def change_status(
    s: Session,
    sub: Submission,
    to_status: str,
    *,
    actor_id: int | None,
    reason: str | None,
    now: datetime,
    notify: None = None,
    fields: dict | None = None,
) -> None:
    """A status change with its history and audit rows, and no notification."""
    if not may_move(sub.status, to_status):
        raise TransitionError(f"{sub.ref}: {sub.status} -> {to_status}")
    before = sub.status
    submissions.record_status(s, sub, to_status, actor_id=actor_id, reason=reason, now=now, fields=fields)
    audit.audit(
        s,
        actor_id=actor_id,
        action="status",
        entity="submission",
        entity_id=sub.ref,
        before={"status": before},
        after={"status": to_status},
        reason=reason,
        now=now,
    )


def new_version(s: Session, sub: Submission, *, actor_id: int, now: datetime, **fields: Any) -> None:
    filing.revise(UnitOfWork(s, now), s.get(Member, actor_id), sub, **fields)


def create_invite(s: Session, *, role: str, unit_code: str | None, now: datetime, ttl: timedelta) -> Invite:
    [issued] = people.issue_invite(UnitOfWork(s, now), None, role=role, unit_code=unit_code, ttl=ttl)
    return members.find_invite(s, issued.code)


def invite_code(db: Any, now: datetime, role: str, unit_code: str | None, days: int = 7) -> str:
    """A one-time invite code for `role` (and `unit_code`), committed: what a person types at /start."""
    with Session(db) as s:
        code = create_invite(s, role=role, unit_code=unit_code, now=now, ttl=timedelta(days=days)).code
        s.commit()
    return code


def set_role(
    s: Session, member: Member, *, role: str, unit_code: str | None, actor_id: int | None, now: datetime
) -> None:
    people.change_role(UnitOfWork(s, now), actor_id, member, role=role, unit_code=unit_code)


def create_member(
    s: Session,
    *,
    full_name: str,
    role: str,
    unit_code: str | None,
    phone: str | None,
    channel: str,
    external_id: str,
    chat_id: str,
    display_name: str | None,
    now: datetime,
) -> Member:
    member, _ = people.enrol(
        UnitOfWork(s, now),
        people.Account(channel, external_id, chat_id, display_name),
        full_name=full_name,
        role=role,
        unit_code=unit_code,
        phone=phone,
    )
    return member


def console_member(
    s: Session,
    name: str,
    role: str,
    external_id: str,
    now: datetime,
    unit_code: str | None = None,
    display_name: str | None = None,
) -> Member:
    """A member on the console channel (its chat is its id): the people a test starts with."""
    return create_member(
        s,
        full_name=name,
        role=role,
        unit_code=unit_code,
        phone=None,
        channel="console",
        external_id=external_id,
        chat_id=external_id,
        display_name=display_name,
        now=now,
    )
