"""Announcements to audiences (plan IV.1–IV.3): who an audience is, what is queued, the figures;
opting out of them, village groups linked to units, chats that blocked the bot.

An announcement is queued through the outbox, one row per reachable channel account of each
member (and one per linked village group), keyed "ann:<id>:m<member>" / "ann:<id>:g<group>",
so a second run, a restart or two processes queue nothing twice. Members who chose «Dừng nhận
tin» and accounts that blocked the bot are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from domain.campaign import Campaign
from domain.reminders import DRAFT_FLOWS
from messages.model import Photo, Text, reply_to_dict
from storage import announcements as store
from storage.audit import audit
from storage.models import Announcement, Identity, Member
from storage.outbox import enqueue_many

from .events import Announced, DeliveriesRetried, Event, GroupLinked, OptOutChanged, ReachableAgain
from .refusals import Refused
from .roles import STAFF, is_head, is_staff, require, require_member
from .uow import UnitOfWork

KINDS = ("all", "unit", "heads", "residents", "drafts", "no-submission")  # in the order staff choose
WITH_UNITS = ("unit", "residents")  # audiences that name units
PHOTO_CAPTION_MAX = 1024  # Telegram's caption limit; a longer text goes as its own message


class AudienceError(ValueError):
    """An audience that cannot be used (command line); the message says what is accepted."""


@dataclass(frozen=True)
class Audience:
    kind: str  # one of KINDS
    units: tuple[str, ...] = field(default=())

    @classmethod
    def parse(cls, spec: str, campaign: Campaign) -> Audience:
        """ "all", "heads", "drafts", "no-submission", "unit:T01,T02", "residents:T01"."""
        kind, _, rest = spec.strip().lower().partition(":")
        if kind not in KINDS:
            raise AudienceError(
                f"unknown audience {spec!r}: use all, heads, unit:T01, residents:T01, drafts or no-submission"
            )
        units = tuple(u.strip().upper() for u in rest.split(",") if u.strip())
        if kind in WITH_UNITS:
            if not units:
                raise AudienceError(f"{kind} needs unit codes, e.g. {kind}:T01")
            unknown = [u for u in units if not campaign.has_unit(u)]
            if unknown:
                raise AudienceError(f"unknown unit {', '.join(unknown)}")
        elif units:
            raise AudienceError(f"{kind} takes no units")
        return cls(kind, units)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "units": list(self.units)}

    def members(self, s: Session, campaign: Campaign) -> SelectOfScalar[int]:
        """A select of the ids of the members the audience names."""
        units = self.units or None
        if self.kind == "heads":
            return store.audience_members(s, campaign_code=campaign.code, roles=["head"])
        if self.kind == "unit":
            return store.audience_members(s, campaign_code=campaign.code, units=units)
        if self.kind == "residents":
            return store.audience_members(s, campaign_code=campaign.code, roles=["resident"], units=units)
        if self.kind == "drafts":
            return store.audience_members(s, campaign_code=campaign.code, in_flows=DRAFT_FLOWS)
        if self.kind == "no-submission":
            return store.audience_members(
                s, campaign_code=campaign.code, roles=["resident", "head"], without_submission=True
            )
        return store.audience_members(s, campaign_code=campaign.code)

    def group_units(self) -> tuple[str, ...] | None:
        """Linked village groups that hear this audience: a unit's groups for a unit audience,
        every group for everyone; none for personal audiences (heads, drafts...)."""
        if self.kind == "unit":
            return self.units
        if self.kind == "all":
            return None
        return ()


@dataclass(frozen=True)
class Preview:
    members: int
    groups: int


def preview(s: Session, campaign: Campaign, audience: Audience) -> Preview:
    members = store.count_reachable_members(s, audience.members(s, campaign))
    units = audience.group_units()
    groups = 0 if units == () else len(store.groups_of(s, units))
    return Preview(members, groups)


def messages_of(p: Preview, text: str, photo: str | None) -> int:
    """The messages an announcement sends: each member's pieces, one for each group."""
    return (p.members + p.groups) * len(_payloads(text, photo))


def _payloads(text: str, photo: str | None) -> list[tuple[str, dict[str, Any]]]:
    """(key suffix, payload) of the messages one recipient gets, in order."""
    if photo is None:
        return [("", reply_to_dict(Text(text)))]
    if len(text) <= PHOTO_CAPTION_MAX:
        return [("", reply_to_dict(Photo(ref=photo, caption=text)))]
    return [(":photo", reply_to_dict(Photo(ref=photo))), ("", reply_to_dict(Text(text)))]


