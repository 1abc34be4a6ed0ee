"""python -m bot invite: a one-time invite code (and its Telegram deep link when a token is set)."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from domain.members import issue_invite
from domain.uow import UnitOfWork
from messages.catalog import t

from ..bootstrap import build

log = logging.getLogger("thidua")


def add_parsers(sub) -> None:
    inv = sub.add_parser("invite", help="print a one-time invite code for a unit head or staff")
    inv.add_argument("--unit", required=True, help="unit code from the campaign file (e.g. T01)")
    inv.add_argument("--role", required=True, choices=["head", "staff", "admin"])
    inv.add_argument("--days", type=int, default=7, help="days until the code expires (default 7)")
    inv.add_argument("--demo", action="store_true", help="for the demo database")
    inv.set_defaults(handler=invite)


def invite(args, settings) -> int:
    app = build(settings, demo=args.demo)
    if not app.campaign.has_unit(args.unit):
        codes = ", ".join(u.code for u in app.campaign.units)
        print(f"--unit: unknown unit {args.unit!r}; one of: {codes}", file=sys.stderr)
        return 2
    now = app.clock.now()
    with UnitOfWork.begin(app.db, now) as uow:
        [inv] = issue_invite(uow, None, role=args.role, unit_code=args.unit, ttl=timedelta(days=args.days))
        uow.commit()
    expires = app.campaign.local(inv.expires_at).strftime("%H:%M %d/%m/%Y")
    print(t("cli.invite", code=inv.code, role=t(f"role.{args.role}"),
            unit=app.campaign.unit(args.unit).name, expires=expires))
    for link in invite_links(settings, inv.code):
        print(link)
    return 0


def invite_links(settings, code: str) -> list[str]:
    """Links that open the bot with the code (Telegram deep links; Zalo has none)."""
    if settings.telegram_bot_token is None:
        return []
    from ..telegram import invite_link

    try:
        link = invite_link(settings, code)
    except Exception as exc:  # noqa: BLE001 - a link is a convenience; the code still works
        log.warning("could not make an invite link: %s", exc)
        return []
    return [link] if link else []
