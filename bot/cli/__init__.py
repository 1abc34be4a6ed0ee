"""Command line: python -m bot (also the `thidua-bot` command).

One module per command family, each adding its argparse subparsers with
set_defaults(handler=callable(args, settings) -> exit code):
serving (run, chat, migrate), invites (invite), exports (export), reminders_and_digest
(remind --dry-run, digest), broadcasts (announce, invitation), zalo_oa (zalo-oa token),
campaigns (campaign list|add|update|open|close|decide|archive|export).
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from ..backup import BackupError
from ..backup import add_parsers as backup_parsers
from ..channel import StartupError
from ..gc_pause import resume
from ..logging_setup import setup_logging
from ..settings import SettingsError, load_settings
from . import broadcasts, campaigns, exports, invites, reminders_and_digest, serving, zalo_oa


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="Thi đua bot")
    sub = p.add_subparsers(dest="command")
    serving.add_parsers(sub)
    invites.add_parsers(sub)
    reminders_and_digest.add_parsers(sub)
    exports.add_parsers(sub)
    broadcasts.add_parsers(sub)
    zalo_oa.add_parsers(sub)
    campaigns.add_parsers(sub)
    backup_parsers(sub)
    return p


def database_problem(exc: Exception) -> str:
    """One line naming DATABASE_URL and the driver's first line (never the URL's password)."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = detail[0] if detail else type(exc).__name__
    return f"DATABASE_URL: the database cannot be used ({first[:200]})"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = getattr(args, "handler", serving.run)  # no command: `run`
    if handler is not serving.run:
        resume()  # `run` resumes collection once serving has answered (bot/gc_pause.py)
    try:
        settings = load_settings()
        # serving and migrating say how they are doing; the other commands print their result
        setup_logging(settings, one_shot=handler not in (serving.run, serving.migrate))
        return handler(args, settings)
    except (SettingsError, StartupError) as exc:
        print(exc.message, file=sys.stderr)
        return exc.code if isinstance(exc.code, int) else 1
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:  # an unreachable or wrong database: one line, no traceback
        print(database_problem(exc), file=sys.stderr)
        return 1
    except OSError as exc:  # a file the command was told to write or read (--out, --chart)
        where = f" «{exc.filename}»" if exc.filename else ""
        print(f"Không ghi hoặc đọc được tệp{where}: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
