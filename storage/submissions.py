"""Submissions with their versions, evidence and status history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from .models import (
    Evidence,
    StatusChange,
    Submission,
    SubmissionVersion,
)
from .pages import listing


def insert_submission(
    s: Session, *, kind: str, ref: str, campaign_code: str, submitter_id: int, now: datetime, **fields: Any
) -> Submission:
    """A new submission row with its reference; its status is set by the first status change."""
    sub = Submission(
        kind=kind,
        ref=ref,
        campaign_code=campaign_code,
        submitter_id=submitter_id,
        status="draft",
        created_at=now,
        updated_at=now,
        **fields,
    )
    s.add(sub)
    s.flush()
    return sub


def snapshot(sub: Submission) -> dict[str, Any]:
    return {
        "status": sub.status,
        "unit": sub.unit_code,
        "category": sub.category,
        "nominee": sub.nominee,
        "contents": list(sub.contents or []),
        "achievements": sub.achievements,
        "answers": dict(sub.answers or {}),
        "flags": list(sub.flags or []),
        "proposed_award": sub.proposed_award,
        "version": sub.version,
    }


def save_version(s: Session, sub: Submission, *, now: datetime, **fields: Any) -> None:
    """Keep the current content as a version row, then replace it."""
    s.add(
        SubmissionVersion(submission_id=sub.id, version=sub.version, snapshot=snapshot(sub), created_at=now)
    )
    for k, v in fields.items():
        setattr(sub, k, v)
    sub.version += 1
    sub.updated_at = now
    s.add(sub)


def versions_of(s: Session, submission_id: int) -> Sequence[SubmissionVersion]:
    return s.exec(
        select(SubmissionVersion)
        .where(SubmissionVersion.submission_id == submission_id)
        .order_by(col(SubmissionVersion.version))
    ).all()


def record_status(
    s: Session,
    sub: Submission,
    to_status: str,
    *,
    actor_id: int | None,
    reason: str | None,
    now: datetime,
    fields: dict[str, Any] | None = None,
) -> StatusChange:
    """Write a status change (the submission row and its history row); `fields` change with it."""
    change = StatusChange(
        submission_id=sub.id,
        from_status=None if sub.status == "draft" else sub.status,
        to_status=to_status,
        actor_id=actor_id,
        reason=reason,
        at=now,
    )
    s.add(change)
    for k, v in (fields or {}).items():
        setattr(sub, k, v)
    sub.status = to_status
    sub.updated_at = now
    s.add(sub)
    return change


def claim(s: Session, sub: Submission, *, now: datetime) -> bool:
    """The submission is still in the status and version this session read: the row is taken
    for this transaction (a second writer waits, then finds it moved). False when another
    transaction moved or changed it meanwhile (committed before this statement ran)."""
    result = s.exec(
        update(Submission)
        .where(
            col(Submission.id) == sub.id,
            col(Submission.status) == sub.status,
            col(Submission.version) == sub.version,
        )
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def write_citation(s: Session, sub: Submission, text: str | None, *, seen: str | None, now: datetime) -> bool:
    """Set the office's citation when it is still what the writer saw (`seen`, "" for none):
    one conditional UPDATE, so of two people saving at once the second finds it changed and
    writes nothing. False when it had changed."""
    done = s.exec(
        update(Submission)
        .where(col(Submission.id) == sub.id, func.coalesce(col(Submission.citation), "") == (seen or ""))
        .values(citation=text, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    s.refresh(sub)
    return True


def submission_by_ref(s: Session, ref: str) -> Submission | None:
    return s.exec(select(Submission).where(Submission.ref == ref.strip().upper())).first()


def submissions(
    s: Session,
    *,
    campaign_code: str | None = None,
    submitter_id: int | None = None,
    unit_code: str | None = None,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
) -> Sequence[Submission]:
    return s.exec(
        listing(
            campaign_code=campaign_code or None,
            submitter_id=submitter_id,
            unit_code=unit_code,
            kinds=kinds,
            statuses=statuses,
        )
    ).all()


def unit_report(s: Session, *, campaign_code: str, unit_code: str) -> Submission | None:
    """The unit's current report (a withdrawn or rejected one does not count)."""
    return s.exec(
        select(Submission)
        .where(
            Submission.campaign_code == campaign_code,
            Submission.kind == "report",
            Submission.unit_code == unit_code,
            col(Submission.status).not_in(["withdrawn", "rejected"]),
        )
        .order_by(col(Submission.id).desc())
    ).first()


def shortlisted(s: Session, *, campaign_code: str, award: str | None = None) -> Sequence[Submission]:
    q = select(Submission).where(
        col(Submission.campaign_code) == campaign_code, col(Submission.status).in_(["shortlisted", "awarded"])
    )
    if award is not None:
        q = q.where(Submission.shortlist_award == award)
    return s.exec(q.order_by(col(Submission.id))).all()


def history(s: Session, submission_id: int) -> Sequence[StatusChange]:
    return s.exec(
        select(StatusChange)
        .where(col(StatusChange.submission_id) == submission_id)
        .order_by(col(StatusChange.id))
    ).all()


def add_evidence(
    s: Session,
    sub: Submission,
    *,
    channel: str,
    unique_id: str,
    file_id: str | None,
    url: str | None = None,
    local_path: str | None = None,
    caption: str | None = None,
    now: datetime,
    publish_consent: bool = False,
    kind: str = "photo",
) -> bool:
    """Store a photo (or a voice note, kind "voice") once per submission (same unique_id twice
    is kept once); with publish_consent the submitter agreed it may be shown on the public page
    after an award."""
    exists = s.exec(
        select(Evidence).where(Evidence.submission_id == sub.id, Evidence.unique_id == unique_id)
    ).first()
    if exists:
        return False
    s.add(
        Evidence(
            submission_id=sub.id,
            kind=kind,
            channel=channel,
            unique_id=unique_id,
            file_id=file_id,
            url=url,
            local_path=local_path,
            caption=caption,
            created_at=now,
            publish_consent=publish_consent,
        )
    )
    return True


def evidence_of(s: Session, submission_id: int) -> Sequence[Evidence]:
    return s.exec(
        select(Evidence).where(col(Evidence.submission_id) == submission_id).order_by(col(Evidence.id))
    ).all()
