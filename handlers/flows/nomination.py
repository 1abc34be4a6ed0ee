"""Đề cử gương điển hình: a resident (or anyone registered) nominates a person, a household,
a collective or an enterprise. The steps come from the campaign file's categories and checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import submissions
from domain.campaign import Category, Check
from domain.refusals import Refused
from domain.roles import HEAD, require
from messages.catalog import t
from handlers.engine import BACK, Flow, Step, yes_no
from handlers.outcomes import Outcome, finished, refused
from messages.model import Option, Text
from handlers.describe import answered_checks, short
from messages.format import format_money

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx


def deadline_refusal(ctx: "Ctx") -> Outcome | None:
    try:
        submissions.require_open(ctx.uow, ctx.campaign)
    except Refused as refusal:
        return refused(refusal)
    return None


def head_refusal(ctx: "Ctx") -> Outcome | None:
    """Unit flows (report, proposal): for heads of a unit, while the campaign is open."""
    try:
        require(ctx.member, HEAD)
    except Refused as refusal:
        return refused(refusal)
    return deadline_refusal(ctx)


def category_of(ctx: "Ctx") -> Category | None:
    key = ctx.answers.get("category")
    return ctx.campaign.category(key) if key else None


def check_steps(ctx: "Ctx") -> list[Step]:
    """One step per check of every category; each shows only for its own category."""
    steps: list[Step] = []
    for cat in ctx.campaign.categories:
        for chk in cat.checks:
            steps.extend(_check_steps(cat, chk))
    return steps


def _for(cat: Category):
    return lambda c: c.answers.get("category") == cat.key


def _check_steps(cat: Category, chk: Check) -> list[Step]:
    key = f"{cat.key}.{chk.key}"
    on = _for(cat)
    if chk.kind == "money":
        low = f"{key}.low"

        def is_low(c: "Ctx") -> bool:
            value = c.answers.get(key)
            return on(c) and value is not None and value < chk.min

        return [
            Step(key, "money", lambda c: chk.prompt, when=on),
            Step(low, "choice",
                 lambda c: t("nom.income_low", clause=cat.clause, min=format_money(chk.min),
                             value=format_money(c.answers[key])),
                 options=lambda c: [Option("send", t("nom.income_send")), Option("fix", t("nom.income_fix"))],
                 when=is_low, after=lambda c, v: BACK if v == "fix" else None),
        ]
    return [Step(key, "choice", lambda c: chk.prompt, options=yes_no, when=on)]


def flags_of(ctx: "Ctx") -> list[str]:
    cat = category_of(ctx)
    flags: list[str] = []
    for chk in cat.checks if cat else ():
        value = ctx.answers.get(f"{cat.key}.{chk.key}")
        if value is None:
            continue
        if chk.kind == "money" and value < chk.min:
            flags.append(f"{chk.label or chk.key}: {format_money(value)} < {format_money(chk.min)} ({cat.clause})")
        if chk.kind == "yesno" and (value == "yes") != chk.expect:
            flags.append(chk.flag or chk.prompt)
    return flags


def check_answers(ctx: "Ctx") -> dict[str, Any]:
    cat = category_of(ctx)
    return {chk.key: ctx.answers[f"{cat.key}.{chk.key}"]
            for chk in (cat.checks if cat else ()) if f"{cat.key}.{chk.key}" in ctx.answers}


def summary_checks(ctx: "Ctx") -> str:
    return "".join(t("nom.summary_check", label=label, value=shown)
                   for label, shown in answered_checks(ctx.campaign, ctx.answers.get("category"),
                                                       check_answers(ctx)))


class Nomination(Flow):
    name = "nomination"
    kind = "nomination"

    def refuse(self, ctx: "Ctx") -> Outcome | None:
        if ctx.member is None:
            return refused(t("need_register"))
        return deadline_refusal(ctx)

    def intro_steps(self, ctx: "Ctx") -> list[Step]:
        c = ctx.campaign
        return [
            Step("category", "choice", lambda x: t("nom.category"),
                 options=lambda x: [Option(k.key, k.label) for k in c.categories],
                 aliases=lambda x: {k.key: k.aliases for k in c.categories}),
            Step("nominee", "text", lambda x: category_of(x).nominee_prompt, min_len=3, max_len=200),
            Step("unit", "choice", lambda x: t("nom.unit"),
                 options=lambda x: [Option(u.code, u.name) for u in c.units]),
        ]

    def steps(self, ctx: "Ctx") -> list[Step]:
        c = ctx.campaign
        forms = c.forms
        return [
            *self.intro_steps(ctx),
            Step("contents", "multi", lambda x: t("nom.contents"),
                 options=lambda x: [Option(k.key, k.label) for k in c.contents]),
            Step("achievements", "text",
                 lambda x: t("nom.achievements", clause=category_of(x).clause,
                             criteria=category_of(x).criteria_short),
                 min_len=forms.achievements_min_chars, multiline=True),
            *self.extra_steps(ctx),
            *check_steps(ctx),
            Step("photos", "photo", lambda x: t("nom.photos", max=forms.max_photos),
                 skippable=True, max_items=forms.max_photos, when=lambda x: forms.max_photos > 0),
            Step("award", "choice", lambda x: t("nom.award"),
                 options=lambda x: [Option(a.key, a.label) for a in c.awards]),
            Step("confirm", "confirm", self.summary, options=self.confirm_options),
        ]

    def confirm_options(self, ctx: "Ctx") -> list[Option]:
        """With photos, sending also answers whether they may be shown on the public page
        after an award (issue 15): one tap either way, nothing more to type."""
        if not ctx.answers.get("photos"):
            return [Option("send", t(self.send_key))]
        send = t(self.send_key)
        return [Option("send", t("nom.send_publish", send=send)),
                Option("send_private", t("nom.send_private", send=send))]

    send_key = "nom.send"
    done_key = "nom.done"

    def extra_steps(self, ctx: "Ctx") -> list[Step]:
        return []

    def summary(self, ctx: "Ctx") -> str:
        c, a = ctx.campaign, ctx.answers
        return t("nom.summary", category=category_of(ctx).label, nominee=a["nominee"],
                 unit=c.unit(a["unit"]).name,
                 contents="; ".join(c.content(k).label for k in a["contents"]),
                 achievements=short(a["achievements"]), checks=summary_checks(ctx),
                 photos=len(a.get("photos") or []), award=c.award(a["award"]).label)

    def extra_answers(self, ctx: "Ctx") -> dict[str, Any]:
        return {}

    def finish(self, ctx: "Ctx") -> Outcome:
        """Submitted (the deadline and the role are checked again by the operation: they may
        have changed while the person was typing)."""
        a = ctx.answers
        publish = a.get("confirm") == "send"  # the photos may be shown after an award
        [submitted] = submissions.submit(
            ctx.uow, ctx.member, ctx.campaign, kind=self.kind, channel=ctx.event.channel,
            photos=[{**p, "publish": publish} for p in a.get("photos") or []], unit_code=a.get("unit"), category=a["category"], nominee=a["nominee"],
            contents=list(a["contents"]), achievements=a["achievements"],
            answers={**check_answers(ctx), **self.extra_answers(ctx)}, flags=flags_of(ctx),
            proposed_award=a["award"])
        return finished(Text(t(self.done_key, ref=submitted.ref)))