@dataclass
class Prepared:
    """An announcement row and its outbox items, not queued yet."""

    announcement: Announcement
    items: list[dict[str, Any]]
    members: int
    groups: int

    def event(self, rows: int) -> Announced:
        a = self.announcement
        return Announced(
            at=a.created_at,
            actor_id=a.created_by,
            announcement_id=a.id,
            kind=a.kind,
            members=self.members,
            groups=self.groups,
            rows=rows,
        )


def prepare(
    uow: UnitOfWork,
    campaign: Campaign,
    audience: Audience,
    text: str,
    *,
    actor_id: int | None,
    channel: str,
    photo: str | None = None,
    kind: str = "announce",
    key: str | None = None,
) -> Prepared:
    """The announcement row (audited: who, when, audience, text, counts) and one outbox item
    per reachable account and linked group."""
    s, now = uow.session, uow.now
    text = text.strip()
    if not text:
        raise Refused("ann.empty")
    ann = store.add(
        s,
        Announcement(
            campaign_code=campaign.code,
            kind=kind,
            audience=audience.as_dict(),
            text=text,
            photo=photo,
            created_by=actor_id,
            channel=channel,
            key=key,
            created_at=now,
        ),
    )
    prefix = store.delivery_prefix(ann.id)
    payloads = _payloads(text, photo)
    items: list[dict[str, Any]] = []
    members: set[int] = set()
    for member_id, ch, chat in store.reachable_identities(s, audience.members(s, campaign)):
        members.add(member_id)
        items += [
            dict(
                member_id=member_id,
                channel=ch,
                chat_id=chat,
                payload=payload,
                dedupe_key=f"{prefix}m{member_id}{suffix}",
            )
            for suffix, payload in payloads
        ]
    units = audience.group_units()
    groups = [] if units == () else store.groups_of(s, units)
    for g in groups:
        items += [
            dict(
                member_id=None,
                channel=g.channel,
                chat_id=g.chat_id,
                payload=payload,
                dedupe_key=f"{prefix}g{g.id}{suffix}",
            )
            for suffix, payload in payloads
        ]
    ann.recipients, ann.groups = len(members), len(groups)
    s.add(ann)
    audit(
        s,
        actor_id=actor_id,
        action=f"{kind}.send",
        entity="announcement",
        entity_id=ann.id,
        after={
            "audience": audience.as_dict(),
            "text": text,
            "photo": photo,
            "members": len(members),
            "groups": len(groups),
            "rows": len(items),
            "channel": channel,
        },
        now=now,
    )
    return Prepared(ann, items, len(members), len(groups))


def announce(
    uow: UnitOfWork,
    actor: Member | None,
    campaign: Campaign,
    audience: Audience,
    text: str,
    *,
    channel: str,
    photo: str | None = None,
) -> list[Event]:
    """Queue an announcement for its audience, once per account (staff in chat or on the web;
    `actor` None: the command line, run by whoever runs the server)."""
    actor_id = None if actor is None else require(actor, STAFF).id
    p = prepare(uow, campaign, audience, text, actor_id=actor_id, channel=channel, photo=photo)
    rows = enqueue_many(uow.session, p.items, uow.now)
    return uow.record([p.event(rows)])


@dataclass(frozen=True)
class Figures:
    announcement_id: int
    members: int
    groups: int
    queued: int
    sent: int
    failed: int
    unreachable: int
    kind: str = "announce"
    # Zalo OA: sent as a template, queued on the person's other channel, or waiting outside
    # the OA's window («ngoài khung 48 giờ») until they write again
    templated: int = 0
    rerouted: int = 0
    outside_window: int = 0
    text: str = ""
    created_at: datetime | None = None


def figures(s: Session, ann_id: int) -> Figures | None:
    ann = store.get(s, ann_id)
    return None if ann is None else _figures(ann, store.delivery_counts(s, ann_id))


def _figures(ann: Announcement, c: dict[str, int]) -> Figures:
    return Figures(
        ann.id,
        ann.recipients,
        ann.groups,
        queued=c.get("pending", 0),
        sent=c.get("sent", 0),
        failed=c.get("failed", 0),
        unreachable=c.get("unreachable", 0),
        templated=c.get("templated", 0),
        rerouted=c.get("rerouted", 0),
        outside_window=c.get("window", 0),
        kind=ann.kind,
        text=ann.text,
        created_at=ann.created_at,
    )


def recent(s: Session, campaign: Campaign, limit: int = 5) -> list[Figures]:
    """The latest announcements of the campaign, newest first, with their figures."""
    return [_figures(a, store.delivery_counts(s, a.id)) for a in store.latest(s, campaign.code, limit)]


