"""Moving a submission's status: storage writes the rows, this adds the person's message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage import submissions
from storage.models import Submission

from messages.catalog import t
from messages.format import status_label
from messages.model import Text, reply_to_dict

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx


def move(ctx: "Ctx", sub: Submission, to_status: str, *, reason: str | None = None,
         fields: dict | None = None) -> None:
    """Change the status; the submitter is told (when someone else made the move).
    `fields` change with the status (shortlist_award) and are audited with it."""
    why = f" {t('mine.reason', reason=reason).strip()}" if reason else ""
    if to_status == "needs_info":
        why += "\n" + t("notify.amend_hint")
    note = Text(t("notify.status", ref=sub.ref, nominee=sub.nominee or "", status=status_label(to_status),
                  reason=why))
    submissions.change_status(ctx.session, sub, to_status, actor_id=ctx.member.id if ctx.member else None,
                       reason=reason, now=ctx.now, notify=reply_to_dict(note), fields=fields)
