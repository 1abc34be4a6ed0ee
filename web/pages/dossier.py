"""Một hồ sơ: every field, the criteria flags, the photos, the versions of a unit report side by
side, the status history and the audit trail; the decisions staff make on it."""

from __future__ import annotations

from starlette.responses import Response

from domain import citation as citations
from domain import lookup
from domain.refusals import Refused, StaleDecision
from domain.roles import can_see, is_staff
from domain.uow import UnitOfWork
from messages.catalog import t
from storage import members, submissions, views
from storage.models import Member, Submission

from .. import actions
from ..console import READERS, Req, page
from ..render import number


def figure_rows(campaign, snapshots: list[dict]) -> list[dict]:
    """One row per figure the campaign names, one cell per version (a report's figures)."""
    rows = []
    for content in campaign.contents:
        for fig in content.figures:
            cells = []
            for snap in snapshots:
                value = ((snap.get("answers") or {}).get("figures") or {}).get(content.key, {}).get(fig.key)
                cells.append(
                    "—"
                    if value is None
                    else (
                        f"{number(value)} đ" if fig.kind == "money" else f"{number(value)} {fig.unit}".strip()
                    )
                )
            if any(c != "—" for c in cells):
                rows.append({"content": content.label, "label": fig.label, "cells": cells})
    return rows


def checks(campaign, sub: Submission) -> list[tuple[str, str]]:
    """The category's criteria checks as answered: (label, value), money as «60.000.000 đ»."""
    try:
        cat = campaign.category(sub.category) if sub.category else None
    except KeyError:
        cat = None
    out = []
    for chk in cat.checks if cat else ():
        value = (sub.answers or {}).get(chk.key)
        if value is not None:
            shown = (
                f"{number(value)} đ"
                if chk.kind == "money"
                else {"yes": "Có", "no": "Không"}.get(value, str(value))
            )
            out.append((chk.label or chk.prompt, shown))
    return out


def versions(req: Req, sub: Submission) -> list[dict]:
    """Earlier versions then the current one, oldest first, as snapshots."""
    old = [
        {"version": v.version, "at": v.created_at, **v.snapshot}
        for v in submissions.versions_of(req.s, sub.id)
    ]
    return [*old, {"version": sub.version, "at": sub.updated_at, **submissions.snapshot(sub)}]


def load(req: Req) -> Submission | None:
    return submissions.submission_by_ref(req.s, req.request.path_params["ref"])


def consent(photos) -> str:
    """Whether the submitter agreed to publish the photos (asked once for all of them)."""
    pictures = [e for e in photos if e.kind != "voice"]
    if not pictures:
        return "Không có ảnh"
    agreed = sum(1 for e in pictures if e.publish_consent)
    if agreed == len(pictures):
        return "Người gửi đồng ý đăng ảnh công khai"
    if not agreed:
        return "Người gửi không đồng ý đăng ảnh công khai"
    return f"Người gửi đồng ý đăng {agreed}/{len(pictures)} ảnh"


def show(
    req: Req,
    sub: Submission,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
    typed_citation: str | None = None,
) -> Response:
    c = req.campaign
    staff = is_staff(req.viewer.member)  # a council member reads: no forms, no phone, no trail
    submitter = req.s.get(Member, sub.submitter_id)
    snaps = versions(req, sub) if sub.version > 1 or sub.kind == "report" else []
    photos = submissions.evidence_of(req.s, sub.id)
    history = submissions.history(req.s, sub.id)
    trail = list(views.audit_entries(req.s, entity_ids=[sub.ref])) if staff else []
    names = members.member_names(req.s, [*(h.actor_id for h in history), *(a.actor_id for a in trail)])
    return req.render(
        "dossier.html",
        status=status,
        sub=sub,
        submitter=submitter,
        names=names,
        checks=checks(c, sub),
        contents=[c.content(k).label for k in sub.contents or [] if any(x.key == k for x in c.contents)],
        photos=photos,
        consent=consent(photos),
        citation=citations.shown(sub.citation, sub.achievements)
        if typed_citation is None
        else typed_citation,
        citation_max=citations.WRITTEN_MAX,
        snaps=snaps,
        figure_rows=figure_rows(c, snaps) if snaps else [],
        history=history,
        trail=trail,
        decisions=actions.allowed(sub) if staff else [],
        seen=actions.seen_mark(sub),
        staff=staff,
        # the nominee's awards within the campaign file's window (Law art. 5.2), for staff to judge
        earlier=lookup.earlier_awards(
            req.s, lookup.known_campaigns(UnitOfWork(req.s, req.now), c), sub, req.now
        )
        if staff
        else [],
        notice=notice,
        error=error,
    )


