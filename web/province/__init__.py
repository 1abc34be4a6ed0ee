"""The province console, served on PROVINCE_HOST (web/hosts.py sends its requests here): the
province administrators sign in with a one-time link, see each commune's figures (counts,
never a person), add a commune and invite its first staff member.

Layout
  console.py   ProvinceConsole (configuration), ProvinceReq, province_page() (route, the
               administrator's session, CSRF), its own cookie and session rows
  pages.py     the routes
  templates/province/*.html  its pages (the console's stylesheet, the same CSP)
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount

from ..security import MAX_FORM, BodyLimit, SecurityHeaders, Static
from . import pages
from .console import ProvinceConsole

STATIC = Path(__file__).parent.parent / "static"


def _not_found(request: Request, exc: Exception) -> HTMLResponse:
    console: ProvinceConsole = request.app.state.province
    status = getattr(exc, "status_code", 404)
    html = console.env.get_template("province/problem.html").render(
        viewer=None,
        csrf="",
        title="Không có trang này" if status == 404 else "Không thực hiện được",
        text="Địa chỉ này không có trong trang của tỉnh."
        if status == 404
        else "Yêu cầu này không được hỗ trợ.",
    )
    return HTMLResponse(html, status_code=status)


def make_province_console(console: ProvinceConsole) -> Starlette:
    app = Starlette(
        routes=[*pages.ROUTES, Mount("/tinh", Static(directory=STATIC), name="static")],
        middleware=[Middleware(SecurityHeaders), Middleware(BodyLimit, max_bytes=MAX_FORM)],
        exception_handlers={404: _not_found, 405: _not_found},
    )
    app.state.province = console
    return app
