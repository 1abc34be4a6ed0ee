"""Danh sách trình Hội đồng: staff put approved items on the list for an award, or take them
off. The award's quota from the campaign file (per quota group) and the rule that one nominee
cannot hold two awards for the same achievement (Law art. 5.2) are checked before anything
changes; every add and remove is a status move (recorded, the submitter told)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import false
from sqlmodel import select

from domain import shortlist as council
from domain.campaign import Award
from domain.lifecycle import ENTRY_KINDS
from domain.refusals import Refused
from handlers.access import STAFF, guard, is_staff
from handlers.describe import unit_name
from handlers.engine import Flow, Invalid, Step
from handlers.outcomes import Outcome, denied, finished
from handlers.paging import PAGE_SIZE, Pager, is_paging
from messages.catalog import t
from messages.model import Option, Text
from storage import pages, submissions, views
from storage.models import Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx

DONE = "done"


def group_of(ctx: Ctx, sub: Submission) -> str:
    return council.group_of(ctx.campaign, sub)


def item_label(ctx: Ctx, sub: Submission) -> str:
    return t(
        "sl.item",
        ref=sub.ref,
        nominee=(sub.nominee or "")[:40],
        group=t(f"group.{group_of(ctx, sub)}"),
        unit=unit_name(ctx.campaign, sub.unit_code),
    )


def list_text(ctx: Ctx, award: Award) -> str:
    """One award's list with its counts against the quota (counted in SQL) and its first
    PAGE_SIZE entries: one phone screen, however long the list."""
    on_award = pages.council_list(campaign_code=ctx.campaign.code, award=award.key)
    by_category = views.count_by(
        ctx.session, "category", campaign_code=ctx.campaign.code, statuses=pages.ON_LIST, award=award.key
    )
    by_group: dict[str, int] = {}
    for category, n in by_category.items():
        group = ctx.campaign.category(category).quota_group
        by_group[group] = by_group.get(group, 0) + n
    counts = []
    for group in ("collective", "individual"):
        n = by_group.get(group, 0)
        rng = award.quota.get(group)
        name = t(f"group.{group}").capitalize()
        counts.append(
            t("sl.count_quota", group=name, n=n, min=rng.min, max=rng.max)
            if rng
            else t("sl.count", group=name, n=n)
        )
    subs, total = pages.page(
        ctx.session, on_award, offset=0, limit=PAGE_SIZE, total=sum(by_category.values())
    )
    lines = "".join(t("sl.line", i=i, item=item_label(ctx, s)) for i, s in enumerate(subs, 1))
    if total > len(subs):
        lines += t("page.more_on_list", n=total - len(subs)) + "\n"
    return t("sl.list", award=award.label, counts="; ".join(counts), lines=lines or t("sl.list_empty"))


class Shortlist(Flow):
    name = "shortlist"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return None if is_staff(ctx) else denied()

    def award(self, ctx: Ctx) -> Award:
        return ctx.campaign.award(ctx.answers["award"])

    def __init__(self) -> None:
        self.pager = Pager("pick", self._choices, self._choice, self._title, count=self._count)

    def _choices(self, ctx: Ctx):
        if not is_staff(ctx):
            return select(Submission).where(false())
        return pages.council_choices(
            campaign_code=ctx.campaign.code, award=self.award(ctx).key, kinds=ENTRY_KINDS
        )

    def _count(self, ctx: Ctx) -> int:
        if not is_staff(ctx):
            return 0
        return pages.council_choices_count(
            ctx.session, campaign_code=ctx.campaign.code, award=self.award(ctx).key, kinds=ENTRY_KINDS
        )

    def _choice(self, ctx: Ctx, sub: Submission) -> Option:
        if sub.status == "approved":
            return Option(f"add:{sub.ref}", t("sl.add", item=item_label(ctx, sub)))
        return Option(f"del:{sub.ref}", t("sl.remove", item=item_label(ctx, sub)))

    def _title(self, ctx: Ctx, n: int) -> str:
        notice = ctx.state.data.pop("notice", None)
        text = list_text(ctx, self.award(ctx)) + t("sl.pick")
        return f"{notice}\n\n{text}" if notice else text

    def _pick_options(self, ctx: Ctx) -> list[Option]:
        # a page of items (those on the list first), the pages, «Xong» last
        return [*self.pager.options(ctx), Option(DONE, t("sl.done"))] if is_staff(ctx) else []

    def _check(self, ctx: Ctx, value: str) -> None:
        if value == DONE or is_paging(value):
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

    def _apply(self, ctx: Ctx, value: str) -> str | None:
        if value == DONE:
            return None
        if is_paging(value):
            return self.pager.after(ctx, value)
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

    def steps(self, ctx: Ctx) -> list[Step]:
        c = ctx.campaign
        return [
            Step(
                "award",
                "choice",
                lambda x: t("sl.award"),
                options=lambda x: [Option(a.key, a.label) for a in c.awards],
            ),
            Step(
                "pick",
                "choice",
                self.pager.prompt,
                options=self._pick_options,
                validate=self._check,
                after=self._apply,
                search=True,
            ),
        ]

    def finish(self, ctx: Ctx) -> Outcome:
        return finished(Text(list_text(ctx, self.award(ctx))))


def council_lists(ctx: Ctx) -> Outcome:
    return finished(Text("\n\n".join(list_text(ctx, a) for a in ctx.campaign.awards)))


def install(core: Core) -> None:
    core.add_flow(Shortlist())
    start = guard(STAFF, core.start_flow("shortlist"))
    core.add_menu("shortlist", STAFF, start)
    core.add_command("danhsach", start)
    core.add_menu("council", STAFF, guard(STAFF, council_lists))
