"""Liên kết Telegram/Zalo: one person on both channels is one member. A registered member
gets a short-lived one-time link code; entered on the other channel (guest menu «Tôi có mã
mời», or /ma CODE), it attaches that channel account to the member (registration.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import members
from handlers.outcomes import Outcome, finished
from messages.catalog import t
from messages.model import Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx


def link_code(ctx: Ctx) -> Outcome:
    [issued] = members.issue_link_code(ctx.uow, ctx.member)
    expires = ctx.campaign.local(issued.expires_at).strftime("%H:%M ngày %d/%m/%Y")
    return finished(Text(t("link.code", code=issued.code, expires=expires)))


def install(core: Core) -> None:
    from domain.roles import EVERYONE

    core.add_menu("link", EVERYONE, link_code)
    core.add_command("lienket", link_code)
