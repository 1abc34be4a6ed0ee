"""Danh sách trình Hội đồng: each award's list with the quota shown as used / allowed per
group (collectives, individuals), the items a decision awarded apart, and (for staff) the
approved dossiers not on a list yet. Items the council did not recommend have left the list."""

from __future__ import annotations

from sqlmodel import select
from starlette.responses import Response

from messages.folding import fold
from storage import council as council_rows
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
        out.append(
            {
                "award": award,
                "rows": [x for x in items if x.status == "shortlisted"],
                "awarded": [x for x in items if x.status == "awarded"],
                "results": {x.id: results[x.id] for x in items if x.id in results},
                "counts": counts,
                "more": total - len(items),
            }
        )
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
        group_of=lambda sub: nominee_group(req.campaign, sub),
    )


ROUTES = [council]
NAV = [("/hoi-dong", "Hội đồng", READERS)]
