"""Đợt thi đua: the plan as the campaign file says it: dates, contents and the figures units
report, the units, subject categories with their criteria and checks, awards and quotas."""

from __future__ import annotations

from starlette.responses import Response

from ..console import STAFF, Req, page


@page("/chien-dich")
def campaign(req: Req) -> Response:
    c = req.campaign
    return req.render("campaign.html", opens=c.local(c.opens_at), info=c.campaign, org=c.organiser)


ROUTES = [campaign]
NAV = [("/chien-dich", "Đợt thi đua", STAFF)]
