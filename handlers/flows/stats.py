"""Thống kê (staff): counts by status, kind, category and unit, one screen of text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage import submissions, views
from storage.models import Submission

from domain.lifecycle import status_label
from handlers.access import STAFF, guard
from handlers.outcomes import finished
from messages.catalog import t
from messages.model import Text
from handlers.describe import unit_name

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx


def _join(counts: dict, name) -> str:
    return "; ".join(f"{name(k)}: {n}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def stats_text(ctx: "Ctx") -> str:
    c, s = ctx.campaign, ctx.session
    by = {col: views.count_by(s, col, campaign_code=c.code)
          for col in (Submission.status, Submission.kind, Submission.category, Submission.unit_code)}
    total = sum(by[Submission.kind].values())
    if total == 0:
        return t("stats.empty")
    reports = submissions.submissions(s, campaign_code=c.code, kinds=("report",),
                               statuses=("submitted", "under_review", "approved", "needs_info"))
    return t("stats.text", total=total,
             status=_join(by[Submission.status], status_label),
             kind=_join(by[Submission.kind], lambda k: t(f"kind.{k}")),
             category=_join({k: n for k, n in by[Submission.category].items() if k},
                            lambda k: c.category(k).label) or "—",
             unit=_join(by[Submission.unit_code], lambda k: unit_name(c, k)),
             reports=len({r.unit_code for r in reports}), units=len(c.units),
             at=c.local(ctx.now).strftime("%H:%M %d/%m/%Y"))


def install(core: "Core") -> None:
    action = guard(STAFF, lambda ctx: finished(Text(stats_text(ctx))))
    core.add_menu("stats", STAFF, action)
    core.add_command("thongke", action)
