"""The council's vote on the web: members vote on the open round item by item with
the dossier's summary, «Đồng ý / Không đồng ý / Xin ý kiến thêm», changeable until the round
closes (/bo-phieu); staff see the live tally under the campaign's quorum and threshold and open
or close the round (/phien-xet). Every change is the domain operation the chat calls
(domain.council), with its refusals; the console adds its own audit row (channel «web»)."""

from __future__ import annotations

from starlette.responses import Response

from domain import council as ops
from domain.refusals import Refused
from domain.uow import UnitOfWork
from messages.catalog import t
from storage import council as rows
from storage import submissions

from ..console import COUNCIL, STAFF, Req, page
from .dossier import checks

REFUSED_STATUS = {"council.closed": 409, "council.not_in_round": 403, "council.already_open": 409}


def _refused(exc: Refused) -> tuple[int, str]:
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
            "award": c.award(sub.shortlist_award).label if sub.shortlist_award else "—",
            "category": c.category(sub.category).label if sub.category else "—",
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
    done = req.arg("xong")
    return ballot(req, notice=f"Đã ghi phiếu cho hồ sơ {done}." if done else None)


@page("/bo-phieu", roles=COUNCIL, methods=("POST",), name="cast_vote")
def cast(req: Req) -> Response:
    ref, choice = req.arg("ref")[:40], req.arg("choice")
    try:
        ops.cast_vote(UnitOfWork(req.s, req.now), req.viewer.member, req.campaign, ref, choice)
    except Refused as exc:
        req.s.rollback()
        status, text = _refused(exc)
        return ballot(req, error=text, status=status)
    req.audit("vote", entity="submission", entity_id=ref, after={"vote": choice})
    return req.redirect("/bo-phieu", xong=ref)


# -- the staff's round page -------------------------------------------------------------------


def round_page(
    req: Req, *, error: str | None = None, notice: str | None = None, status: int = 200
) -> Response:
    c = req.campaign
    rnd = rows.open_round(req.s, c.code)
    lines, present = [], 0
    if rnd is not None:
        results = ops.tally_of(req.s, c, rnd)
        for item, sub in rows.items_of(req.s, rnd.id):
            r = results[item.id]
            present = r.present
            lines.append(
                {
                    "sub": sub,
                    "tally": r,
                    "result": t(f"council.result.{r.result}"),
                    "award": c.award(sub.shortlist_award).label if sub.shortlist_award else "—",
                }
            )
    past = list(rows.rounds(req.s, c.code, status="closed"))[::-1][:10]
    return req.render(
        "round.html",
        status=status,
        rnd=rnd,
        lines=lines,
        present=present,
        members=len(rnd.members) if rnd else 0,
        needed=c.council.quorum.needed(len(rnd.members)) if rnd else 0,
        past=past,
        error=error,
        notice=notice,
    )


@page("/phien-xet", roles=STAFF)
def council_round(req: Req) -> Response:
    notice = {
        "mo": "Đã mở phiên xét và nhắn các thành viên Hội đồng.",
        "dong": "Đã kết thúc phiên xét. Xuất biên bản ở trang «Xuất tài liệu».",
    }.get(req.arg("xong"))
    return round_page(req, notice=notice)


@page("/phien-xet", roles=STAFF, methods=("POST",), name="round_action")
def round_action(req: Req) -> Response:
    action = req.arg("action")
    if action not in ("open", "close"):
        return round_page(req, error="Xin chọn mở hoặc kết thúc phiên xét.", status=400)
    uow = UnitOfWork(req.s, req.now)
    try:
        events = (ops.open_round if action == "open" else ops.close_round)(
            uow, req.viewer.member, req.campaign
        )
    except Refused as exc:
        req.s.rollback()
        status, text = _refused(exc)
        return round_page(req, error=text, status=status)
    done = events[0]
    req.audit(
        "council_" + action, entity="council_round", entity_id=done.round_id, after={"number": done.number}
    )
    return req.redirect("/phien-xet", xong="mo" if action == "open" else "dong")


ROUTES = [vote_page, cast, council_round, round_action]
NAV = [("/bo-phieu", "Bỏ phiếu", COUNCIL), ("/phien-xet", "Phiên xét", STAFF)]
