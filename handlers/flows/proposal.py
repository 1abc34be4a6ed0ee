"""Đề nghị khen thưởng: a unit head proposes a collective or individuals of their own unit.
The same fields as a nomination (the Nomination flow, with the unit fixed to the head's unit)
plus how the unit chose them (plan IV.4). Also: the nominations residents made about the
unit, read-only for its head."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from handlers.access import HEAD, guard
from handlers.describe import short, unit_name
from handlers.engine import Step
from handlers.flows.browse import Browse
from handlers.flows.nomination import Nomination, head_refusal, taking_submissions
from handlers.outcomes import Outcome
from messages.catalog import t
from storage import pages

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx


class Proposal(Nomination):
    name = "proposal"
    kind = "proposal"
    send_key = "prop.send"
    done_key = "prop.done"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return head_refusal(ctx)

    def initial(self, ctx: Ctx, args: dict[str, Any]) -> dict[str, Any]:
        return {"unit": ctx.member.unit_code}

    def intro_steps(self, ctx: Ctx) -> list[Step]:
        steps = [s for s in super().intro_steps(ctx) if s.key != "unit"]  # the unit is the head's
        unit = unit_name(ctx.campaign, ctx.member.unit_code) if ctx.member else "—"
        return [
            replace(s, prompt=lambda x: t("prop.who", unit=unit)) if s.key == "nominee" else s for s in steps
        ]

    def extra_steps(self, ctx: Ctx) -> list[Step]:
        return [Step("vote", "text", lambda x: t("prop.vote"), min_len=10, max_len=500, multiline=True)]

    def extra_answers(self, ctx: Ctx) -> dict[str, Any]:
        return {"vote_note": ctx.answers["vote"]}

    def summary(self, ctx: Ctx) -> str:
        return super().summary(ctx) + t("prop.summary_vote", vote=short(ctx.answers.get("vote")))


def unit_nominations(ctx: Ctx):
    return pages.listing(
        campaign_code=ctx.campaign.code, unit_code=ctx.member.unit_code, kinds=("nomination",)
    )


def install(core: Core) -> None:
    core.add_flow(Proposal())
    core.add_flow(Browse("unit_noms", HEAD, unit_nominations))
    start = guard(HEAD, core.start_flow("proposal"))
    core.add_menu("propose", HEAD, start, when=taking_submissions)
    core.add_command("denghi", start)
    core.add_menu("unit_noms", HEAD, guard(HEAD, core.start_flow("unit_noms")))
