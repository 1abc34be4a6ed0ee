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
from handlers.engine import Flow, Invalid, Step
from handlers.outcomes import Outcome, denied, finished, refused
from messages.catalog import t
from messages.model import Option, Text, reply_to_dict
from storage import council as rows
from storage.models import AwardDecision

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx


def _choices(ctx: Ctx) -> list[Option]:
    if not is_staff(ctx):
        return []
    opts = []
    for award in ctx.campaign.awards:
        n = len(ops.recommended(ctx.session, ctx.campaign, award.key))
        if n:
            opts.append(Option(f"new:{award.key}", t("decision.new", award=award.label, n=n)))
    for dec in rows.decisions(ctx.session, ctx.campaign.code, active=True):
        opts.append(Option(f"withdraw:{dec.id}", t("decision.withdraw", number=dec.number)))
    return opts


def _doing(op: str):
    return lambda c: str(c.answers.get("what", "")).startswith(op + ":")


def _target(ctx: Ctx) -> str:
    return str(ctx.answers.get("what", "")).partition(":")[2]


class DecisionFlow(Flow):
    name = "decision"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        if not is_staff(ctx):
            return denied()
        if not _choices(ctx):
            return refused(t("decision.none_to_do"))
        return None

    def _number(self, ctx: Ctx, value: int) -> None:
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
        return ctx.answers.get("signer") or ctx.campaign.organiser.signer_name

    def steps(self, ctx: Ctx) -> list[Step]:
        org = ctx.campaign.organiser
        return [
            Step("what", "choice", lambda c: t("decision.what"), options=_choices),
            Step(
                "number",
                "number",
                lambda c: t("decision.number", suffix=self._suffix(c)),
                validate=self._number,
                when=_doing("new"),
            ),
            Step("date", "date", lambda c: t("decision.date"), validate=self._date, when=_doing("new")),
            Step(
                "signer",
                "text",
                lambda c: t("decision.signer", name=org.signer_name),
                skippable=bool(org.signer_name),
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
                signer_title=award.grantor,
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
