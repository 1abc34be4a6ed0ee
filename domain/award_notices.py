"""Notification handlers of the award step: events in, outbox rows out (same transaction).
The council's members are asked to vote when a round opens; the nominator and the awardee
are told of an award and of its withdrawal."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlmodel import Session

from domain.award_events import AwardEvent, Awarded, AwardWithdrawn, RoundOpened
from messages.catalog import t
from messages.model import Text, reply_to_dict
from storage.outbox import enqueue


def _send(s: Session, member_id: int, text: str, key: str, now: datetime) -> None:
    enqueue(s, member_id=member_id, payload=reply_to_dict(Text(text)), now=now, dedupe_key=key)


def handle(s: Session, events: Iterable[AwardEvent]) -> None:
    for ev in events:
        if isinstance(ev, RoundOpened):
            for member_id in ev.members:
                _send(s, member_id, t("council.notify_open", number=ev.number, n=len(ev.refs)),
                      f"council|{ev.round_id}|open|{member_id}", ev.at)
        elif isinstance(ev, Awarded):
            date = ev.signed_on.strftime("%d/%m/%Y")
            values = dict(ref=ev.ref, nominee=ev.nominee, award=ev.award, number=ev.number, date=date)
            if ev.submitter_id != ev.actor_id:
                _send(s, ev.submitter_id, t("award.notify_nominator", **values),
                      f"award|{ev.ref}|{ev.number}|nominator", ev.at)
            if ev.awardee_id is not None and ev.awardee_id != ev.submitter_id:
                _send(s, ev.awardee_id, t("award.notify_awardee", **values),
                      f"award|{ev.ref}|{ev.number}|awardee", ev.at)
        elif isinstance(ev, AwardWithdrawn):
            if ev.submitter_id != ev.actor_id:
                _send(s, ev.submitter_id, t("award.notify_withdrawn", ref=ev.ref, nominee=ev.nominee,
                                            number=ev.number, reason=ev.reason),
                      f"award|{ev.ref}|{ev.number}|withdrawn", ev.at)
