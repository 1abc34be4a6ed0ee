"""Hồ sơ của tôi: own awards across campaigns (handlers/flows/lookup.py), own submissions with
their status. A dossier shows what was sent and its choices: amend when the office asks
(handlers/flows/amend.py), withdraw before review, back to the list. Leaving only looked: back
to the menu without «Đã hủy»."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from domain import submissions as operations
from domain.lifecycle import WITHDRAWABLE, status_label
from handlers import drafts, engine
from handlers.access import can_see, is_head, is_own
from handlers.describe import checks_text, extra_lines, full_detail, short, unit_name
from handlers.engine import Flow, Step
from handlers.flows import lookup as commended
from handlers.outcomes import Outcome, finished, refused
from handlers.paging import Pager, back_to_list, list_option
from messages.catalog import t
from messages.model import Option, Text
from storage import pages, submissions
from storage.models import Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx


HEAD_KINDS = ("report", "proposal")  # a unit head also sees the unit's of these kinds


def own(ctx: Ctx):
    """Own submissions; a unit head also sees the unit's reports and proposals (a query,
    read a page at a time)."""
    if is_head(ctx):
        return pages.own(submitter_id=ctx.member.id, unit_code=ctx.member.unit_code, unit_kinds=HEAD_KINDS)
    return pages.own(submitter_id=ctx.member.id)


def own_count(ctx: Ctx) -> int | None:
    """A head's list size from the counters (the unit's may be thousands); else counted."""
    if is_head(ctx):
        return pages.own_count(
            ctx.session, submitter_id=ctx.member.id, unit_code=ctx.member.unit_code, unit_kinds=HEAD_KINDS
        )
    return None


OWN = Pager(
    "pick", own, lambda c, s: Option(s.ref, label(c, s)), lambda c, n: t("mine.list", n=n), count=own_count
)


def shows_sent(ctx: Ctx) -> bool:
    """Whether the list of what was sent is shown: a member's with something in it, or
    narrowed by a search (even to nothing); a guest has sent nothing yet."""
    return ctx.member is not None and (OWN.searching(ctx) or OWN.total(ctx) > 0)


def list_prompt(ctx: Ctx) -> str:
    """The person's own awards across campaigns, the drafts kept aside, then the list of what
    was sent."""
    n = len(drafts.options(ctx))
    awards = commended.mine_lines(ctx, ctx.member)
    lines = [awards] if awards else []
    if n:
        lines.append(t("mine.drafts", n=n))
    if shows_sent(ctx):
        lines.append(OWN.prompt(ctx))
    return "\n".join(lines)


def list_options(ctx: Ctx) -> list[Option]:
    return [*drafts.options(ctx), *(OWN.options(ctx) if shows_sent(ctx) else [])]


def list_after(ctx: Ctx, value: object) -> str | None:
    """A draft picked: the flow ends here and the draft goes on (finish); else the pager's."""
    if isinstance(value, str) and value.startswith(drafts.PREFIX):
        return engine.END
    return OWN.after(ctx, value)


def picked(ctx: Ctx) -> Submission | None:
    ref = ctx.answers.get("pick")
    sub = submissions.submission_by_ref(ctx.session, ref) if ref else None
    # checked on every turn: a person only ever sees what the role matrix lets them see
    return sub if can_see(ctx, sub) else None


def actions(ctx: Ctx) -> list[Option]:
    """Changes are for the submitter only: amend when asked, withdraw before review; back to the
    list always."""
    sub = picked(ctx)
    opts = []
    if is_own(ctx, sub) and sub.status == "needs_info":
        opts.append(Option("amend", t("mine.amend")))
    if is_own(ctx, sub) and sub.status in WITHDRAWABLE:
        opts.append(Option("withdraw", t("mine.withdraw")))
    return [*opts, list_option()]


def _doing(action: str):
    return lambda c: c.answers.get("action") == action


def label(ctx: Ctx, sub: Submission) -> str:
    return t(
        "mine.item",
        ref=sub.ref,
        nominee=(sub.nominee or ctx.campaign.unit(sub.unit_code).name)[:40],
        status=status_label(sub.status, sub.kind),
    )


