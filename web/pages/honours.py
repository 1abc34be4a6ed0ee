"""Gương điển hình (public): the people and collectives commended, for anyone —
name, unit, achievement, award and decision, nothing more; only after a decision that stands;
only the photos their submitters agreed to publish."""

from __future__ import annotations

from starlette.responses import Response

from domain.honours import honoured
from domain.roles import COUNCIL, STAFF

from ..console import Req, page
from ..photos import image_type, photo_bytes


@page("/guong-dien-hinh", roles=None)
def honours(req: Req) -> Response:
    return req.render("honours.html", items=honoured(req.s, req.campaign, photos=True))


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
