"""Báo cáo thành tích: a unit head reports their unit's figures under each content of the
campaign, a narrative and photos. A later report of the same unit updates the same submission
(the earlier content is kept as a version; the latest counts) until the deadline.

All figures in one message, in the order shown ("1) 12 2) 5 3) 300m …" or one per line); money
is read the way people type it («60 triệu»); «-» leaves a figure out (on an update it keeps the
figure reported before). The summary shows them all before anything is sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import submissions as operations
from domain.events import Amended
from handlers.access import guard
from handlers.describe import figure_value, figures_text, short, unit_name
from handlers.engine import Flow, Step
from handlers.figures import read_figures
from handlers.flows.nomination import evidence, head_refusal, taking_submissions
from handlers.outcomes import Outcome, finished
from messages.catalog import t
from messages.model import Option, Text
from storage import submissions
from storage.models import Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx


def current(ctx: Ctx) -> Submission | None:
    return submissions.unit_report(
        ctx.session, campaign_code=ctx.campaign.code, unit_code=ctx.member.unit_code
    )


def previous_figures(ctx: Ctx) -> dict[str, dict[str, Any]]:
    return dict(ctx.state.data.get("answers", {}).get("prev_figures") or {})


class Report(Flow):
    name = "report"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return head_refusal(ctx)

    def initial(self, ctx: Ctx, args: dict[str, Any]) -> dict[str, Any]:
        sub = current(ctx)
        if sub is None:
            return {}
        return {
            "prev_ref": sub.ref,
            "prev_figures": (sub.answers or {}).get("figures", {}),
            "prev_narrative": bool(sub.achievements),
        }

    def steps(self, ctx: Ctx) -> list[Step]:
        c = ctx.campaign
        forms = c.forms
        updating = bool(ctx.answers.get("prev_ref"))
        figs = [(content, fig) for content in c.contents for fig in content.figures]
        return [
            Step(
                "figures",
                "figures",
                self._figures_prompt,
                skippable=updating,
                read=lambda x, raw: read_figures(raw, figs),
                reprompt=lambda x: t("rep.figures_again", n=len(figs)),
                multiline=True,
            ),
            Step(
                "narrative",
                "text",
                lambda x: t("rep.narrative_update" if updating else "rep.narrative"),
                min_len=forms.achievements_min_chars,
                multiline=True,
                skippable=updating,
            ),
            Step(
                "photos",
                "photo",
                lambda x: t("rep.photos", max=forms.max_photos),
                skippable=True,
                max_items=forms.max_photos,
                when=lambda x: forms.max_photos > 0,
            ),
            Step("confirm", "confirm", self.summary, options=lambda x: [Option("send", t("rep.send"))]),
        ]

    def _figures_prompt(self, ctx: Ctx) -> str:
        prev = previous_figures(ctx)
        lines: list[str] = []
        for content in ctx.campaign.contents:
            for fig in content.figures:
                before = prev.get(content.key, {}).get(fig.key)
                lines.append(
                    t(
                        "rep.figures_line",
                        i=len(lines) + 1,
                        label=fig.label,
                        measure=fig.unit or "—",
                        before=t("rep.figures_before", value=figure_value(fig, before))
                        if before is not None
                        else "",
                    )
                )
        return t(
            "rep.figures_all",
            unit=unit_name(ctx.campaign, ctx.member.unit_code),
            n=len(lines),
            lines="\n".join(lines),
        )

    def figures(self, ctx: Ctx) -> dict[str, dict[str, int]]:
        """The figures entered now; a skipped one keeps the value reported before."""
        out: dict[str, dict[str, int]] = {}
        prev = previous_figures(ctx)
        now = ctx.answers.get("figures") or {}
        for content in ctx.campaign.contents:
            for fig in content.figures:
                value = now.get(content.key, {}).get(fig.key, prev.get(content.key, {}).get(fig.key))
                if value is not None:
                    out.setdefault(content.key, {})[fig.key] = value
        return out

    def narrative(self, ctx: Ctx) -> str | None:
        if "narrative" in ctx.answers:
            return ctx.answers["narrative"]
        sub = current(ctx)
        return sub.achievements if sub else None

    def summary(self, ctx: Ctx) -> str:
        c = ctx.campaign
        return t(
            "rep.summary",
            unit=unit_name(c, ctx.member.unit_code),
            update=t("rep.summary_update", ref=ctx.answers["prev_ref"])
            if ctx.answers.get("prev_ref")
            else "",
            figures=figures_text(c, self.figures(ctx)),
            narrative=short(self.narrative(ctx)),
            photos=len(ctx.answers.get("photos") or []),
        )

    def finish(self, ctx: Ctx) -> Outcome:
        """Sent: the role and the deadline are checked again by the operation."""
        figures = self.figures(ctx)
        [event] = operations.report(
            ctx.uow,
            ctx.member,
            ctx.campaign,
            channel=ctx.event.channel,
            photos=evidence(ctx, ctx.answers.get("photos")),
            contents=[k.key for k in ctx.campaign.contents if k.key in figures],
            achievements=self.narrative(ctx),
            answers={"figures": figures},
        )
        if isinstance(event, Amended):
            return finished(Text(t("rep.updated", ref=event.ref, version=event.version)))
        return finished(Text(t("rep.done", ref=event.ref)))


def install(core: Core) -> None:
    from handlers.access import HEAD

    core.add_flow(Report())
    start = guard(HEAD, core.start_flow("report"))
    core.add_menu("report", HEAD, start, when=taking_submissions)
    core.add_command("baocao", start)
