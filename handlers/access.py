"""The role matrix, in one place, checked on every turn on the server side.

resident — own submissions only; head — also their unit's reports, proposals and the
nominations about their unit; council — also, read-only, the items on the council's lists;
staff/admin — everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from storage.models import Submission

from messages.catalog import t
from messages.model import Reply, Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx

STAFF = frozenset({"staff", "admin"})
HEAD = frozenset({"head"})


def role(ctx: "Ctx") -> str:
    return ctx.member.role if ctx.member else "guest"


def is_staff(ctx: "Ctx") -> bool:
    return role(ctx) in STAFF


def is_head(ctx: "Ctx") -> bool:
    return role(ctx) == "head" and bool(ctx.member.unit_code)


def can_see(ctx: "Ctx", sub: Submission | None) -> bool:
    if sub is None or ctx.member is None:
        return False
    if is_staff(ctx) or sub.submitter_id == ctx.member.id:
        return True
    if role(ctx) == "council":  # read-only: what the council considers or has recommended
        return sub.kind in ("nomination", "proposal") and sub.status in ("shortlisted", "awarded")
    return is_head(ctx) and sub.unit_code == ctx.member.unit_code


def is_own(ctx: "Ctx", sub: Submission | None) -> bool:
    """Changes (withdraw, amend) are for the submitter only."""
    return sub is not None and ctx.member is not None and sub.submitter_id == ctx.member.id


def denied(ctx: "Ctx") -> list[Reply]:
    return [Text(t("role.denied")), *ctx.core.show_menu(ctx)]


def guard(roles: Iterable[str], action: Callable[["Ctx"], list[Reply]]) -> Callable[["Ctx"], list[Reply]]:
    """A command or menu action that only these roles may use; others get a short refusal."""
    allowed = frozenset(roles)

    def guarded(ctx: "Ctx") -> list[Reply]:
        if role(ctx) not in allowed or (allowed == HEAD and not is_head(ctx)):
            return denied(ctx)
        return action(ctx)

    return guarded
