"""Which commune a chat turn belongs to, before any Core sees it.

A bot of one commune (the commune's own bot, or a deployment serving one commune) hands every
turn to that commune: `OneCommune`. A bot shared by several communes (`SharedBot`) looks the
person up in the province's chat routes (channel, bot, user → commune) and hands the turn to
that commune's Core; every later turn of that person goes there too. A person with no route:

- `/start c-<code>` (the commune's deep link or QR code), or `/start c-<code>-<invite>` with an
  invite code, routes them there; the commune's Core then sees `/start` (with the invite code),
  as on the commune's own bot;
- someone the first commune already knows (they used the bot before it served several
  communes) is routed there without being asked;
- anyone else is asked «Bạn ở xã nào?» once: one button per commune when there are few, else
  the name typed with or without diacritics; the tap or the name routes them, and the commune
  greets them in the same turn (one message: the commune's greeting and menu).

The question and its answers are not stored in any commune (a person is in no commune yet);
they cost the person one message and are asked again after a name that matches nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.clock import Clock
from messages.catalog import t
from messages.folding import fold
from messages.model import InboundEvent, Option, Question, Reply, Text
from storage import chat_routes, members, outbox

from .channel import SendError
from .delivery import ReplySender, messages_of
from .pacing import in_lane
from .tenants import Tenant

log = logging.getLogger(__name__)

LINK_PREFIX = "c-"  # /start c-<commune code>[-<invite code>]
BUTTONS_MAX = 8  # up to this many communes, one button each; more: the name is typed
QUESTION_SEQ = 0  # the question's number on its buttons (a commune's questions count from 1)


class Routes(Protocol):
    """The province's chat routes (storage): who, on which bot, belongs to which commune."""

    def commune_of(self, channel: str, bot: str, user_id: str) -> str | None: ...

    def set_route(self, channel: str, bot: str, user_id: str, code: str, now: datetime) -> None: ...


class ChatRoutes:
    """The routes in the province registry (DATABASE_URL's database), by commune code."""

    def __init__(self, base: Engine, tenants: Mapping[str, Tenant]) -> None:
        self.base = base
        self.ids = {t.code: t.commune.id for t in tenants.values() if t.commune is not None}
        self.codes = {i: code for code, i in self.ids.items()}

    def commune_of(self, channel: str, bot: str, user_id: str) -> str | None:
        with Session(self.base) as s:
            found = chat_routes.commune_id_of(s, channel, bot, user_id)
        return self.codes.get(found) if found is not None else None

    def set_route(self, channel: str, bot: str, user_id: str, code: str, now: datetime) -> None:
        with Session(self.base) as s:
            chat_routes.set_route(s, channel, bot, user_id, self.ids[code], now)
            s.commit()


@dataclass
class Entry:
    """Where a turn goes: `tenant`'s Core with `event` (possibly rewritten: a deep link's
    commune taken off, a commune's name become `/start`), or, with no tenant, `replies` the
    door itself gives (the commune question)."""

    event: InboundEvent
    tenant: Tenant | None
    replies: list[Reply] = field(default_factory=list)


class Door(Protocol):
    async def enter(self, event: InboundEvent) -> Entry: ...


