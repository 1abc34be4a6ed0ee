"""The people commended (nêu gương): who holds an award under a decision that stands, read
for the public page, the «Gương điển hình» announcement, the decision's list and the
certificates. Nothing is shown before a decision, nor after it is withdrawn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from storage import announcements
from storage import council as rows
from storage.audit import audit
from storage.models import Evidence, Member, Submission
from storage.outbox import enqueue_many

from .award.events import HonoursAnnounced
from .campaign import Campaign
from .citation import shown
from .events import Event
from .refusals import Refused
from .roles import STAFF, require
from .uow import UnitOfWork


@dataclass
class Honoured:
    ref: str
    name: str
    unit: str
    group: str  # collective | individual (the category's quota group)
    # the office's citation (domain.citation.shown: written, else the suggestion staff saw on
    # the dossier), never the submitter's own text: what chat's «Gương điển hình» says
    achievement: str
    citation: str  # what certificates and the decision's list print (the same as achievement)
    written_citation: str  # only what staff wrote and saved: the public page shows nothing else
    award: str
    number: str
    signed_on: date
    position: int
    photos: list[Evidence] = field(default_factory=list)


def _group(campaign: Campaign, sub: Submission) -> str:
    try:
        return campaign.category(sub.category).quota_group if sub.category else "individual"
    except KeyError:
        return "individual"


def honoured(
    s: Session,
    campaign: Campaign,
    *,
    decision_id: int | None = None,
    award_key: str | None = None,
    photos: bool = False,
) -> list[Honoured]:
    """Items awarded under decisions that stand (one decision, or all), in the decision's
    order; with `photos` only those their submitter agreed to publish."""
    out: list[Honoured] = []
    for dec in rows.decisions(s, campaign.code, active=True, award_key=award_key):
        if decision_id is not None and dec.id != decision_id:
            continue
        label = campaign.award(dec.award_key).label
        for item, sub in rows.decision_items(s, dec.id):
            if sub.status != "awarded":
                continue
            out.append(
                Honoured(
                    ref=sub.ref,
                    name=sub.nominee or "",
                    unit=campaign.unit_name(sub.unit_code),
                    group=_group(campaign, sub),
                    achievement=shown(sub.citation, sub.achievements),
                    citation=shown(sub.citation, sub.achievements),
                    written_citation=" ".join((sub.citation or "").split()),
                    award=label,
                    number=dec.number,
                    signed_on=dec.signed_on,
                    position=item.position,
                )
            )
    if photos and out:
        by_ref = {h.ref: h for h in out}
        subs = {
            sub.id: sub.ref
            for dec in rows.decisions(s, campaign.code, active=True)
            for _, sub in rows.decision_items(s, dec.id)
            if sub.ref in by_ref
        }
        for sid, evidence in rows.published_photos(s, subs).items():
            by_ref[subs[sid]].photos = evidence
    return out


def one_line(text: str, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def announce(
    uow: UnitOfWork, actor: Member | None, campaign: Campaign, payload: dict[str, Any]
) -> list[Event]:
    """«Gương điển hình» to every member, once per set of decisions (through the outbox, so
    at each platform's limits). `payload` is the message (the caller words it)."""
    actor_id = require(actor, STAFF).id
    s, now = uow.session, uow.now
    items = honoured(s, campaign)
    if not items:
        raise Refused("honours.nothing")
    decisions = sorted({h.number for h in items})
    key = "honours|" + ",".join(decisions)
    # every member, less those who chose «Dừng nhận tin» and the chats that blocked the bot
    everyone = announcements.audience_members(s, campaign_code=campaign.code)
    batch = [
        dict(
            member_id=member_id,
            channel=channel,
            chat_id=chat_id,
            payload=payload,
            dedupe_key=f"{key}|{member_id}",
        )
        for member_id, channel, chat_id in announcements.reachable_identities(s, everyone)
    ]
    added = enqueue_many(s, batch, now)
    audit(
        s,
        actor_id=actor_id,
        action="honours.announce",
        entity="award_decision",
        entity_id=",".join(decisions),
        after={"awardees": len(items), "messages": added},
        now=now,
    )
    return uow.record([HonoursAnnounced(now, actor_id, len(items), added)])
