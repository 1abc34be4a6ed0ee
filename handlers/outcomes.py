"""What a turn of a flow came to, for the core to decide what comes next (goflow's idea: the
session runs and says what happened; the host does the rest).

- asked: a question is waiting for the person (the replies end with it); nothing to add;
- finished: the work is done; the core shows the menu after the replies (greeting when asked);
- cancelled: the person left; the core says so and shows the menu;
- refused: the work could not start or go on (role, deadline...); the replies say why, the
  menu follows.

A menu action, a command or a flow's `finish` returns one of these; a plain list of replies is
taken as «asked» (its last reply is the question)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from domain.refusals import Refused
from messages.catalog import t
from messages.model import Reply, Text

Kind = Literal["asked", "finished", "cancelled", "refused"]


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    replies: tuple[Reply, ...] = ()
    greet: bool = False  # finished: greet the person with the menu (first contact, /start)

    def after(self, before: list[Reply]) -> Outcome:
        """The same outcome with `before` said first."""
        return replace(self, replies=(*before, *self.replies)) if before else self


def asked(replies: list[Reply]) -> Outcome:
    return Outcome("asked", tuple(replies))


def finished(*replies: Reply, greet: bool = False) -> Outcome:
    return Outcome("finished", replies, greet)


def cancelled() -> Outcome:
    return Outcome("cancelled")


def refused(reason: str | Refused | Reply, *more: Reply) -> Outcome:
    """Refused with a text (a catalog text already made, or a domain refusal to word)."""
    if isinstance(reason, Refused):
        reason = Text(t(reason.key, **reason.values))
    elif isinstance(reason, str):
        reason = Text(reason)
    return Outcome("refused", (reason, *more))


def denied() -> Outcome:
    return refused(t("role.denied"))