class OneCommune:
    """A bot that serves one commune: every turn is that commune's."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant

    async def enter(self, event: InboundEvent) -> Entry:
        return Entry(event, self.tenant)


class SharedBot:
    """A bot several communes share (`tenants`: code → Tenant, the first commune first)."""

    def __init__(self, tenants: Mapping[str, Tenant], routes: Routes, bot: str, clock: Clock) -> None:
        if not tenants:
            raise ValueError("a shared bot serves at least one commune")
        self.tenants = dict(tenants)
        self.first = next(iter(self.tenants.values()))
        self.routes = routes
        self.bot = bot  # the bot's own id: a person's route is per bot
        self.clock = clock

    async def enter(self, event: InboundEvent) -> Entry:
        return await asyncio.to_thread(self.enter_sync, event)

    def enter_sync(self, event: InboundEvent) -> Entry:
        linked = self._deep_link(event)
        if linked is not None:
            return linked
        code = self.routes.commune_of(event.channel, self.bot, event.user_id)
        tenant = self.tenants.get(code or "")
        if tenant is not None:
            return Entry(event, tenant)
        if self._known_to_first(event):
            return self._route(event, self.first, event)
        if event.chat_type != "private":
            return Entry(event, None)  # a group: nothing is asked there
        if event.kind == "choice" and (event.choice or "").startswith(LINK_PREFIX):
            chosen = self.tenants.get((event.choice or "")[len(LINK_PREFIX) :])
            if chosen is not None:
                return self._route(event, chosen, greeting(event))
        if event.kind == "text" and event.text:
            return self._typed(event, event.text)
        return Entry(event, None, [self.question()])

    # -- the ways in ---------------------------------------------------------------------------
    def _deep_link(self, event: InboundEvent) -> Entry | None:
        """/start c-<code>[-<invite>]: the commune of the link, whoever the person is."""
        if event.kind != "command" or event.command != "start" or not event.args.startswith(LINK_PREFIX):
            return None
        body = event.args[len(LINK_PREFIX) :].strip()
        for code in sorted(self.tenants, key=len, reverse=True):  # "tan-an" before "tan"
            if body == code or body.startswith(code + "-"):
                invite = body[len(code) + 1 :]
                return self._route(event, self.tenants[code], dataclasses.replace(event, args=invite))
        routed = self.routes.commune_of(event.channel, self.bot, event.user_id)
        if routed in self.tenants:  # an old link: the person stays in their commune
            return Entry(dataclasses.replace(event, args=""), self.tenants[routed])
        return Entry(event, None, [Text(t("province.link_unknown")), self.question()])

    def _typed(self, event: InboundEvent, text: str) -> Entry:
        found = self.matching(text)
        if len(found) == 1:
            return self._route(event, found[0], greeting(event))
        shown = text.strip()[:40]
        if found:
            return Entry(
                event, None, [self.question(found, t("province.several", count=len(found), text=shown))]
            )
        return Entry(event, None, [Text(t("province.not_found", text=shown)), self.question()])

    def _route(self, event: InboundEvent, tenant: Tenant, then: InboundEvent) -> Entry:
        self.routes.set_route(event.channel, self.bot, event.user_id, tenant.code, self.clock.now())
        return Entry(then, tenant)

    def _known_to_first(self, event: InboundEvent) -> bool:
        """Whether the first commune has this person already (from before it shared the bot)."""
        with Session(self.first.db) as s:
            return members.identity(s, event.channel, event.user_id) is not None

    # -- the question --------------------------------------------------------------------------
    def matching(self, text: str) -> list[Tenant]:
        """The communes a typed answer names: its number among the buttons (few communes), its
        name with or without «xã» and diacritics, or its code; failing that, the communes whose
        name holds the typed words."""
        raw = text.strip().rstrip(".")
        listed = list(self.tenants.values())
        if raw.isdigit() and len(listed) <= BUTTONS_MAX:
            i = int(raw)
            return [listed[i - 1]] if 1 <= i <= len(listed) else []
        key = bare(text)
        if not key:
            return []
        exact = [c for c in listed if key in (bare(c.name), fold(c.code.replace("-", " ")))]
        if exact:
            return exact
        return [c for c in listed if f" {key} " in f" {bare(c.name)} "] if len(key) >= 3 else []

    def question(self, among: list[Tenant] | None = None, text: str | None = None) -> Reply:
        communes = among if among is not None else list(self.tenants.values())
        if len(communes) > BUTTONS_MAX:
            return Text(t("province.ask_typed", example=self.first.name))
        options = [Option(f"{LINK_PREFIX}{c.code}", c.name) for c in communes]
        return Question(
            text=text or t("province.ask"),
            options=options,
            seq=QUESTION_SEQ,
            hint=t("hint.choice", first=1, last=len(options)),
        )


def bare(name: str) -> str:
    """A commune's name as compared: folded, without a leading «xã» / «UBND xã»."""
    key = fold(name)
    for prefix in ("ubnd xa ", "xa "):
        key = key.removeprefix(prefix)
    return key


def greeting(event: InboundEvent) -> InboundEvent:
    """The turn as the commune's Core sees it once the person chose the commune: /start."""
    return dataclasses.replace(
        event, kind="command", command="start", args="", text=None, choice=None, seq=None
    )


async def send_at_the_door(sender: ReplySender, chat_id: str, replies: list[Reply]) -> None:
    """The door's own replies, sent at once in the replies' lane; one that cannot go is given
    up (nothing of it is stored: the person asks again, and is asked again)."""
    pieces = messages_of(sender, [r for r in replies if not (isinstance(r, Text) and r.toast)])
    for i, piece in enumerate(pieces):
        try:
            with in_lane(outbox.LANE_REPLY, chat_id):
                await sender.send_piece(chat_id, piece, last=i == len(pieces) - 1)
        except SendError as exc:
            log.warning("%s: the commune question to chat %s not sent: %s", sender.name, chat_id, exc)
            return
