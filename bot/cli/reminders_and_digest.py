"""python -m bot remind --dry-run | digest: who would be reminded at a moment and why, and the
staff digest (the scheduler itself sends both in `run`)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from documents import chart as charts
from domain import digest, reminders
from handlers import digest as dg
from handlers import reminders as rm
from messages.catalog import t
from scheduler.plan import reminder_slot_at, slot_tag

from ..bootstrap import App, build
from ..settings import sane_moment
from .campaign_option import CampaignOptionError, add_option, campaign_of


def _campaign(app: App, args) -> App:
    """The app serving the campaign --campaign names (default: the open one): its own slots."""
    try:
        campaign = campaign_of(app, args.campaign)
    except CampaignOptionError as exc:
        raise SystemExit(str(exc)) from None
    return App(
        settings=app.settings, db=app.db, campaign=campaign, core=app.core, clock=app.clock, demo=app.demo
    )


def _moment(app: App, raw: str | None) -> datetime:
    if not raw:
        return app.clock.now()
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise SystemExit(f"--at: not an ISO-8601 moment: {raw!r} (e.g. 2024-11-27T08:00)") from None
    sane_moment("--at", at)
    return (at if at.tzinfo else at.replace(tzinfo=app.campaign.tz)).astimezone(app.campaign.tz)


def _stamp(app: App, at: datetime) -> str:
    return app.campaign.local(at).strftime("%H:%M %d/%m/%Y")


def remind_command(args, settings) -> int:
    if not args.dry_run:
        print(
            "remind: only --dry-run is supported here; the scheduler sends reminders in `make run`.",
            file=sys.stderr,
        )
        return 2
    own = build(settings, demo=args.demo)
    app = _campaign(own, args)
    at = _moment(app, args.at)
    slot = reminder_slot_at(app.campaign, at, slot_tag(app.campaign.code, own.campaign.code))
    with Session(app.db) as s:
        found = reminders.targets(s, app.campaign, at, stale=bool(slot and slot.stale))
        if not found:
            print(t("remind.cli_none", at=_stamp(app, at)))
            return 0
        print(t("remind.cli_head", at=_stamp(app, at), slot=slot.id if slot else "-"))
        for target in found:
            m = target.member
            unit = (
                app.campaign.unit(m.unit_code).name
                if m.unit_code and app.campaign.has_unit(m.unit_code)
                else "-"
            )
            print(
                t(
                    "remind.cli_line",
                    name=m.full_name,
                    role=t(f"role.{m.role}"),
                    unit=unit,
                    id=m.id,
                    why=rm.why(app.campaign, target),
                )
            )
        s.rollback()  # a dry run writes nothing
    return 0


def digest_command(args, settings) -> int:
    own = build(settings, demo=args.demo)
    app = _campaign(own, args)
    at = _moment(app, args.at)
    final, tag = not app.campaign.is_open(at), slot_tag(app.campaign.code, own.campaign.code)
    with Session(app.db) as s:
        d = digest.compute(s, app.campaign, at, final=final, sending=app.core.sending, slot_tag=tag)
        print(dg.text_table(app.campaign, d))
        if args.chart:
            c = charts.chart(app.campaign, d, Path(args.chart))
            print(c.path)
    return 0


def add_parsers(sub) -> None:
    r = sub.add_parser("remind", help="who would be reminded at a moment, and why (no sending)")
    r.add_argument("--dry-run", action="store_true", help="print, do not send or write")
    r.add_argument("--at", default=None, help="ISO-8601 moment (local time if no offset); default now")
    r.add_argument("--demo", action="store_true", help="on the demo database and campaign (as `make run`)")
    add_option(r)
    r.set_defaults(handler=remind_command)
    d = sub.add_parser("digest", help="print the staff digest")
    d.add_argument("--at", default=None, help="ISO-8601 moment (local time if no offset); default now")
    d.add_argument("--chart", default=None, help="also write the PNG bar chart to this path")
    d.add_argument("--demo", action="store_true", help="on the demo database and campaign (as `make run`)")
    add_option(d)
    d.set_defaults(handler=digest_command)
