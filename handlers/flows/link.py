"""Liên kết Telegram/Zalo: one person on both channels is one member. A registered member
gets a short-lived one-time link code; entered on the other channel (guest menu «Tôi có mã
mời», or /ma CODE), it attaches that channel account to the member (registration.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from storage import members
from messages.catalog import t
from messages.model import Reply, Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx

LINK_TTL = timedelta(minutes=30)


def link_code(ctx: "Ctx") -> list[Reply]:
    if ctx.member is None:
        return [Text(t("need_register")), *ctx.core.show_menu(ctx)]
    inv = members.create_invite(ctx.session, role=None, unit_code=None, now=ctx.now, ttl=LINK_TTL,
                             purpose="link", member_id=ctx.member.id, actor_id=ctx.member.id)
    expires = ctx.campaign.local(inv.expires_at).strftime("%H:%M ngày %d/%m/%Y")
    return [Text(t("link.code", code=inv.code, expires=expires)), *ctx.core.show_menu(ctx)]


def install(core: "Core") -> None:
    from handlers.core import EVERYONE

    core.add_menu("link", EVERYONE, link_code)
    core.add_command("lienket", link_code)
