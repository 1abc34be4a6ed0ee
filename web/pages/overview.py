"""Tổng quan: the digest figures, a bar per unit (server-drawn SVG), the countdown to the
deadline and what waits for the office, oldest first."""

from __future__ import annotations

from starlette.responses import Response

from domain.digest import compute
from domain.lifecycle import WAITING_KINDS, WAITING_STATUSES
from storage import pages

from ..console import STAFF, Req, page


def countdown(req: Req) -> dict:
    left = req.campaign.closes_at - req.now
    seconds = int(left.total_seconds())
    if seconds <= 0:
        return {"over": True, "days": 0, "hours": 0, "minutes": 0, "seconds": 0}
    return {
        "over": False,
        "days": seconds // 86400,
        "hours": seconds % 86400 // 3600,
        "minutes": seconds % 3600 // 60,
        "seconds": seconds,
    }


def bars(rows) -> list[dict]:
    """One bar per unit; widths in per cent of the largest (an empty unit draws no bar)."""
    top = max([r.total for r in rows] + [1])
    return [
        {
            "code": r.code,
            "name": r.name,
            "total": r.total,
            "new": r.new,
            "width": round(100 * r.total / top, 1),
        }
        for r in rows
    ]


@page("/")
def overview(req: Req) -> Response:
    d = compute(req.s, req.campaign, req.now)
    # the oldest 15 waiting and how many wait (the counters): bounded, whatever the queue's
    # size; the same set as the digest's «chờ thẩm định» and chat «Thẩm định hồ sơ»
    waiting, total = pages.oldest_waiting(
        req.s, campaign_code=req.campaign.code, kinds=WAITING_KINDS, statuses=WAITING_STATUSES, limit=15
    )
    return req.render(
        "overview.html", d=d, bars=bars(d.by_unit), left=countdown(req), waiting=waiting, waiting_total=total
    )


ROUTES = [overview]
NAV = [("/", "Tổng quan", STAFF)]
