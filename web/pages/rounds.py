"""Phiên xét (staff): open a round on the council's lists, watch the live tally, close it after
a page that shows the tally and what closing does (/phien-xet/ket-thuc); every closed round
keeps its page with each item's votes and result (/phien-xet/<số>), and the rounds are listed
with their results. Each change is the domain operation the chat calls (domain.council); the
console adds its own audit row (channel «web»)."""

from __future__ import annotations

from collections import Counter

from starlette.responses import Response

from domain import council as ops
from domain.refusals import Refused
from domain.uow import UnitOfWork
from messages.catalog import t
from storage import council as rows
from storage.models import CouncilRound, Member

from ..console import STAFF, Req, page
from .vote import refused

CLOSE_PAGE = "/phien-xet/ket-thuc"


def _award(req: Req, sub) -> str:
    return req.campaign.award(sub.shortlist_award).label if sub.shortlist_award else "—"


def live_lines(req: Req, rnd: CouncilRound) -> list[dict]:
    """The open round's items with their tally so far (the campaign's quorum and threshold)."""
    results = ops.tally_of(req.s, req.campaign, rnd)
    out = []
    for item, sub in rows.items_of(req.s, rnd.id):
        r = results[item.id]
        out.append(
            dict(
                sub=sub,
                award=_award(req, sub),
                agree=r.agree,
                disagree=r.disagree,
                more_info=r.more_info,
                result=r.result,
                present=r.present,
            )
        )
    return out


def kept_lines(req: Req, rnd: CouncilRound) -> list[dict]:
    """A closed round's items as the close recorded them: the votes and result stay for good."""
    return [
        dict(
            sub=sub,
            award=_award(req, sub),
            agree=item.agree or 0,
            disagree=item.disagree or 0,
            more_info=item.more_info or 0,
            result=item.result or "no_quorum",
        )
        for item, sub in rows.items_of(req.s, rnd.id)
    ]


def summary(lines: list[dict]) -> dict[str, int]:
    counts = Counter(line["result"] for line in lines)
    return {k: counts.get(k, 0) for k in ("passed", "failed", "no_quorum")}


def _open_view(req: Req, rnd: CouncilRound) -> dict:
    lines = live_lines(req, rnd)
    return dict(
        lines=lines,
        present=lines[0]["present"] if lines else 0,
        members=len(rnd.members),
        needed=req.campaign.council.quorum.needed(len(rnd.members)),
        counts=summary(lines),
    )


def round_page(
    req: Req, *, error: str | None = None, notice: str | None = None, status: int = 200
) -> Response:
    c = req.campaign
    rnd = rows.open_round(req.s, c.code)
    past = []
    for r in reversed(rows.rounds(req.s, c.code, status="closed")):
        past.append({"rnd": r, "counts": summary(kept_lines(req, r))})
    view = _open_view(req, rnd) if rnd is not None else {}
    return req.render("round.html", status=status, rnd=rnd, past=past, error=error, notice=notice, view=view)


@page("/phien-xet", roles=STAFF)
def council_round(req: Req) -> Response:
    notice = "Đã mở phiên xét và nhắn các thành viên Hội đồng." if req.arg("xong") == "mo" else None
    return round_page(req, notice=notice)


@page(CLOSE_PAGE, roles=STAFF)
def close_confirm(req: Req) -> Response:
    """What closing will do, item by item, before the office confirms it."""
    rnd = rows.open_round(req.s, req.campaign.code)
    if rnd is None:
        return round_page(req, error=t("council.closed"), status=409)
    return req.render("round_close.html", rnd=rnd, view=_open_view(req, rnd))


@page("/phien-xet", roles=STAFF, methods=("POST",), name="round_action")
def round_action(req: Req) -> Response:
    action = req.arg("action")
    if action not in ("open", "close"):
        return round_page(req, error="Xin chọn mở hoặc kết thúc phiên xét.", status=400)
    if action == "close" and req.arg("confirm") != "yes":
        return req.redirect(CLOSE_PAGE)  # closing is confirmed on the page that shows the tally
    uow = UnitOfWork(req.s, req.now)
    try:
        events = (ops.open_round if action == "open" else ops.close_round)(
            uow, req.viewer.member, req.campaign
        )
    except Refused as exc:
        req.s.rollback()
        status, text = refused(exc)
        return round_page(req, error=text, status=status)
    done = events[0]
    req.audit(
        "council_" + action, entity="council_round", entity_id=done.round_id, after={"number": done.number}
    )
    if action == "open":
        return req.redirect("/phien-xet", xong="mo")
    return req.redirect(f"/phien-xet/{done.number}", xong="dong")


@page("/phien-xet/{number:int}", roles=STAFF)
def past_round(req: Req) -> Response:
    number = req.request.path_params["number"]
    rnd = next((r for r in rows.rounds(req.s, req.campaign.code) if r.number == number), None)
    if rnd is None:
        return req.problem(404, "Không tìm thấy", f"Không có phiên xét số {number}.")
    if rnd.status == "open":
        return req.redirect("/phien-xet")
    lines = kept_lines(req, rnd)
    voted = {v.member_id for v in rows.votes_of(req.s, rnd.id)}
    people = [(req.s.get(Member, mid), mid in voted) for mid in rnd.members]
    return req.render(
        "round_past.html",
        rnd=rnd,
        lines=lines,
        counts=summary(lines),
        people=[(m.full_name if m else "—", took_part) for m, took_part in people],
        present=len(voted & set(rnd.members)),
        # passed items still waiting for a decision (none once every decision is recorded)
        undecided=sum(1 for x in lines if x["result"] == "passed" and x["sub"].status == "shortlisted"),
        notice="Đã kết thúc phiên xét." if req.arg("xong") == "dong" else None,
    )


ROUTES = [council_round, close_confirm, round_action, past_round]
NAV = [("/phien-xet", "Phiên xét", STAFF)]
