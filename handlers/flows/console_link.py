"""«Mở trang quản lý» (/web): staff, admins and council members get a one-time sign-in link to
the web console (10 minutes, a few an hour); residents and unit heads are told it is not for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import console
from domain.refusals import Refused
from domain.roles import CONSOLE, may
from handlers.outcomes import Outcome, finished, refused
from messages.catalog import t
from messages.model import Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx


def console_link(ctx: Ctx) -> Outcome:
    if not may(ctx.member, CONSOLE):
        return refused(t("web.no_console"))
    try:
        issued = console.issue_link(ctx.uow, ctx.member, member=ctx.member)
    except Refused as exc:
        return refused(exc)
    return finished(Text(t("web.link", link=f"{ctx.core.console_url}/vao/{issued.token}")))


def install(core: Core) -> None:
    core.add_menu("web", CONSOLE, console_link)
    core.add_command("web", console_link)
