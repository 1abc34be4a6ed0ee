"""Danh sách trình Hội đồng: each award's list with the quota shown as used / allowed per
group (collectives, individuals), and the approved dossiers not on a list yet."""

from __future__ import annotations

from starlette.responses import Response

from storage import submissions

from ..console import COUNCIL, READERS, Req, page

GROUPS = ("collective", "individual")


def group_of(campaign, sub) -> str:
    try:
        return campaign.category(sub.category).quota_group
    except KeyError:
        return "individual"


def lists(req: Req) -> list[dict]:
    c = req.campaign
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
        out.append({"award": award, "rows": items, "counts": counts})
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
        "council.html", lists=lists(req), waiting=waiting, group_of=lambda sub: group_of(req.campaign, sub)
    )


ROUTES = [council]
NAV = [("/hoi-dong", "Hội đồng", READERS)]
