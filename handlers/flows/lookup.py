"""Tra cứu khen thưởng in chat (staff, unit heads, the council): one question, a name or a
unit, diacritics optional; the answer fits one phone screen, PAGE awards at a time with
«Xem thêm»; another name typed on the answer searches again. Read-only: leaving says nothing
was lost. Residents see their own awards in «Hồ sơ của tôi» (mine_lines)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import lookup
from domain.roles import COUNCIL, HEAD, STAFF
from handlers.access import guard
from handlers.describe import short
from handlers.engine import SEARCH, Flow, Step
from handlers.outcomes import Outcome, denied, finished
from handlers.textutil import fold
from messages.catalog import t
from messages.model import Option
from storage.models import Member, Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx

ROLES = STAFF | HEAD | COUNCIL
PAGE = 5  # awards on one screen
MORE, AGAIN = "lookup:more", "lookup:again"
NAME_MAX = 80  # a long collective's name shortened: five awards still fit one screen
MINE_SHOWN = 3  # a resident's own awards listed in «Hồ sơ của tôi», newest first


def known(ctx: Ctx) -> lookup.Known:
    cache = ctx.__dict__.setdefault("_known", {})  # once per turn
    if "k" not in cache:
        cache["k"] = lookup.known_campaigns(ctx.uow, ctx.campaign)
    return cache["k"]


def line(h: lookup.Commended, i: int | None = None) -> str:
    return t(
        "lookup.item" if i is not None else "lookup.mine.item",
        i=i,
        nominee=short(h.nominee, NAME_MAX),
        unit=t("lookup.unit", unit=h.unit) if h.unit and fold(h.unit) not in fold(h.nominee) else "",
        award=h.award,
        number=h.number,
        date=h.signed_on.strftime("%d/%m/%Y"),
        campaign=h.campaign_short,
    )


def found(ctx: Ctx) -> lookup.Found:
    """This turn's page of the answer (read once per turn)."""
    q, page = str(ctx.answers.get("q") or ""), int(ctx.answers.get("page") or 0)
    cache = ctx.__dict__.setdefault("_found", {})
    if (q, page) not in cache:
        cache[(q, page)] = lookup.lookup(ctx.session, known(ctx), q, offset=page * PAGE, limit=PAGE)
    return cache[(q, page)]


def answer(ctx: Ctx) -> str:
    """What was asked, how many awards, this page of them."""
    q, result = str(ctx.answers.get("q") or ""), found(ctx)
    if not result.total:
        return t("lookup.none", q=q)
    units = lookup.units_called(ctx.campaign, q)
    first, last = result.offset + 1, result.offset + len(result.items)
    head = t(
        "lookup.unit_found" if units else "lookup.found",
        q=q,
        unit=ctx.campaign.unit_name(units[0]) if units else "",
        n=result.total,
        shown=t("lookup.shown", first=first, last=last) if result.total > len(result.items) else "",
    )
    lines = "".join(line(h, i) for i, h in enumerate(result.items, first))
    return head + lines + t("lookup.type_again")


def options(ctx: Ctx) -> list[Option]:
    more = [Option(MORE, t("lookup.more"))] if found(ctx).more else []
    return [*more, Option(AGAIN, t("lookup.again"))]


def after(ctx: Ctx, value: object) -> str | None:
    """«Xem thêm»: the next page; «Tìm tên khác»: the question again; a name typed: its answer."""
    if value == MORE:
        ctx.answers["page"] = int(ctx.answers.get("page") or 0) + 1
    elif value == AGAIN:
        ctx.answers.pop("q", None)
        ctx.answers.pop("page", None)
        ctx.state.data["history"] = []
        return "q"
    elif isinstance(value, str) and value.startswith(SEARCH):
        ctx.answers["q"] = " ".join(value[len(SEARCH) :].split())[:100]
        ctx.answers["page"] = 0
    ctx.answers.pop("answer", None)
    return "answer"


class Lookup(Flow):
    name = "lookup"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return None if ctx.member is not None and ctx.member.role in ROLES else denied()

    def typed(self, ctx: Ctx) -> bool:
        return False  # only looked

    def steps(self, ctx: Ctx) -> list[Step]:
        return [
            Step("q", "text", lambda c: t("lookup.ask"), min_len=2, max_len=100),
            Step("answer", "choice", answer, options=options, after=after, search=True, cancel=False),
        ]

    def finish(self, ctx: Ctx) -> Outcome:  # pragma: no cover - the answer always asks again
        return finished()


def mine_lines(ctx: Ctx, member: Member | None) -> str:
    """A resident's own awards across campaigns, newest first, for «Hồ sơ của tôi» ("" none)."""
    awards = lookup.awards_of_member(ctx.session, known(ctx), member)
    if not awards:
        return ""
    more = len(awards) - MINE_SHOWN
    return (
        t("lookup.mine.awards")
        + "".join(line(h) for h in awards[:MINE_SHOWN])
        + (t("lookup.mine.more", n=more) if more > 0 else "")
    )


def repeat_lines(ctx: Ctx, sub: Submission) -> str:
    """«⚠ Đã được khen: … theo QĐ số … ngày …» for each award of the nominee within the window
    the campaign file sets ([rules] repeat_award_years), for staff to judge; "" for none."""
    return "".join(
        t(
            "lookup.repeat",
            award=h.award,
            number=h.number,
            date=h.signed_on.strftime("%d/%m/%Y"),
            campaign=h.campaign_short,
        )
        for h in lookup.earlier_awards(ctx.session, known(ctx), sub, ctx.now)
    )


def install(core: Core) -> None:
    core.add_flow(Lookup())
    core.add_menu("lookup", ROLES, guard(ROLES, core.start_flow("lookup")))
