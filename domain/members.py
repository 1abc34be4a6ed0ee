"""People: registering, invite codes (a role, or a link between two channel accounts), roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from storage import audit, members
from storage.models import Invite, Member

from . import invite_guesses
from .events import Event, IdentityLinked, InviteIssued, InviteRedeemed, MemberRegistered, RoleChanged
from .refusals import Refused
from .roles import ROLES, require_member
from .uow import UnitOfWork

LINK_TTL = timedelta(minutes=30)
# invites that join their holder's account to a member already stored: a link code (another
# channel of the same person) and a person code (someone the office listed, storage/roster.py)
JOINS = ("link", "person")


@dataclass(frozen=True)
class Account:
    """A channel account writing to us."""

    channel: str
    external_id: str
    chat_id: str
    display_name: str | None = None


def enrol(
    uow: UnitOfWork, account: Account, *, full_name: str, role: str, unit_code: str | None, phone: str | None
) -> tuple[Member, Event]:
    """A new member with this role and account (audited); the caller checks the rules and
    records the event."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    member = members.create_member(
        uow.session,
        full_name=full_name,
        role=role,
        unit_code=unit_code,
        phone=phone,
        channel=account.channel,
        external_id=account.external_id,
        chat_id=account.chat_id,
        display_name=account.display_name,
        now=uow.now,
    )
    audit.audit(
        uow.session,
        actor_id=member.id,
        action="member.register",
        entity="member",
        entity_id=member.id,
        after={"role": role, "unit": unit_code, "channel": account.channel},
        now=uow.now,
    )
    return member, MemberRegistered(
        at=uow.now,
        actor_id=member.id,
        member_id=member.id,
        role=role,
        unit_code=unit_code,
        channel=account.channel,
    )


def register(
    uow: UnitOfWork, account: Account, *, full_name: str, unit_code: str, phone: str | None
) -> list[Event]:
    """A resident registers themselves."""
    if members.member_by_identity(uow.session, account.channel, account.external_id) is not None:
        raise Refused("reg.already")
    _, event = enrol(uow, account, full_name=full_name, role="resident", unit_code=unit_code, phone=phone)
    return uow.record([event])


