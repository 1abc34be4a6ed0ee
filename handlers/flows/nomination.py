"""Đề cử gương điển hình: a resident (or anyone registered) nominates a person, a household,
a collective or an enterprise. The steps come from the campaign file's categories and checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from domain import members, submissions
from domain.campaign import Category, Check
from domain.refusals import Refused
from domain.roles import HEAD, require
from handlers.describe import answered_checks, short
from handlers.engine import BACK, Flow, Invalid, Step, active_steps, yes_no
from handlers.outcomes import Outcome, finished, refused
from handlers.textutil import fold, nfc, strip_marks, valid_name
from handlers.words import title_name
from messages.catalog import t
from messages.format import format_money
from messages.model import Option, Reply, Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx


def deadline_refusal(ctx: Ctx) -> Outcome | None:
    if ctx.serving.fallback:  # no campaign open nor past its deadline: nothing to submit to
        return refused(t("campaign.none_open_short"))
    try:
        submissions.require_open(ctx.uow, ctx.campaign)
    except Refused as refusal:
        return refused(refusal)
    return None


def taking_submissions(ctx: Ctx) -> bool:
    """Whether the menu offers the items that submit (they are refused after the deadline, and
    while no campaign is open)."""
    return ctx.serving.taking(ctx)


def head_refusal(ctx: Ctx) -> Outcome | None:
    """Unit flows (report, proposal): for heads of a unit, while the campaign is open."""
    try:
        require(ctx.member, HEAD)
    except Refused as refusal:
        return refused(refusal)
    return deadline_refusal(ctx)


PEOPLE = ("household", "official", "public_employee")  # names of people: title case
COUNCIL = frozenset({"head", "staff", "admin"})  # who may propose an award level


def guess_category(ctx: Ctx, nominee: str) -> str | None:
    """The category a nominee's name says ("Hộ ông ..." household, "Công ty ..." enterprise,
    "Thôn 2" collective), when exactly one category's words begin it; else None (asked)."""
    key = f"{fold(nominee)} "
    hits = {
        cat.key
        for cat in ctx.campaign.categories
        for word in (cat.label, *cat.aliases)
        if key.startswith(f"{fold(word)} ")
    }
    return hits.pop() if len(hits) == 1 else None


def suggest_contents(ctx: Ctx, text: str) -> list[str]:
    """Contents whose keywords the achievements mention; typed with diacritics, they must match
    with diacritics ("trồng" is not "trong")."""
    low = " ".join(re.sub(r"[^\w\s]", " ", nfc(text).lower()).split())
    plain = low == strip_marks(low)  # typed without diacritics
    hay = f" {fold(text) if plain else low} "
    return [
        content.key
        for content in ctx.campaign.contents
        if any(f" {fold(w) if plain else nfc(w).lower()} " in hay for w in content.keywords)
    ]


def own_unit(ctx: Ctx) -> str | None:
    """The unit a nomination is preset to: the person's own (or the one just given)."""
    return ctx.answers.get("reg_unit") or (ctx.member.unit_code if ctx.member else None)


def nominee_name(ctx: Ctx) -> str:
    a = ctx.answers
    plain = valid_name(a["nominee"])  # letters and spaces: a name, not a formula or a code
    return title_name(a["nominee"]) if plain and a.get("category") in PEOPLE else a["nominee"]


def shown_name(typed: str) -> str:
    """A name as a question repeats it: title case when it is a plain name («bà hoàng thị lan»
    is asked about as «Bà Hoàng Thị Lan»)."""
    return title_name(typed) if valid_name(typed) else typed


def _name_ok(ctx: Ctx, value: str) -> None:
    if not valid_name(value):
        raise Invalid(t("err.name"))


def _after_nominee(ctx: Ctx, value: str) -> str | None:
    guess = guess_category(ctx, value)
    if guess is not None:
        ctx.answers["category"], ctx.answers["category_auto"] = guess, True
    elif ctx.answers.pop("category_auto", None):
        ctx.answers.pop("category", None)
    return None


