"""Người dùng: members by unit and role, invite codes made here (with the Telegram link and a
QR code to print for village meetings; staff invites also get a web sign-in link), and role
changes (admin only)."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select
from starlette.responses import Response

from documents.invitation import oa_link
from domain import console as console_ops
from domain import members as people_ops
from domain.uow import UnitOfWork
from storage import members, roster
from storage.models import Identity, Member

from ..console import ADMIN, STAFF, Req, page

ROLES = ("resident", "head", "staff", "admin", "council")
INVITE_ROLES = ("head", "staff", "admin", "council")  # what `python -m bot invite --role` offers
NO_UNIT = ("council",)  # a council member belongs to the council, not to a unit
# the «Kênh» column: where a member talks to the bot («Chỉ trang quản lý»: no chat account)
CHANNELS = {"telegram": "Telegram", "zalo": "Zalo", "console": "Thử trên máy chủ"}
WEB_ONLY = "Chỉ trang quản lý"
LISTED = "Chưa vào bot (đã có mã mời)"  # imported from the spreadsheet, not joined yet
INVITE_DAYS = 7
SHOW_MAX = 300


def _people(req: Req, role: str | None, unit: str | None):
    q = select(Member)
    q = q.where(Member.role == role) if role else q.where(Member.role != "resident")
    if unit:
        q = q.where(Member.unit_code == unit)
    rows = req.s.exec(q.order_by(Member.unit_code, Member.role, Member.full_name).limit(SHOW_MAX)).all()
    ids = [m.id for m in rows]
    channels: dict[int, list[str]] = {}
    if ids:
        for mid, ch in req.s.exec(
            select(Identity.member_id, Identity.channel).where(Identity.member_id.in_(ids))
        ):
            channels.setdefault(mid, []).append(ch)
        for mid in roster.invited(req.s, [i for i in ids if i not in channels]):
            channels[mid] = [LISTED]
    return rows, channels


def _form(req: Req, *, made: dict | None = None, error: str | None = None, status: int = 200) -> Response:
    c = req.campaign
    role = req.arg("role") if req.arg("role") in ROLES else None
    unit = req.arg("unit") if c.has_unit(req.arg("unit")) else None
    if req.form:  # after a POST show the default listing
        role = unit = None
    rows, channels = _people(req, role, unit)
    channels = {mid: [CHANNELS.get(ch, ch) for ch in chs] for mid, chs in channels.items()}
    counts = dict(req.s.exec(select(Member.role, func.count()).group_by(Member.role)).all())
    return req.render(
        "people.html",
        status=status,
        rows=rows,
        channels=channels,
        counts=counts,
        roles=ROLES,
        role=role,
        unit=unit,
        made=made,
        error=error,
        is_admin=req.viewer.role in ADMIN,
        show_max=SHOW_MAX,
        invite_roles=[r for r in INVITE_ROLES if r != "admin" or req.viewer.role in ADMIN],
        web_only=WEB_ONLY,
        oa_link=oa_link(req.console.zalo_oa_id),
    )


@page("/nguoi")
def people(req: Req) -> Response:
    return _form(req)


@page("/nguoi/moi", methods=("POST",))
def invite(req: Req) -> Response:
    role, unit = req.arg("role"), req.arg("unit") or None
    if role not in INVITE_ROLES or (role == "admin" and req.viewer.role not in ADMIN):
        return _form(req, error="Xin chọn vai trò.", status=400)
    if role in NO_UNIT:
        unit = None
    elif not req.campaign.has_unit(unit):
        return _form(req, error="Xin chọn đơn vị.", status=400)
    [issued] = people_ops.issue_invite(
        UnitOfWork(req.s, req.now),
        req.viewer.member.id,
        role=role,
        unit_code=unit,
        ttl=timedelta(days=INVITE_DAYS),
    )
    inv = members.find_invite(req.s, issued.code)
    web_link = None
    if role in STAFF:  # the office: a sign-in link to the console beside the code
        issued = console_ops.issue_link(
            UnitOfWork(req.s, req.now),
            req.viewer.member,
            role=role,
            unit_code=unit,
            ttl=timedelta(days=INVITE_DAYS),
        )
        web_link = req.console.link(issued.token)
    req.audit("invite", entity="invite", entity_id=inv.id, after={"role": role, "unit": unit})
    links = req.console.invite_links(inv.code)
    return _form(
        req,
        made={
            "code": inv.code,
            "role": role,
            "unit": unit,
            "expires": inv.expires_at,
            "links": links,
            "web_link": web_link,
        },
    )


@page("/nguoi/ma/{code}.png")
def qr(req: Req) -> Response:
    inv = members.find_invite(req.s, req.request.path_params["code"])
    if inv is None or inv.used_at is not None or req.now >= inv.expires_at:
        return Response(status_code=404)
    import qrcode

    links = req.console.invite_links(inv.code)
    img = qrcode.make(links[0] if links else inv.code, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return Response(buf.getvalue(), media_type="image/png")


@page("/nguoi/zalo-oa.png")
def oa_qr(req: Req) -> Response:
    """The QR code of the commune's Zalo Official Account: people scan it to follow the OA,
    then link it to their other account with the usual linking code."""
    link = oa_link(req.console.zalo_oa_id)
    if link is None:
        return Response(status_code=404)
    import qrcode

    buf = io.BytesIO()
    qrcode.make(link, box_size=8, border=2).save(buf, format="PNG")
    return Response(buf.getvalue(), media_type="image/png")


@page("/nguoi/vai-tro", roles=ADMIN, methods=("POST",))
def change_role(req: Req) -> Response:
    try:
        member = req.s.get(Member, int(req.arg("member")))
    except ValueError:
        member = None
    role, unit = req.arg("role"), req.arg("unit") or None
    if member is None or role not in ROLES or (unit is not None and not req.campaign.has_unit(unit)):
        return _form(req, error="Xin chọn người, vai trò và đơn vị.", status=400)
    if member.id == req.viewer.member.id:
        return _form(req, error="Bạn không tự đổi vai trò của mình được.", status=400)
    if role == "head" and unit is None:
        return _form(req, error="Trưởng đơn vị cần có đơn vị.", status=400)
    before = {"role": member.role, "unit": member.unit_code}
    people_ops.change_role(
        UnitOfWork(req.s, req.now), req.viewer.member.id, member, role=role, unit_code=unit
    )
    req.audit("role", entity="member", entity_id=member.id, before=before, after={"role": role, "unit": unit})
    return req.redirect("/nguoi")


ROUTES = [people, invite, qr, oa_qr, change_role]
NAV = [("/nguoi", "Người dùng", STAFF)]
