"""Command line: run, chat, invite, migrate (and the staff tools added beside them)."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from datetime import timedelta

from sqlmodel import Session

from messages.catalog import t
from storage import members
from .app import build, setup_logging
from .channel import StartupError
from .settings import SettingsError, load_settings

log = logging.getLogger("thidua")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="Thi đua bot")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="serve the configured channels; the console demo when none is set")
    chat = sub.add_parser("chat", help="talk to the bot in this terminal, on the configured database")
    chat.add_argument("--user", required=True, help="a user id for this console user")
    chat.add_argument("--name", default=None, help="display name")
    chat.add_argument("--demo", action="store_true", help="use the demo database and deadline")
    inv = sub.add_parser("invite", help="print a one-time invite code for a unit head or staff")
    inv.add_argument("--unit", required=True, help="unit code from the campaign file (e.g. T01)")
    inv.add_argument("--role", required=True, choices=["head", "staff", "admin"])
    inv.add_argument("--days", type=int, default=7, help="days until the code expires (default 7)")
    inv.add_argument("--demo", action="store_true", help="for the demo database")
    sub.add_parser("migrate", help="apply database migrations and exit")
    for extra in EXTRA_COMMANDS:
        extra(sub)
    return p


# Other modules (scheduler, exports, channels) add subcommands here: fn(subparsers) that
# registers a parser with set_defaults(handler=callable(args, settings) -> int).
EXTRA_COMMANDS: list = []


def _schedule_commands(sub) -> None:
    from .schedule import add_commands  # remind --dry-run, digest (issue 6)

    add_commands(sub)


EXTRA_COMMANDS.append(_schedule_commands)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        setup_logging(settings)
        if args.command in (None, "run"):
            from .run import run

            return run(settings)
        if args.command == "chat":
            from .console import run_console

            app = build(settings, demo=args.demo)
            run_console(app.core, args.user, args.name)
            return 0
        if args.command == "invite":
            return _invite(settings, args)
        if args.command == "migrate":
            build(settings)
            print("OK")
            return 0
        handler = getattr(args, "handler", None)
        if handler is not None:
            return handler(args, settings)
    except (SettingsError, StartupError) as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    return 0


def _invite(settings, args) -> int:
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
    return 0


# Channels that can turn a code into a link (Telegram deep links) append a function here.
INVITE_LINKS: list = []


def _telegram_invite_link(settings, code: str) -> str | None:
    if settings.telegram_bot_token is None:
        return None
    from .telegram import invite_link

    return invite_link(settings, code)


INVITE_LINKS.append(_telegram_invite_link)


def invite_links(settings, code: str) -> list[str]:
    links = []
    for fn in INVITE_LINKS:
        try:
            link = fn(settings, code)
        except Exception as exc:  # noqa: BLE001 - a link is a convenience; the code still works
            log.warning("could not make an invite link: %s", exc)
            continue
        if link:
            links.append(link)
    return links


def default_console_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "demo"


from . import export_cli  # noqa: E402,F401  (issue 7: python -m bot export)
from .broadcast_cli import register as _broadcast_commands  # noqa: E402

EXTRA_COMMANDS.append(_broadcast_commands)
