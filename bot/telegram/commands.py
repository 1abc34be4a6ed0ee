"""The command menus (setMyCommands): everyone's list for every chat, and in a member's own
chat the list of their role. Both lists come from the core's one registry,
`core.command_menu(role)`.

The role shown in each chat comes from the person's own turn: the core tells the role it saw
at the end of every turn (it reads the member anyway), so a role given by an invite, on the
web console or from the command line shows in the person's menu from their next turn on,
with no database read here. Only when a turn did not say (it failed) is the role read, and
only for a chat not seen yet, a guest (who may be registering) or /start. `role_changed`
sets it directly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from messages.model import InboundEvent
from storage import members

from .inbound import CHANNEL

log = logging.getLogger(__name__)

GUEST = "guest"
MAX_CHATS = 50_000  # chats whose role is remembered


class CommandMenus:
    def __init__(self, core: Any, bot: Bot, mask: Callable[[str], str]) -> None:
        self.core = core
        self.bot = bot
        self.mask = mask
        self._roles: dict[str, str] = {}  # chat id -> the member's role, as last read
        self._shown: dict[str, tuple] = {}  # chat id -> the chat's own list (not everyone's)
        self._lists: dict[str, tuple] = {}  # role -> its own list

    def commands(self, role: str) -> list[BotCommand]:
        return [BotCommand(name, description) for name, description in self.core.command_menu(role)]

    async def set_everyones(self) -> None:
        try:
            await self.bot.set_my_commands(self.commands(GUEST))
        except TelegramError as exc:
            log.warning("telegram: setMyCommands failed: %s", self.mask(str(exc)))

    async def after_turn(self, event: InboundEvent, role: str | None = None) -> None:
        """Show the person's role's commands in their private chat (after their turn);
        `role`: the one the core saw at the end of the turn."""
        if role is None:
            role = self._roles.get(event.chat_id)
            if role is None or role == GUEST or event.command == "start":
                role = await asyncio.to_thread(self._role_of, event.user_id)
        await self.role_changed(event.chat_id, role)

    async def role_changed(self, chat_id: str, role: str) -> None:
        if len(self._roles) > MAX_CHATS:
            self._roles.clear()
            self._shown.clear()
        self._roles[chat_id] = role
        own = self._own(role)
        if own == self._shown.get(chat_id, ()):
            return
        scope = BotCommandScopeChat(int(chat_id))
        try:
            if own:
                await self.bot.set_my_commands([BotCommand(n, d) for n, d in own], scope=scope)
            else:
                await self.bot.delete_my_commands(scope=scope)
            self._shown[chat_id] = own
        except TelegramError as exc:
            log.warning("telegram: chat commands not set: %s", self.mask(str(exc)))

    def _own(self, role: str) -> tuple:
        """A role's own list, () when it is everyone's (the registry does not change while
        the bot runs: computed once a role)."""
        own = self._lists.get(role)
        if own is None:
            own = tuple(self.core.command_menu(role))
            if own == tuple(self.core.command_menu(GUEST)):
                own = ()
            self._lists[role] = own
        return own

    def _role_of(self, user_id: str) -> str:
        with Session(self.core.db) as s:
            member = members.member_by_identity(s, CHANNEL, user_id)
            return member.role if member is not None else GUEST
