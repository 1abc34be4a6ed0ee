"""The role checks a conversation makes on every turn, on the server side: domain/roles.py
says who may do what; these read the person from the turn."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from domain import roles
from domain.roles import HEAD, STAFF  # noqa: F401 - the role sets the flows register with
from handlers.outcomes import Outcome, denied
from messages.model import Reply
from storage.models import Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx


def role(ctx: Ctx) -> str:
    return roles.role_of(ctx.member)


def is_staff(ctx: Ctx) -> bool:
    return roles.is_staff(ctx.member)


def is_head(ctx: Ctx) -> bool:
    return roles.is_head(ctx.member)


def can_see(ctx: Ctx, sub: Submission | None) -> bool:
    return roles.can_see(ctx.member, sub)


def is_own(ctx: Ctx, sub: Submission | None) -> bool:
    return roles.is_own(ctx.member, sub)


def guard(allowed: Iterable[str], action: Callable[[Ctx], Outcome | list[Reply]]):
    """A command or menu action that only these roles may use; others get a short refusal."""
    allowed = frozenset(allowed)

    def guarded(ctx: Ctx) -> Outcome | list[Reply]:
        return action(ctx) if roles.may(ctx.member, allowed) else denied()

    return guarded
