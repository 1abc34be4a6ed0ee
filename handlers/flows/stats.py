"""Thống kê (staff): counts by status, kind, category and unit, one screen of text."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from domain.lifecycle import status_key
from handlers.access import STAFF, guard
from handlers.describe import unit_name
from handlers.outcomes import finished
from messages.catalog import t
from messages.model import Text
from storage import views

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx


def _join(counts: dict, name) -> str:
    return "; ".join(
        f"{name(k)}: {n}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    )


REPORTING = ("submitted", "under_review", "approved", "needs_info")


def stats_text(ctx: Ctx) -> str:
    c = ctx.campaign
    # GROUP BYs over the trigger-kept counters (a few hundred rows, whatever the number of
    # submissions), in one statement
    by: dict[str, Counter] = {k: Counter() for k in ("status", "kind", "category", "unit_code")}
    status_kind, unit_category, reports = views.counts_by(
        ctx.session,
        (("status", "kind"), {"campaign_code": c.code}),
        (("unit_code", "category"), {"campaign_code": c.code}),
        ("unit_code", {"campaign_code": c.code, "kinds": ["report"], "statuses": REPORTING}),
    )
    for (status, kind), n in status_kind.items():
        by["status"][status_key(status, kind)] += n  # a received report is not «chờ thẩm định»
        by["kind"][kind] += n
    for (unit, category), n in unit_category.items():
        by["unit_code"][unit] += n
        by["category"][category] += n
    total = sum(by["kind"].values())
    if total == 0:
        return t("stats.empty")
    return t(
        "stats.text",
        total=total,
        status=_join(by["status"], t),
        kind=_join(by["kind"], lambda k: t(f"kind.{k}")),
        category=_join({k: n for k, n in by["category"].items() if k}, lambda k: c.category(k).label) or "—",
        unit=_join(by["unit_code"], lambda k: unit_name(c, k)),
        reports=len(reports),
        units=len(c.units),
        at=c.local(ctx.now).strftime("%H:%M %d/%m/%Y"),
    )


def install(core: Core) -> None:
    action = guard(STAFF, lambda ctx: finished(Text(stats_text(ctx))))
    core.add_menu("stats", STAFF, action)
    core.add_command("thongke", action)
