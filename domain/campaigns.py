"""The commune's campaigns over time: each is a row of the `campaign` table made from its TOML
text (the campaign file's format, validated by the same loader), with a lifecycle:

    draft → open → closed → decided → archived

Staff save drafts and open them; the deadline job closes a campaign (or staff, early); staff
mark it decided after the chairman's decision and archive it. Every move is one conditional
UPDATE (on the status, and on the version the caller saw when it says so): of two clerks
pressing «Mở đợt» at once, one opens it and the other is told it moved.

An actor is a staff member (chat, the web console); None is the command line, the start-up
or the scheduler, as for the other operations the office runs from a terminal.

Reads parse a campaign once per (code, version): a turn reads the few keys, not the texts."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from messages.catalog import t
from storage import campaigns as rows
from storage.audit import audit
from storage.models import CampaignRecord, Member

from .campaign import Campaign, CampaignError, parse_campaign_text
from .events import Event
from .refusals import Refused
from .roles import STAFF, require
from .uow import UnitOfWork

# the campaigns a person can take part in, and those the office still works on after the deadline
OPEN = ("open",)
AFTER_DEADLINE = ("closed", "decided")


@dataclass(frozen=True)
class CampaignSaved(Event):
    code: str
    version: int
    created: bool


@dataclass(frozen=True)
class CampaignMoved(Event):
    code: str
    from_status: str
    to_status: str


@dataclass(frozen=True)
class CampaignOpened(CampaignMoved):
    pass


@dataclass(frozen=True)
class CampaignClosed(CampaignMoved):
    pass


@dataclass(frozen=True)
class CampaignDecided(CampaignMoved):
    pass


@dataclass(frozen=True)
class CampaignArchived(CampaignMoved):
    pass


# -- reading ---------------------------------------------------------------------------------
# parsed campaigns by database (each commune's engine: the same code and version in two
# communes are two campaigns), then by code and version
_parsed: weakref.WeakKeyDictionary[Engine, dict[tuple[str, int], Campaign]] = weakref.WeakKeyDictionary()
_parsed_lock = threading.Lock()
_CACHE_SIZE = 64


def _engine(uow: UnitOfWork) -> Engine:
    bind = uow.session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _parse(uow: UnitOfWork, key: rows.CampaignKey) -> Campaign | None:
    engine = _engine(uow)
    found = _parsed.get(engine, {}).get((key.code, key.version))
    if found is not None:
        return found
    source = rows.source_of(uow.session, key.code, key.version)
    if source is None:  # changed since the keys were read
        return None
    campaign = parse_campaign_text(source, f"campaign {key.code}")
    with _parsed_lock:
        mine = _parsed.setdefault(engine, {})
        if len(mine) >= _CACHE_SIZE:
            mine.clear()
        mine[(key.code, key.version)] = campaign
    return campaign


def campaigns_in(uow: UnitOfWork, statuses: tuple[str, ...]) -> list[Campaign]:
    """The campaigns in these statuses, parsed (cached by code and version), the most recently
    opened first."""
    found = (_parse(uow, key) for key in rows.keys(uow.session, statuses))
    return [c for c in found if c is not None]


def open_campaigns(uow: UnitOfWork) -> list[Campaign]:
    """The campaigns people take part in now, the most recently opened first."""
    return campaigns_in(uow, OPEN)


@dataclass(frozen=True)
class Current:
    """What a turn serves: the open campaigns and those the office still works on after their
    deadline, the most recently opened first; `stored` is False while the commune has no
    campaign row at all (the deployment's campaign file then serves alone)."""

    open: tuple[Campaign, ...]
    after_deadline: tuple[Campaign, ...]
    stored: bool


def current(uow: UnitOfWork) -> Current:
    keys = rows.keys(uow.session, OPEN + AFTER_DEADLINE)
    parsed = [(key.status, _parse(uow, key)) for key in keys]
    return Current(
        open=tuple(c for status, c in parsed if c is not None and status in OPEN),
        after_deadline=tuple(c for status, c in parsed if c is not None and status in AFTER_DEADLINE),
        stored=bool(keys) or rows.count(uow.session) > 0,
    )


@dataclass(frozen=True)
class Participation:
    """Who takes part in one campaign when several are open: those who chose it in their
    conversation, and those who chose none of the open ones when it is the newest open."""

    code: str
    open_codes: tuple[str, ...]
    chosen: dict[int, set[str]]

    def everyone(self) -> bool:
        return len(self.open_codes) <= 1 or self.code not in self.open_codes

    def by_choice(self, chosen: str | None) -> bool:
        """A conversation whose choice is `chosen`."""
        if self.everyone():
            return True
        return (chosen if chosen in self.open_codes else self.open_codes[0]) == self.code

    def member(self, member_id: int) -> bool:
        if self.everyone():
            return True
        mine = self.chosen.get(member_id, set()) & set(self.open_codes)
        return self.code in mine if mine else self.open_codes[0] == self.code


def participation(uow: UnitOfWork, code: str) -> Participation:
    open_codes = tuple(k.code for k in rows.keys(uow.session, OPEN))
    chosen = rows.chosen_by_member(uow.session) if len(open_codes) > 1 else {}
    return Participation(code, open_codes, chosen)


def campaign_rows(uow: UnitOfWork) -> list[CampaignRecord]:
    """Every campaign of the commune, the newest first (the office's list)."""
    return list(rows.all_rows(uow.session))


def campaign_by_code(uow: UnitOfWork, code: str) -> Campaign | None:
    row = rows.get(uow.session, code)
    return None if row is None else _parse(uow, rows.CampaignKey(row.code, row.status, row.version))


def status_of(uow: UnitOfWork, code: str) -> str | None:
    row = rows.get(uow.session, code)
    return None if row is None else row.status


# -- saving ---------------------------------------------------------------------------------
def _actor_id(actor: Member | None) -> int | None:
    """The staff member's id; None for the command line, the start-up and the scheduler."""
    return None if actor is None else require(actor, STAFF).id


def _checked(toml_text: str) -> Campaign:
    try:
        return parse_campaign_text(toml_text, "tệp đợt thi đua")
    except CampaignError as exc:
        raise Refused("campaign.invalid", error=str(exc)[:300]) from None


def save_draft(
    uow: UnitOfWork,
    actor: Member | None,
    toml_text: str,
    *,
    code: str | None = None,
    seen_version: int | None = None,
) -> list[Event]:
    """A new draft (code=None), or a draft's new text (code: the draft's; the text must keep it).
    The text is validated by the campaign file's own loader before anything is written."""
    actor_id = _actor_id(actor)
    campaign = _checked(toml_text)
    s = uow.session
    if code is None:
        try:
            with s.begin_nested():
                row = rows.add(
                    s,
                    code=campaign.code,
                    title=campaign.campaign.title,
                    status="draft",
                    source=toml_text,
                    now=uow.now,
                    opened_at=None,
                )
        except IntegrityError:
            raise Refused("campaign.exists", code=campaign.code) from None
        version, created = row.version, True
    else:
        if campaign.code != code:
            raise Refused("campaign.code_changed", code=code)
        current = rows.get(s, code)
        if current is None:
            raise Refused("campaign.unknown", code=code)
        saved = rows.replace_source(
            s, code, title=campaign.campaign.title, source=toml_text, now=uow.now, seen_version=seen_version
        )
        if not saved:
            raise _moved(uow, code)
        stored = rows.get(s, code)
        version, created = (stored.version if stored is not None else current.version + 1), False
    audit(
        s,
        actor_id=actor_id,
        action="campaign.save",
        entity="campaign",
        entity_id=campaign.code[:32],
        after={"code": campaign.code, "version": version, "created": created},
        now=uow.now,
    )
    return uow.record(
        [CampaignSaved(at=uow.now, actor_id=actor_id, code=campaign.code, version=version, created=created)]
    )


def store_file_campaign(uow: UnitOfWork, campaign: Campaign, source: str) -> list[Event]:
    """An existing deployment's campaign file becomes the commune's first campaign, once: when
    the table is empty. Open while its deadline is ahead, closed after. Nothing else changes."""
    s = uow.session
    if rows.count(s) > 0:
        return []
    status = "open" if campaign.is_open(uow.now) else "closed"
    try:
        with s.begin_nested():
            rows.add(
                s,
                code=campaign.code,
                title=campaign.campaign.title,
                status=status,
                source=source,
                now=uow.now,
                opened_at=min(campaign.opens_at, uow.now),
            )
    except IntegrityError:  # another process stored it meanwhile
        return []
    audit(
        s,
        actor_id=None,
        action="campaign.store_file",
        entity="campaign",
        entity_id=campaign.code[:32],
        after={"code": campaign.code, "campaign_status": status},
        now=uow.now,
    )
    return uow.record([CampaignSaved(at=uow.now, actor_id=None, code=campaign.code, version=1, created=True)])


# -- moving ---------------------------------------------------------------------------------
def _moved(uow: UnitOfWork, code: str) -> Refused:
    row = rows.get(uow.session, code)
    if row is None:
        return Refused("campaign.unknown", code=code)
    return Refused("campaign.moved", code=code, status=t(f"campaign.status.{row.status}"))


def _move(
    uow: UnitOfWork,
    actor_id: int | None,
    code: str,
    event: type[CampaignMoved],
    from_statuses: tuple[str, ...],
    to_status: str,
    *,
    seen_version: int | None,
    stamp: str | None = None,
) -> list[Event]:
    s = uow.session
    before = rows.get(s, code)
    if before is None:
        raise Refused("campaign.unknown", code=code)
    if not rows.move(
        s,
        code,
        from_statuses=from_statuses,
        to_status=to_status,
        now=uow.now,
        seen_version=seen_version,
        stamp=stamp,
    ):
        raise _moved(uow, code)
    audit(
        s,
        actor_id=actor_id,
        action=f"campaign.{to_status}",
        entity="campaign",
        entity_id=code[:32],
        before={"code": code, "campaign_status": before.status},
        after={"code": code, "campaign_status": to_status},
        now=uow.now,
    )
    return uow.record(
        [event(at=uow.now, actor_id=actor_id, code=code, from_status=before.status, to_status=to_status)]
    )


def open_campaign(
    uow: UnitOfWork, actor: Member | None, code: str, *, seen_version: int | None = None
) -> list[Event]:
    """«Mở đợt»: a draft opens to submissions (refused when its deadline has already passed)."""
    actor_id = _actor_id(actor)
    campaign = campaign_by_code(uow, code)
    if campaign is not None and not campaign.is_open(uow.now):
        raise Refused("campaign.past_deadline", code=code)
    return _move(
        uow, actor_id, code, CampaignOpened, ("draft",), "open", seen_version=seen_version, stamp="opened_at"
    )


def reopen_extended(uow: UnitOfWork, campaign: Campaign) -> list[Event]:
    """The deployment's own campaign given a later deadline (CAMPAIGN_DEADLINE) after its row
    closed at the old one: it opens again, as the file-only deployment did."""
    row = rows.get(uow.session, campaign.code)
    if row is None or row.status != "closed" or campaign.deadline_override is None:
        return []
    if not campaign.is_open(uow.now):
        return []
    return _move(uow, None, campaign.code, CampaignOpened, ("closed",), "open", seen_version=None)


def close_campaign(
    uow: UnitOfWork, actor: Member | None, code: str, *, seen_version: int | None = None
) -> list[Event]:
    """The deadline passed (the scheduler's job: no actor) or staff close it early."""
    actor_id = _actor_id(actor)
    return _move(
        uow, actor_id, code, CampaignClosed, ("open",), "closed", seen_version=seen_version, stamp="closed_at"
    )


def mark_decided(
    uow: UnitOfWork, actor: Member | None, code: str, *, seen_version: int | None = None
) -> list[Event]:
    """Staff mark a closed campaign decided once the chairman's decision is recorded."""
    return _move(
        uow, _actor_id(actor), code, CampaignDecided, ("closed",), "decided", seen_version=seen_version
    )


def archive_campaign(
    uow: UnitOfWork, actor: Member | None, code: str, *, seen_version: int | None = None
) -> list[Event]:
    """Staff put a finished campaign (or a draft never opened) away: out of every list and menu."""
    return _move(
        uow,
        _actor_id(actor),
        code,
        CampaignArchived,
        ("draft", "closed", "decided"),
        "archived",
        seen_version=seen_version,
    )
