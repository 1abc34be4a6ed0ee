"""The staff web console's own operations: sign-in links, signing in and out, and the audit row
of each console action (channel «web»). Decisions and lists go through review/shortlist like
the chat's; these cover what only the console does.

Residents and unit heads have no console: a link is issued to staff, admins and council
members only (the council reads the lists and votes), and a link of anyone else signs nobody in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from storage import audit, members, weblogin
from storage.models import Member, WebLink, WebSession

from .events import Event
from .refusals import Refused
from .roles import CONSOLE, STAFF, require
from .uow import UnitOfWork

LINK_TTL = weblogin.LINK_TTL
LINKS_PER_HOUR = 5


@dataclass(frozen=True)
class SignInLinkIssued(Event):
    member_id: int | None
    role: str | None
    token: str  # the secret, shown once (only its SHA-256 is stored)


@dataclass(frozen=True)
class SignedIn(Event):
    member_id: int
    session: weblogin.Opened


@dataclass(frozen=True)
class SignedOut(Event):
    member_id: int


def noted(
    uow: UnitOfWork,
    actor: Member | None,
    action: str,
    *,
    entity: str,
    entity_id: Any = None,
    after: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """The audit row of a console action (web.<action>), marked with the channel «web»."""
    audit.audit(
        uow.session,
        actor_id=actor.id if actor else None,
        action=f"web.{action}",
        entity=entity,
        entity_id=entity_id,
        before=before,
        after={"channel": "web", **(after or {})},
        reason=reason,
        now=uow.now,
    )


def issue_link(
    uow: UnitOfWork,
    actor: Member | None,
    *,
    member: Member | None = None,
    role: str | None = None,
    unit_code: str | None = None,
    ttl: timedelta = LINK_TTL,
) -> SignInLinkIssued:
    """A one-time sign-in link: for `member` (staff, admin or council asking in chat: at most
    LINKS_PER_HOUR an hour), or carrying a role for an office starting from the web (the
    command line, or staff inviting on the people page)."""
    if member is not None:
        require(member, CONSOLE)
        if weblogin.links_issued(uow.session, member.id, uow.now - timedelta(hours=1)) >= LINKS_PER_HOUR:
            raise Refused("web.too_many_links")
    elif role not in STAFF:
        raise Refused("web.no_console")
    token = weblogin.insert_link(
        uow.session,
        now=uow.now,
        member_id=member.id if member else None,
        role=None if member else role,
        unit_code=None if member else unit_code,
        ttl=ttl,
        created_by=actor.id if actor else None,
    )
    noted(
        uow,
        actor,
        "link",
        entity="member",
        entity_id=member.id if member else None,
        after={"role": role, "unit": unit_code, "expires_at": (uow.now + ttl).isoformat()},
    )
    event = SignInLinkIssued(
        at=uow.now,
        actor_id=actor.id if actor else None,
        member_id=member.id if member else None,
        role=role,
        token=token,
    )
    uow.record([event])
    return event


def check_link(uow: UnitOfWork, token: str) -> tuple[WebLink, Member | None]:
    """The usable link of this token and its member (None: a name is asked); Refused with
    web.link_unknown / web.link_used / web.link_expired / web.no_console otherwise."""
    found = weblogin.check_link(uow.session, token, uow.now)
    if found.problem or found.link is None:
        # someone with no chat account (a clerk invited for the web only) cannot ask the bot for
        # a new link: the page sends them to the office instead
        owner = found.link.member_id if found.link else None
        no_chat = owner is not None and not members.identities_of(uow.session, owner)
        raise Refused(f"web.link_{found.problem}", no_chat=no_chat)
    link = found.link
    member = uow.session.get(Member, link.member_id) if link.member_id else None
    if (member.role if member else link.role) not in CONSOLE:
        raise Refused("web.no_console")
    return link, member


def sign_in(uow: UnitOfWork, token: str, *, full_name: str | None = None) -> SignedIn:
    """Use the link once: a session for its member (a new member with the link's role when the
    link carries no member, named `full_name`)."""
    link, member = check_link(uow, token)
    if member is None and not full_name:
        raise Refused("web.name_needed")
    if not weblogin.take_link(uow.session, link, uow.now):
        raise Refused("web.link_used")
    if member is None:
        member = weblogin.insert_member(
            uow.session,
            full_name=full_name or "",
            role=link.role or "",  # check_link let only a console role through
            unit_code=link.unit_code,
            now=uow.now,
        )
        audit.audit(
            uow.session,
            actor_id=member.id,
            action="member.register",
            entity="member",
            entity_id=member.id,
            after={"role": link.role, "unit": link.unit_code, "channel": "web"},
            now=uow.now,
        )
    weblogin.mark_used_by(uow.session, link, member.id)
    opened = weblogin.open_session(uow.session, member.id, uow.now)
    noted(uow, member, "signin", entity="member", entity_id=member.id)
    event = SignedIn(at=uow.now, actor_id=member.id, member_id=member.id, session=opened)
    uow.record([event])
    return event


def sign_out(uow: UnitOfWork, session_row: WebSession) -> list[Event]:
    weblogin.revoke(uow.session, session_row, uow.now)
    member = uow.session.get(Member, session_row.member_id)
    noted(uow, member, "signout", entity="member", entity_id=session_row.member_id)
    return uow.record(
        [SignedOut(at=uow.now, actor_id=session_row.member_id, member_id=session_row.member_id)]
    )
