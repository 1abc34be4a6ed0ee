"""Who may do what: the roles, what each may see and change, and the one registry of slash
commands by role (the chat menus and Telegram's per-role command list both read it).

resident — own submissions only; head — also their unit's reports, proposals and the
nominations about their unit; council — also, read-only, the items on the council's lists
(and their own vote); staff/admin — everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard

from storage.models import Member, Submission

from .refusals import Refused

GUEST = "guest"  # not registered yet
ROLES = ("resident", "head", "staff", "admin", "council")
EVERYONE = frozenset(ROLES)
STAFF = frozenset({"staff", "admin"})
HEAD = frozenset({"head"})
COUNCIL = frozenset({"council"})  # members of the Emulation-Commendation Council
COUNCIL_STATUSES = frozenset({"shortlisted", "awarded"})  # what the council reads
CONSOLE = STAFF | COUNCIL  # who may sign in to the web console (council: read-only and votes)
ANYONE = frozenset({GUEST, *ROLES})


def role_of(member: Member | None) -> str:
    return member.role if member is not None else GUEST


def is_staff(member: Member | None) -> TypeGuard[Member]:
    return role_of(member) in STAFF


def is_head(member: Member | None) -> TypeGuard[Member]:
    """A unit head with a unit (a head without one heads nothing)."""
    return member is not None and member.role == "head" and bool(member.unit_code)


def may(member: Member | None, roles: frozenset[str]) -> bool:
    """Is this person one of `roles` (for HEAD: a head of a unit)?"""
    if role_of(member) not in roles:
        return False
    return is_head(member) if roles == HEAD else True


def can_see(member: Member | None, sub: Submission | None) -> bool:
    if sub is None or member is None:
        return False
    if is_staff(member) or sub.submitter_id == member.id:
        return True
    if role_of(member) in COUNCIL:
        return sub.kind in ("nomination", "proposal") and sub.status in COUNCIL_STATUSES
    return is_head(member) and sub.unit_code == member.unit_code


def is_own(member: Member | None, sub: Submission | None) -> TypeGuard[Member]:
    """Changes (withdraw, amend) are for the submitter only."""
    return sub is not None and member is not None and sub.submitter_id == member.id


def require(member: Member | None, roles: frozenset[str]) -> Member:
    if member is None or not may(member, roles):
        raise Refused("role.denied")
    return member


def require_member(member: Member | None) -> Member:
    if member is None:
        raise Refused("need_register")
    return member


@dataclass(frozen=True)
class Command:
    name: str  # without the slash
    roles: frozenset[str]
    advertised: bool = True  # listed in the channel's command menu ("tg.cmd.<name>")


# Built into the core: every conversation has them.
BUILT_IN = frozenset({"huy", "cancel", "trogiup", "help", "menu"})

# The order is the order of the command menu: everyone's first, then a role's own.
COMMANDS: tuple[Command, ...] = (
    Command("start", ANYONE),
    Command("decu", ANYONE),
    Command("hoso", ANYONE),
    Command("huy", ANYONE),
    Command("trogiup", ANYONE),
    Command("baocao", HEAD),
    Command("denghi", HEAD),
    Command("thamdinh", STAFF),
    Command("danhsach", STAFF),
    Command("thongke", STAFF),
    Command("tonghop", STAFF),
    Command("xuat", STAFF),
    Command("hoidong", STAFF),
    Command("quyetdinh", STAFF),
    Command("guongdienhinh", STAFF),
    Command("bophieu", COUNCIL),
    Command("web", CONSOLE),
    Command("thongbao", STAFF),
    Command("ketquatin", STAFF),
    Command("lienketthon", HEAD),  # in the village group (staff too, naming the unit)
    Command("lienket", EVERYONE, advertised=False),
    Command("dungnhantin", EVERYONE, advertised=False),
    Command("nhanlaitin", EVERYONE, advertised=False),
    Command("menu", ANYONE, advertised=False),
    Command("dangky", ANYONE, advertised=False),
    Command("ma", ANYONE, advertised=False),
)


def commands_for(role: str) -> list[str]:
    """The advertised commands a role sees, in menu order."""
    return [c.name for c in COMMANDS if c.advertised and role in c.roles]
