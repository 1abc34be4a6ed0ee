"""The award step: the council's vote, the chairman's decision, honouring the
people commended. Each operation takes the turn's session, checks who may do it, writes its
rows and audit entries and returns events; the caller commits, the notification handlers
(domain/award/notices.py) turn the events into outbox rows in the same transaction.

Quorum and threshold come from the campaign file ([council]); by default an item passes when
more than half of the members present in the round agree, and the round counts when more than
half of the council's members took part. "Present" is a member who voted on any item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from messages.folding import fold
from storage import council as rows
from storage import locks, members, submissions
from storage.audit import audit
from storage.models import (
    AwardDecision,
    AwardDecisionItem,
    CouncilItem,
    CouncilRound,
    CouncilVote,
    Member,
    Submission,
)

from .award.events import (
    Awarded,
    AwardWithdrawn,
    DecisionRecorded,
    DecisionWithdrawn,
    LeftOut,
    NotRecommended,
    RoundClosed,
    RoundOpened,
    VoteCast,
)
from .campaign import Campaign
from .events import Event
from .lifecycle import ENTRY_KINDS, move
from .refusals import Refused
from .roles import COUNCIL, STAFF, require
from .uow import UnitOfWork

CHOICES = ("agree", "disagree", "more_info")


@dataclass(frozen=True)
class Tally:
    agree: int
    disagree: int
    more_info: int
    present: int  # members who voted on anything in the round
    members: int
    quorum_met: bool
    passed: bool

    @property
    def result(self) -> str:
        return "no_quorum" if not self.quorum_met else "passed" if self.passed else "failed"


# -- the round ------------------------------------------------------------------------------


def tally(
    campaign: Campaign, rnd: CouncilRound, item_ids: list[int], votes: list[CouncilVote]
) -> dict[int, Tally]:
    """item id -> its tally under the campaign's quorum and threshold. Only the votes of the
    round's members count; "present" is a member who voted on any item of the round."""
    rules = campaign.council
    counted = [v for v in votes if v.member_id in rnd.members]
    present = len({v.member_id for v in counted})
    total = len(rnd.members)
    quorum = rules.quorum.met(present, total)
    counts = {i: dict.fromkeys(CHOICES, 0) for i in item_ids}
    for v in counted:
        if v.item_id in counts:
            counts[v.item_id][v.choice] += 1
    return {
        i: Tally(
            c["agree"],
            c["disagree"],
            c["more_info"],
            present,
            total,
            quorum,
            quorum and rules.threshold.met(c["agree"], present),
        )
        for i, c in counts.items()
    }


def tally_of(s: Session, campaign: Campaign, rnd: CouncilRound) -> dict[int, Tally]:
    ids = [item.id for item, _ in rows.items_of(s, rnd.id)]
    return tally(campaign, rnd, ids, list(rows.votes_of(s, rnd.id)))


def hold_rounds(uow: UnitOfWork, campaign: Campaign) -> None:
    """Opening, closing and voting take the campaign's round lock before reading the open
    round, so two at once come one after the other: a second «open» finds the round open, a
    vote after the close finds it closed (the unique index on the open round backs this)."""
    locks.take(uow.session, campaign.code, "round", uow.now)


def open_round(uow: UnitOfWork, actor: Member | None, campaign: Campaign) -> list[Event]:
    """Staff open a round on the current commune and district lists (shortlisted items)."""
    actor = require(actor, STAFF)
    s, now, actor_id = uow.session, uow.now, actor.id
    hold_rounds(uow, campaign)
    if rows.open_round(s, campaign.code) is not None:
        raise Refused("council.already_open")
    voters = [m.id for m in members.members(s, role="council")]
    if not voters:
        raise Refused("council.no_members")
    order = {a.key: i for i, a in enumerate(campaign.awards)}
    subs = list(
        submissions.submissions(s, campaign_code=campaign.code, kinds=ENTRY_KINDS, statuses=("shortlisted",))
    )
    subs.sort(key=lambda x: (order.get(x.shortlist_award or "", len(order)), x.id))
    if not subs:
        raise Refused("council.nothing")
    rnd = CouncilRound(
        campaign_code=campaign.code,
        number=rows.next_round_number(s, campaign.code),
        status="open",
        members=voters,
        opened_by=actor_id,
        opened_at=now,
    )
    s.add(rnd)
    s.flush()
    for pos, sub in enumerate(subs, 1):
        s.add(
            CouncilItem(
                round_id=rnd.id, submission_id=sub.id, award_key=sub.shortlist_award or "", position=pos
            )
        )
    refs = tuple(x.ref for x in subs)
    audit(
        s,
        actor_id=actor_id,
        action="council.open",
        entity="council_round",
        entity_id=rnd.id,
        after={"number": rnd.number, "items": list(refs), "members": voters},
        now=now,
    )
    return uow.record([RoundOpened(now, actor_id, rnd.id, rnd.number, refs, tuple(voters))])


