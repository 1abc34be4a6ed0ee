"""Handlers of domain events that tell people: they write the outbox in the event's own
transaction. Texts come from messages/catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from messages.catalog import t
from messages.model import Text, reply_to_dict
from storage import outbox

from .events import Event, StatusMoved, Submitted
from .lifecycle import status_label

if TYPE_CHECKING:  # pragma: no cover
    from .uow import UnitOfWork


GOOD_NEWS = frozenset({"approved", "shortlisted", "awarded"})


def outcome_text(key: str, *, reason: str | None = None, good: bool = False, **values: object) -> str:
    """An outcome told in plain words: the catalog text `key`, then «Lý do: …» only when there
    is a reason and the news is not good (an approval's note is not a reason)."""
    text = t(key, **values)
    if reason and not good:
        text = f"{text} {t('mine.reason', reason=reason).strip()}"
    return text


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


def handle(uow: UnitOfWork, event: Event) -> None:
    from . import award_notices  # issue 15: the council, awards and their withdrawal

    if award_notices.handles(event):
        award_notices.handle(uow, event)
    elif isinstance(event, StatusMoved):
        tell_submitter(uow, event)
