"""Thông báo (staff): text, an optional photo, an audience, a preview with how many people and
village groups it reaches, confirm, queued (domain.broadcasts.announce). «Kết quả thông báo»:
the latest announcements' figures, how many members cannot be reached, and «Gửi lại tin lỗi».
Everyone: «Dừng nhận tin» / «Nhận lại tin». In a village group: /lienketthon links it to a unit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import broadcasts
from domain.broadcasts import KINDS as AUDIENCES
from domain.broadcasts import WITH_UNITS, Audience
from domain.headroom import headroom as estimate
from domain.refusals import Refused
from domain.roles import EVERYONE, STAFF, may
from handlers.describe import unit_name
from handlers.engine import Flow, Step
from handlers.outcomes import Outcome, denied, finished
from messages.catalog import t
from messages.format import headroom_text
from messages.model import Option, Reply, Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx

TEXT_MAX = 3000


def audience_of(ctx: Ctx) -> Audience:
    a = ctx.answers
    units = tuple(a.get("units") or ()) if a["audience"] in WITH_UNITS else ()
    return Audience(a["audience"], units)


def photo_ref(photos: list[dict] | None) -> str | None:
    """What the outbox sends: a Telegram file id, or the copy a channel kept on disk."""
    if not photos:
        return None
    p = photos[0]
    return p.get("file_id") or p.get("local_path") or p.get("url")


class Announce(Flow):
    name = "announce"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return None if may(ctx.member, STAFF) else denied()

    def steps(self, ctx: Ctx) -> list[Step]:
        c = ctx.campaign
        return [
            Step("text", "text", lambda x: t("ann.ask_text"), min_len=5, max_len=TEXT_MAX, multiline=True),
            Step("photo", "photo", lambda x: t("ann.ask_photo"), skippable=True, max_items=1),
            Step(
                "audience",
                "choice",
                lambda x: t("ann.ask_audience"),
                options=lambda x: [Option(k, t(f"ann.aud.{k}")) for k in AUDIENCES],
            ),
            Step(
                "units",
                "multi",
                lambda x: t(f"ann.ask_units.{x.answers['audience']}"),
                options=lambda x: [Option(u.code, u.name) for u in c.units],
                when=lambda x: x.answers.get("audience") in WITH_UNITS,
            ),
            Step("confirm", "confirm", self.preview, options=lambda x: [Option("send", t("ann.send"))]),
        ]

    def preview(self, ctx: Ctx) -> str:
        a, audience = ctx.answers, audience_of(ctx)
        p = broadcasts.preview(ctx.session, ctx.campaign, audience)
        messages = broadcasts.messages_of(p, a["text"], photo_ref(a.get("photo")))
        headroom = headroom_text(estimate(messages, ctx.core.sending))
        units = ", ".join(unit_name(ctx.campaign, u) for u in audience.units)
        who = t(f"ann.aud.{audience.kind}") + (f": {units}" if units else "")
        return t(
            "ann.preview",
            who=who,
            members=p.members,
            groups=p.groups,
            # the bullets after the groups: the photo, then how long sending takes (and its cost)
            photo=(t("ann.with_photo") if a.get("photo") else "") + headroom,
            text=a["text"],
        )

    def finish(self, ctx: Ctx) -> Outcome:
        a = ctx.answers
        [done] = broadcasts.announce(
            ctx.uow,
            ctx.member,
            ctx.campaign,
            audience_of(ctx),
            a["text"],
            channel=ctx.event.channel,
            photo=photo_ref(a.get("photo")),
        )
        return finished(
            Text(t("ann.queued", id=done.announcement_id, members=done.members, groups=done.groups))
        )


def figures_text(ctx: Ctx, shown: list[broadcasts.Figures]) -> str:
    lines = [
        t(
            "ann.fig.line",
            id=f.announcement_id,
            at=ctx.campaign.local(f.created_at).strftime("%H:%M %d/%m"),
            text=_short(f.text),
            members=f.members,
            groups=f.groups,
            sent=f.sent,
            queued=f.queued,
            failed=f.failed,
            unreachable=f.unreachable,
        )
        + _oa_line(f)
        for f in shown
    ]
    body = "\n".join(lines) if lines else t("ann.fig.none")
    return t("ann.fig.head", body=body, unreachable=broadcasts.unreachable_members(ctx.session))


def _oa_line(f: broadcasts.Figures) -> str:
    """The Zalo OA's window, when it changed how some were delivered."""
    if not (f.templated or f.rerouted or f.outside_window):
        return ""
    return "\n" + t("ann.fig.oa", templated=f.templated, rerouted=f.rerouted, window=f.outside_window)


