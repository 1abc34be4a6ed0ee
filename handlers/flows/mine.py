"""Hồ sơ của tôi: own submissions with their status; withdraw one before review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage import repo
from storage.models import Submission

from ..catalog import t
from ..engine import Flow, Step
from ..events import Option, Reply, Text
from ..status import move, status_label

if TYPE_CHECKING:  # pragma: no cover
    from ..core import Ctx

WITHDRAWABLE = ("submitted", "needs_info")


def own(ctx: "Ctx") -> list[Submission]:
    return list(repo.submissions(ctx.session, submitter_id=ctx.member.id))


def picked(ctx: "Ctx") -> Submission | None:
    ref = ctx.answers.get("pick")
    sub = repo.submission_by_ref(ctx.session, ref) if ref else None
    # checked on every turn: a person only ever sees their own submissions
    return sub if sub is not None and sub.submitter_id == ctx.member.id else None


def label(ctx: "Ctx", sub: Submission) -> str:
    return t("mine.item", ref=sub.ref, nominee=(sub.nominee or ctx.campaign.unit(sub.unit_code).name)[:40],
             status=status_label(sub.status))


def detail(ctx: "Ctx") -> str:
    sub = picked(ctx)
    last = repo.history(ctx.session, sub.id)[-1]
    at = ctx.campaign.local(sub.submitted_at or sub.created_at).strftime("%H:%M %d/%m/%Y")
    cat = ctx.campaign.category(sub.category).label if sub.category else "—"
    return t("mine.detail", ref=sub.ref, kind=t(f"kind.{sub.kind}"), nominee=sub.nominee or "—",
             category=cat, status=status_label(sub.status), at=at,
             reason=t("mine.reason", reason=last.reason) if last.reason else "")


class Mine(Flow):
    name = "mine"

    def refuse(self, ctx: "Ctx") -> list[Reply] | None:
        if ctx.member is None:
            return [Text(t("need_register")), *ctx.core.show_menu(ctx)]
        if not own(ctx):
            return [Text(t("mine.empty")), *ctx.core.show_menu(ctx)]
        return None

    def steps(self, ctx: "Ctx") -> list[Step]:
        return [
            Step("pick", "choice", lambda c: t("mine.list", n=len(own(c))),
                 options=lambda c: [Option(s.ref, label(c, s)) for s in own(c)]),
            Step("action", "choice", detail,
                 options=lambda c: [Option("withdraw", t("mine.withdraw"))]
                 if picked(c) and picked(c).status in WITHDRAWABLE else []),
            Step("confirm", "confirm", lambda c: t("mine.withdraw_confirm", ref=picked(c).ref),
                 options=lambda c: [Option("yes", t("mine.withdraw_yes"))]),
        ]

    def finish(self, ctx: "Ctx") -> list[Reply]:
        sub = picked(ctx)
        if sub is None:
            return []
        if sub.status not in WITHDRAWABLE:  # checked again: staff may have moved it meanwhile
            return [Text(t("mine.cannot_withdraw", ref=sub.ref))]
        move(ctx, sub, "withdrawn", reason=None)
        return [Text(t("mine.withdrawn", ref=sub.ref))]
