"""Danh sách trình Hội đồng: each award's list with the quota shown as used / allowed per
group (collectives, individuals), the items a decision awarded apart, and (for staff) the
approved dossiers not on a list yet. Items the council did not recommend have left the list."""

from __future__ import annotations

from starlette.responses import Response

from messages.folding import fold
from storage import council as council_rows
from storage import submissions

from ..console import COUNCIL, READERS, Req, page

GROUPS = ("collective", "individual")


def group_of(campaign, sub) -> str:
    try:
        return campaign.category(sub.category).quota_group
    except KeyError:
        return "individual"


def nominee_group(campaign, sub) -> str:
    """How the list names the nominee: collective, household («Hộ ông …», «Hộ bà …») or
    individual (households count with individuals in the quota)."""
    if group_of(campaign, sub) == "collective":
        return "collective"
    return "household" if fold(sub.nominee or "").startswith("ho ") else "individual"


def lists(req: Req) -> list[dict]:
    """Each award's list: the items on it now (status shortlisted) apart from those a decision
    already awarded; the quota counts both, as the shortlist's rule does."""
    c = req.campaign
    results = council_rows.latest_results(req.s, c.code)
    out = []
    for award in c.awards:
        items = list(submissions.shortlisted(req.s, campaign_code=c.code, award=award.key))
        counts = []
        for group in GROUPS:
            rng = award.quota.get(group)
            used = sum(1 for s in items if group_of(c, s) == group)
            counts.append(
                {
                    "group": group,
                    "used": used,
                    "min": rng.min if rng else None,
                    "max": rng.max if rng else None,
                    "over": bool(rng and used > rng.max),
                    "under": bool(rng and used < rng.min),
                }
            )
        out.append(
            {
                "award": award,
                "rows": [x for x in items if x.status == "shortlisted"],
                "awarded": [x for x in items if x.status == "awarded"],
                "results": {x.id: results[x.id] for x in items if x.id in results},
                "counts": counts,
            }
        )
    return out


@page("/hoi-dong", roles=READERS)
def council(req: Req) -> Response:
    """Staff also see the approved dossiers not on a list yet; council members the lists only."""
    waiting = (
        None
        if req.viewer.role in COUNCIL
        else submissions.submissions(
            req.s, campaign_code=req.campaign.code, kinds=("nomination", "proposal"), statuses=("approved",)
        )
    )
    return req.render(
        "council.html",
        lists=lists(req),
        waiting=waiting,
        group_of=lambda sub: nominee_group(req.campaign, sub),
    )


ROUTES = [council]
NAV = [("/hoi-dong", "Hội đồng", READERS)]
