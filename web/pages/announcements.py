"""Thông báo: compose an announcement (text, audience, units), see how many people and village
groups it reaches, confirm; the latest announcements' figures (sent, waiting, failed, blocked),
«Gửi lại tin lỗi», how many members cannot be reached; the printable invitation (PDF, PNG).
Sending and retrying are the domain operations the chat uses (audited there); what the page
sends is text."""

from __future__ import annotations

import secrets

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from documents.invitation import InvitationError, write_invitation
from domain import broadcasts
from domain.broadcasts import KINDS as AUDIENCES
from domain.broadcasts import WITH_UNITS, Audience
from domain.headroom import SendingTerms, headroom
from domain.refusals import Refused
from domain.uow import UnitOfWork
from messages.catalog import t
from messages.format import duration_text, stars_text

from ..console import STAFF, Req, page

TEXT_MAX = 3000
TYPES = {"pdf": "application/pdf", "png": "image/png"}


def _audience(req: Req) -> tuple[Audience | None, str | None]:
    kind = req.arg("audience")
    if kind not in AUDIENCES:
        return None, "Xin chọn người nhận."
    units = tuple(u for u in req.args("unit") if req.campaign.has_unit(u)) if kind in WITH_UNITS else ()
    if kind in WITH_UNITS and not units:
        return None, "Xin chọn ít nhất một đơn vị."
    return Audience(kind, units), None


def _text(req: Req) -> tuple[str, str | None]:
    text = req.arg("text").replace("\r\n", "\n")
    if len(text) < 5:
        return text, "Nội dung thông báo quá ngắn."
    if len(text) > TEXT_MAX:
        return text, f"Nội dung thông báo dài quá {TEXT_MAX} ký tự."
    return text, None


def _form(
    req: Req,
    *,
    error: str | None = None,
    preview: dict | None = None,
    sent: int | None = None,
    status: int = 200,
) -> Response:
    return req.render(
        "announcements.html",
        status=status,
        error=error,
        preview=preview,
        sent=sent,
        audiences=[(k, t(f"ann.aud.{k}")) for k in AUDIENCES],
        with_units=WITH_UNITS,
        text=req.arg("text"),
        audience=req.arg("audience") or "all",
        units=req.args("unit"),
        recent=broadcasts.recent(req.s, req.campaign, 10),
        unreachable=broadcasts.unreachable_members(req.s),
    )


@page("/thong-bao")
def announcements(req: Req) -> Response:
    sent = req.arg("sent")
    return _form(req, sent=int(sent) if sent.isdigit() else None)


@page("/thong-bao/xem", methods=("POST",))
def preview(req: Req) -> Response:
    text, error = _text(req)
    audience, problem = _audience(req)
    if error or problem:
        return _form(req, error=error or problem, status=400)
    p = broadcasts.preview(req.s, req.campaign, audience)
    units = ", ".join(req.campaign.unit(u).name for u in audience.units)
    who = t(f"ann.aud.{audience.kind}") + (f": {units}" if units else "")
    h = headroom(broadcasts.messages_of(p, text, None), req.console.sending or SendingTerms())
    sending = {
        "messages": h.messages,
        "over": h.over,
        "after": f"{h.after:g}",
        "paid": h.paid,
        "stars": stars_text(h.stars),
        "duration": duration_text(h.seconds),
    }
    return _form(
        req,
        preview={"who": who, "members": p.members, "groups": p.groups, "text": text, "sending": sending},
    )


@page("/thong-bao", methods=("POST",), name="announce_send")
def send(req: Req) -> Response:
    text, error = _text(req)
    audience, problem = _audience(req)
    if error or problem:
        return _form(req, error=error or problem, status=400)
    try:
        [done] = broadcasts.announce(
            UnitOfWork(req.s, req.now), req.viewer.member, req.campaign, audience, text, channel="web"
        )
    except Refused as exc:
        return _form(req, error=t(exc.key, **exc.values), status=409)
    return req.redirect("/thong-bao", sent=done.announcement_id)


@page("/thong-bao/gui-lai", methods=("POST",))
def retry(req: Req) -> Response:
    ann = req.arg("id")
    try:
        broadcasts.retry(UnitOfWork(req.s, req.now), req.viewer.member, int(ann) if ann.isdigit() else -1)
    except Refused as exc:
        return _form(req, error=t(exc.key, **exc.values), status=404)
    return req.redirect("/thong-bao")


@page("/thong-bao/giay-moi.{kind}")
def invitation(req: Req) -> Response:
    kind = req.request.path_params["kind"]
    if kind not in TYPES:
        return req.problem(404, "Không có trang này", "Giấy mời có dạng PDF hoặc PNG.")
    folder = req.console.export_dir.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"giay-moi-{secrets.token_hex(6)}.{kind}"
    try:
        made = write_invitation(
            req.campaign,
            out,
            telegram_username=req.console.telegram_username,
            zalo_name=req.console.zalo_name,
            zalo_oa_id=req.console.zalo_oa_id,
        )
    except InvitationError:
        return req.problem(
            409,
            "Chưa tạo được giấy mời",
            "Chưa có tên bot Telegram, Zalo hay Zalo OA trong cấu hình (TELEGRAM_BOT_USERNAME, ZALO_BOT_NAME, ZALO_OA_ID).",
        )
    req.audit("invitation", entity="invitation", entity_id=kind)
    return FileResponse(
        made.path,
        filename=f"giay-moi-thi-dua.{kind}",
        media_type=TYPES[kind],
        background=BackgroundTask(made.path.unlink, missing_ok=True),
    )


ROUTES = [announcements, preview, send, retry, invitation]
NAV = [("/thong-bao", "Thông báo", STAFF)]
