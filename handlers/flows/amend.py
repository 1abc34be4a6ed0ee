"""Bổ sung hồ sơ: when the office asks for more information, the submitter sees their
nomination's summary as it was sent, changes any field the form asked (name, achievements,
category, unit, contents, the criteria's answers such as the income, photos) and sends it again:
a new version, back in the appraisal queue. The same steps as the nomination, started at the
summary with the sent answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import submissions as operations
from domain.refusals import Refused
from handlers.access import is_own
from handlers.engine import again, step_by_key
from handlers.flows.nomination import (
    Nomination,
    category_of,
    check_answers,
    evidence,
    flags_of,
    nominee_name,
    own_unit,
)
from handlers.outcomes import Outcome, finished, refused
from messages.catalog import t
from messages.model import Option, Text
from storage import submissions
from storage.models import Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx


def amended(ctx: Ctx) -> Submission | None:
    ref = ctx.answers.get("ref")
    sub = submissions.submission_by_ref(ctx.session, ref) if ref else None
    return sub if is_own(ctx, sub) and sub.status == "needs_info" else None


class Amend(Nomination):
    name = "amend"
    send_key = "mine.amend_send"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return None  # the dossier was checked when it was picked; `finish` checks again

    def initial(self, ctx: Ctx, args: dict[str, Any]) -> dict[str, Any]:
        """The answers as they were sent (the photos sent stay; new ones are added)."""
        sub = submissions.submission_by_ref(ctx.session, args["ref"])
        answers: dict[str, Any] = {
            "ref": sub.ref,
            "nominee": sub.nominee or "",
            "category": sub.category,
            "unit": sub.unit_code,
            "contents": list(sub.contents or []),
            "achievements": sub.achievements or "",
            "award": sub.proposed_award or ctx.campaign.awards[0].key,
            "photos": [],
            "kept_photos": len(submissions.evidence_of(ctx.session, sub.id)),
        }
        cat = ctx.campaign.category(sub.category) if sub.category else None
        for chk in cat.checks if cat else ():
            value = (sub.answers or {}).get(chk.key)
            if value is not None:
                answers[f"{cat.key}.{chk.key}"] = value
                if chk.kind == "money" and value < chk.min:
                    answers[f"{cat.key}.{chk.key}.low"] = "send"  # sent as it was, knowingly
        return answers

    def unit_changeable(self, ctx: Ctx) -> bool:
        sub = amended(ctx)
        return sub is not None and sub.kind == "nomination"

    def confirm_options(self, ctx: Ctx) -> list[Option]:
        """The summary's changes, and also the contents and the criteria's answers (the income)."""
        opts = super().confirm_options(ctx)
        cat = category_of(ctx)
        more = [Option("change_contents", t("nom.change_contents"))]
        if cat is not None and cat.checks:
            more.append(Option("change_checks", t("nom.change_checks")))
        return [*opts, *more]

    def _after_confirm(self, ctx: Ctx, value: str) -> str | None:
        if value == "change_checks":  # asked again from the first of the category's questions
            cat = category_of(ctx)
            for key in [k for k in ctx.answers if k.startswith(f"{cat.key}.")]:
                ctx.answers.pop(key)
            ctx.answers.pop("confirm", None)
            ctx.answers["change"] = "checks"
            return f"{cat.key}.{cat.checks[0].key}"
        return super()._after_confirm(ctx, value)

    def summary(self, ctx: Ctx) -> str:
        sub = amended(ctx)
        last = submissions.history(ctx.session, sub.id)[-1] if sub else None
        head = t("mine.amend_head", ref=ctx.answers["ref"])
        if last is not None and last.reason:
            head += t("mine.reason", reason=last.reason)
        return f"{head}\n\n{super().summary(ctx)}"

    def finish(self, ctx: Ctx) -> Outcome:
        """Sent again: the operation checks once more that it is still awaited."""
        sub = amended(ctx)
        if sub is None:
            return refused(t("mine.cannot_amend", ref=ctx.answers.get("ref", "")))
        a = ctx.answers
        try:
            self._amend(ctx, sub)
        except Refused as exc:
            if exc.key != "mine.amend_nothing":
                raise
            # nothing changed yet: the summary again, to change what the office asked about
            a.pop("confirm", None)
            return again(ctx, step_by_key(ctx, self, "confirm"), t(exc.key, **exc.values))
        return finished(Text(t("mine.amended", ref=sub.ref)))

    def _amend(self, ctx: Ctx, sub: Submission) -> None:
        a = ctx.answers
        operations.amend(
            ctx.uow,
            ctx.member,
            sub.ref,
            channel=ctx.event.channel,
            photos=evidence(ctx, a.get("photos"), publish=a.get("confirm") == "send"),
            nominee=nominee_name(ctx),
            category=a["category"],
            unit_code=a.get("unit") or own_unit(ctx),
            contents=list(a["contents"]),
            achievements=a["achievements"],
            answers={**(sub.answers or {}), **check_answers(ctx), **self.extra_answers(ctx)},
            flags=flags_of(ctx),
        )
