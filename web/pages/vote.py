"""The council's vote on the web: members vote on the open round item by item with
the dossier's summary, «Đồng ý / Không đồng ý / Xin ý kiến thêm», changeable until the round
closes (/bo-phieu), on a phone as on a desk: each vote comes back at the item voted on. The
staff's round pages are in web/pages/rounds.py. Every change is the domain operation the chat
calls (domain.council), with its refusals; the console adds its own audit row (channel «web»)."""

from __future__ import annotations

from starlette.responses import Response

from domain import citation
from domain import council as ops
from domain.refusals import Refused
from domain.uow import UnitOfWork
from messages.catalog import t
from storage import council as rows
from storage import submissions

from ..console import COUNCIL, Req, page
from .dossier import checks

REFUSED_STATUS = {
    "council.closed": 409,
    "council.not_in_round": 403,
    "council.already_open": 409,
    "decision.number_taken": 409,
    "decision.none": 409,
}


def refused(exc: Refused) -> tuple[int, str]:
    """A domain refusal as the page shows it: an HTTP status and the chat's Vietnamese words."""
    return REFUSED_STATUS.get(exc.key, 400), t(exc.key, **exc.values)


# -- a council member's ballot ----------------------------------------------------------------


def ballot(req: Req, *, error: str | None = None, notice: str | None = None, status: int = 200) -> Response:
    c = req.campaign
    rnd = rows.open_round(req.s, c.code)
    if rnd is None or req.viewer.member.id not in rnd.members:
        text = t("council.closed") if rnd is None else t("council.not_in_round")
        return req.render(
            "vote.html",
            status=409 if error else status,
            rnd=None,
            text=text,
            error=error,
            items=[],
            notice=None,
        )
    mine = {v.item_id: v.choice for v in rows.votes_of(req.s, rnd.id) if v.member_id == req.viewer.member.id}
    items = [
        {
            "sub": sub,
            "anchor": f"item-{item.position}",
            "award": c.award(sub.shortlist_award).label if sub.shortlist_award else "—",
            "category": c.category(sub.category).label if sub.category else "—",
            "citation": citation.shown(sub.citation, sub.achievements),
            "checks": checks(c, sub),
            "photos": submissions.evidence_of(req.s, sub.id),
            "vote": mine.get(item.id),
        }
        for item, sub in rows.items_of(req.s, rnd.id)
    ]
    return req.render(
        "vote.html",
        status=status,
        rnd=rnd,
        items=items,
        text=None,
        voted=sum(1 for i in items if i["vote"]),
        error=error,
        notice=notice,
        choices=[(k, t(f"council.choice.{k}")) for k in ops.CHOICES],
    )


@page("/bo-phieu", roles=COUNCIL)
def vote_page(req: Req) -> Response:
    """After a vote the page comes back at the item voted on (#item-N) with «Đã ghi phiếu»
    beside it: the member keeps their place on a phone."""
    return ballot(req, notice=req.arg("xong")[:40] or None)


@page("/bo-phieu", roles=COUNCIL, methods=("POST",), name="cast_vote")
def cast(req: Req) -> Response:
    ref, choice = req.arg("ref")[:40], req.arg("choice")
    try:
        ops.cast_vote(UnitOfWork(req.s, req.now), req.viewer.member, req.campaign, ref, choice)
    except Refused as exc:
        req.s.rollback()
        status, text = refused(exc)
        return ballot(req, error=text, status=status)
    req.audit("vote", entity="submission", entity_id=ref, after={"vote": choice})
    rnd = rows.open_round(req.s, req.campaign.code)
    item = rows.item_by_ref(req.s, rnd.id, ref) if rnd is not None else None
    response = req.redirect("/bo-phieu", xong=ref)
    if item is not None:
        response.headers["location"] += f"#item-{item.position}"
    return response


ROUTES = [vote_page, cast]
NAV = [("/bo-phieu", "Bỏ phiếu", COUNCIL)]
