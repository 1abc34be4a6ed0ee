"""Sign-in without passwords: a one-time link (10 minutes) from the bot or the command line,
confirmed with one button (link previews in chat apps open a link too: only the POST signs in),
then a session cookie (HttpOnly, SameSite=Lax, Secure behind https, 12 hours) until «Đăng xuất».
A used, expired or forged link gets a plain page and nothing else. Failures are limited per
link, per person and per client address (the proxy's address is believed only from
FORWARDED_ALLOW_IPS, see bot/web_console.py); a successful sign-in never counts. The POST must
come from this site's own page (Origin/Referer): another site cannot sign a browser in."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import Response

from domain import console as console_ops
from domain.refusals import Refused
from domain.uow import UnitOfWork
from messages.catalog import t
from messages.folding import visible_letters
from storage import weblogin
from storage.models import Member

from ..console import COOKIE, PUBLIC, READERS, Req, client_key, home_of, page
from ..security import same_origin

ROLES_ALL = ("resident", "head", "staff", "admin", "council")
TITLES = {
    "web.link_unknown": (404, "Liên kết không hợp lệ"),
    "web.link_used": (410, "Liên kết đã được dùng"),
    "web.link_expired": (410, "Liên kết đã hết hạn"),
    "web.no_console": (403, "Không có trang quản lý"),
}


def _keys(req: Req) -> tuple[str, str, str]:
    """What failures count against: this link, its person, the client's address."""
    token = req.request.path_params["token"]
    link = "link:" + weblogin.digest(token)[:32]
    member_id = weblogin.link_member(req.s, token)
    return link, f"member:{member_id}" if member_id else "", "addr:" + client_key(req.request)


def _limited(req: Req) -> Response | None:
    if not req.console.signin_limit.blocked(*_keys(req)):
        return None
    return req.problem(
        429, "Thử quá nhiều lần", "Bạn đã thử đăng nhập quá nhiều lần. Xin đợi 10 phút rồi thử lại."
    )


def _refused(req: Req, exc: Refused) -> Response:
    req.console.signin_limit.failed(*_keys(req))
    status, title = TITLES.get(exc.key, (400, "Không đăng nhập được"))
    key = f"{exc.key}.no_chat" if exc.values.get("no_chat") else exc.key
    return req.problem(status, title, t(key, **exc.values))


def _own_origins(req: Req) -> set[str]:
    url = req.request.url
    own = {f"{url.scheme}://{url.netloc}".lower()}
    base = urlsplit(req.console.base_url)
    return own | {f"{base.scheme}://{base.netloc}".lower()}


@page("/dang-nhap", roles=PUBLIC)
def how_to_sign_in(req: Req) -> Response:
    if req.viewer is not None and req.viewer.role in READERS:
        return req.redirect(home_of(req.viewer.role))
    return req.render("signin_help.html")


@page("/vao/{token}", roles=PUBLIC)
def open_link(req: Req) -> Response:
    refused = _limited(req)
    if refused:
        return refused
    try:
        _, member = console_ops.check_link(UnitOfWork(req.s, req.now), req.request.path_params["token"])
    except Refused as exc:
        return _refused(req, exc)
    return req.render("signin.html", member=member, error=None, name="")


@page("/vao/{token}", roles=PUBLIC, methods=("POST",), name="use_link")
def use_link(req: Req) -> Response:
    refused = _limited(req)
    if refused:
        return refused
    if not same_origin(req.request.headers, _own_origins(req)):
        req.console.signin_limit.failed(*_keys(req))
        return req.problem(
            403,
            "Không đăng nhập được",
            "Liên kết đăng nhập chỉ dùng được từ trang của trang quản lý. Xin mở lại liên kết.",
        )
    name = " ".join(req.arg("name").split())
    if name and not (2 <= len(name) <= 120 and visible_letters(name) >= 2):
        name = ""
    try:
        signed = console_ops.sign_in(
            UnitOfWork(req.s, req.now), req.request.path_params["token"], full_name=name or None
        )
    except Refused as exc:
        if exc.key == "web.name_needed":
            return req.render("signin.html", status=400, member=None, name=req.arg("name"), error=t(exc.key))
        return _refused(req, exc)
    member = req.s.get(Member, signed.member_id)
    response = req.redirect(home_of(member.role if member else None))
    secure = req.console.secure_cookies or req.request.url.scheme == "https"
    response.set_cookie(
        COOKIE,
        signed.session.token,
        max_age=int(weblogin.SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    return response


@page("/dang-xuat", roles=ROLES_ALL, methods=("POST",))
def sign_out(req: Req) -> Response:
    console_ops.sign_out(UnitOfWork(req.s, req.now), req.viewer.session)
    req.viewer = None
    response = req.render("signed_out.html")
    response.delete_cookie(COOKIE, path="/")
    return response


ROUTES = [how_to_sign_in, open_link, use_link, sign_out]
NAV: list = []
