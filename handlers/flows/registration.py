"""Residents register themselves; unit heads and staff register with a one-time invite code."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from domain import invite_guesses
from storage import members
from storage.models import Member

from messages.catalog import t
from handlers.engine import Flow, Invalid, Step
from messages.model import Option, Reply, Text
from handlers.textutil import valid_name

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx

INVITE_CODE = re.compile(r"^[A-Za-z0-9]{6,12}$")


def _name_ok(ctx: "Ctx", value: str) -> None:
    if not valid_name(value):
        raise Invalid(t("err.name"))


def name_step() -> Step:
    return Step("name", "text", lambda c: t("reg.name"), validate=_name_ok, min_len=2, max_len=80)


class Registration(Flow):
    name = "registration"

    def refuse(self, ctx: "Ctx") -> list[Reply] | None:
        if ctx.member is not None:
            return [Text(t("reg.already")), *ctx.core.show_menu(ctx)]
        return None

    def steps(self, ctx: "Ctx") -> list[Step]:
        villages = ctx.campaign.villages()
        return [
            name_step(),
            Step("unit", "choice", lambda c: t("reg.unit"),
                 options=lambda c: [Option(u.code, u.name) for u in villages]),
            Step("phone", "phone", lambda c: t("reg.phone"), skippable=True),
        ]

    def finish(self, ctx: "Ctx") -> list[Reply]:
        a, ev = ctx.answers, ctx.event
        if members.member_by_identity(ctx.session, ev.channel, ev.user_id) is not None:
            return [Text(t("reg.already"))]
        member = members.create_member(
            ctx.session, full_name=a["name"], role="resident", unit_code=a["unit"],
            phone=a.get("phone"), channel=ev.channel, external_id=ev.user_id, chat_id=ev.chat_id,
            display_name=ev.display_name, now=ctx.now)
        ctx.core.refresh_member(ctx)
        return [Text(t("reg.done", name=member.full_name, unit=ctx.campaign.unit(a["unit"]).name))]


def check_code(ctx: "Ctx", code: str) -> None:
    """A role invite, or a link code (joins this channel's account to an existing member)."""
    ev = ctx.event
    wait = invite_guesses.locked_minutes(ctx.session, ev.channel, ev.user_id, ctx.now)
    if wait:
        raise Invalid(t("inv.too_many", minutes=wait))
    inv = members.find_invite(ctx.session, code)
    if inv is None or inv.purpose not in ("role", "link") or (inv.purpose == "link" and inv.member_id is None):
        invite_guesses.record_wrong_guess(ctx.session, ev.channel, ev.user_id, code, ctx.now,
                                          actor_id=ctx.member.id if ctx.member else None)
        raise Invalid(t("inv.bad"))
    if inv.used_at is not None:
        raise Invalid(t("inv.used"))
    if inv.expires_at <= ctx.now:
        raise Invalid(t("inv.expired"))
    if inv.purpose == "link":
        if any(i.channel == ctx.event.channel for i in members.identities_of(ctx.session, inv.member_id)):
            raise Invalid(t("link.same_channel"))
        if ctx.member is not None:
            raise Invalid(t("link.member"))


def is_link(ctx: "Ctx") -> bool:
    inv = members.find_invite(ctx.session, str(ctx.answers.get("code") or "").replace(" ", ""))
    return inv is not None and inv.purpose == "link"


def link_identity(ctx: "Ctx", inv) -> list[Reply]:
    """This channel account becomes one more identity of the member who made the link code."""
    ev = ctx.event
    member = ctx.session.get(Member, inv.member_id)
    members.attach_identity(ctx.session, member, channel=ev.channel, external_id=ev.user_id,
                         chat_id=ev.chat_id, display_name=ev.display_name, now=ctx.now)
    members.use_invite(ctx.session, inv, member, ctx.now)
    ctx.core.refresh_member(ctx)
    return [Text(t("link.done", name=member.full_name))]


def _code_ok(ctx: "Ctx", value: str) -> None:
    if not INVITE_CODE.match(value.replace(" ", "")):
        raise Invalid(t("inv.bad"))
    check_code(ctx, value.replace(" ", ""))


class InviteFlow(Flow):
    name = "invite"

    def steps(self, ctx: "Ctx") -> list[Step]:
        return [
            Step("code", "text", lambda c: t("inv.code"), validate=_code_ok, max_len=20),
            Step("name", "text", lambda c: t("reg.name"), validate=_name_ok, min_len=2, max_len=80,
                 when=lambda c: c.member is None and not is_link(c)),
        ]

    def finish(self, ctx: "Ctx") -> list[Reply]:
        a, ev, s = ctx.answers, ctx.event, ctx.session
        code = a["code"].replace(" ", "")
        try:  # checked again: the code may have been used since the question was asked
            check_code(ctx, code)
        except Invalid as exc:
            return [Text(str(exc))]
        inv = members.find_invite(s, code)
        if not members.claim_invite(s, inv, ctx.now):  # someone else used it a moment ago
            return [Text(t("inv.used"))]
        if inv.purpose == "link":
            return link_identity(ctx, inv)
        unit = ctx.campaign.unit(inv.unit_code).name if inv.unit_code and ctx.campaign.has_unit(inv.unit_code) else "—"
        role = t(f"role.{inv.role}")
        if ctx.member is None:
            member = members.create_member(
                s, full_name=a["name"], role=inv.role, unit_code=inv.unit_code, phone=None,
                channel=ev.channel, external_id=ev.user_id, chat_id=ev.chat_id,
                display_name=ev.display_name, now=ctx.now)
            members.use_invite(s, inv, member, ctx.now)
            ctx.core.refresh_member(ctx)
            return [Text(t("inv.done", name=member.full_name, role=role, unit=unit))]
        members.set_role(s, ctx.member, role=inv.role, unit_code=inv.unit_code, actor_id=ctx.member.id,
                      now=ctx.now, reason=f"invite {inv.id}")
        members.use_invite(s, inv, ctx.member, ctx.now)
        return [Text(t("inv.updated", role=role, unit=unit))]


def start_command(ctx: "Ctx") -> list[Reply]:
    """/start, or /start CODE from an invite link: the code is checked and the flow goes on."""
    payload = (ctx.event.args or "").strip()
    if payload and INVITE_CODE.match(payload):
        return _with_code(ctx, payload)
    return ctx.core.show_menu(ctx, greet=True)


def code_command(ctx: "Ctx") -> list[Reply]:
    payload = (ctx.event.args or "").strip()
    if payload:
        return _with_code(ctx, payload)
    return ctx.core.start_flow("invite")(ctx)


def _with_code(ctx: "Ctx", code: str) -> list[Reply]:
    from handlers import engine as eng

    flow = ctx.core.flows["invite"]
    replies = eng.start(ctx, flow)
    try:
        _code_ok(ctx, code)
    except Invalid as exc:
        return [Text(str(exc)), *replies]
    ctx.answers["code"] = code.upper()
    step = eng.step_by_key(ctx, flow, "code")
    return eng.advance(ctx, flow, step, code.upper())
