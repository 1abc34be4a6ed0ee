"""Notification handlers of the award step: events in, outbox rows out (in the event's own
transaction). The council's members are asked to vote when a round opens; the nominator and
the awardee are told of an award and of its withdrawal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from messages.catalog import t
from messages.model import Text, reply_to_dict
from storage.outbox import enqueue

from ..events import Event
from ..outcomes import outcome_text
from .events import Awarded, AwardWithdrawn, LeftOut, NotRecommended, RoundOpened

if TYPE_CHECKING:  # pragma: no cover
    from ..uow import UnitOfWork

# the events handle() tells (domain/notifications.HANDLERS lists it under each)
HANDLED = (RoundOpened, Awarded, AwardWithdrawn, NotRecommended, LeftOut)


def _send(uow: UnitOfWork, member_id: int, text: str, key: str, event: Event) -> None:
    enqueue(uow.session, member_id=member_id, payload=reply_to_dict(Text(text)), now=event.at, dedupe_key=key)


def handle(uow: UnitOfWork, ev: Event) -> None:
    if isinstance(ev, RoundOpened):
        for member_id in ev.members:
            _send(
                uow,
                member_id,
                t("council.notify_open", number=ev.number, n=len(ev.refs)),
                f"council|{ev.round_id}|open|{member_id}",
                ev,
            )
    elif isinstance(ev, Awarded):
        values = dict(
            ref=ev.ref,
            nominee=ev.nominee or "",
            award=ev.award,
            number=ev.number,
            date=ev.signed_on.strftime("%d/%m/%Y") if ev.signed_on else "",
        )
        if ev.submitter_id != ev.actor_id:
            _send(
                uow,
                ev.submitter_id,
                t("award.notify_nominator", **values),
                f"award|{ev.ref}|{ev.number}|nominator",
                ev,
            )
        if ev.awardee_id is not None and ev.awardee_id != ev.submitter_id:
            _send(
                uow,
                ev.awardee_id,
                t("award.notify_awardee", **values),
                f"award|{ev.ref}|{ev.number}|awardee",
                ev,
            )
    elif isinstance(ev, AwardWithdrawn):
        # the nominator, then the awardee when they are someone else; never the one who withdrew
        told: tuple[tuple[int | None, str, str], ...] = (
            (ev.submitter_id, "award.notify_withdrawn", "withdrawn"),
            (ev.awardee_id, "award.notify_withdrawn_awardee", "withdrawn-awardee"),
        )
        for n, (whom, key, suffix) in enumerate(told):
            if whom is None or whom == ev.actor_id or (n and whom == ev.submitter_id):
                continue
            text = outcome_text(key, reason=ev.reason, ref=ev.ref, nominee=ev.nominee or "", number=ev.number)
            _send(uow, whom, text, f"award|{ev.ref}|{ev.number}|{suffix}", ev)
    elif isinstance(ev, NotRecommended):
        if ev.submitter_id != ev.actor_id:
            _send(
                uow,
                ev.submitter_id,
                t(
                    "award.notify_not_recommended",
                    ref=ev.ref,
                    nominee=ev.nominee or "",
                    number=ev.round_number,
                    agree=ev.agree,
                    present=ev.present,
                ),
                f"council|{ev.ref}|{ev.round_number}|not_recommended",
                ev,
            )
    elif isinstance(ev, LeftOut):
        if ev.submitter_id != ev.actor_id:
            _send(
                uow,
                ev.submitter_id,
                outcome_text(
                    "award.notify_left_out",
                    ref=ev.ref,
                    nominee=ev.nominee or "",
                    number=ev.number,
                    award=ev.award,
                ),
                f"award|{ev.ref}|{ev.number}|left-out",
                ev,
            )
