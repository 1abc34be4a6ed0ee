"""A read-only list of submissions someone may see (a head: the nominations about their unit;
staff: the unit reports). The list and every pick are checked against the role each turn."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import false
from sqlmodel import select

from handlers.access import can_see, role
from handlers.describe import full_detail
from handlers.engine import Flow, Step
from handlers.flows.mine import label
from handlers.outcomes import Outcome, denied, refused
from handlers.paging import Pager, back_to_list, list_option
from messages.catalog import t
from messages.model import Option, Reply
from storage import submissions
from storage.models import Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx


class Browse(Flow):
    def __init__(self, name: str, roles: Iterable[str], query: Callable[[Ctx], Any]) -> None:
        """query(ctx): a select of the submissions listed (storage.pages.listing)."""
        self.name = name
        self.roles = frozenset(roles)
        self.query = query
        self.pager = Pager("pick", self._query, self._option, lambda c, n: t(f"browse.{name}", n=n))

    def allowed(self, ctx: Ctx) -> bool:
        return role(ctx) in self.roles

    def _query(self, ctx: Ctx):
        return self.query(ctx) if self.allowed(ctx) else select(Submission).where(false())

    def _option(self, ctx: Ctx, sub: Submission) -> Option:
        return Option(sub.ref, label(ctx, sub))

    def picked(self, ctx: Ctx) -> Submission | None:
        ref = ctx.answers.get("pick")
        sub = submissions.submission_by_ref(ctx.session, ref) if ref and self.allowed(ctx) else None
        # checked on every turn: the query's own filter and the role matrix
        if sub is None or not can_see(ctx, sub):
            return None
        return sub if ctx.session.exec(self.query(ctx).where(Submission.id == sub.id)).first() else None

    def refuse(self, ctx: Ctx) -> Outcome | None:
        if not self.allowed(ctx):
            return denied()
        if not self.pager.total(ctx):
            return refused(t(f"browse.{self.name}.empty"))
        return None

    def _detail(self, ctx: Ctx) -> str:
        sub = self.picked(ctx)
        return full_detail(ctx, sub) if sub is not None else t("role.denied")

    def typed(self, ctx: Ctx) -> bool:
        return False  # only looked: leaving goes back to the menu without «Đã hủy»

    def steps(self, ctx: Ctx) -> list[Step]:
        return [
            self.pager.step(cancel=False),
            Step(
                "view",
                "choice",
                self._detail,
                options=lambda c: [list_option()],
                after=back_to_list("pick", "view"),
                cancel=False,
            ),
        ]

    def finish(self, ctx: Ctx) -> list[Reply]:  # pragma: no cover - the view always goes back
        return []