def detail(ctx: Ctx) -> str:
    sub = picked(ctx)
    last = submissions.history(ctx.session, sub.id)[-1]
    if sub.kind == "report":  # a unit's report has no nominee: its figures instead
        return full_detail(ctx, sub) + (t("mine.reason", reason=last.reason) if last.reason else "")
    c = ctx.campaign
    return t(
        "mine.detail",
        ref=sub.ref,
        kind=t(f"kind.{sub.kind}"),
        status=status_label(sub.status),
        reason=t("mine.reason", reason=last.reason) if last.reason else "",
        category=c.category(sub.category).label if sub.category else "—",
        nominee=sub.nominee or "—",
        unit=unit_name(c, sub.unit_code),
        contents="; ".join(c.content(k).label for k in sub.contents or []) or "—",
        achievements=short(sub.achievements, 600),
        checks=checks_text(c, sub),
        photos=len(submissions.evidence_of(ctx.session, sub.id)),
        award=c.award(sub.proposed_award).label if sub.proposed_award else "—",
        at=c.local(sub.submitted_at or sub.created_at).strftime("%H:%M %d/%m/%Y"),
    ) + extra_lines(ctx, sub)


class Mine(Flow):
    name = "mine"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        if drafts.has_draft(ctx):  # a draft kept aside is listed first, even a guest's
            return None
        if ctx.member is None:
            return refused(t("need_register"))
        if not OWN.total(ctx):  # nothing sent: their own awards, if any, are still shown
            return refused(
                "\n".join(x for x in (commended.mine_lines(ctx, ctx.member), t("mine.empty")) if x)
            )
        return None

    def typed(self, ctx: Ctx) -> bool:
        return bool(ctx.answers.get("amend_text") or ctx.answers.get("amend_photos"))

    def steps(self, ctx: Ctx) -> list[Step]:
        reporting = lambda c: _doing("amend")(c) and picked(c) is not None and picked(c).kind == "report"  # noqa: E731
        return [
            replace(OWN.step(), prompt=list_prompt, options=list_options, after=list_after, cancel=False),
            Step(
                "action",
                "choice",
                detail,
                options=actions,
                after=back_to_list("pick", "action"),
                cancel=False,
            ),
            Step(
                "confirm",
                "confirm",
                lambda c: t("mine.withdraw_confirm", ref=picked(c).ref),
                options=lambda c: [Option("yes", t("mine.withdraw_yes"))],
                when=_doing("withdraw"),
            ),
            Step(
                "amend_text",
                "text",
                lambda c: t("mine.amend_text", ref=picked(c).ref),
                min_len=ctx.campaign.forms.achievements_min_chars,
                multiline=True,
                skippable=True,
                when=reporting,
            ),
            Step(
                "amend_photos",
                "photo",
                lambda c: t("nom.photos", max=ctx.campaign.forms.max_photos),
                skippable=True,
                max_items=ctx.campaign.forms.max_photos,
                when=lambda c: reporting(c) and c.campaign.forms.max_photos > 0,
            ),
            Step(
                "amend_confirm",
                "confirm",
                lambda c: t("mine.amend_confirm", ref=picked(c).ref),
                options=lambda c: [Option("send", t("mine.amend_send"))],
                when=reporting,
            ),
        ]

    def finish(self, ctx: Ctx) -> Outcome:
        """Withdraw or amend: the operation checks again that staff have not moved it meanwhile."""
        pick = str(ctx.answers.get("pick") or "")
        if pick.startswith(drafts.PREFIX):  # «Đề cử đang soạn: … — Tiếp tục»
            return drafts.resume(ctx, pick[len(drafts.PREFIX) :]) or finished()
        sub = picked(ctx)
        if not is_own(ctx, sub):
            return finished()
        a = ctx.answers
        if a.get("action") == "amend" and sub.kind != "report":  # the form's summary, to change
            return engine.start(ctx, ctx.core.flows["amend"], {"ref": sub.ref}, first="confirm")
        if a.get("action") == "amend":
            operations.amend(
                ctx.uow,
                ctx.member,
                sub.ref,
                channel=ctx.event.channel,
                achievements=a.get("amend_text"),
                photos=a.get("amend_photos") or [],
            )
            return finished(Text(t("mine.amended", ref=sub.ref)))
        operations.withdraw(ctx.uow, ctx.member, sub.ref)
        return finished(Text(t("mine.withdrawn", ref=sub.ref)))
