"""What runs at a slot, exactly once.

Running a slot is one database transaction (in a worker thread, never in the event loop):
the Outbox rows for everyone concerned, each with a dedupe key per (slot, member, channel),
and a "slot.run" audit row. A second run of the same slot, after a restart or from a
catch-up racing the scheduler, finds the record (or the UNIQUE keys) and adds nothing. A
slot whose time passed more than `grace_hours` ago is recorded as skipped, not sent. The
channels' OutboxDispatchers then deliver, rate-limited, marking each row sent or failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from documents import chart as charts
from domain import broadcasts, campaigns, digest, reminders
from domain.campaign import Campaign
from domain.clock import Clock
from domain.refusals import Refused
from domain.units import units_for
from domain.uow import UnitOfWork
from handlers import digest as dg
from handlers import reminders as rm
from handlers.core import Core
from messages.model import reply_to_dict
from storage import campaigns as campaign_rows
from storage import conversations, members, outbox, slots

from .plan import CLOSE, DIGEST, LAUNCH, REMIND, Slot, digest_slot_at, past_slots, slot_tag

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    slot: str
    status: str  # ran | skipped | already
    queued: int = 0
    people: int = 0


class SlotRunner:
    """The slots of one campaign (by default the core's own): each open campaign of the
    commune has its runner, its slot ids tagged apart (scheduler/plan.py)."""

    def __init__(
        self,
        core: Core,
        *,
        campaign: Campaign | None = None,
        clock: Clock | None = None,
        chart_dir: Path | None = None,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self.core = core
        self.db: Engine = core.db
        self.campaign = campaign or core.campaign
        self.tag = slot_tag(self.campaign.code, core.campaign.code)
        self.clock = clock or core.clock
        self.chart_dir = chart_dir
        self.on_queued = on_queued
        self._lock = asyncio.Lock()

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.campaign.reminders.grace_hours)

    def due_at(self, s: Session, slot: Slot) -> datetime:
        """When a slot was due: its moment; but a campaign the office opened after its launch
        time («Mở đợt» on the console) has its launch due at its opening, so a campaign opened
        late is still announced (once: the launch announcement's key is unique)."""
        if slot.kind != LAUNCH:
            return slot.at
        row = campaign_rows.get(s, self.campaign.code)
        opened = row.opened_at if row is not None else None
        return max(slot.at, opened) if opened is not None else slot.at

    # -- the slot, in one transaction ---------------------------------------------------------
    def run_sync(self, slot: Slot) -> Outcome:
        now = self.clock.now()
        with Session(self.db, expire_on_commit=False) as s:
            done = slots.slot_record(s, slot.id)
            if done is not None:
                return Outcome(slot.id, "already")
            late = now - self.due_at(s, slot)
            if late > self.grace and slot.kind != CLOSE:
                # missed while the bot was down: visible in the audit log, never sent late
                slots.record_slot(
                    s,
                    slot.id,
                    ran=False,
                    now=now,
                    after={"at": slot.at.isoformat()},
                    reason=f"late by {late}, grace {self.grace}",
                )
                s.commit()
                log.warning("slot %s skipped: %s late (grace %s)", slot.id, late, self.grace)
                return Outcome(slot.id, "skipped")
            if slot.kind == CLOSE:
                items, people = self.items(s, slot, now)
                self.close_campaign(s, now)
            elif campaigns.status_of(UnitOfWork(s, now), self.campaign.code) in (None, "open"):
                items, people = self.items(s, slot, now)
            else:  # closed early, or put away, by staff: its reminders and digests stop
                items, people = [], 0
            try:
                queued = outbox.enqueue_many(s, items, now)
                slots.record_slot(
                    s,
                    slot.id,
                    ran=True,
                    now=now,
                    after={"at": slot.at.isoformat(), "queued": queued, "people": people},
                )
                s.commit()
            except IntegrityError:  # another run of this slot got there first
                s.rollback()
                return Outcome(slot.id, "already")
        log.info("slot %s ran: %s messages to %s people", slot.id, queued, people)
        return Outcome(slot.id, "ran", queued, people)

    def items(self, s: Session, slot: Slot, now: datetime) -> tuple[list[dict], int]:
        self.campaign = units_for(s, self.campaign)  # the commune's units as stored now
        if slot.kind == LAUNCH:
            prepared = broadcasts.launch_items(s, self.campaign, now=now)
            return (prepared.items, prepared.members) if prepared is not None else ([], 0)
        if slot.kind == REMIND:
            part = campaigns.participation(UnitOfWork(s, now), self.campaign.code)
            found = reminders.targets(s, self.campaign, slot.at, stale=slot.stale)
            found = [f for f in found if part.member(f.member.id)]  # of the campaign they take part in
            items = rm.reminder_items(self.core, s, found, slot.id, slot.at, self.campaign, part.by_choice)
            return items, len(found)
        if slot.kind == DIGEST:
            return self.digest_items(s, slot, now, final=False)
        if slot.kind == CLOSE:
            # "closed:2024-12-01T00:00:<member>": drafts are told once per deadline
            part = campaigns.participation(UnitOfWork(s, now), self.campaign.code)
            key = "closed" + slot.id[len(CLOSE) :]
            closed = rm.closed_items(self.core, s, key, self.campaign, part.by_choice)
            digest, staff = self.digest_items(s, slot, now, final=True)
            return closed + digest, len({i["member_id"] for i in closed}) + staff
        raise ValueError(f"unknown slot kind {slot.kind!r}")

    def digest_items(self, s: Session, slot: Slot, now: datetime, *, final: bool) -> tuple[list[dict], int]:
        staff = [m for role in sorted(digest.STAFF) for m in members.members(s, role=role)]
        if not staff:
            return [], 0
        d = digest.compute(s, self.campaign, now, final=final, sending=self.core.sending, slot_tag=self.tag)
        if not campaigns.participation(UnitOfWork(s, now), self.campaign.code).everyone():
            d.campaign_title = self.campaign.campaign.short_title  # one digest per open campaign
        idents = [(m, i) for m in staff for i in members.identities_of(s, m.id)]
        path = None
        if any(i.channel in dg.PHOTO_CHANNELS for _, i in idents):
            path = charts.chart(
                self.campaign, d, charts.chart_file(self.chart_dir, self.campaign, slot.id)
            ).path
        items = []
        for m, ident in idents:
            for n, reply in enumerate(dg.messages(self.campaign, d, ident.channel, path)):
                items.append(
                    dict(
                        member_id=m.id,
                        channel=ident.channel,
                        chat_id=ident.chat_id,
                        payload=reply_to_dict(reply),
                        dedupe_key=f"{slot.id}:{m.id}:{n}",
                    )
                )
        return items, len(staff)

    def close_campaign(self, s: Session, now: datetime) -> None:
        """The deadline passed: the campaign's row closes (no actor: the scheduler), in the
        slot's transaction. A campaign already closed by staff, or not in the table, stays."""
        try:
            campaigns.close_campaign(UnitOfWork(s, now), None, self.campaign.code)
        except Refused:
            pass

    # -- from the event loop ------------------------------------------------------------------
    async def run(self, slot: Slot) -> Outcome:
        async with self._lock:
            outcome = await asyncio.to_thread(self.run_sync, slot)
        if outcome.queued and self.on_queued is not None:
            self.on_queued()
        return outcome

    KEEP_EVENT_KEYS = timedelta(days=30)

    def housekeeping_sync(self) -> int:
        """Daily: forget processed event keys older than 30 days. Returns how many."""
        with Session(self.db) as s:
            n = conversations.prune_events(s, self.clock.now() - self.KEEP_EVENT_KEYS)
            s.commit()
        log.info("housekeeping: %s old event keys removed", n)
        return n

    async def housekeeping(self) -> int:
        return await asyncio.to_thread(self.housekeeping_sync)

    async def run_digest(self) -> Outcome | None:
        """The daily cron job: the digest slot of this moment."""
        slot = digest_slot_at(self.campaign, self.clock.now(), self.tag)
        return await self.run(slot) if slot is not None else None

    async def catch_up(self) -> list[Outcome]:
        """At start-up: slots whose time came while the bot was down (sent within the grace
        period, recorded as skipped after it; slots already handled are left alone)."""
        return [await self.run(slot) for slot in past_slots(self.campaign, self.clock.now(), self.tag)]