def cast_vote(
    uow: UnitOfWork, actor: Member | None, campaign: Campaign, ref: str, choice: str
) -> list[Event]:
    """A council member's vote on an item of the open round; changeable until it closes."""
    member_id = require(actor, COUNCIL).id
    s, now = uow.session, uow.now
    if choice not in CHOICES:
        raise Refused("err.choice")
    hold_rounds(uow, campaign)
    rnd = rows.open_round(s, campaign.code)
    if rnd is None:
        raise Refused("council.closed")
    if member_id not in rnd.members:
        raise Refused("council.not_in_round")
    item = rows.item_by_ref(s, rnd.id, ref)
    if item is None:
        raise Refused("err.choice")
    current = rows.vote(s, item.id, member_id)
    previous = current.choice if current else None
    if current is None:
        s.add(CouncilVote(item_id=item.id, member_id=member_id, choice=choice, cast_at=now, changed_at=now))
    elif current.choice != choice:
        current.choice, current.changed_at = choice, now
        s.add(current)
    s.flush()
    audit(
        s,
        actor_id=member_id,
        action="council.vote",
        entity="submission",
        entity_id=ref,
        before={"vote": previous} if previous else None,
        after={"vote": choice, "round": rnd.number},
        now=now,
    )
    return uow.record([VoteCast(now, member_id, rnd.id, ref, choice, previous)])


def close_round(uow: UnitOfWork, actor: Member | None, campaign: Campaign) -> list[Event]:
    """Staff close the round: every item's tally is kept; those that pass are the council's
    recommendation (the decision is recorded on them)."""
    actor = require(actor, STAFF)
    s, now, actor_id = uow.session, uow.now, actor.id
    hold_rounds(uow, campaign)
    rnd = rows.open_round(s, campaign.code)
    if rnd is None:
        raise Refused("council.closed")
    results = tally_of(s, campaign, rnd)
    passed: list[str] = []
    failed: list[str] = []
    quorum = False
    present = 0
    rejected: list[tuple[Submission, Tally]] = []
    for item, sub in rows.items_of(s, rnd.id):
        r = results[item.id]
        item.agree, item.disagree, item.more_info, item.result = r.agree, r.disagree, r.more_info, r.result
        quorum, present = r.quorum_met, r.present
        s.add(item)
        (passed if r.passed else failed).append(sub.ref)
        if r.result == "failed" and sub.status == "shortlisted":
            rejected.append((sub, r))
    rnd.status, rnd.closed_by, rnd.closed_at, rnd.quorum_met = "closed", actor_id, now, quorum
    s.add(rnd)
    audit(
        s,
        actor_id=actor_id,
        action="council.close",
        entity="council_round",
        entity_id=rnd.id,
        after={
            "number": rnd.number,
            "quorum": quorum,
            "present": present,
            "passed": passed,
            "failed": failed,
        },
        now=now,
    )
    events: list[Event] = uow.record(
        [
            RoundClosed(
                now,
                actor_id,
                rnd.id,
                rnd.number,
                quorum,
                present,
                len(rnd.members),
                tuple(passed),
                tuple(failed),
            )
        ]
    )
    # a vote that counted and failed: the item leaves the council's list (a round without
    # quorum decides nothing, its items stay on the list for the next round)
    for sub, r in rejected:
        events.append(
            move(
                uow,
                sub,
                "not_recommended",
                actor_id=actor_id,
                reason=None,
                event=NotRecommended,
                round_number=rnd.number,
                agree=r.agree,
                present=r.present,
            )
        )
    return events


def recommended(s: Session, campaign: Campaign, award_key: str | None = None) -> list[Submission]:
    """Shortlisted items that passed the latest round that considered them."""
    results = rows.latest_results(s, campaign.code)
    subs = submissions.submissions(
        s, campaign_code=campaign.code, kinds=ENTRY_KINDS, statuses=("shortlisted",)
    )
    return [
        x
        for x in subs
        if (award_key is None or x.shortlist_award == award_key)
        and x.id in results
        and results[x.id].result == "passed"
    ]


# -- the decision ---------------------------------------------------------------------------


def decision_number(campaign: Campaign, raw: str) -> str | None:
    """ "125" -> "125/QĐ-UBND" (the suffix from the campaign file); "125/QĐ-UBND" as it is."""
    text = " ".join((raw or "").split()).upper().replace(" / ", "/")
    if not text or len(text) > 40:
        return None
    head = text.split("/", 1)[0]
    if not head.isdigit():
        return None
    suffix = campaign.decision.number_suffix if campaign.decision else "QĐ-UBND"
    return text if "/" in text else f"{int(head)}/{suffix}"


def signer_of(campaign: Campaign, award_key: str) -> tuple[str, str]:
    """(name, title) of who signs the decision on this award, as the campaign file says: the
    award's own signer; else, for an award the commune decides itself ([decision] awards), the
    organiser's signer. A district award never falls back to the commune's chairman: its name
    is empty until the office types it."""
    award = campaign.award(award_key)
    title = award.signer_title or award.grantor
    if award.signer_name:
        return award.signer_name, title
    own = campaign.decision is not None and award_key in campaign.decision.awards
    return (campaign.organiser.signer_name if own else ""), title


