"""The province administrators' operations: adding one (the command line), their one-time
sign-in links, signing in and out of the province console, and inviting a commune's first
staff member. They run on the registry's database (a unit of work over the DATABASE_URL
engine), except the invitation, which runs in the commune's own scope: the link it makes is a
row of that commune's database and signs in there only.

A province administrator is not a member of any commune: they see the communes' figures, never
a person's name or dossier, and no commune console lets them in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import audit, province_signin, weblogin
from storage.communes import Communes
from storage.models.province import ProvinceAdmin, ProvinceWebSession

from . import communes as communes_ops
from . import console as console_ops
from .events import Event
from .refusals import Refused
from .uow import UnitOfWork

FIRST_STAFF_DAYS = 7  # as long as an invitation made on a commune's people page


@dataclass(frozen=True)
class ProvinceAdminAdded(Event):
    admin_id: int
    name: str


@dataclass(frozen=True)
class ProvinceLinkIssued(Event):
    admin_id: int
    token: str  # the secret, shown once (only its SHA-256 is stored)


@dataclass(frozen=True)
class ProvinceSignedIn(Event):
    admin_id: int
    session: weblogin.Opened


@dataclass(frozen=True)
class ProvinceSignedOut(Event):
    admin_id: int


@dataclass(frozen=True)
class FirstStaffInvited(Event):
    commune_code: str
    token: str  # the commune's staff sign-in link's secret, shown once
    expires_days: int


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 120 or sum(ch.isalpha() for ch in name) < 2:
        raise Refused("province_web.name_bad")
    return name


def add_admin(uow: UnitOfWork, name: str, phone: str | None = None) -> ProvinceAdminAdded:
    """A province administrator (the command line adds them: the server's operator decides)."""
    name = clean_name(name)
    phone = re.sub(r"[\s.]", "", phone or "") or None
    if phone is not None and not re.fullmatch(r"\+?[0-9]{9,15}", phone):
        raise Refused("province_web.phone_bad")
    if phone is not None and province_signin.admin_by_phone(uow.session, phone) is not None:
        raise Refused("province_web.phone_taken", phone=phone)
    row = province_signin.add_admin(uow.session, name=name, phone=phone, now=uow.now)
    [event] = uow.record([ProvinceAdminAdded(at=uow.now, actor_id=None, admin_id=row.id, name=name)])
    return event


def issue_link(uow: UnitOfWork, admin: ProvinceAdmin) -> ProvinceLinkIssued:
    token = province_signin.insert_link(uow.session, admin_id=admin.id, now=uow.now)
    [event] = uow.record([ProvinceLinkIssued(at=uow.now, actor_id=None, admin_id=admin.id, token=token)])
    return event


def sign_in(uow: UnitOfWork, token: str) -> ProvinceSignedIn:
    """Use the link once: a session for its administrator. Refused with
    province_web.link_unknown / _used / _expired."""
    found = province_signin.check_link(uow.session, token, uow.now)
    if found.problem or found.link is None:
        raise Refused(f"province_web.link_{found.problem}")
    if not province_signin.take_link(uow.session, found.link, uow.now):
        raise Refused("province_web.link_used")
    opened = province_signin.open_session(uow.session, found.link.admin_id, uow.now)
    [event] = uow.record(
        [ProvinceSignedIn(at=uow.now, actor_id=None, admin_id=found.link.admin_id, session=opened)]
    )
    return event


def sign_out(uow: UnitOfWork, session_row: ProvinceWebSession) -> list[Event]:
    province_signin.revoke(uow.session, session_row, uow.now)
    return uow.record([ProvinceSignedOut(at=uow.now, actor_id=None, admin_id=session_row.admin_id)])


def add_commune(
    registry: Communes,
    admin: ProvinceAdmin,
    code: str,
    name: str,
    host: str,
    *,
    province_host: str | None,
    now: datetime,
) -> list[Event]:
    """«Thêm xã» on the province console: `domain.communes.create_commune` with the console's
    host required (with several communes a console answers on its own host only) and not the
    province console's own. Refused before anything is made."""
    host = (host or "").strip().lower().rstrip(".")
    if not host:
        raise Refused("province_web.host_needed")
    if province_host and host.split(":")[0] == province_host.lower():
        raise Refused("province_web.host_is_province", host=host)
    return communes_ops.create_commune(registry, admin, code, name, web_host=host, now=now)


def invite_first_staff(
    commune_uow: UnitOfWork, admin: ProvinceAdmin, commune_code: str, *, days: int = FIRST_STAFF_DAYS
) -> FirstStaffInvited:
    """A staff member's sign-in link to the commune's console, made in the commune's scope (its
    first user asks the name on first use, as `invite --web` makes one); the commune's audit
    says the province made it."""
    issued = console_ops.issue_link(commune_uow, None, role="staff", ttl=timedelta(days=days))
    audit.audit(
        commune_uow.session,
        actor_id=None,
        action="province.invite_staff",
        entity="province_admin",
        entity_id=admin.id,
        after={"name": admin.name, "channel": "web", "expires_days": days},
        now=commune_uow.now,
    )
    [event] = commune_uow.record(
        [
            FirstStaffInvited(
                at=commune_uow.now,
                actor_id=None,
                commune_code=commune_code,
                token=issued.token,
                expires_days=days,
            )
        ]
    )
    return event
