"""The decision and the honours in chat (staff). «Quyết định khen thưởng»
(/quyetdinh): record the chairman's decision on the council's recommendation (number, date,
signer), or withdraw one recorded in error with a reason. «Gương điển hình» (/guongdienhinh):
the list of the people commended, one line each, sent to every member through the outbox."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain import council as ops
from domain import honours
from domain.refusals import Refused
from handlers.access import STAFF, guard, is_staff
from handlers.engine import SKIP_WORDS, Flow, Invalid, Step
from handlers.outcomes import Outcome, denied, finished, refused
from handlers.textutil import fold
from messages.catalog import t
from messages.model import Option, Text, reply_to_dict
from storage import council as rows
from storage.models import AwardDecision

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx


def _choices(ctx: Ctx) -> list[Option]:
    """The same entries in the same order whatever was saved: one per award of the campaign,
    then «Thu hồi». A save never renumbers the menu (a second «2» means what the first did)."""
    if not is_staff(ctx):
        return []
    opts = [
        Option(
            f"new:{award.key}",
            t(
                "decision.new",
                award=award.label,
                n=len(ops.recommended(ctx.session, ctx.campaign, award.key)),
            ),
        )
        for award in ctx.campaign.awards
    ]
    opts.append(Option("withdraw:", t("decision.withdraw_any")))
    return opts


def _decisions(ctx: Ctx) -> list[Option]:
    return [
        Option(str(dec.id), t("decision.withdraw", number=dec.number))
        for dec in rows.decisions(ctx.session, ctx.campaign.code, active=True)
    ]


def _doing(op: str):
    return lambda c: str(c.answers.get("what", "")).startswith(op + ":")


def _target(ctx: Ctx) -> str:
    if _doing("withdraw")(ctx):
        return str(ctx.answers.get("decision", ""))
    return str(ctx.answers.get("what", "")).partition(":")[2]


class DecisionFlow(Flow):
    name = "decision"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        if not is_staff(ctx):
            return denied()
        if not _decisions(ctx) and not any(
            ops.recommended(ctx.session, ctx.campaign, a.key) for a in ctx.campaign.awards
        ):
            return refused(t("decision.none_to_do"))
        return None

    def _what(self, ctx: Ctx, value: str) -> None:
        """An entry with nothing to do is explained and asked again (the menu keeps its numbers)."""
        kind, _, key = str(value).partition(":")
        if kind == "withdraw" and not _decisions(ctx):
            raise Invalid(t("decision.none_active"))
        if kind == "new" and not ops.recommended(ctx.session, ctx.campaign, key):
            raise Invalid(t("decision.nothing", award=ctx.campaign.award(key).label))

    def _read_number(self, ctx: Ctx, raw: str) -> str:
        """«125», or the number as printed on the paper: «125/QĐ-UBND»."""
        number = ops.decision_number(ctx.campaign, raw)
        if number is None:
            raise Invalid(t("decision.bad_number"))
        return number

    def _number(self, ctx: Ctx, value: str) -> None:
        number = ops.decision_number(ctx.campaign, str(value))
        if number is None:
            raise Invalid(t("decision.bad_number"))
        if rows.number_taken(ctx.session, ctx.campaign.code, number):
            raise Invalid(t("decision.number_taken", number=number))

    def _date(self, ctx: Ctx, value: str) -> None:
        if date.fromisoformat(value) > ctx.campaign.local(ctx.now).date():
            raise Invalid(t("decision.future_date"))

    def _summary(self, ctx: Ctx) -> str:
        a = ctx.answers
        if _doing("withdraw")(ctx):
            dec = ctx.session.get(AwardDecision, int(_target(ctx)))
            return t(
                "decision.confirm_withdraw", number=dec.number if dec else "—", reason=a.get("reason", "")
            )
        award = ctx.campaign.award(_target(ctx))
        items = ops.recommended(ctx.session, ctx.campaign, award.key)
        names = "".join(t("council.line", i=i, item=f"{x.ref} · {x.nominee}") for i, x in enumerate(items, 1))
        return t(
            "decision.confirm_new",
            award=award.label,
            number=ops.decision_number(ctx.campaign, str(a["number"])),
            date=date.fromisoformat(a["date"]).strftime("%d/%m/%Y"),
            signer=self._signer(ctx),
            names=names,
        )

    def _suffix(self, ctx: Ctx) -> str:
        return ctx.campaign.decision.number_suffix if ctx.campaign.decision else "QĐ-UBND"

    def _signer(self, ctx: Ctx) -> str:
        return ctx.answers.get("signer") or ops.signer_of(ctx.campaign, _target(ctx))[0]

    def _signer_typed(self, ctx: Ctx, value: str) -> None:
        """With no signer to fall back on, «bỏ qua» is not a name: the name is asked again."""
        if fold(value) in SKIP_WORDS:
            raise Invalid(t("decision.signer_needed"))

    def _signer_prompt(self, ctx: Ctx) -> str:
        name, title = ops.signer_of(ctx.campaign, _target(ctx))
        return (
            t("decision.signer", title=title, name=name) if name else t("decision.signer_typed", title=title)
        )

    def steps(self, ctx: Ctx) -> list[Step]:
        new = _doing("new")
        default_signer = bool(new(ctx) and ops.signer_of(ctx.campaign, _target(ctx))[0])
        return [
            Step("what", "choice", lambda c: t("decision.what"), options=_choices, validate=self._what),
            Step(
                "decision",
                "choice",
                lambda c: t("decision.which"),
                options=_decisions,
                when=_doing("withdraw"),
            ),
            Step(
                "number",
                "number",
                lambda c: t("decision.number", suffix=self._suffix(c)),
                read=self._read_number,
                validate=self._number,
                when=_doing("new"),
            ),
            Step("date", "date", lambda c: t("decision.date"), validate=self._date, when=_doing("new")),
            Step(
                "signer",
                "text",
                self._signer_prompt,
                skippable=default_signer,
                validate=self._signer_typed,
                min_len=2,
                max_len=120,
                when=_doing("new"),
            ),
            Step(
                "reason",
                "text",
                lambda c: t("decision.reason"),
                min_len=5,
                max_len=500,
                when=_doing("withdraw"),
            ),
            Step("confirm", "confirm", self._summary, options=lambda c: [Option("yes", t("decision.save"))]),
        ]

    def finish(self, ctx: Ctx) -> Outcome:
        a = ctx.answers
        try:
            if _doing("withdraw")(ctx):
                events = ops.withdraw_decision(
                    ctx.uow, ctx.member, ctx.campaign, int(_target(ctx)), a["reason"]
                )
                done = events[0]
                return finished(Text(t("decision.withdrawn", number=done.number, n=len(done.refs))))
            award = ctx.campaign.award(_target(ctx))
            events = ops.record_decision(
                ctx.uow,
                ctx.member,
                ctx.campaign,
                award_key=award.key,
                number=ops.decision_number(ctx.campaign, str(a["number"])),
                signed_on=date.fromisoformat(a["date"]),
                signer_name=self._signer(ctx),
                signer_title=ops.signer_of(ctx.campaign, award.key)[1],
            )
        except Refused as exc:
            return refused(exc)
        done = events[0]
        return finished(Text(t("decision.recorded", number=done.number, n=len(done.refs), award=done.award)))


def announcement(ctx: Ctx) -> str:
    items = honours.honoured(ctx.session, ctx.campaign)
    lines = "".join(
        t(
            "honours.line",
            i=i,
            name=h.name,
            unit=h.unit,
            achievement=honours.one_line(h.achievement, 120),
            award=h.award,
            number=h.number,
        )
        for i, h in enumerate(items, 1)
    )
    org = ctx.campaign.organiser
    return t(
        "honours.text", organiser=org.short_name, campaign=ctx.campaign.campaign.short_title, lines=lines
    )


class Honours(Flow):
    name = "honours"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        if not is_staff(ctx):
            return denied()
        if not honours.honoured(ctx.session, ctx.campaign):
            return refused(t("honours.nothing"))
        return None

    def steps(self, ctx: Ctx) -> list[Step]:
        return [
            Step(
                "confirm",
                "confirm",
                lambda c: t("honours.preview", text=announcement(c)),
                options=lambda c: [Option("yes", t("honours.send"))],
            )
        ]

    def finish(self, ctx: Ctx) -> Outcome:
        try:
            events = honours.announce(
                ctx.uow, ctx.member, ctx.campaign, reply_to_dict(Text(announcement(ctx)))
            )
        except Refused as exc:
            return refused(exc)
        return finished(Text(t("honours.sent", n=events[0].recipients)))


def install(core: Core) -> None:
    core.add_flow(DecisionFlow())
    core.add_flow(Honours())
    decision = guard(STAFF, core.start_flow("decision"))
    core.add_menu("decision", STAFF, decision)
    core.add_command("quyetdinh", decision)
    announce = guard(STAFF, core.start_flow("honours"))
    core.add_menu("honours", STAFF, announce)
    core.add_command("guongdienhinh", announce)