def _short(text: str, n: int = 40) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= n else line[: n - 1] + "…"


class Figures(Flow):
    """The figures, then «Gửi lại tin lỗi» for an announcement with failed deliveries."""

    name = "ann_figures"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return None if may(ctx.member, STAFF) else denied()

    def initial(self, ctx: Ctx, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "failed": [f.announcement_id for f in broadcasts.recent(ctx.session, ctx.campaign) if f.failed]
        }

    def steps(self, ctx: Ctx) -> list[Step]:
        return [
            Step(
                "retry",
                "choice",
                lambda x: figures_text(x, broadcasts.recent(x.session, x.campaign)),
                options=lambda x: [Option(str(i), t("ann.retry", id=i)) for i in x.answers["failed"]],
            )
        ]

    def finish(self, ctx: Ctx) -> Outcome:
        [retried] = broadcasts.retry(ctx.uow, ctx.member, int(ctx.answers["retry"]))
        return finished(Text(t("ann.retried", id=retried.announcement_id, rows=retried.rows)))


def figures(ctx: Ctx) -> Outcome | list[Reply]:
    """One screen of figures; with failed deliveries, the retry question."""
    if not may(ctx.member, STAFF):
        return denied()
    shown = broadcasts.recent(ctx.session, ctx.campaign)
    if any(f.failed for f in shown):
        return ctx.core.start_flow("ann_figures")(ctx)
    return finished(Text(figures_text(ctx, shown)))


def opt_out(ctx: Ctx) -> Outcome:
    broadcasts.set_opt_out(ctx.uow, ctx.member, True)
    return finished(Text(t("optout.done")))


def opt_in(ctx: Ctx) -> Outcome:
    broadcasts.set_opt_out(ctx.uow, ctx.member, False)
    return finished(Text(t("optin.done")))


def link_group(ctx: Ctx) -> list[Reply]:
    """/lienketthon in a village group: a head links it to their unit; staff name the unit."""
    try:
        [linked] = broadcasts.link_group(
            ctx.uow,
            ctx.member,
            ctx.campaign,
            channel=ctx.event.channel,
            chat_id=ctx.event.chat_id,
            unit_code=ctx.event.args or None,
        )
    except Refused as refusal:
        return [Text(t(refusal.key, **refusal.values))]
    return [Text(t("group.linked", unit=unit_name(ctx.campaign, linked.unit_code)))]


def install(core: Core) -> None:
    core.add_flow(Announce())
    core.add_flow(Figures())
    core.add_menu("announce", STAFF, core.start_flow("announce"))
    core.add_menu("ann_figures", STAFF, figures)
    core.add_command("thongbao", core.start_flow("announce"))
    core.add_command("ketquatin", figures)
    receiving = lambda ctx: ctx.member is not None and ctx.member.opted_out_at is None  # noqa: E731
    core.add_menu("optout", EVERYONE, opt_out, when=receiving)
    core.add_menu("optin", EVERYONE, opt_in, when=lambda ctx: not receiving(ctx))
    core.add_command("dungnhantin", opt_out)
    core.add_command("nhanlaitin", opt_in)
    core.add_group_command("lienketthon", link_group)
