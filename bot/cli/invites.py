"""python -m bot invite: a one-time invite code (and its Telegram deep link when a token is set)."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from sqlmodel import Session

from messages.catalog import t
from storage import members

from ..bootstrap import build
from ..telegram.links import invite_links

log = logging.getLogger("thidua")


def add_parsers(sub) -> None:
    inv = sub.add_parser("invite", help="print a one-time invite code for a unit head or staff")
    inv.add_argument("--unit", required=True, help="unit code from the campaign file (e.g. T01)")
    inv.add_argument("--role", required=True, choices=["head", "staff", "admin"])
    inv.add_argument("--days", type=int, default=7, help="days until the code expires (default 7)")
    inv.add_argument("--demo", action="store_true", help="for the demo database")
    inv.add_argument("--web", action="store_true",
                     help="staff/admin: also a one-time link to the web console (asks the name on first use)")
    inv.set_defaults(handler=invite)


def invite(args, settings) -> int:
    app = build(settings, demo=args.demo)
    if not app.campaign.has_unit(args.unit):
        codes = ", ".join(u.code for u in app.campaign.units)
        print(f"--unit: unknown unit {args.unit!r}; one of: {codes}", file=sys.stderr)
        return 2
    now = app.clock.now()
    with Session(app.db, expire_on_commit=False) as s:
        inv = members.create_invite(s, role=args.role, unit_code=args.unit, now=now,
                                    ttl=timedelta(days=args.days))
        s.commit()
    expires = app.campaign.local(inv.expires_at).strftime("%H:%M %d/%m/%Y")
    print(t("cli.invite", code=inv.code, role=t(f"role.{args.role}"),
            unit=app.campaign.unit(args.unit).name, expires=expires))
    for link in invite_links(settings, inv.code):
        print(link)
    if args.web:
        return web_link(app, args)
    return 0


def web_link(app, args) -> int:
    """A sign-in link to the web console that makes its first user a member with this role."""
    from storage import weblogin
    from web.app import console_from

    if args.role not in ("staff", "admin"):
        print("--web: only for --role staff or admin (the web console is for the office)", file=sys.stderr)
        return 2
    with Session(app.db, expire_on_commit=False) as s:
        token = weblogin.issue_link(s, now=app.clock.now(), role=args.role, unit_code=args.unit,
                                    ttl=timedelta(days=args.days))
        s.commit()
    print(t("cli.web_link", link=console_from(app).link(token), days=args.days))
    return 0
