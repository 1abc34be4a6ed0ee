"""Quyết định khen thưởng (staff): for each award, the items the council recommended and a form
to record the decision on them (number, date of signing, signer: the award's own signer from
the campaign file, so a district decision never offers the commune's chairman); the decisions
recorded, each withdrawable with a reason. The same operations as chat /quyetdinh
(domain.council.record_decision, withdraw_decision); the console adds its audit row."""

from __future__ import annotations

from datetime import date

from starlette.responses import Response

from domain import council as ops
from domain.refusals import Refused
from domain.uow import UnitOfWork
from storage import council as rows

from ..console import STAFF, Req, page
from .vote import refused

PATH = "/quyet-dinh"


def _awards(req: Req, typed: dict[str, str]) -> list[dict]:
    c = req.campaign
    out = []
    for award in c.awards:
        name, title = ops.signer_of(c, award.key)
        mine = typed if typed.get("award") == award.key else {}
        out.append(
            dict(
                award=award,
                subs=ops.recommended(req.s, c, award.key),
                number=mine.get("number", ""),
                signed_on=mine.get("signed_on", c.local(req.now).date().isoformat()),
                signer=mine.get("signer", name),
                title=title,
                suffix=c.decision.number_suffix if c.decision else "QĐ-UBND",
            )
        )
    return out


def decisions_page(
    req: Req,
    *,
    error: str | None = None,
    status: int = 200,
    typed: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    c = req.campaign
    recorded = list(reversed(rows.decisions(req.s, c.code)))
    items = {d.id: [sub for _, sub in rows.decision_items(req.s, d.id)] for d in recorded}
    return req.render(
        "decisions.html",
        status=status,
        awards=_awards(req, typed or {}),
        recorded=recorded,
        items=items,
        error=error,
        notice=notice,
        typed=typed or {},
        award_label=lambda key: c.award(key).label,
    )


@page(PATH, roles=STAFF)
def decisions(req: Req) -> Response:
    notice = {"ghi": "Đã ghi quyết định; người đề cử được báo tin.", "thu-hoi": "Đã thu hồi quyết định."}
    return decisions_page(req, notice=notice.get(req.arg("xong")))


def _audit(req: Req, action: str, done, reason: str | None = None) -> None:
    """The console's own audit row beside the domain's (channel «web»)."""
    req.audit(
        action,
        entity="award_decision",
        entity_id=done.decision_id,
        after={"number": done.number, "items": list(done.refs)},
        reason=reason,
    )


def _record(req: Req) -> Response:
    c = req.campaign
    typed = {k: req.arg(k)[:120] for k in ("award", "number", "signed_on", "signer")}
    if not any(a.key == typed["award"] for a in c.awards):
        return decisions_page(req, error="Xin chọn hình thức khen thưởng.", status=400)
    number = ops.decision_number(c, typed["number"])
    if number is None:
        return decisions_page(
            req, error="Số quyết định chưa đúng. Chỉ gõ số, ví dụ: 125.", status=400, typed=typed
        )
    try:
        signed_on = date.fromisoformat(typed["signed_on"])
    except ValueError:
        return decisions_page(req, error="Ngày ký chưa đúng, ví dụ: 20/12/2024.", status=400, typed=typed)
    if signed_on > c.local(req.now).date():
        return decisions_page(req, error="Ngày ký chưa thể sau hôm nay.", status=400, typed=typed)
    try:
        events = ops.record_decision(
            UnitOfWork(req.s, req.now),
            req.viewer.member,
            c,
            award_key=typed["award"],
            number=number,
            signed_on=signed_on,
            signer_name=" ".join(typed["signer"].split()),
            signer_title=ops.signer_of(c, typed["award"])[1],
        )
    except Refused as exc:
        req.s.rollback()
        code, text = refused(exc)
        return decisions_page(req, error=text, status=code, typed=typed)
    _audit(req, "decision_record", events[0])
    return req.redirect(PATH, xong="ghi")


def _withdraw(req: Req) -> Response:
    raw = req.arg("decision")
    reason = " ".join(req.arg("reason").split())[:500]
    if not raw.isdigit():
        return decisions_page(req, error="Xin chọn quyết định cần thu hồi.", status=400)
    try:
        events = ops.withdraw_decision(
            UnitOfWork(req.s, req.now), req.viewer.member, req.campaign, int(raw), reason
        )
    except Refused as exc:
        req.s.rollback()
        code, text = refused(exc)
        return decisions_page(req, error=text, status=code, typed={"withdraw": raw, "reason": reason})
    _audit(req, "decision_withdraw", events[0], reason=reason)
    return req.redirect(PATH, xong="thu-hoi")


@page(PATH, roles=STAFF, methods=("POST",), name="decision_action")
def decision_action(req: Req) -> Response:
    action = req.arg("action")
    if action == "record":
        return _record(req)
    if action == "withdraw":
        return _withdraw(req)
    return decisions_page(req, error="Xin chọn ghi hoặc thu hồi quyết định.", status=400)


ROUTES = [decisions, decision_action]
NAV = [(PATH, "Quyết định", STAFF)]