def unreachable_members(s: Session) -> int:
    """Members whose every chat refused delivery (they blocked the bot); members with no chat
    account are not among them."""
    return store.count_unreachable_members(s)


def retry(uow: UnitOfWork, actor: Member | None, ann_id: int) -> list[Event]:
    """«Gửi lại tin lỗi»: the failed deliveries go back to the queue (blocked chats do not)."""
    actor_id = None if actor is None else require(actor, STAFF).id
    if store.get(uow.session, ann_id) is None:
        raise Refused("ann.unknown", id=ann_id)
    n = store.retry_failed(uow.session, ann_id, uow.now)
    audit(
        uow.session,
        actor_id=actor_id,
        action="announce.retry",
        entity="announcement",
        entity_id=ann_id,
        after={"rows": n},
        now=uow.now,
    )
    return uow.record([DeliveriesRetried(at=uow.now, actor_id=actor_id, announcement_id=ann_id, rows=n)])


def launch_text(campaign: Campaign) -> str:
    """The campaign file's launch text with the campaign's facts filled in."""
    deadline = campaign.deadline_local.strftime("%H:%M ngày %d/%m/%Y")
    categories = "\n".join(f"• {c.label}" for c in campaign.categories)
    return campaign.launch.text.format(
        title=campaign.campaign.short_title,
        theme=campaign.campaign.theme,
        categories=categories,
        deadline=deadline,
        organiser=campaign.organiser.short_name,
    )


def launch_items(s: Session, campaign: Campaign, *, now: datetime) -> Prepared | None:
    """The launch announcement to every member, once per campaign (None when already made);
    the scheduler queues its items with the slot's record, in one transaction."""
    if store.launched(s, campaign.code) is not None:
        return None
    return prepare(
        UnitOfWork(s, now),
        campaign,
        Audience("all"),
        launch_text(campaign),
        actor_id=None,
        channel="scheduler",
        kind="launch",
        key=f"launch:{campaign.code}",
    )


def set_opt_out(uow: UnitOfWork, member: Member | None, opted_out: bool) -> list[Event]:
    """«Dừng nhận tin» / «Nhận lại tin»: announcements and reminders stop or come back;
    decisions about the member's own dossiers are delivered either way."""
    member = require_member(member)
    if (member.opted_out_at is not None) == opted_out:
        return []
    store.set_opt_out(uow.session, member, opted_out, uow.now)
    audit(
        uow.session,
        actor_id=member.id,
        action="member.opt_out" if opted_out else "member.opt_in",
        entity="member",
        entity_id=member.id,
        now=uow.now,
    )
    return uow.record(
        [OptOutChanged(at=uow.now, actor_id=member.id, member_id=member.id, opted_out=opted_out)]
    )


def link_group(
    uow: UnitOfWork,
    actor: Member | None,
    campaign: Campaign,
    *,
    channel: str,
    chat_id: str,
    unit_code: str | None = None,
    title: str | None = None,
) -> list[Event]:
    """A village group linked to a unit: a head links it to their own unit; staff name one."""
    if is_head(actor) and actor.unit_code:
        unit_code = actor.unit_code
    elif is_staff(actor):
        if not unit_code:
            raise Refused("group.which_unit")
        unit_code = unit_code.strip().upper()
        if not campaign.has_unit(unit_code):
            raise Refused("group.bad_unit", unit=unit_code)
    else:
        raise Refused("group.denied")
    link = store.link_group(
        uow.session,
        channel=channel,
        chat_id=chat_id,
        unit_code=unit_code,
        title=title,
        member_id=actor.id,
        now=uow.now,
    )
    audit(
        uow.session,
        actor_id=actor.id,
        action="group.link",
        entity="group",
        entity_id=link.id,
        after={"channel": channel, "chat": chat_id, "unit": unit_code},
        now=uow.now,
    )
    return uow.record(
        [GroupLinked(at=uow.now, actor_id=actor.id, group_id=link.id, channel=channel, unit_code=unit_code)]
    )


def reachable_again(uow: UnitOfWork, ident: Identity | None) -> list[Event]:
    """A chat that had blocked the bot wrote to it (`ident`: the identity it wrote from, the
    turn has it already): announcements and reminders reach it again."""
    if ident is None or ident.unreachable_at is None:
        return []
    channel = ident.channel
    ident.unreachable_at = None
    uow.session.add(ident)
    audit(
        uow.session,
        actor_id=ident.member_id,
        action="identity.reachable",
        entity="member",
        entity_id=ident.member_id,
        after={"channel": channel},
        now=uow.now,
    )
    return uow.record(
        [ReachableAgain(at=uow.now, actor_id=ident.member_id, member_id=ident.member_id, channel=channel)]
    )
