"""Hồ sơ: every submission in a table, filtered (kind, status, unit, category, award, flags)
and searched by name or reference, 50 to a page (one bounded query and one count)."""

from __future__ import annotations

from math import ceil

from starlette.responses import Response

from domain.lifecycle import ENTRY_KINDS, KINDS, WAITING_KINDS, WAITING_STATUSES
from domain.lifecycle import STATUSES as ALL_STATUSES
from domain.roles import COUNCIL, COUNCIL_STATUSES
from messages.folding import fold
from storage.listing import PAGE_SIZE, Filters, dossier_page

from ..console import READERS, Req, page
from ..render import label

STATUSES = list(ALL_STATUSES)
COUNCIL_KINDS = ("nomination", "proposal")
# choices that stand for a set: «Chờ thẩm định» is what the overview, the digest and chat
# «Thẩm định hồ sơ» count (domain.lifecycle.waits_for_office); «Đề cử, đề nghị» the entries
WAITING = "waiting"
ENTRIES = "entry"


def council_reader(req: Req) -> bool:
    """A council member reads the items on the council's lists only (as in chat)."""
    return req.viewer.role in COUNCIL


def flag_options(campaign) -> list[tuple[str, str]]:
    """(value, label): «any flag», then each criteria check as the flag names it."""
    out, seen = [("any", "Có điểm chưa đạt tiêu chí")], set()
    for cat in campaign.categories:
        for chk in cat.checks:
            text = (chk.label or chk.key) if chk.kind == "money" else (chk.flag or chk.prompt)
            if text not in seen:
                seen.add(text)
                out.append((text, text))
    return out


def filters_of(req: Req) -> Filters:
    c = req.campaign
    pick = {
        "kind": {*KINDS, ENTRIES},
        "status": {*STATUSES, WAITING},
        "unit": {u.code for u in c.units},
        "category": {k.key for k in c.categories},
        "award": {a.key for a in c.awards},
        "flag": {v for v, _ in flag_options(c)},
    }
    values = {k: (req.arg(k) if req.arg(k) in allowed else None) for k, allowed in pick.items()}
    q = req.arg("q")[:100] or None
    values.update(q=q, q_folded=fold(q) if q else None)  # «nguyen van duc» finds «Nguyễn Văn Đức»
    if council_reader(req):
        values.update(
            kind=None if values["kind"] == ENTRIES else values["kind"],
            status=None if values["status"] == WAITING else values["status"],
        )
        return Filters(**values, within=tuple(sorted(COUNCIL_STATUSES)), kinds=COUNCIL_KINDS)
    within, kinds = None, None
    if values["kind"] == ENTRIES:
        values["kind"], kinds = None, ENTRY_KINDS
    if values["status"] == WAITING:
        values["status"], within, kinds = None, WAITING_STATUSES, WAITING_KINDS
    return Filters(**values, within=within, kinds=kinds)


def chosen(req: Req, f: Filters) -> dict[str, str]:
    """The filters as chosen (set choices kept by name): the pages' links and the selects."""
    picked = {k: v for k, v in vars(f).items() if v and k not in ("within", "kinds", "q_folded")}
    if f.kinds == ENTRY_KINDS and req.arg("kind") == ENTRIES:
        picked["kind"] = ENTRIES
    if f.within == WAITING_STATUSES and req.arg("status") == WAITING:
        picked["status"] = WAITING
    return picked


MAX_PAGE = 1_000_000  # far past any list; an offset beyond it would overflow the database's integer


@page("/ho-so", roles=READERS)
def dossiers(req: Req) -> Response:
    f = filters_of(req)
    try:
        number = min(max(1, int(req.arg("trang", "1"))), MAX_PAGE)
    except ValueError:
        number = 1
    rows, total = dossier_page(req.s, req.campaign.code, f, page=number)
    pages = max(1, ceil(total / PAGE_SIZE))
    query = chosen(req, f)
    c = req.campaign
    council = council_reader(req)
    options = {
        "kind": [(k, label(f"kind.{k}")) for k in (COUNCIL_KINDS if council else KINDS)]
        + ([] if council else [(ENTRIES, "Đề cử và đề nghị")]),
        "status": ([] if council else [(WAITING, "Chờ thẩm định (đề cử, đề nghị)")])
        + [(k, label(f"status.{k}")) for k in STATUSES if not council or k in COUNCIL_STATUSES],
        "unit": [(u.code, u.name) for u in c.units],
        "category": [(k.key, k.label) for k in c.categories],
        "award": [(a.key, a.label) for a in c.awards],
        "flag": flag_options(c),
    }
    return req.render(
        "dossiers.html",
        rows=rows,
        total=total,
        number=number,
        pages=pages,
        f=f,
        query=query,
        options=options,
    )


ROUTES = [dossiers]
NAV = [("/ho-so", "Hồ sơ", READERS)]
