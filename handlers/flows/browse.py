"""A read-only list of submissions someone may see (a head: the nominations about their unit;
staff: the unit reports). The list and every pick are checked against the role each turn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from storage.models import Submission

from handlers.access import can_see, role
from messages.catalog import t
from handlers.engine import Flow, Step
from handlers.outcomes import Outcome, denied, refused
from messages.model import Option, Reply
from handlers.describe import full_detail
from handlers.flows.mine import label

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx


class Browse(Flow):
    def __init__(self, name: str, roles: Iterable[str], query: Callable[["Ctx"], Sequence[Submission]]) -> None:
        self.name = name
        self.roles = frozenset(roles)
        self.query = query

    def allowed(self, ctx: "Ctx") -> bool:
        return role(ctx) in self.roles

    def items(self, ctx: "Ctx") -> list[Submission]:
        return [s for s in self.query(ctx) if can_see(ctx, s)] if self.allowed(ctx) else []

    def picked(self, ctx: "Ctx") -> Submission | None:
        ref = ctx.answers.get("pick")
        return next((s for s in self.items(ctx) if s.ref == ref), None)

    def refuse(self, ctx: "Ctx") -> Outcome | None:
        if not self.allowed(ctx):
            return denied()
        if not self.items(ctx):
            return refused(t(f"browse.{self.name}.empty"))
        return None

    def _detail(self, ctx: "Ctx") -> str:
        sub = self.picked(ctx)
        return full_detail(ctx, sub) if sub is not None else t("role.denied")

    def steps(self, ctx: "Ctx") -> list[Step]:
        return [
            Step("pick", "choice", lambda c: t(f"browse.{self.name}", n=len(self.items(c))),
                 options=lambda c: [Option(s.ref, label(c, s)) for s in self.items(c)]),
            Step("view", "choice", self._detail, options=lambda c: []),
        ]

    def finish(self, ctx: "Ctx") -> list[Reply]:  # pragma: no cover - the view has no option
        return []
