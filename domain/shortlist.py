"""The council's shortlist: approved items go on an award's list within the award's quota, and
one nominee cannot hold two awards for the same achievement (Law art. 5.2)."""

from __future__ import annotations

from messages.catalog import t
from messages.folding import fold
from storage import locks, submissions
from storage.models import Member, Submission

from .campaign import Award, Campaign, QuotaGroup
from .events import Event, QuotaExceeded, Shortlisted, Unlisted
from .lifecycle import move
from .refusals import Refused
from .roles import STAFF, require
from .submissions import find
from .uow import UnitOfWork


def group_of(campaign: Campaign, sub: Submission) -> QuotaGroup:
    return campaign.category(sub.category or "").quota_group


def on_list(uow: UnitOfWork, campaign: Campaign, award: str) -> list[Submission]:
    return list(submissions.shortlisted(uow.session, campaign_code=campaign.code, award=award))


def check(uow: UnitOfWork, campaign: Campaign, sub: Submission, award: Award) -> None:
    """Refused (with why) when `sub` cannot go on `award`'s list."""
    if sub.status != "approved":
        raise Refused("sl.not_approved", ref=sub.ref)
    name = fold(sub.nominee or "")
    for other in submissions.shortlisted(uow.session, campaign_code=campaign.code):
        if other.id != sub.id and fold(other.nominee or "") == name:
            if other.shortlist_award == award.key:
                raise Refused("sl.duplicate", nominee=sub.nominee, ref=other.ref)
            raise Refused(
                "sl.twice",
                nominee=sub.nominee,
                ref=other.ref,
                award=campaign.award(other.shortlist_award or "").label,
            )
    group = group_of(campaign, sub)
    rng = award.quota.get(group)
    if rng is not None:
        n = sum(1 for s in on_list(uow, campaign, award.key) if group_of(campaign, s) == group)
        if n >= rng.max:
            raise Refused("sl.quota", award=award.label, max=rng.max, group=t(f"group.{group}")).with_event(
                QuotaExceeded(
                    at=uow.now, actor_id=None, ref=sub.ref, award=award.key, group=group, maximum=rng.max
                )
            )


def shortlist(
    uow: UnitOfWork, actor: Member | None, campaign: Campaign, ref: str, award_key: str
) -> list[Event]:
    actor = require(actor, STAFF)
    sub, award = find(uow, ref), campaign.award(award_key)
    # two staff adding to one list at once: the second counts after the first has committed
    locks.take(uow.session, campaign.code, f"list:{award.key}", uow.now)
    uow.session.refresh(sub)
    check(uow, campaign, sub, award)
    return [
        move(
            uow,
            sub,
            "shortlisted",
            actor_id=actor.id,
            reason=t("sl.added_reason", award=award.label),
            event=Shortlisted,
            fields={"shortlist_award": award.key},
            award=award.key,
        )
    ]


def unlist(
    uow: UnitOfWork, actor: Member | None, campaign: Campaign, ref: str, award_key: str
) -> list[Event]:
    actor = require(actor, STAFF)
    sub, award = find(uow, ref), campaign.award(award_key)
    if sub.status != "shortlisted" or sub.shortlist_award != award.key:
        raise Refused("sl.not_on_list", ref=sub.ref)
    return [
        move(
            uow,
            sub,
            "approved",
            actor_id=actor.id,
            reason=t("sl.removed_reason", award=award.label),
            event=Unlisted,
            fields={"shortlist_award": None},
            award=award.key,
        )
    ]
