"""The council in chat. Members: «Bỏ phiếu bình xét» (/bophieu) asks item by item
with the dossier's summary, «Đồng ý / Không đồng ý / Xin ý kiến thêm», changeable until the
round closes; the lists and the dossiers read-only. Staff: «Họp Hội đồng» (/hoidong) opens a
round, shows the tally live and closes it. Every change is a domain operation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import council as ops
from domain.award.events import RoundClosed
from domain.council import CHOICES
from domain.refusals import Refused
from domain.roles import COUNCIL
from handlers.access import STAFF, guard, is_staff, role
from handlers.describe import checks_text, short, unit_name
from handlers.engine import Flow, Invalid, Step
from handlers.flows.browse import Browse
from handlers.outcomes import Outcome, denied, finished, refused
from handlers.words import NO, YES
from messages.catalog import t
from messages.model import Option, Text
from storage import council as rows
from storage import pages, submissions
from storage.models import Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx


def refusal_text(exc: Refused) -> str:
    return t(exc.key, **exc.values)


# -- what a member reads ----------------------------------------------------------------------


def vote_label(choice: str | None) -> str:
    return t(f"council.choice.{choice}") if choice else t("council.no_vote")


def dossier(ctx: Ctx, sub: Submission, i: int, n: int, current: str | None) -> str:
    c = ctx.campaign
    cat = c.category(sub.category) if sub.category else None
    award = c.award(sub.shortlist_award).label if sub.shortlist_award else "—"
    return t(
        "council.dossier",
        i=i,
        n=n,
        ref=sub.ref,
        nominee=sub.nominee or "—",
        unit=unit_name(c, sub.unit_code),
        category=cat.label if cat else "—",
        award=award,
        achievements=short(sub.achievements, 500),
        checks=checks_text(c, sub),
        photos=len(submissions.evidence_of(ctx.session, sub.id)),
        vote=vote_label(current),
    )


def my_votes(ctx: Ctx, round_id: int) -> dict[int, str]:
    return {v.item_id: v.choice for v in rows.votes_of(ctx.session, round_id) if v.member_id == ctx.member.id}


class Vote(Flow):
    name = "vote"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        if role(ctx) not in COUNCIL:
            return denied()
        rnd = rows.open_round(ctx.session, ctx.campaign.code)
        if rnd is None:
            return refused(t("council.closed"))
        if ctx.member.id not in rnd.members:
            return refused(t("council.not_in_round"))
        return None

    def _items(self, ctx: Ctx):
        rnd = rows.open_round(ctx.session, ctx.campaign.code)
        return rnd, (rows.items_of(ctx.session, rnd.id) if rnd else [])

    def initial(self, ctx: Ctx, args: dict) -> dict:
        rnd, items = self._items(ctx)
        mine = my_votes(ctx, rnd.id)
        first = next((i for i, (item, _) in enumerate(items) if item.id not in mine), None)
        return {"pos": first}

    def _current(self, ctx: Ctx):
        rnd, items = self._items(ctx)
        pos = ctx.answers.get("pos")
        if rnd is None or pos is None or pos >= len(items):
            return rnd, items, None
        return rnd, items, items[pos]

    def _vote_prompt(self, ctx: Ctx) -> str:
        rnd, items, cur = self._current(ctx)
        if cur is None:
            return t("council.closed")
        item, sub = cur
        return dossier(ctx, sub, ctx.answers["pos"] + 1, len(items), my_votes(ctx, rnd.id).get(item.id))

    def _pick_prompt(self, ctx: Ctx) -> str:
        rnd, items = self._items(ctx)
        return t("council.all_voted", n=len(items)) if rnd else t("council.closed")

    def _pick_options(self, ctx: Ctx) -> list[Option]:
        rnd, items = self._items(ctx)
        if rnd is None or role(ctx) not in COUNCIL:
            return []
        mine = my_votes(ctx, rnd.id)
        return [
            Option(
                str(i),
                t(
                    "council.item",
                    ref=sub.ref,
                    nominee=(sub.nominee or "")[:40],
                    vote=vote_label(mine.get(item.id)),
                ),
            )
            for i, (item, sub) in enumerate(items)
        ] + [Option("done", t("council.done"))]

    def _picked(self, ctx: Ctx, value: str) -> str | None:
        ctx.answers.pop("pick", None)
        if value == "done":
            ctx.answers["done"] = True
            return None
        ctx.answers["pos"], ctx.answers["changing"] = int(value), True
        return "vote"

    def _cast(self, ctx: Ctx, choice: str) -> None:
        rnd, items, cur = self._current(ctx)
        if cur is None:
            raise Invalid(t("council.closed"))
        try:
            ops.cast_vote(ctx.uow, ctx.member, ctx.campaign, cur[1].ref, choice)
        except Refused as exc:
            raise Invalid(refusal_text(exc)) from None

    def _after_vote(self, ctx: Ctx, choice: str) -> str | None:
        rnd, items = self._items(ctx)
        ctx.answers.pop("vote", None)
        if ctx.answers.pop("changing", False):
            ctx.answers["pos"] = None
            return "pick"
        mine = my_votes(ctx, rnd.id)
        nxt = next((i for i, (item, _) in enumerate(items) if item.id not in mine), None)
        ctx.answers["pos"] = nxt
        if nxt is None:
            ctx.answers["done"] = True
            return None
        return "vote"

    def steps(self, ctx: Ctx) -> list[Step]:
        return [
            Step(
                "pick",
                "choice",
                self._pick_prompt,
                options=self._pick_options,
                after=self._picked,
                when=lambda c: c.answers.get("pos") is None and "done" not in c.answers,
            ),
            Step(
                "vote",
                "choice",
                self._vote_prompt,
                options=lambda c: [Option(k, t(f"council.choice.{k}")) for k in CHOICES],
                aliases=lambda c: {"agree": (*YES, "nhat tri"), "disagree": tuple(NO)},  # «ok», «ko»
                validate=self._cast,
                after=self._after_vote,
                when=lambda c: c.answers.get("pos") is not None,
            ),
        ]

    def finish(self, ctx: Ctx) -> Outcome:
        rnd, items = self._items(ctx)
        if rnd is None:
            return refused(t("council.closed"))
        mine = my_votes(ctx, rnd.id)
        lines = "".join(
            t(
                "council.line",
                i=i,
                item=t(
                    "council.item",
                    ref=sub.ref,
                    nominee=(sub.nominee or "")[:40],
                    vote=vote_label(mine.get(item.id)),
                ),
            )
            for i, (item, sub) in enumerate(items, 1)
        )
        return finished(Text(t("council.thanks", lines=lines)))


# -- the staff's view of a round ----------------------------------------------------------------


def tally_text(ctx: Ctx) -> str:
    rnd = rows.open_round(ctx.session, ctx.campaign.code)
    if rnd is None:
        return t("council.none_open")
    results = ops.tally_of(ctx.session, ctx.campaign, rnd)
    any_tally = next(iter(results.values()), None)
    present = any_tally.present if any_tally else 0
    lines = []
    for i, (item, sub) in enumerate(rows.items_of(ctx.session, rnd.id), 1):
        r = results[item.id]
        lines.append(
            t(
                "council.tally_line",
                i=i,
                ref=sub.ref,
                nominee=(sub.nominee or "")[:40],
                agree=r.agree,
                disagree=r.disagree,
                more=r.more_info,
                result=t(f"council.result.{r.result}"),
            )
        )
    return t(
        "council.tally",
        number=rnd.number,
        present=present,
        members=len(rnd.members),
        quorum=ctx.campaign.council.quorum.needed(len(rnd.members)),
        lines="".join(lines),
    )


def results_text(ctx: Ctx, events) -> str:
    closed = next(e for e in events if isinstance(e, RoundClosed))
    key = "council.closed_done" if closed.quorum_met else "council.closed_no_quorum"
    return t(
        key,
        number=closed.number,
        passed=len(closed.passed),
        failed=len(closed.failed),
        present=closed.present,
        members=closed.members,
    )


class Round(Flow):
    name = "round"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return None if is_staff(ctx) else denied()

    def typed(self, ctx: Ctx) -> bool:
        return False  # a screen of buttons: a command typed here runs at once

    def _prompt(self, ctx: Ctx) -> str:
        notice = ctx.state.data.pop("notice", None)
        text = tally_text(ctx)
        return f"{notice}\n\n{text}" if notice else text

    def _options(self, ctx: Ctx) -> list[Option]:
        if not is_staff(ctx):
            return []
        if rows.open_round(ctx.session, ctx.campaign.code) is None:
            return [Option("open", t("council.open"))]
        return [Option("refresh", t("council.refresh")), Option("close", t("council.close"))]

    def _apply(self, ctx: Ctx, value: str) -> str | None:
        if value == "close":
            return None  # to the confirmation
        ctx.answers.pop("action", None)
        if value == "open":
            try:
                events = ops.open_round(ctx.uow, ctx.member, ctx.campaign)
            except Refused as exc:
                ctx.state.data["notice"] = refusal_text(exc)
                return "action"
            opened = events[0]
            ctx.state.data["notice"] = t(
                "council.opened", number=opened.number, n=len(opened.refs), members=len(opened.members)
            )
        return "action"

    def steps(self, ctx: Ctx) -> list[Step]:
        return [
            Step("action", "choice", self._prompt, options=self._options, after=self._apply),
            Step(
                "confirm",
                "confirm",
                lambda c: t("council.confirm_close"),
                options=lambda c: [Option("yes", t("council.close"))],
                when=lambda c: c.answers.get("action") == "close",
            ),
        ]

    def finish(self, ctx: Ctx) -> Outcome:
        try:
            events = ops.close_round(ctx.uow, ctx.member, ctx.campaign)
        except Refused as exc:
            return refused(exc)
        return finished(Text(results_text(ctx, events)))


def _council_items(ctx: Ctx):
    """What is on the council's lists (a select, read a page at a time)."""
    return pages.listing(campaign_code=ctx.campaign.code, statuses=("shortlisted", "awarded"))


def install(core: Core) -> None:
    from handlers.flows.shortlist import council_lists

    core.add_flow(Vote())
    core.add_flow(Round())
    core.add_flow(Browse("dossiers", COUNCIL | STAFF, _council_items))
    vote = guard(COUNCIL, core.start_flow("vote"))
    core.add_menu("vote", COUNCIL, vote)
    core.add_command("bophieu", vote)
    core.add_menu("council", COUNCIL, guard(COUNCIL, council_lists))  # the lists, read-only
    core.add_menu("dossiers", COUNCIL, guard(COUNCIL, core.start_flow("dossiers")))
    start = guard(STAFF, core.start_flow("round"))
    core.add_menu("round", STAFF, start)
    core.add_command("hoidong", start)
