"""Tra cứu khen thưởng: who was commended, when, for what and by which decision, across every
campaign of the commune, for the office and the council. A search form (GET: a name with or
without diacritics, a unit, a year, an award), the results grouped by year and campaign with
the decision's number, date and signer and the citation staff saved, PAGE to a page; the same
result as an XLSX file (audited). The public wall /guong-dien-hinh is another page."""

from __future__ import annotations

import secrets
from math import ceil

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from domain import lookup
from domain.uow import UnitOfWork
from storage.lookup import award_years

from ..console import READERS, Req, page
from .exports import XLSX


def query_of(req: Req, known: lookup.Known) -> dict[str, str]:
    """The search as asked, each value kept only when it is one the form offers."""
    units = {u.code for u in req.campaign.units}
    awards = {key for key, _ in known.awards(req.s)}
    years = {str(y) for y in award_years(req.s)}
    picked = {
        "q": req.arg("q")[:100],
        "don-vi": req.arg("don-vi") if req.arg("don-vi") in units else "",
        "nam": req.arg("nam") if req.arg("nam") in years else "",
        "khen": req.arg("khen") if req.arg("khen") in awards else "",
    }
    return {k: v for k, v in picked.items() if v}


def found(req: Req, known: lookup.Known, query: dict[str, str], *, offset: int, limit: int | None):
    return lookup.search(
        req.s,
        known,
        text=query.get("q", ""),
        unit_code=query.get("don-vi"),
        year=int(query["nam"]) if "nam" in query else None,
        award_key=query.get("khen"),
        offset=offset,
        limit=limit,
    )


@page("/tra-cuu", roles=READERS)
def lookup_page(req: Req) -> Response:
    known = lookup.known_campaigns(UnitOfWork(req.s, req.now), req.campaign)
    query = query_of(req, known)
    number = int(req.arg("trang")) if req.arg("trang").isdigit() else 1
    result = found(req, known, query, offset=(max(1, number) - 1) * lookup.PAGE, limit=lookup.PAGE)
    pages = max(1, ceil(result.total / lookup.PAGE))
    if number > pages:  # a page past the end (the list shrank): the last one
        number = pages
        result = found(req, known, query, offset=(pages - 1) * lookup.PAGE, limit=lookup.PAGE)
    return req.render(
        "lookup.html",
        query=query,
        result=result,
        groups=result.grouped(),
        units=[(u.code, u.name) for u in req.campaign.units],
        years=award_years(req.s),
        awards=known.awards(req.s),
        number=max(1, number),
        pages=pages,
    )


@page("/tra-cuu/xlsx", roles=READERS)
def lookup_xlsx(req: Req) -> Response:
    """The whole result (every page) as a workbook, made for this download and removed after."""
    from documents.lookup_book import write_lookup  # XlsxWriter loads when a file is asked for

    known = lookup.known_campaigns(UnitOfWork(req.s, req.now), req.campaign)
    query = query_of(req, known)
    result = found(req, known, query, offset=0, limit=None)
    folder = req.console.export_dir.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"tra-cuu-{req.viewer.member.id}-{secrets.token_hex(6)}.xlsx"
    write_lookup(result.items, out, organiser=req.campaign.organiser.name, asked=asked(query, known, req))
    req.audit(
        "export",
        entity="export",
        entity_id="lookup",
        after={"what": "lookup", "rows": len(result.items), **query},
    )
    return FileResponse(
        out,
        filename="tra-cuu-khen-thuong.xlsx",
        media_type=XLSX,
        background=BackgroundTask(out.unlink, missing_ok=True),
    )


def asked(query: dict[str, str], known: lookup.Known, req: Req) -> dict[str, str]:
    """The search with each value as people read it (the unit's and the award's names)."""
    return {
        "name": query.get("q", ""),
        "unit": req.campaign.unit_name(query["don-vi"]) if "don-vi" in query else "",
        "year": query.get("nam", ""),
        "award": dict(known.awards(req.s)).get(query.get("khen", ""), ""),
    }


ROUTES = [lookup_page, lookup_xlsx]
NAV = [("/tra-cuu", "Tra cứu khen thưởng", READERS)]
