"""The province console's pages: sign-in by a one-time link (printed by `python -m bot province
admin add`), the communes with their figures (counts only), «Thêm xã», and «Mời cán bộ đầu
tiên» (a staff sign-in link made in that commune's own database, with its QR code to print)."""

from __future__ import annotations

import base64
import io
import logging
from urllib.parse import urlsplit

from starlette.responses import Response

from domain import province_admin as ops
from domain.refusals import Refused
from domain.uow import UnitOfWork
from messages.catalog import t
from storage import province_signin
from storage.weblogin import digest

from ..console import client_key
from ..security import same_origin
from .console import COOKIE, ProvinceReq, province_page

log = logging.getLogger("thidua.web")

LINK_TITLES = {
    "province_web.link_unknown": (404, "Liên kết không hợp lệ"),
    "province_web.link_used": (410, "Liên kết đã được dùng"),
    "province_web.link_expired": (410, "Liên kết đã hết hạn"),
}
# the statuses shown in the communes' table, in a dossier's order; the others are added up
SHOWN_STATUSES = ("submitted", "under_review", "approved", "rejected", "shortlisted")


def qr_data_uri(link: str) -> str:
    """The link's QR code as a data: URI (the CSP allows data: images), so that the secret in
    the link is never part of another request's address."""
    import qrcode

    buf = io.BytesIO()
    qrcode.make(link, box_size=6, border=2).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _rows(req: ProvinceReq) -> list[dict]:
    rows = []
    for commune in req.console.registry.all():
        try:
            figures = req.console.figures(commune)
        except Exception:  # one commune's database unreachable: the others are still shown
            log.exception("figures of commune %s", commune.code)
            figures = None
        rows.append({"commune": commune, "f": figures, "url": req.console.commune_url(commune)})
    return rows


def _home(req: ProvinceReq, *, error: str | None = None, status: int = 200) -> Response:
    return req.render(
        "home.html",
        status=status,
        rows=_rows(req),
        shown_statuses=SHOWN_STATUSES,
        error=error,
        code=req.arg("code") if req.form else "",
        name=req.arg("name") if req.form else "",
        host=req.arg("host") if req.form else "",
        # «?them=<code>» after «Thêm xã»: said only of a commune that is there
        added=req.console.registry.get(req.arg("them")) if req.arg("them") and not req.form else None,
    )


@province_page("/")
def home(req: ProvinceReq) -> Response:
    return _home(req)


@province_page("/xa", methods=("POST",), name="add_commune")
def add_commune(req: ProvinceReq) -> Response:
    try:
        [added] = req.console.add_commune(req.viewer.admin, req.arg("code"), req.arg("name"), req.arg("host"))
    except Refused as exc:
        return _home(req, error=t(exc.key, **exc.values), status=400)
    return req.redirect("/", them=added.code)


@province_page("/xa/{code}/moi", methods=("POST",), name="invite_first_staff")
def invite_first_staff(req: ProvinceReq) -> Response:
    commune = req.console.registry.get(req.request.path_params["code"])
    if commune is None or commune.status != "active":
        return req.problem(404, "Không có xã này", "Xã này không có trên hệ thống.")
    with UnitOfWork.begin(req.console.engine_of(commune), req.now) as uow:
        invited = ops.invite_first_staff(uow, req.viewer.admin, commune.code)
        uow.commit()
    link = f"{req.console.commune_url(commune).rstrip('/')}/vao/{invited.token}"
    return req.render(
        "invited.html", commune=commune, link=link, qr=qr_data_uri(link), days=invited.expires_days
    )


# -- signing in and out ---------------------------------------------------------------------


def _keys(req: ProvinceReq) -> tuple[str, str]:
    token = req.request.path_params["token"]
    return "plink:" + digest(token)[:32], "addr:" + client_key(req.request)


def _limited(req: ProvinceReq) -> Response | None:
    if not req.console.signin_limit.blocked(*_keys(req)):
        return None
    return req.problem(
        429, "Thử quá nhiều lần", "Bạn đã thử đăng nhập quá nhiều lần. Xin đợi 10 phút rồi thử lại."
    )


def _refused(req: ProvinceReq, exc: Refused) -> Response:
    req.console.signin_limit.failed(*_keys(req))
    status, title = LINK_TITLES.get(exc.key, (400, "Không đăng nhập được"))
    return req.problem(status, title, t(exc.key, **exc.values))


@province_page("/dang-nhap", public=True)
def how_to_sign_in(req: ProvinceReq) -> Response:
    if req.viewer is not None:
        return req.redirect("/")
    return req.render("signin_help.html")


@province_page("/vao/{token}", public=True)
def open_link(req: ProvinceReq) -> Response:
    refused = _limited(req)
    if refused:
        return refused
    found = province_signin.check_link(req.s, req.request.path_params["token"], req.now)
    if found.problem:
        return _refused(req, Refused(f"province_web.link_{found.problem}"))
    return req.render("signin.html")


@province_page("/vao/{token}", public=True, methods=("POST",), name="use_link")
def use_link(req: ProvinceReq) -> Response:
    refused = _limited(req)
    if refused:
        return refused
    url, base = req.request.url, urlsplit(req.console.base_url)
    own = {f"{url.scheme}://{url.netloc}".lower(), f"{base.scheme}://{base.netloc}".lower()}
    if not same_origin(req.request.headers, own):
        req.console.signin_limit.failed(*_keys(req))
        return req.problem(
            403,
            "Không đăng nhập được",
            "Liên kết đăng nhập chỉ dùng được từ trang của tỉnh. Xin mở lại liên kết.",
        )
    try:
        signed = ops.sign_in(UnitOfWork(req.s, req.now), req.request.path_params["token"])
    except Refused as exc:
        return _refused(req, exc)
    response = req.redirect("/")
    response.set_cookie(
        COOKIE,
        signed.session.token,
        max_age=int((signed.session.expires_at - req.now).total_seconds()),
        httponly=True,
        samesite="lax",
        secure=req.console.secure_cookies or url.scheme == "https",
        path="/",
    )
    return response


@province_page("/dang-xuat", methods=("POST",))
def sign_out(req: ProvinceReq) -> Response:
    ops.sign_out(UnitOfWork(req.s, req.now), req.viewer.session)
    req.viewer = None
    response = req.render("signed_out.html")
    response.delete_cookie(COOKIE, path="/")
    return response


ROUTES = [home, add_commune, invite_first_staff, how_to_sign_in, open_link, use_link, sign_out]
