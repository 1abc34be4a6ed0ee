"""The council's rounds, items and votes; the award decisions and their items.
Rows only: the rules (quorum, threshold, who may vote) live in domain/council.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from .models import (
    AwardDecision,
    AwardDecisionItem,
    CouncilItem,
    CouncilRound,
    CouncilVote,
    Evidence,
    Submission,
)


def open_round(s: Session, campaign_code: str) -> CouncilRound | None:
    """The campaign's open round as the database has it now (not as this session last saw it)."""
    return s.exec(
        select(CouncilRound)
        .where(CouncilRound.campaign_code == campaign_code, CouncilRound.status == "open")
        .order_by(col(CouncilRound.id).desc())
        .execution_options(populate_existing=True)
    ).first()


def rounds(s: Session, campaign_code: str, *, status: str | None = None) -> Sequence[CouncilRound]:
    q = select(CouncilRound).where(CouncilRound.campaign_code == campaign_code)
    if status is not None:
        q = q.where(CouncilRound.status == status)
    return s.exec(q.order_by(col(CouncilRound.id))).all()


def next_round_number(s: Session, campaign_code: str) -> int:
    last = s.exec(
        select(func.max(CouncilRound.number)).where(CouncilRound.campaign_code == campaign_code)
    ).first()
    return (last or 0) + 1


def items_of(s: Session, round_id: int) -> list[tuple[CouncilItem, Submission]]:
    rows = s.exec(
        select(CouncilItem, Submission)
        .where(CouncilItem.round_id == round_id, CouncilItem.submission_id == Submission.id)
        .order_by(col(CouncilItem.position))
    ).all()
    return [(item, sub) for item, sub in rows]


def item_by_ref(s: Session, round_id: int, ref: str) -> CouncilItem | None:
    return s.exec(
        select(CouncilItem).where(
            CouncilItem.round_id == round_id,
            CouncilItem.submission_id == Submission.id,
            Submission.ref == ref,
        )
    ).first()


def votes_of(s: Session, round_id: int) -> Sequence[CouncilVote]:
    return s.exec(
        select(CouncilVote)
        .where(CouncilVote.item_id == CouncilItem.id, CouncilItem.round_id == round_id)
        .order_by(col(CouncilVote.id))
    ).all()


def vote(s: Session, item_id: int, member_id: int) -> CouncilVote | None:
    return s.exec(
        select(CouncilVote).where(CouncilVote.item_id == item_id, CouncilVote.member_id == member_id)
    ).first()


def latest_results(s: Session, campaign_code: str) -> dict[int, CouncilItem]:
    """submission id -> its item in the latest closed round that considered it."""
    rows = s.exec(
        select(CouncilItem)
        .where(
            CouncilItem.round_id == CouncilRound.id,
            CouncilRound.campaign_code == campaign_code,
            CouncilRound.status == "closed",
        )
        .order_by(col(CouncilRound.id))
    ).all()
    return {item.submission_id: item for item in rows}  # later rounds win


def decisions(
    s: Session, campaign_code: str, *, active: bool | None = None, award_key: str | None = None
) -> Sequence[AwardDecision]:
    q = select(AwardDecision).where(AwardDecision.campaign_code == campaign_code)
    if active is not None:
        q = q.where(AwardDecision.withdrawn == (not active))
    if award_key is not None:
        q = q.where(AwardDecision.award_key == award_key)
    return s.exec(q.order_by(col(AwardDecision.id))).all()


def decision_items(s: Session, decision_id: int) -> list[tuple[AwardDecisionItem, Submission]]:
    rows = s.exec(
        select(AwardDecisionItem, Submission)
        .where(AwardDecisionItem.decision_id == decision_id, AwardDecisionItem.submission_id == Submission.id)
        .order_by(col(AwardDecisionItem.position))
    ).all()
    return [(item, sub) for item, sub in rows]


def active_decision_of(s: Session, submission_ids: Iterable[int]) -> dict[int, AwardDecision]:
    """submission id -> the decision (not withdrawn) that awarded it."""
    ids = list(submission_ids)
    if not ids:
        return {}
    rows = s.exec(
        select(AwardDecisionItem.submission_id, AwardDecision).where(
            AwardDecisionItem.decision_id == AwardDecision.id,
            AwardDecision.withdrawn == False,  # noqa: E712
            col(AwardDecisionItem.submission_id).in_(ids),
        )
    ).all()
    return dict(rows)


def number_taken(s: Session, campaign_code: str, number: str) -> bool:
    return (
        s.exec(
            select(AwardDecision.id).where(
                AwardDecision.campaign_code == campaign_code,
                AwardDecision.number == number,
                AwardDecision.withdrawn == False,  # noqa: E712 (SQL: withdrawn = false)
            )
        ).first()
        is not None
    )


def published_photos(s: Session, submission_ids: Iterable[int]) -> dict[int, list[Evidence]]:
    """The photos their submitters agreed to publish, per submission."""
    ids = list(submission_ids)
    if not ids:
        return {}
    out: dict[int, list[Evidence]] = {}
    for e in s.exec(
        select(Evidence)
        .where(col(Evidence.submission_id).in_(ids), col(Evidence.publish_consent) == True)  # noqa: E712
        .order_by(col(Evidence.id))
    ).all():
        out.setdefault(e.submission_id, []).append(e)
    return out
