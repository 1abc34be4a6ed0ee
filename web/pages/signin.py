"""Sign-in without passwords: a one-time link (10 minutes) from the bot or the command line,
confirmed with one button (link previews in chat apps open a link too: only the POST signs in),
then a session cookie (HttpOnly, SameSite=Lax, Secure behind https, 12 hours) until «Đăng xuất».
A used, expired or forged link gets a plain page and nothing else; attempts are rate limited."""

from __future__ import annotations

from starlette.responses import Response

from storage import weblogin
from storage.models import Member

from ..console import COOKIE, PUBLIC, STAFF, Req, client_key, page

ROLES_ALL = ("resident", "head", "staff", "admin")
PROBLEMS = {
    "unknown": (404, "Liên kết không hợp lệ",
                "Liên kết này không đúng. Xin nhắn bot «Mở trang quản lý» (hoặc /web) để nhận liên kết mới."),
    "used": (410, "Liên kết đã được dùng",
             "Mỗi liên kết chỉ dùng được một lần. Xin nhắn bot «Mở trang quản lý» (hoặc /web) để nhận liên kết mới."),
    "expired": (410, "Liên kết đã hết hạn",
                "Liên kết chỉ dùng được trong 10 phút. Xin nhắn bot «Mở trang quản lý» (hoặc /web) để nhận liên kết mới."),
}


def _limited(req: Req) -> Response | None:
    if req.console.signin_limit.allow(client_key(req.request)):
        return None
    return req.problem(429, "Thử quá nhiều lần", "Bạn đã thử đăng nhập quá nhiều lần. Xin đợi 10 phút rồi thử lại.")


def _checked(req: Req):
    token = req.request.path_params["token"]
    found = weblogin.check_link(req.s, token, req.now)
    if found.problem:
        status, title, text = PROBLEMS[found.problem]
        return None, req.problem(status, title, text)
    member = req.s.get(Member, found.link.member_id) if found.link.member_id else None
    role = member.role if member else found.link.role
    if role not in STAFF:
        return None, req.problem(403, "Không có trang quản lý",
                                 "Trang quản lý chỉ dành cho cán bộ Văn phòng xã. Bạn vẫn dùng bot như thường.")
    return (found.link, member), None


@page("/dang-nhap", roles=PUBLIC)
def how_to_sign_in(req: Req) -> Response:
    if req.viewer is not None and req.viewer.role in STAFF:
        return req.redirect("/")
    return req.render("signin_help.html")


@page("/vao/{token}", roles=PUBLIC)
def open_link(req: Req) -> Response:
    refused = _limited(req)
    if refused:
        return refused
    found, problem = _checked(req)
    if problem:
        return problem
    link, member = found
    return req.render("signin.html", member=member, error=None, name="")


@page("/vao/{token}", roles=PUBLIC, methods=("POST",), name="use_link")
def use_link(req: Req) -> Response:
    refused = _limited(req)
    if refused:
        return refused
    found, problem = _checked(req)
    if problem:
        return problem
    link, member = found
    name = " ".join(req.arg("name").split())
    if member is None and not (2 <= len(name) <= 120 and sum(ch.isalpha() for ch in name) >= 2):
        return req.render("signin.html", status=400, member=None, name=name,
                          error="Xin nhập họ và tên (ít nhất 2 chữ cái).")
    if not weblogin.take_link(req.s, link, req.now):
        status, title, text = PROBLEMS["used"]
        return req.problem(status, title, text)
    if member is None:
        member = weblogin.create_web_member(req.s, full_name=name, role=link.role,
                                            unit_code=link.unit_code, now=req.now)
    weblogin.mark_used_by(req.s, link, member.id)
    opened = weblogin.open_session(req.s, member.id, req.now)
    response = req.redirect("/")
    secure = req.console.secure_cookies or req.request.url.scheme == "https"
    response.set_cookie(COOKIE, opened.token, max_age=int(weblogin.SESSION_TTL.total_seconds()),
                        httponly=True, samesite="lax", secure=secure, path="/")
    return response


@page("/dang-xuat", roles=ROLES_ALL, methods=("POST",))
def sign_out(req: Req) -> Response:
    weblogin.revoke(req.s, req.viewer.session, req.now)
    req.viewer = None
    response = req.render("signed_out.html")
    response.delete_cookie(COOKIE, path="/")
    return response


ROUTES = [how_to_sign_in, open_link, use_link, sign_out]
NAV: list = []