def first_open(ctx: Ctx, flow: Flow) -> str:
    """After a change from the summary: the first step still unanswered, else the summary."""
    seen = set(ctx.state.data.get("history") or ())  # answered or skipped
    for step in active_steps(ctx, flow):
        if step.key not in ctx.answers and step.key not in seen and step.key != "confirm":
            return step.key
    return "confirm"


def category_of(ctx: Ctx) -> Category | None:
    key = ctx.answers.get("category")
    return ctx.campaign.category(key) if key else None


def check_steps(ctx: Ctx, when_done: Callable[[Ctx], str | None] = lambda c: None) -> list[Step]:
    """One step per check of every category; each shows only for its own category. Once the
    category's checks are all answered, `when_done` says where to go (back to the summary after
    a change from it; None: on)."""
    steps: list[Step] = []
    for cat in ctx.campaign.categories:
        for chk in cat.checks:
            steps.extend(_check_steps(cat, chk, when_done))
    return steps


def checks_answered(ctx: Ctx) -> bool:
    cat = category_of(ctx)
    for chk in cat.checks if cat else ():
        key = f"{cat.key}.{chk.key}"
        if key not in ctx.answers:
            return False
        if chk.kind == "money" and ctx.answers[key] < chk.min and f"{key}.low" not in ctx.answers:
            return False
    return True


def _for(cat: Category):
    return lambda c: c.answers.get("category") == cat.key


def _check_steps(cat: Category, chk: Check, when_done: Callable[[Ctx], str | None]) -> list[Step]:
    key = f"{cat.key}.{chk.key}"
    on = _for(cat)

    def then(c: Ctx, v: Any) -> str | None:
        return when_done(c) if checks_answered(c) else None

    if chk.kind == "money":
        low = f"{key}.low"

        def is_low(c: Ctx) -> bool:
            value = c.answers.get(key)
            return on(c) and value is not None and value < chk.min

        return [
            Step(key, "money", lambda c: chk.prompt, when=on, after=then),
            Step(
                low,
                "choice",
                lambda c: t(
                    "nom.income_low",
                    min=format_money(chk.min),
                    value=format_money(c.answers[key]),
                ),
                options=lambda c: [Option("send", t("nom.income_send")), Option("fix", t("nom.income_fix"))],
                when=is_low,
                after=lambda c, v: BACK if v == "fix" else then(c, v),
            ),
        ]
    return [Step(key, "choice", lambda c: chk.prompt, options=yes_no, when=on, after=then)]


def flags_of(ctx: Ctx) -> list[str]:
    cat = category_of(ctx)
    flags: list[str] = []
    for chk in cat.checks if cat else ():
        value = ctx.answers.get(f"{cat.key}.{chk.key}")
        if value is None:
            continue
        if chk.kind == "money" and value < chk.min:
            flags.append(
                f"{chk.label or chk.key}: {format_money(value)} < {format_money(chk.min)} ({cat.clause})"
            )
        if chk.kind == "yesno" and (value == "yes") != chk.expect:
            flags.append(chk.flag or chk.prompt)
    return flags


def check_answers(ctx: Ctx) -> dict[str, Any]:
    cat = category_of(ctx)
    return {
        chk.key: ctx.answers[f"{cat.key}.{chk.key}"]
        for chk in (cat.checks if cat else ())
        if f"{cat.key}.{chk.key}" in ctx.answers
    }


def summary_checks(ctx: Ctx) -> str:
    return "".join(
        t("nom.summary_check", label=label, value=shown)
        for label, shown in answered_checks(ctx.campaign, ctx.answers.get("category"), check_answers(ctx))
    )


def evidence(ctx: Ctx, photos: list[dict] | None, *, publish: bool = False) -> list[dict]:
    """What the operation keeps as evidence: the photos (with the consent to publish them), and
    the voice notes that are still the answer of the step they answered (not retyped since)."""
    voices = [
        {**v, "kind": "voice"}
        for v in ctx.answers.get("voices") or []
        if ctx.answers.get(v["step"]) == v["caption"]
    ]
    return [*({**p, "publish": publish} for p in photos or []), *voices]


