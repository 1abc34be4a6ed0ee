"""Invite deep links: https://t.me/<bot username>?start=<code>."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger("thidua")


def invite_link(settings: Any, code: str) -> str | None:
    """The deep link for an invite code, asking getMe for the username (None without a token)."""
    if settings.telegram_bot_token is None:
        return None
    from telegram import Bot

    async def username() -> str:
        async with Bot(
            settings.telegram_bot_token.get_secret_value(),
            base_url=settings.telegram_base_url,
            base_file_url=settings.telegram_base_file_url,
        ) as bot:
            return bot.username

    return f"https://t.me/{asyncio.run(username())}?start={code}"


def invite_links(settings, code: str) -> list[str]:
    """Links that open the bot with the code (Telegram deep links; Zalo has none)."""
    if settings.telegram_bot_token is None:
        return []
    try:
        link = invite_link(settings, code)
    except Exception as exc:
        log.warning("could not make an invite link: %s", exc)
        return []
    return [link] if link else []
