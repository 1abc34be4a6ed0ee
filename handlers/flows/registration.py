"""Residents register themselves; unit heads and staff register with a one-time invite code."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from domain import members
from domain.events import IdentityLinked, MemberRegistered
from domain.members import Account
from domain.refusals import Refused
from handlers.engine import Flow, Invalid, Step
from handlers.outcomes import Outcome, finished, refused
from handlers.textutil import valid_name
from handlers.words import title_name
from messages.catalog import t
from messages.model import Option, Reply, Text
from storage import members as people

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx

INVITE_CODE = re.compile(r"^[A-Za-z0-9]{6,12}$")


def _name_ok(ctx: Ctx, value: str) -> None:
    if not valid_name(value):
        raise Invalid(t("err.name"))


def name_step() -> Step:
    return Step("name", "text", lambda c: t("reg.name"), validate=_name_ok, min_len=2, max_len=80)


class Registration(Flow):
    name = "registration"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        if ctx.member is not None:
            return refused(t("reg.already"))
        return None

    def steps(self, ctx: Ctx) -> list[Step]:
        villages = ctx.campaign.villages()
        return [
            name_step(),
            Step(
                "unit",
                "choice",
                lambda c: t("reg.unit"),
                options=lambda c: [Option(u.code, u.name) for u in villages],
            ),
            Step("phone", "phone", lambda c: t("reg.phone"), skippable=True),
        ]

    def finish(self, ctx: Ctx) -> Outcome:
        a = ctx.answers
        members.register(
            ctx.uow, account(ctx), full_name=title_name(a["name"]), unit_code=a["unit"], phone=a.get("phone")
        )
        ctx.core.refresh_member(ctx)
        return finished(
            Text(t("reg.done", name=ctx.member.full_name, unit=ctx.campaign.unit(a["unit"]).name))
        )


def account(ctx: Ctx) -> Account:
    ev = ctx.event
    return Account(
        channel=ev.channel, external_id=ev.user_id, chat_id=ev.chat_id, display_name=ev.display_name
    )


def check_code(ctx: Ctx, code: str) -> None:
    """A role invite, or a link code (joins this channel's account to an existing member)."""
    try:
        members.usable_invite(ctx.uow, code, account(ctx), ctx.member)
    except Refused as refusal:
        raise Invalid(t(refusal.key, **refusal.values)) from None


def is_link(ctx: Ctx) -> bool:
    inv = people.find_invite(ctx.session, str(ctx.answers.get("code") or "").replace(" ", ""))
    return inv is not None and inv.purpose in members.JOINS  # the member is stored: no name asked


def _code_ok(ctx: Ctx, value: str) -> None:
    if not INVITE_CODE.match(value.replace(" ", "")):
        raise Invalid(t("inv.bad"))
    check_code(ctx, value.replace(" ", ""))


class InviteFlow(Flow):
    name = "invite"

    def steps(self, ctx: Ctx) -> list[Step]:
        return [
            Step("code", "text", lambda c: t("inv.code"), validate=_code_ok, max_len=20),
            Step(
                "name",
                "text",
                lambda c: t("reg.name"),
                validate=_name_ok,
                min_len=2,
                max_len=80,
                when=lambda c: c.member is None and not is_link(c),
            ),
        ]

    def finish(self, ctx: Ctx) -> Outcome:
        """The code is checked again by the operation: it may have been used meanwhile."""
        a = ctx.answers
        code = a["code"].replace(" ", "")
        inv = people.find_invite(ctx.session, code)
        was_member = ctx.member is not None
        name = a.get("name")
        events = members.redeem_invite(
            ctx.uow, ctx.member, account(ctx), code, full_name=title_name(name) if name else name
        )
        ctx.core.refresh_member(ctx)
        listed = inv is not None and inv.purpose == "person"  # the office listed this person
        if any(isinstance(e, IdentityLinked) for e in events) and not listed:
            return finished(Text(t("link.done", name=ctx.member.full_name)))
        c = ctx.campaign
        unit = (
            t("inv.unit", unit=c.unit(inv.unit_code).name)
            if inv.unit_code and c.has_unit(inv.unit_code)
            else ""
        )
        role = t(f"role.{inv.role}")
        if listed or (not was_member and any(isinstance(e, MemberRegistered) for e in events)):
            return finished(Text(t("inv.done", name=ctx.member.full_name, role=role, unit=unit)))
        return finished(Text(t("inv.updated", role=role, unit=unit)))


def start_command(ctx: Ctx) -> Outcome:
    """/start, or /start CODE from an invite link: the code is checked and the flow goes on."""
    payload = (ctx.event.args or "").strip()
    if payload and INVITE_CODE.match(payload):
        return _with_code(ctx, payload)
    return finished(greet=True)


def code_command(ctx: Ctx) -> Outcome | list[Reply]:
    payload = (ctx.event.args or "").strip()
    if payload:
        return _with_code(ctx, payload)
    return ctx.core.start_flow("invite")(ctx)


def _with_code(ctx: Ctx, code: str) -> Outcome:
    from handlers import engine as eng

    flow = ctx.core.flows["invite"]
    started = eng.start(ctx, flow)
    try:
        _code_ok(ctx, code)
    except Invalid as exc:
        return started.after([Text(str(exc))])
    ctx.answers["code"] = code.upper()
    step = eng.step_by_key(ctx, flow, "code")
    return eng.advance(ctx, flow, step, code.upper())