class Nomination(Flow):
    name = "nomination"
    kind = "nomination"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return deadline_refusal(ctx)  # a newcomer gives their name and village on the way

    def initial(self, ctx: Ctx, args: dict[str, Any]) -> dict[str, Any]:
        return {"award": ctx.campaign.awards[0].key, **args}  # the council decides the level

    def newcomer_steps(self, ctx: Ctx) -> list[Step]:
        new = lambda x: x.member is None  # noqa: E731
        return [
            Step(
                "reg_name",
                "text",
                lambda x: t("nom.reg_name"),
                validate=_name_ok,
                min_len=2,
                max_len=80,
                when=new,
            ),
            Step(
                "reg_unit",
                "choice",
                lambda x: t("nom.reg_unit"),
                when=new,
                options=lambda x: [Option(u.code, u.name) for u in x.campaign.villages()],
                after=register_on_the_way,
            ),
        ]

    def intro_steps(self, ctx: Ctx) -> list[Step]:
        c = ctx.campaign
        changing = lambda key: lambda x: x.answers.get("change") == key  # noqa: E731
        return [
            Step(
                "nominee",
                "text",
                lambda x: t("nom.who"),
                min_len=3,
                max_len=200,
                after=lambda x, v: _after_nominee(x, v) or self._changed(x),
            ),
            Step(
                "category",
                "choice",
                lambda x: t("nom.kind_of", nominee=shown_name(x.answers["nominee"])),
                options=lambda x: [Option(k.key, k.label) for k in c.categories],
                aliases=lambda x: {k.key: k.aliases for k in c.categories},
                when=lambda x: not x.answers.get("category_auto") or changing("category")(x),
                after=lambda x, v: self._changed(x),
            ),
            Step(
                "unit",
                "choice",
                lambda x: t("nom.unit"),
                options=lambda x: [Option(u.code, u.name) for u in c.units],
                when=lambda x: own_unit(x) is None or changing("unit")(x),
                after=lambda x, v: self._changed(x),
            ),
        ]

    def _changed(self, ctx: Ctx) -> str | None:
        if ctx.answers.pop("change", None) is None:
            return None
        ctx.answers.pop("confirm", None)
        return first_open(ctx, self)

    def confirm_options(self, ctx: Ctx) -> list[Option]:
        """Send; with photos, sending also answers whether they may be shown on the public page
        after an award: one tap either way. Then the same one-tap changes on every summary:
        name, achievements, category, unit (a unit's own proposal keeps its unit), photos."""
        send = t(self.send_key)
        opts = (
            [Option("send", send)]
            if not ctx.answers.get("photos")
            else [
                Option("send", t("nom.send_publish", send=send)),
                Option("send_private", t("nom.send_private", send=send)),
            ]
        )
        changes = ["nominee", "achievements", "category", *(["unit"] if self.unit_changeable(ctx) else [])]
        if ctx.campaign.forms.max_photos > 0:
            changes.append("photos")
        return [*opts, *(Option(f"change_{key}", t(f"nom.change_{key}")) for key in changes)]

    def unit_changeable(self, ctx: Ctx) -> bool:
        return self.name == "nomination"  # a unit's own proposal keeps its unit

    def _after_confirm(self, ctx: Ctx, value: str) -> str | None:
        if not value.startswith("change_"):
            return None  # sent
        ctx.answers["change"] = value.removeprefix("change_")
        ctx.answers.pop("confirm", None)
        if ctx.answers["change"] == "photos":  # chosen again from the start
            ctx.answers.pop("photos", None)
        return ctx.answers["change"]

    def steps(self, ctx: Ctx) -> list[Step]:
        c = ctx.campaign
        forms = c.forms
        suggested = lambda x: suggest_contents(x, x.answers.get("achievements") or "")  # noqa: E731
        return [
            *self.newcomer_steps(ctx),
            *self.intro_steps(ctx),
            Step(
                "achievements",
                "text",
                lambda x: t("nom.achievements", criteria=category_of(x).criteria_short),
                min_len=forms.achievements_min_chars,
                multiline=True,
                after=lambda x, v: self._changed(x),
            ),
            Step(
                "contents",
                "multi",
                lambda x: t("nom.contents_suggest" if suggested(x) else "nom.contents"),
                options=lambda x: [Option(k.key, k.label) for k in c.contents],
                preset=suggested,
                after=lambda x, v: self._changed(x),
            ),
            *self.extra_steps(ctx),
            *check_steps(ctx, self._changed),
            Step(
                "photos",
                "photo",
                lambda x: t("nom.photos", max=forms.max_photos),
                skippable=True,
                max_items=forms.max_photos,
                when=lambda x: forms.max_photos > 0,
                after=lambda x, v: self._changed(x),
            ),
            Step(
                "award",
                "choice",
                lambda x: t("nom.award"),
                options=lambda x: [Option(a.key, a.label) for a in c.awards],
                when=lambda x: x.member is not None and x.member.role in COUNCIL,
            ),
            Step("confirm", "confirm", self.summary, options=self.confirm_options, after=self._after_confirm),
        ]

    send_key = "nom.send"
    done_key = "nom.done"

    def extra_steps(self, ctx: Ctx) -> list[Step]:
        return []

    def summary(self, ctx: Ctx) -> str:
        c, a = ctx.campaign, ctx.answers
        return t(
            "nom.summary",
            category=category_of(ctx).label,
            nominee=nominee_name(ctx),
            unit=c.unit_name(a.get("unit") or own_unit(ctx), "—"),
            contents="; ".join(c.content(k).label for k in a["contents"]),
            achievements=short(a["achievements"]),
            checks=summary_checks(ctx),
            photos=len(a.get("photos") or []) + a.get("kept_photos", 0),
            award=c.award(a["award"]).label,
        )

    def extra_answers(self, ctx: Ctx) -> dict[str, Any]:
        return {}

    def finish(self, ctx: Ctx) -> Outcome:
        """Submitted (the deadline and the role are checked again by the operation: they may
        have changed while the person was typing). A newcomer is registered in the same turn."""
        a = ctx.answers
        replies: list[Reply] = []
        if ctx.member is None:
            replies += register_newcomer(ctx)
        elif a.get("reg_name"):  # registered on the way, from the village answer: said now
            replies.append(registered_note(ctx))
        [submitted] = submissions.submit(
            ctx.uow,
            ctx.member,
            ctx.campaign,
            kind=self.kind,
            channel=ctx.event.channel,
            photos=evidence(ctx, a.get("photos"), publish=a.get("confirm") == "send"),
            unit_code=a.get("unit") or own_unit(ctx),
            category=a["category"],
            nominee=nominee_name(ctx),
            contents=list(a["contents"]),
            achievements=a["achievements"],
            answers={**check_answers(ctx), **self.extra_answers(ctx)},
            flags=flags_of(ctx),
            proposed_award=a["award"],
        )
        return finished(*replies, Text(t(self.done_key, ref=submitted.ref)))


def register_newcomer(ctx: Ctx) -> list[Reply]:
    """The name and village given on the way: a resident, registered by the domain operation."""
    from handlers.flows.registration import account

    a = ctx.answers
    members.register(
        ctx.uow, account(ctx), full_name=title_name(a["reg_name"]), unit_code=a["reg_unit"], phone=None
    )
    ctx.core.refresh_member(ctx)
    return [registered_note(ctx)]


def registered_note(ctx: Ctx) -> Text:
    unit = ctx.campaign.unit_name(ctx.member.unit_code, "—")
    return Text(t("nom.registered", name=ctx.member.full_name, unit=unit))


def register_on_the_way(ctx: Ctx, value: Any) -> None:
    """A newcomer who gave their name and village is a resident from then on: the draft
    belongs to a member (reminded, listed in «Hồ sơ của tôi», merged when another channel is
    linked) even if they stop half way. The newcomer's steps then drop out of the flow."""
    register_newcomer(ctx)
