"""Handlers of domain events that tell people: they write the outbox in the event's own
transaction. Texts come from messages/catalog. HANDLERS is the table bot/bootstrap.py hands to
the unit of work: event class -> its handlers (subclasses without an entry use their base's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from messages.catalog import t
from messages.model import Text, reply_to_dict
from storage import outbox

from .award import notices as award
from .events import StatusMoved, Submitted
from .lifecycle import status_label
from .outcomes import GOOD_NEWS

if TYPE_CHECKING:  # pragma: no cover
    from .uow import EventHandlers, UnitOfWork


def tell_submitter(uow: UnitOfWork, event: StatusMoved) -> None:
    """The submitter hears of a move someone else made (their own moves they just saw)."""
    if isinstance(event, Submitted) or event.actor_id == event.submitter_id:
        return
    good = event.to_status in GOOD_NEWS
    why = f" {t('mine.reason', reason=event.reason).strip()}" if event.reason and not good else ""
    if event.to_status == "needs_info":
        why += "\n" + t("notify.amend_hint")
    note = Text(
        t(
            "notify.status",
            ref=event.ref,
            nominee=event.nominee or "",
            status=status_label(event.to_status),
            reason=why,
        )
    )
    outbox.enqueue(uow.session, member_id=event.submitter_id, payload=reply_to_dict(note), now=event.at)


HANDLERS: EventHandlers = {
    StatusMoved: (tell_submitter,),
    # the award step's notices: the council asked to vote, an award and its withdrawal told
    **dict.fromkeys(award.HANDLED, (award.handle,)),
}
