"""The OA's messaging window, for messages that are not an answer to what the person just
wrote (reminders, decisions, announcements, replies that waited in the outbox).

Zalo lets an OA write free-form only within a window after the person last wrote
(ZALO_OA_WINDOW_HOURS, 48 by default; the platform answers -230 outside it). An outbox row is:
sent free-form inside the window; else sent as the template registered for its purpose
(ZALO_OA_TEMPLATES: reminder, decision, announcement; ZNS, to the person's phone); else queued
on the person's other linked channel (Telegram, the Zalo bot); else kept in the outbox as
«ngoài khung 48 giờ» (status "window"), counted on the announcement's figures and the web
console, and sent as soon as the person writes again. Never dropped, never sent in breach."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from messages.model import Question, Reply, reply_from_dict
from messages.render import render_text
from storage import outbox
from storage import zalo_oa as oa_store

from ..channel import SendError
from .client import OUT_OF_QUOTA, OUTSIDE_WINDOW, OaError

log = logging.getLogger(__name__)

SENT, TEMPLATED, REROUTED, HELD = "sent", "templated", "rerouted", oa_store.HELD
PARAM_LIMIT = 200  # a template parameter's length (ZNS parameters are short)


def purpose(key: str | None) -> str:
    """What an outbox row is for, from its key: reminder, announcement, decision or reply."""
    key = key or ""
    if key.startswith("reply:"):
        return "reply"
    if key.startswith(("remind:", "close:")):
        return "reminder"
    if key.startswith(("ann:", "honours|", "launch", "digest:")):
        return "announcement"
    return "decision"  # a submitter's own dossier: reviewed, decided, awarded


def plain(reply: Reply) -> str:
    if isinstance(reply, Question):
        return render_text(reply)
    return getattr(reply, "text", "") or getattr(reply, "caption", "") or ""


class Window:
    def __init__(self, channel: Any, hours: int, templates: dict[str, dict]) -> None:
        self.channel = channel
        self.span = timedelta(hours=hours)
        self.hours = hours
        self.templates = templates

    @property
    def note(self) -> str:
        return f"ngoài khung {self.hours} giờ"

    async def deliver(self, row: Any) -> tuple[str, str]:
        """(outcome, note) of one outbox row; SendError when it should be tried again later."""
        app = self.channel.app
        found = await asyncio.to_thread(self._person, row.chat_id)
        now = app.clock.now()
        reply = reply_from_dict(row.payload)
        last = found["last"] if found else None
        if last is not None and now - last < self.span:
            try:
                await self.channel.send(row.chat_id, reply)
                return SENT, ""
            except SendError as exc:
                if getattr(exc, "error_code", None) != OUTSIDE_WINDOW:
                    raise
        if found is None:  # an account nobody registered: nothing else to try
            return HELD, self.note
        spec = self.templates.get(purpose(row.dedupe_key))
        if spec and found["phone"]:
            try:
                await self._template(row, reply, spec, found)
                return TEMPLATED, f"mẫu {spec['id']}"
            except OaError as exc:
                if exc.retryable and exc.error_code != OUT_OF_QUOTA:
                    raise SendError(str(exc), retry_after=exc.retry_after) from None
                log.warning("zalo_oa: template %s not sent (%s); trying another way", spec["id"], exc)
        if await asyncio.to_thread(self._reroute, row, found["member_id"]):
            return REROUTED, "gửi qua kênh khác"
        return HELD, self.note

    def _person(self, chat_id: str) -> dict | None:
        with Session(self.channel.app.db) as s:
            return oa_store.person(s, self.channel.name, chat_id)

    async def _template(self, row: Any, reply: Reply, spec: dict, found: dict) -> None:
        app = self.channel.app
        values = {
            "name": found["name"],
            "text": plain(reply),
            "campaign": app.campaign.campaign.short_title,
            "phone": found["phone"],
        }
        data = {
            param: str(values.get(source, source))[:PARAM_LIMIT]
            for param, source in spec.get("params", {}).items()
        }
        phone = found["phone"].lstrip("+")
        phone = "84" + phone[1:] if phone.startswith("0") else phone
        tracking = (row.dedupe_key or f"outbox:{row.id}")[:48]
        client = self.channel.client
        await self.channel.authorised(
            lambda tok: client.template(tok, phone, str(spec["id"]), data, tracking)
        )

    def _reroute(self, row: Any, member_id: int) -> bool:
        """Queue the row on the member's other reachable accounts (once: the same key)."""
        app = self.channel.app
        base = row.dedupe_key.rpartition("|")[0] if row.dedupe_key and "|" in row.dedupe_key else None
        base = base or f"oa-window:{row.id}"
        with Session(app.db) as s:
            others = oa_store.other_chats(s, member_id, self.channel.name)
            for channel, chat_id in others:
                outbox.enqueue(
                    s,
                    member_id=member_id,
                    channel=channel,
                    chat_id=chat_id,
                    payload=row.payload,
                    now=app.clock.now(),
                    dedupe_key=base,
                )
            s.commit()
        for channel, _ in others:
            app.outbox_bell.ring(channel)
        return bool(others)