# what the page says after each action (the redirect names it): what was done, in its words
DONE = {
    "tham-dinh": "Đã lưu kết quả thẩm định.",
    "them": "Đã thêm vào danh sách trình Hội đồng.",
    "bo": "Đã bỏ khỏi danh sách trình Hội đồng.",
    "trich-yeu": "Đã lưu trích yếu thành tích.",
}


@page("/ho-so/{ref}", roles=READERS)
def dossier(req: Req) -> Response:
    sub = load(req)
    if sub is None or sub.campaign_code != req.campaign.code or not can_see(req.viewer.member, sub):
        return req.problem(404, "Không có hồ sơ", "Không tìm thấy hồ sơ này.")
    return show(req, sub, notice=DONE.get(req.arg("xong")))


@page("/ho-so/{ref}/quyet-dinh", methods=("POST",))
def decide(req: Req) -> Response:
    sub = load(req)
    if sub is None or sub.campaign_code != req.campaign.code:
        return req.problem(404, "Không có hồ sơ", "Không tìm thấy hồ sơ này.")
    decision, reason = req.arg("decision"), " ".join(req.arg("reason").split()) or None
    if decision not in actions.DECISIONS:
        return show(req, sub, error="Xin chọn một quyết định.", status=400)
    if decision in actions.NEEDS_REASON and (reason is None or len(reason) < 5):
        return show(req, sub, error="Xin ghi lý do (ít nhất 5 ký tự).", status=400)
    refused = actions.decide(
        req.s,
        sub,
        decision,
        actor=req.viewer.member,
        now=req.now,
        seen=req.arg("seen"),
        reason=reason[:500] if reason else None,
    )
    if refused is not None:
        return refusal(req, sub, refused)
    req.audit(
        "decide",
        entity="submission",
        entity_id=sub.ref,
        after={"decision": decision, "status": sub.status},
        reason=reason,
    )
    return req.redirect(f"/ho-so/{sub.ref}", xong="tham-dinh")


def refusal(req: Req, sub: Submission, refused: Refused) -> Response:
    """Nothing was applied: a stale page says who moved the dossier and when (409); another
    refusal (quota, one award per achievement ...) says why in the chat's words (400)."""
    req.s.rollback()
    sub = load(req) or sub
    if isinstance(refused, StaleDecision):
        at = req.campaign.local(refused.at).strftime("%H:%M %d/%m/%Y") if refused.at else "—"
        return show(
            req,
            sub,
            status=409,
            error=(
                f"Hồ sơ đã được {refused.by_name or '—'} chuyển sang «{refused.status}» lúc {at}, "
                "sau khi trang này được mở. Quyết định của bạn chưa được áp dụng; xin xem lại."
            ),
        )
    return show(req, sub, status=400, error=t(refused.key, **refused.values))


@page("/ho-so/{ref}/danh-sach", methods=("POST",))
def council_list(req: Req) -> Response:
    """Put the dossier on an award's list (commune or district), or take it off."""
    sub = load(req)
    if sub is None or sub.campaign_code != req.campaign.code:
        return req.problem(404, "Không có hồ sơ", "Không tìm thấy hồ sơ này.")
    remove = req.arg("action") == "remove"
    award = sub.shortlist_award if remove else req.arg("award")
    if not remove and not any(a.key == award for a in req.campaign.awards):
        return show(req, sub, error="Xin chọn hình thức khen thưởng.", status=400)
    refused = actions.put_on_list(
        req.s,
        req.campaign,
        sub,
        award,
        actor=req.viewer.member,
        now=req.now,
        seen=req.arg("seen"),
        remove=remove,
    )
    if refused is not None:
        return refusal(req, sub, refused)
    req.audit(
        "unlist" if remove else "shortlist",
        entity="submission",
        entity_id=sub.ref,
        after={"award": award, "status": sub.status},
    )
    return req.redirect(f"/ho-so/{sub.ref}", xong="bo" if remove else "them")


@page("/ho-so/{ref}/trich-yeu", methods=("POST",))
def write_citation(req: Req) -> Response:
    """Staff save the citation that documents and the public page print (domain.citation)."""
    sub = load(req)
    if sub is None or sub.campaign_code != req.campaign.code:
        return req.problem(404, "Không có hồ sơ", "Không tìm thấy hồ sơ này.")
    typed = req.arg("citation")[: citations.WRITTEN_MAX * 2]
    try:
        citations.set_citation(
            UnitOfWork(req.s, req.now), req.viewer.member, sub.ref, typed, seen=req.arg("seen_citation")
        )
    except Refused as refused:
        req.s.rollback()
        sub = load(req)
        code = 409 if refused.key == "citation.changed" else 400
        return show(req, sub, status=code, error=t(refused.key, **refused.values), typed_citation=typed)
    return req.redirect(f"/ho-so/{sub.ref}", xong="trich-yeu")


ROUTES = [dossier, decide, council_list, write_citation]
NAV: list = []