def record_decision(
    uow: UnitOfWork,
    actor: Member | None,
    campaign: Campaign,
    *,
    award_key: str,
    number: str,
    signed_on: date,
    signer_name: str,
    signer_title: str,
) -> list[Event]:
    """The chairman's (or, for the district award, the district's) decision: the recommended
    items of that award become `awarded` with the decision's reference."""
    actor = require(actor, STAFF)
    s, now, actor_id = uow.session, uow.now, actor.id
    award = campaign.award(award_key)
    if not (signer_name or "").strip():
        raise Refused("decision.signer_needed")
    locks.take(s, campaign.code, "decisions", now)  # two clerks recording at once: one by one
    if rows.number_taken(s, campaign.code, number):
        raise Refused("decision.number_taken", number=number)
    subs = recommended(s, campaign, award_key)
    if not subs:
        raise Refused("decision.nothing", award=award.label)
    latest = rows.latest_results(s, campaign.code)
    dec = AwardDecision(
        campaign_code=campaign.code,
        award_key=award_key,
        number=number,
        signed_on=signed_on,
        signer_name=signer_name,
        signer_title=signer_title,
        round_id=latest[subs[0].id].round_id,
        recorded_by=actor_id,
        recorded_at=now,
    )
    s.add(dec)
    s.flush()
    refs = tuple(x.ref for x in subs)
    audit(
        s,
        actor_id=actor_id,
        action="decision.record",
        entity="award_decision",
        entity_id=dec.id,
        after={
            "number": number,
            "signed_on": signed_on.isoformat(),
            "award": award_key,
            "signer": signer_name,
            "items": list(refs),
        },
        now=now,
    )
    events: list[Event] = uow.record(
        [DecisionRecorded(now, actor_id, dec.id, number, signed_on, award.label, refs)]
    )
    reason = f"{number} ({signed_on.strftime('%d/%m/%Y')})"
    for pos, sub in enumerate(subs, 1):
        s.add(AwardDecisionItem(decision_id=dec.id, submission_id=sub.id, position=pos))
        events.append(
            move(
                uow,
                sub,
                "awarded",
                actor_id=actor_id,
                reason=reason,
                event=Awarded,
                awardee_id=awardee_of(s, sub),
                award=award.label,
                number=number,
                signed_on=signed_on,
            )
        )
    chosen = {x.id for x in subs}
    for sub in submissions.submissions(
        s, campaign_code=campaign.code, kinds=ENTRY_KINDS, statuses=("shortlisted",)
    ):
        if sub.shortlist_award == award_key and sub.id not in chosen:
            events += uow.record(
                [LeftOut(now, actor_id, sub.ref, sub.submitter_id, sub.nominee, number, award.label)]
            )
    return events


def withdraw_decision(
    uow: UnitOfWork, actor: Member | None, campaign: Campaign, decision_id: int, reason: str
) -> list[Event]:
    """A decision recorded in error: staff withdraw it with a reason; its items go back to
    the council's list; certificates and the public page no longer show them."""
    actor = require(actor, STAFF)
    s, now, actor_id = uow.session, uow.now, actor.id
    if not (reason or "").strip():
        raise Refused("decision.reason_needed")
    locks.take(s, campaign.code, "decisions", now)
    dec = s.get(AwardDecision, decision_id, populate_existing=True)
    if dec is None or dec.campaign_code != campaign.code or dec.withdrawn:
        raise Refused("decision.none")
    dec.withdrawn, dec.withdrawn_by, dec.withdrawn_at, dec.withdrawn_reason = True, actor_id, now, reason
    s.add(dec)
    awarded = [sub for _, sub in rows.decision_items(s, dec.id) if sub.status == "awarded"]
    refs = tuple(sub.ref for sub in awarded)
    audit(
        s,
        actor_id=actor_id,
        action="decision.withdraw",
        entity="award_decision",
        entity_id=dec.id,
        before={"number": dec.number, "items": list(refs)},
        reason=reason,
        now=now,
    )
    events: list[Event] = uow.record([DecisionWithdrawn(now, actor_id, dec.id, dec.number, reason, refs)])
    for sub in awarded:
        events.append(
            move(
                uow,
                sub,
                "shortlisted",
                actor_id=actor_id,
                reason=reason,
                event=AwardWithdrawn,
                number=dec.number,
                awardee_id=awardee_of(s, sub),
            )
        )
    return events


def awardee_of(s: Session, sub: Submission) -> int | None:
    """The member the award names, when one of the unit's members is named by it ("Hộ ông
    Hoàng Văn Tư" names member "Hoàng Văn Tư" of Thôn 1); collectives have none."""
    nominee = fold(sub.nominee or "")
    if not nominee:
        return None
    found = [
        m.id
        for m in members.members(s, unit_code=sub.unit_code)
        if sub.unit_code and (nominee == fold(m.full_name) or nominee.endswith(" " + fold(m.full_name)))
    ]
    return found[0] if len(found) == 1 else None
