"""Danh sách trình Hội đồng: each award's list with the quota shown as used / allowed per
group (collectives, individuals), and the approved dossiers not on a list yet."""

from __future__ import annotations

from sqlmodel import select
from starlette.responses import Response

from storage import pages, views
from storage.models import Submission

from ..console import COUNCIL, READERS, Req, page

GROUPS = ("collective", "individual")
# rows shown per list: the quota counts come from the counters whatever the size; a longer
# list is read page by page on «Hồ sơ» (linked), so the page costs the same at any size
SHOWN = 100
CANDIDATE_KINDS = ("nomination", "proposal")


def group_of(campaign, sub) -> str:
    return group_of_category(campaign, sub.category)


def group_of_category(campaign, category: str | None) -> str:
    try:
        return campaign.category(category).quota_group
    except KeyError:
        return "individual"


def lists(req: Req) -> list[dict]:
    c = req.campaign
    on_list = views.count_by(
        req.s, ("shortlist_award", "category"), campaign_code=c.code, statuses=pages.ON_LIST
    )
    out = []
    for award in c.awards:
        items = list(req.s.exec(pages.council_list(campaign_code=c.code, award=award.key).limit(SHOWN)))
        used_by = dict.fromkeys(GROUPS, 0)
        for (key, category), n in on_list.items():
            if key == award.key:
                group = group_of_category(c, category)
                used_by[group] = used_by.get(group, 0) + n
        counts = []
        for group in GROUPS:
            rng = award.quota.get(group)
            used = used_by[group]
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
        total = sum(used_by.values())
        out.append({"award": award, "rows": items, "counts": counts, "more": total - len(items)})
    return out


@page("/hoi-dong", roles=READERS)
def council(req: Req) -> Response:
    """Staff also see the approved dossiers not on a list yet; council members the lists only."""
    waiting, waiting_total = None, 0
    if req.viewer.role not in COUNCIL:
        code = req.campaign.code
        waiting = req.s.exec(
            select(Submission)
            .where(
                Submission.campaign_code == code,
                Submission.status == "approved",
                Submission.kind.in_(CANDIDATE_KINDS),
            )
            .order_by(Submission.id)
            .limit(SHOWN)
        ).all()
        waiting_total = views.count(req.s, campaign_code=code, kinds=CANDIDATE_KINDS, statuses=("approved",))
    return req.render(
        "council.html",
        lists=lists(req),
        waiting=waiting,
        waiting_total=waiting_total,
        group_of=lambda sub: group_of(req.campaign, sub),
    )


ROUTES = [council]
NAV = [("/hoi-dong", "Hội đồng", READERS)]
