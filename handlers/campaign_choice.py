"""Which campaign a turn serves, and «Bạn tham gia đợt nào?».

The commune's open campaigns come from the `campaign` table (parsed once per code and version,
domain/campaigns.py). With one open, nobody is asked anything. With more than one, a person
who has not chosen is asked once, where the menu would show; the answer is kept on their
conversation (`campaign_code`) and «Đổi đợt thi đua» in the menu changes it. Staff and council
members may also choose a campaign past its deadline (its appraisal, council and decision go
on). With none open, the greeting says so and the menu offers nothing to submit.

A database with no campaign row (a test's, or before the first start stored the file's) serves
the campaign the core was built with, as before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain import campaigns
from domain.campaign import Campaign
from domain.roles import CONSOLE, GUEST, role_of
from domain.submissions import deadline_text
from handlers.engine import Flow, Step
from handlers.outcomes import Outcome, finished
from messages.catalog import t
from messages.model import Option, Reply, Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx

NAME = "campaign"


@dataclass(frozen=True)
class Serving:
    """What one turn serves: its campaign, and what the person may choose among."""

    campaign: Campaign
    open: tuple[Campaign, ...]
    choices: tuple[Campaign, ...]  # open, and for staff and the council those past their deadline too
    chosen: bool  # the person's choice is one of `choices`
    stored: bool  # the commune has campaign rows
    fallback: bool = False  # none open nor past its deadline: the core's own campaign stands in

    @property
    def pending(self) -> bool:
        """More than one campaign is open and the person has not chosen: asked at the menu."""
        return len(self.open) > 1 and not self.chosen

    @property
    def none_open(self) -> bool:
        return self.stored and not self.open

    def taking(self, ctx: Ctx) -> bool:
        """The turn's campaign takes submissions: open (by its row) and before its deadline."""
        return any(c.code == self.campaign.code for c in self.open) and self.campaign.is_open(ctx.now)


def _with_deadline_setting(core: Core, found: tuple[Campaign, ...]) -> tuple[Campaign, ...]:
    """The deployment's own campaign keeps the deadline it was started with (CAMPAIGN_DEADLINE,
    the demo's 14 days): the core's campaign carries it."""
    mine = core.campaign
    if mine.deadline_override is None:
        return found
    return tuple(mine if c.code == mine.code and c.deadline_override is None else c for c in found)


def serving(ctx: Ctx) -> Serving:
    core = ctx.core
    now = campaigns.current(ctx.uow)
    if not now.stored:
        return Serving(core.campaign, (core.campaign,), (core.campaign,), True, False)
    open_ = _with_deadline_setting(core, now.open)
    later = _with_deadline_setting(core, now.after_deadline)
    choices = open_ + later if role_of(ctx.member) in CONSOLE else open_
    code = ctx.state.campaign_code
    picked = next((c for c in choices if c.code == code), None)
    fallback = (*open_, *later)
    campaign = picked or (fallback[0] if fallback else core.campaign)
    return Serving(campaign, open_, choices, picked is not None, True, fallback=not fallback)


class CampaignChoice(Flow):
    name = NAME

    def steps(self, ctx: Ctx) -> list[Step]:
        return [
            Step(
                "campaign",
                "choice",
                lambda c: t("campaign.ask"),
                options=lambda c: [_option(x) for x in c.serving.choices],
                cancel=False,
            )
        ]

    def typed(self, ctx: Ctx) -> bool:
        return False

    def finish(self, ctx: Ctx) -> Outcome | list[Reply]:
        code = ctx.answers["campaign"]
        picked = next((c for c in ctx.serving.choices if c.code == code), None)
        if picked is None:  # closed or archived while the question waited
            ctx.state.campaign_code = None
            ctx.forget_campaign()
            return finished(Text(t("campaign.gone")))
        ctx.state.campaign_code = code
        ctx.forget_campaign()
        return finished(greet=True)


def _option(campaign: Campaign) -> Option:
    return Option(
        campaign.code,
        t("campaign.option", title=campaign.campaign.short_title, deadline=deadline_text(campaign)),
    )


def ask(ctx: Ctx) -> list[Reply]:
    """The question in place of the menu (the person has not chosen among the open campaigns)."""
    from handlers import engine as eng

    started = eng.start(ctx, ctx.core.flows[NAME])
    return list(started.replies)


def none_open_greeting(ctx: Ctx, demo: str) -> str:
    organiser = ctx.campaign.organiser.short_name
    if ctx.member is None:
        return t("campaign.none_open_new", demo=demo, organiser=organiser)
    return t("campaign.none_open_member", demo=demo, name=ctx.member.full_name, organiser=organiser)


def switching(ctx: Ctx) -> bool:
    return len(ctx.serving.choices) > 1


def install(core: Core) -> None:
    core.add_flow(CampaignChoice())
    everyone = frozenset({GUEST, *CONSOLE, "resident", "head"})
    core.add_menu(NAME, everyone, core.start_flow(NAME), when=switching)
