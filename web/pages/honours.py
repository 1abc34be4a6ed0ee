"""Gương điển hình (public): the people and collectives commended, for anyone — name, unit,
the office's citation, award and decision, nothing more (never the submitter's own words, never
an income); only after a decision that stands; only the photos their submitters agreed to
publish."""

from __future__ import annotations

from itertools import groupby

from starlette.responses import Response

from domain.honours import Honoured, honoured
from domain.roles import COUNCIL, STAFF
from messages.folding import fold

from ..console import Req, page
from ..photos import image_type, photo_bytes


def unit_once(name: str, unit: str) -> str | None:
    """The unit beside the name, unless the name already says it («Thôn 5», «Hộ ông … Thôn 5»)."""
    return None if not unit or fold(unit) in fold(name) else unit


def wall(items: list[Honoured]) -> list[dict]:
    """The awardees grouped by decision and award, in the decisions' order (one award each)."""
    out: list[dict] = []
    for (number, award, signed_on), group in groupby(items, key=lambda h: (h.number, h.award, h.signed_on)):
        people = [{"h": h, "unit": unit_once(h.name, h.unit)} for h in group]
        out.append({"number": number, "award": award, "signed_on": signed_on, "people": people})
    return out


@page("/guong-dien-hinh", roles=None)
def honours(req: Req) -> Response:
    """The wall of honour: the campaign's title, each decision and its award, each awardee with
    the office's citation and the photos their submitter agreed to publish. «ban-in» gives the
    page without the console's header, to print or show at the ceremony."""
    items = honoured(req.s, req.campaign, photos=True)
    return req.render("honours.html", groups=wall(items), total=len(items), printing=bool(req.arg("ban-in")))


@page("/guong-dien-hinh/anh/{evidence_id:id}", roles=None)
def honours_photo(req: Req) -> Response:
    wanted = req.request.path_params["evidence_id"]
    found = next(
        (e for h in honoured(req.s, req.campaign, photos=True) for e in h.photos if e.id == wanted), None
    )
    data = photo_bytes(req, found) if found is not None else None
    ctype = image_type(data) if data else None
    if ctype is None:
        return Response(status_code=404)
    # checked again on every request: a photo whose decision is withdrawn is gone at once
    return Response(data, media_type=ctype, headers={"cache-control": "no-cache"})


ROUTES = [honours, honours_photo]
NAV = [("/guong-dien-hinh", "Gương điển hình", STAFF | COUNCIL)]
