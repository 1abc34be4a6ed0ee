"""Danh sách trình Hội đồng: staff put approved items on the list for an award, or take them
off. The award's quota from the campaign file (per quota group) and the rule that one nominee
cannot hold two awards for the same achievement (Law art. 5.2) are checked before anything
changes; every add and remove is a status move (recorded, the submitter told)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage import submissions
from storage.models import Submission

from domain import shortlist as council
from domain.campaign import Award
from domain.refusals import Refused
from handlers.access import STAFF, guard, is_staff
from messages.catalog import t
from handlers.engine import Flow, Invalid, Step
from handlers.outcomes import Outcome, denied, finished
from messages.model import Option, Text
from handlers.describe import unit_name

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx

DONE = "done"


def group_of(ctx: "Ctx", sub: Submission) -> str:
    return council.group_of(ctx.campaign, sub)


def on_list(ctx: "Ctx", award: str) -> list[Submission]:
    return council.on_list(ctx.uow, ctx.campaign, award)


def candidates(ctx: "Ctx") -> list[Submission]:
    return list(submissions.submissions(ctx.session, campaign_code=ctx.campaign.code, kinds=("nomination", "proposal"),
                                 statuses=("approved",)))


def item_label(ctx: "Ctx", sub: Submission) -> str:
    return t("sl.item", ref=sub.ref, nominee=(sub.nominee or "")[:40],
             group=t(f"group.{group_of(ctx, sub)}"), unit=unit_name(ctx.campaign, sub.unit_code))


def list_text(ctx: "Ctx", award: Award) -> str:
    """One award's list with its counts against the quota."""
    subs = on_list(ctx, award.key)
    counts = []
    for group in ("collective", "individual"):
        n = sum(1 for s in subs if group_of(ctx, s) == group)
        rng = award.quota.get(group)
        name = t(f"group.{group}").capitalize()
        counts.append(t("sl.count_quota", group=name, n=n, min=rng.min, max=rng.max) if rng
                      else t("sl.count", group=name, n=n))
    lines = "".join(t("sl.line", i=i, item=item_label(ctx, s)) for i, s in enumerate(subs, 1))
    return t("sl.list", award=award.label, counts="; ".join(counts), lines=lines or t("sl.list_empty"))


class Shortlist(Flow):
    name = "shortlist"

    def refuse(self, ctx: "Ctx") -> Outcome | None:
        return None if is_staff(ctx) else denied()

    def award(self, ctx: "Ctx") -> Award:
        return ctx.campaign.award(ctx.answers["award"])

    def _pick_prompt(self, ctx: "Ctx") -> str:
        notice = ctx.state.data.pop("notice", None)
        text = list_text(ctx, self.award(ctx)) + t("sl.pick")
        return f"{notice}\n\n{text}" if notice else text

    def _pick_options(self, ctx: "Ctx") -> list[Option]:
        if not is_staff(ctx):
            return []
        award = self.award(ctx)
        return [  # the items first, «Xong» after them
            *[Option(f"del:{s.ref}", t("sl.remove", item=item_label(ctx, s))) for s in on_list(ctx, award.key)],
            *[Option(f"add:{s.ref}", t("sl.add", item=item_label(ctx, s))) for s in candidates(ctx)],
            Option(DONE, t("sl.done")),
        ]

    def _check(self, ctx: "Ctx", value: str) -> None:
        if value == DONE:
            return
        if not is_staff(ctx):
            raise Invalid(t("role.denied"))
        op, _, ref = value.partition(":")
        sub = submissions.submission_by_ref(ctx.session, ref)
        award = self.award(ctx)
        if sub is None:
            raise Invalid(t("err.choice"))
        if op == "add":
            try:
                council.check(ctx.uow, ctx.campaign, sub, award)
            except Refused as refusal:
                raise Invalid(t(refusal.key, **refusal.values)) from None
        elif sub.status != "shortlisted" or sub.shortlist_award != award.key:
            raise Invalid(t("sl.not_on_list", ref=sub.ref))

    def _apply(self, ctx: "Ctx", value: str) -> str | None:
        if value == DONE:
            return None
        op, _, ref = value.partition(":")
        sub = submissions.submission_by_ref(ctx.session, ref)
        award = self.award(ctx)
        if op == "add":
            council.shortlist(ctx.uow, ctx.member, ctx.campaign, sub.ref, award.key)
            ctx.state.data["notice"] = t("sl.added", ref=sub.ref, award=award.label)
        else:
            council.unlist(ctx.uow, ctx.member, ctx.campaign, sub.ref, award.key)
            ctx.state.data["notice"] = t("sl.removed", ref=sub.ref, award=award.label)
        ctx.answers.pop("pick", None)
        return "pick"

    def steps(self, ctx: "Ctx") -> list[Step]:
        c = ctx.campaign
        return [
            Step("award", "choice", lambda x: t("sl.award"),
                 options=lambda x: [Option(a.key, a.label) for a in c.awards]),
            Step("pick", "choice", self._pick_prompt, options=self._pick_options, validate=self._check,
                 after=self._apply),
        ]

    def finish(self, ctx: "Ctx") -> Outcome:
        return finished(Text(list_text(ctx, self.award(ctx))))


def council_lists(ctx: "Ctx") -> Outcome:
    return finished(Text("\n\n".join(list_text(ctx, a) for a in ctx.campaign.awards)))


def install(core: "Core") -> None:
    core.add_flow(Shortlist())
    start = guard(STAFF, core.start_flow("shortlist"))
    core.add_menu("shortlist", STAFF, start)
    core.add_command("danhsach", start)
    core.add_menu("council", STAFF, guard(STAFF, council_lists))
