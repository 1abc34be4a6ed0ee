"""The province console's request plumbing: its configuration, which province administrator is
signed in (cookie `thidua_tinh`, a row of province_web_session in the registry's database),
the check on every route (an administrator, or a public sign-in page), the CSRF check on every
POST, one transaction of the registry's database per request, page rendering.

Nothing here reads a commune's sessions, and no commune console reads these: a commune's staff
member has no province session, a province administrator no commune session."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from storage import province_signin
from storage.models.province import ProvinceAdmin, ProvinceWebSession

from ..render import make_env
from ..security import RateLimit, parse_form, same

log = logging.getLogger("thidua.web")

COOKIE = "thidua_tinh"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class ProvinceConsole:
    """What the province pages need, handed over by bot/ (web/ imports no channel code).

    `registry`: storage.communes.Communes; `db`: the registry's engine (DATABASE_URL);
    `engine_of(commune)`: that commune's engine (its scope);
    `commune_url(commune)`: that commune's console address (its sign-in links);
    `add_commune(admin, code, name, host) -> [CommuneCreated]`: the operation that makes one;
    `figures(commune)`: its counts (storage.province_figures.Figures)."""

    registry: Any
    db: Engine
    clock: Any
    engine_of: Callable[[Any], Engine]
    add_commune: Callable[..., Any]
    figures: Callable[[Any], Any]
    commune_url: Callable[[Any], str]
    base_url: str = "http://127.0.0.1:8080"
    province_host: str | None = None
    signin_limit: RateLimit = field(default_factory=RateLimit)

    def __post_init__(self) -> None:
        self.env = make_env(TZ)

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def link(self, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/vao/{token}"


@dataclass
class Viewer:
    admin: ProvinceAdmin
    session: ProvinceWebSession

    @property
    def csrf(self) -> str:
        return self.session.csrf


@dataclass
class ProvinceReq:
    request: Request
    console: ProvinceConsole
    s: Session
    now: datetime
    viewer: Viewer | None
    form: dict[str, list[str]]

    def arg(self, name: str, default: str = "") -> str:
        if self.form:
            values = self.form.get(name)
            return values[0].strip() if values else default
        return (self.request.query_params.get(name) or default).strip()

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.console.env.get_template(f"province/{template}").render(
            viewer=self.viewer, csrf=self.viewer.csrf if self.viewer else "", now=self.now, **values
        )
        return HTMLResponse(html, status_code=status)

    def problem(self, status: int, title: str, text: str) -> HTMLResponse:
        return self.render("problem.html", status=status, title=title, text=text)

    def redirect(self, path: str, **query: Any) -> RedirectResponse:
        q = {k: v for k, v in query.items() if v not in (None, "")}
        return RedirectResponse(path + (f"?{urlencode(q)}" if q else ""), status_code=303)


def province_page(
    path: str, *, public: bool = False, methods: Iterable[str] = ("GET",), name: str | None = None
) -> Callable[[Callable[[ProvinceReq], Response]], Route]:
    """A province console route: a signed-in administrator only (else the sign-in help page),
    a POST with the session's CSRF token; `public` for the sign-in pages (their own checks)."""

    def deco(fn: Callable[[ProvinceReq], Response]) -> Route:
        async def endpoint(request: Request) -> Response:
            form = parse_form(await request.body()) if request.method == "POST" else {}
            return await run_in_threadpool(_run, fn, request, form, public)

        return Route(path, endpoint, methods=list(methods), name=name or fn.__name__)

    return deco


def _run(fn: Callable[[ProvinceReq], Response], request: Request, form: dict, public: bool) -> Response:
    console: ProvinceConsole = request.app.state.province
    now = console.clock.now()
    with Session(console.db, expire_on_commit=False) as s:
        found = province_signin.session_of(s, request.cookies.get(COOKIE), now)
        viewer = Viewer(admin=found[1], session=found[0]) if found else None
        req = ProvinceReq(request=request, console=console, s=s, now=now, viewer=viewer, form=form)
        if not public:
            if viewer is None:
                return req.redirect("/dang-nhap")
            if request.method == "POST" and not same((form.get("csrf") or [""])[0], viewer.csrf):
                return req.problem(
                    403,
                    "Phiên làm việc không hợp lệ",
                    "Biểu mẫu này đã cũ hoặc không đến từ trang của tỉnh. Xin tải lại trang rồi làm lại.",
                )
        try:
            response = fn(req)
            s.commit()
        except Exception:
            s.rollback()
            log.exception("province console error on %s", re.sub(r"^/vao/.*", "/vao/***", request.url.path))
            return req.problem(500, "Có lỗi", "Có lỗi khi xử lý yêu cầu. Xin thử lại sau ít phút.")
        return response