def issue_invite(
    uow: UnitOfWork, actor_id: int | None, *, role: str, unit_code: str | None, ttl: timedelta
) -> list[Event]:
    """A one-time code that gives its holder a role (staff hand them out)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return _issue(uow, actor_id, role=role, unit_code=unit_code, ttl=ttl, purpose="role")


def issue_link_code(uow: UnitOfWork, actor: Member | None) -> list[Event]:
    """A short-lived code joining another channel account to this member."""
    actor = require_member(actor)
    return _issue(uow, actor.id, role=None, unit_code=None, ttl=LINK_TTL, purpose="link", member_id=actor.id)


def _issue(
    uow: UnitOfWork,
    actor_id: int | None,
    *,
    role: str | None,
    unit_code: str | None,
    ttl: timedelta,
    purpose: str,
    member_id: int | None = None,
) -> list[Event]:
    inv = members.insert_invite(
        uow.session,
        role=role,
        unit_code=unit_code,
        now=uow.now,
        ttl=ttl,
        purpose=purpose,
        member_id=member_id,
    )
    audit.audit(
        uow.session,
        actor_id=actor_id,
        action=f"invite.create.{purpose}",
        entity="invite",
        entity_id=inv.id,
        after={"role": role, "unit": unit_code, "expires_at": inv.expires_at.isoformat()},
        now=uow.now,
    )
    return uow.record(
        [
            InviteIssued(
                at=uow.now,
                actor_id=actor_id,
                invite_id=inv.id,
                code=inv.code,
                purpose=purpose,
                expires_at=inv.expires_at,
            )
        ]
    )


def usable_invite(uow: UnitOfWork, code: str, account: Account, actor: Member | None) -> Invite:
    """The invite behind `code` if this account may use it now; else refused with why. A wrong
    code is audited; after GUESS_LIMIT of them in GUESS_WINDOW this account waits (no guessing)."""
    wait = invite_guesses.locked_minutes(uow.session, account.channel, account.external_id, uow.now)
    if wait:
        raise Refused("inv.too_many", minutes=wait)
    inv = members.find_invite(uow.session, code)
    if inv is None or inv.purpose not in ("role", *JOINS) or (inv.purpose in JOINS and inv.member_id is None):
        invite_guesses.record_wrong_guess(
            uow.session,
            account.channel,
            account.external_id,
            code,
            uow.now,
            actor_id=actor.id if actor else None,
        )
        raise Refused("inv.bad")
    if inv.used_at is not None:
        raise Refused("inv.used")
    if inv.expires_at <= uow.now:
        raise Refused("inv.expired")
    if inv.purpose in JOINS and inv.member_id is not None:
        if any(i.channel == account.channel for i in members.identities_of(uow.session, inv.member_id)):
            raise Refused("link.same_channel")
        if actor is not None:
            raise Refused("link.member")
    return inv


def redeem_invite(
    uow: UnitOfWork, actor: Member | None, account: Account, code: str, *, full_name: str | None = None
) -> list[Event]:
    """Use a code: a link or person code joins this account to its member; a role code
    registers a new member with the role (needs `full_name`) or gives a member the role."""
    inv = usable_invite(uow, code, account, actor)
    s = uow.session
    linked = s.get(Member, inv.member_id) if inv.purpose in JOINS and inv.member_id is not None else None
    role = inv.role or ""
    if (inv.purpose in JOINS and linked is None) or (inv.purpose == "role" and not role):
        raise Refused("inv.bad")  # a link code whose member is gone, a role code without a role
    if not members.claim_invite(s, inv, uow.now):  # used a moment ago by someone else
        raise Refused("inv.used")
    events: list[Event] = []
    member: Member
    if linked is not None:
        member = linked
        members.attach_identity(
            s,
            member,
            channel=account.channel,
            external_id=account.external_id,
            chat_id=account.chat_id,
            display_name=account.display_name,
            now=uow.now,
        )
        events += uow.record(
            [IdentityLinked(at=uow.now, actor_id=member.id, member_id=member.id, channel=account.channel)]
        )
    elif actor is None:
        member, registered = enrol(
            uow, account, full_name=full_name or "", role=role, unit_code=inv.unit_code, phone=None
        )
        events += uow.record([registered])
    else:
        member = actor
        events.extend(
            change_role(uow, member.id, member, role=role, unit_code=inv.unit_code, reason=f"invite {inv.id}")
        )
    members.mark_invite_used(s, inv, member, uow.now)
    audit.audit(
        s,
        actor_id=member.id,
        action=f"invite.use.{inv.purpose}",
        entity="invite",
        entity_id=inv.id,
        now=uow.now,
    )
    return events + uow.record(
        [
            InviteRedeemed(
                at=uow.now, actor_id=member.id, invite_id=inv.id, member_id=member.id, purpose=inv.purpose
            )
        ]
    )


def change_role(
    uow: UnitOfWork,
    actor_id: int | None,
    member: Member,
    *,
    role: str,
    unit_code: str | None,
    reason: str | None = None,
) -> list[Event]:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    before = {"role": member.role, "unit": member.unit_code}
    members.set_role(uow.session, member, role=role, unit_code=unit_code, now=uow.now)
    audit.audit(
        uow.session,
        actor_id=actor_id,
        action="member.role",
        entity="member",
        entity_id=member.id,
        before=before,
        after={"role": role, "unit": unit_code},
        reason=reason,
        now=uow.now,
    )
    return uow.record(
        [RoleChanged(at=uow.now, actor_id=actor_id, member_id=member.id, role=role, unit_code=unit_code)]
    )
