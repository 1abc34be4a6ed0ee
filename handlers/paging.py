"""A pick step over a list that may be long: PAGE_SIZE items a page (one phone screen),
«Trang sau» / «Trang trước», and a typed name, reference or unit that narrows the list
(any answer that matches no option). Each turn reads one page and a count, whatever the
size of the list."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from handlers.engine import SEARCH, Step
from handlers.textutil import fold
from messages.catalog import t
from messages.model import Option
from storage import pages
from storage.models import Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx

PAGE_SIZE = 8
NEXT, PREV, ALL = "page:next", "page:prev", "page:all"


class Pager:
    def __init__(
        self,
        key: str,
        query: Callable[[Ctx], Any],
        option: Callable[[Ctx, Submission], Option],
        title: Callable[[Ctx, int], str],
        count: Callable[[Ctx], int | None] | None = None,
    ) -> None:
        self.key = key
        self.query = query  # a select of submissions (or pages.Parts) in the list's order
        self.count = count  # the list's size without a search, from the counters (None: counted)
        self.option = option
        self.title = title

    # -- where the person is in the list ------------------------------------------------------
    def _pos(self, ctx: Ctx) -> tuple[int, str | None]:
        return ctx.answers.get(f"{self.key}:page", 0), ctx.answers.get(f"{self.key}:q")

    def page(self, ctx: Ctx) -> tuple[list[Submission], int]:
        """This turn's page and the list's size (read once per turn)."""
        page, term = self._pos(ctx)
        cache = ctx.__dict__.setdefault("_pages", {})
        if (self.key, page, term) not in cache:
            q = pages.matching(self.query(ctx), term, units_named(ctx, term), folded=fold(term or ""))
            total = self.count(ctx) if self.count is not None and not term else None
            cache[(self.key, page, term)] = pages.page(
                ctx.session, q, offset=page * PAGE_SIZE, limit=PAGE_SIZE, total=total
            )
        return cache[(self.key, page, term)]

    def total(self, ctx: Ctx) -> int:
        return self.page(ctx)[1]

    def searching(self, ctx: Ctx) -> bool:
        """Whether a typed search narrows the list now."""
        return bool(self._pos(ctx)[1])

    # -- the step ------------------------------------------------------------------------------
    def prompt(self, ctx: Ctx) -> str:
        items, total = self.page(ctx)
        page, term = self._pos(ctx)
        lines = [self.title(ctx, total)]
        if term:
            lines.append(t("page.found", q=term, n=total))
        pages_n = max(1, -(-total // PAGE_SIZE))
        if pages_n > 1:
            lines.append(t("page.where", page=page + 1, pages=pages_n))
        if total > PAGE_SIZE or term:
            lines.append(t("page.search_hint"))
        return "\n".join(lines)

    def options(self, ctx: Ctx) -> list[Option]:
        items, total = self.page(ctx)
        page, term = self._pos(ctx)
        opts = [self.option(ctx, s) for s in items]
        if (page + 1) * PAGE_SIZE < total:
            opts.append(Option(NEXT, t("page.next")))
        if page > 0:
            opts.append(Option(PREV, t("page.prev")))
        if term:
            opts.append(Option(ALL, t("page.all")))
        return opts

    def after(self, ctx: Ctx, value: Any) -> str | None:
        """Turning a page or searching asks the same step again; an item goes on."""
        page, _ = self._pos(ctx)
        if value in (NEXT, PREV, ALL) or (isinstance(value, str) and value.startswith(SEARCH)):
            ctx.answers.pop(self.key, None)
            if value == NEXT:
                ctx.answers[f"{self.key}:page"] = page + 1
            elif value == PREV:
                ctx.answers[f"{self.key}:page"] = max(0, page - 1)
            else:
                ctx.answers[f"{self.key}:page"] = 0
                ctx.answers[f"{self.key}:q"] = None if value == ALL else value[len(SEARCH) :]
            return self.key
        return None

    def step(self, **kw: Any) -> Step:
        return Step(
            self.key, "choice", self.prompt, options=self.options, after=self.after, search=True, **kw
        )


LIST = "list"  # a dossier's «Quay lại danh sách»


def list_option() -> Option:
    return Option(LIST, t("mine.back"))


def back_to_list(key: str, *clear: str) -> Callable[[Ctx, Any], str | None]:
    """A dossier's `after`: «Quay lại danh sách» shows the list again (the list is then the
    flow's first screen: «Quay lại» there leaves)."""

    def after(ctx: Ctx, value: Any) -> str | None:
        if value != LIST:
            return None
        for k in (key, *clear):
            ctx.answers.pop(k, None)
        ctx.state.data["history"] = []
        return key

    return after


def is_paging(value: Any) -> bool:
    return value in (NEXT, PREV, ALL) or (isinstance(value, str) and value.startswith(SEARCH))


def units_named(ctx: Ctx, term: str | None) -> list[str]:
    """Codes of the units whose name holds the typed words (with or without diacritics)."""
    if not term:
        return []
    key = fold(term)
    return [u.code for u in ctx.campaign.units if key and (key in fold(u.name) or key == fold(u.code))]
