"""The console's request plumbing: its configuration, who is signed in, the role check on every
route, the CSRF check on every POST, one database transaction per request, page rendering.

A page is a function `fn(req) -> Response` declared with `page(path, roles=...)`; see
web/__init__.py for how to add one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from domain import console as console_ops
from domain.uow import UnitOfWork
from storage import weblogin
from storage.models import Member, WebSession

from . import campaign_choice
from .render import make_env
from .security import RateLimit, parse_form, same

log = logging.getLogger("thidua.web")

COOKIE = "thidua_phien"
STAFF = frozenset({"staff", "admin"})
ADMIN = frozenset({"admin"})
COUNCIL = frozenset({"council"})  # council members: the lists and dossiers read-only, the vote
READERS = STAFF | COUNCIL


class RowId(Convertor[int]):
    """A row id in a path (`{x:id}`): at most 18 digits, so it fits the database's integer;
    a longer one matches no route (404), never an overflow."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("id", RowId())


def home_of(role: str | None) -> str:
    """Where a signed-in person starts: staff the overview, council members their ballot."""
    return "/bo-phieu" if role in COUNCIL else "/"


PUBLIC = None  # no sign-in needed (sign-in pages, the public honours page)


@dataclass
class Console:
    """What the pages need, handed over by bot/ (the web package imports no channel code)."""

    db: Engine
    campaign: Any
    clock: Any
    base_url: str = "http://127.0.0.1:8080"
    media_dir: Path = Path("data/media")
    export_dir: Path = Path("data/exports")
    demo: bool = False
    telegram_files: Any = None  # web.photos.TelegramFiles when Telegram is configured
    invite_links: Callable[[str], list[str]] = lambda code: []
    telegram_username: str | None = None  # the printable invitation's QR code (t.me link)
    zalo_name: str | None = None  # and the Zalo bot's name beside it
    zalo_oa_id: str | None = None  # the commune's Zalo Official Account: its follow QR code
    sending: Any = None  # domain.broadcasts.SendingTerms: the announcement preview's headroom
    signin_limit: RateLimit = field(default_factory=RateLimit)
    nav: list[tuple[str, str, frozenset]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.env = make_env(self.campaign.tz)

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def link(self, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/vao/{token}"


@dataclass
class Viewer:
    member: Member
    session: WebSession

    @property
    def role(self) -> str:
        return self.member.role

    @property
    def csrf(self) -> str:
        return self.session.csrf


@dataclass
class Req:
    request: Request
    console: Console
    s: Session
    now: datetime
    viewer: Viewer | None
    form: dict[str, list[str]]
    keep_campaign: str | None = None  # a campaign chosen by ?dot=, kept in a cookie
    _campaigns: tuple[Any, tuple[Any, ...]] | None = None

    @property
    def campaign(self):
        """The campaign the page reads (web/campaign_choice.py), read once a request."""
        return self.campaigns[0]

    @property
    def campaigns(self) -> tuple[Any, tuple[Any, ...]]:
        if self._campaigns is None:
            self._campaigns = campaign_choice.choose(self)
        return self._campaigns

    def arg(self, name: str, default: str = "") -> str:
        """A form field (POST) or query parameter (GET), stripped."""
        if self.form:
            values = self.form.get(name)
            return values[0].strip() if values else default
        return (self.request.query_params.get(name) or default).strip()

    def args(self, name: str) -> list[str]:
        return list(self.form.get(name, [])) if self.form else self.request.query_params.getlist(name)

    def audit(
        self,
        action: str,
        *,
        entity: str,
        entity_id: Any = None,
        after: dict | None = None,
        before: dict | None = None,
        reason: str | None = None,
    ) -> None:
        """Every console action leaves an audit row, marked with the channel «web»."""
        console_ops.noted(
            UnitOfWork(self.s, self.now),
            self.viewer.member if self.viewer else None,
            action,
            entity=entity,
            entity_id=entity_id,
            after=after,
            before=before,
            reason=reason,
        )

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        c = self.console
        role = self.viewer.role if self.viewer else None
        nav = [(path, text) for path, text, roles in c.nav if role in roles]
        html = c.env.get_template(template).render(
            viewer=self.viewer,
            csrf=self.viewer.csrf if self.viewer else "",
            nav=nav,
            path=self.request.url.path,
            campaign=self.campaign,
            campaigns=self.campaigns[1],
            demo=c.demo,
            now=self.now,
            home=home_of(role),
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def problem(self, status: int, title: str, text: str) -> HTMLResponse:
        return self.render("problem.html", status=status, title=title, text=text)

    def redirect(self, path: str, **query: Any) -> RedirectResponse:
        q = {k: v for k, v in query.items() if v not in (None, "")}
        return RedirectResponse(path + (f"?{urlencode(q)}" if q else ""), status_code=303)


def client_key(request: Request) -> str:
    return request.client.host if request.client else "?"


def page(
    path: str,
    *,
    roles: Iterable[str] | None = STAFF,
    methods: Iterable[str] = ("GET",),
    name: str | None = None,
) -> Callable[[Callable[[Req], Response]], Route]:
    """Declare a console route. `roles`: who may open it (None: anyone, signed in or not).
    A POST must carry the session's CSRF token in the field `csrf` (public routes check their
    own secret instead). The function runs in a worker thread inside one transaction."""
    allowed = None if roles is None else frozenset(roles)

    def deco(fn: Callable[[Req], Response]) -> Route:
        async def endpoint(request: Request) -> Response:
            form = parse_form(await request.body()) if request.method == "POST" else {}
            return await run_in_threadpool(_run, fn, request, form, allowed)

        return Route(path, endpoint, methods=list(methods), name=name or fn.__name__)

    return deco


def _run(fn: Callable[[Req], Response], request: Request, form: dict, allowed) -> Response:
    console: Console = request.app.state.console
    now = console.clock.now()
    with Session(console.db, expire_on_commit=False) as s:
        found = weblogin.session_of(s, request.cookies.get(COOKIE), now)
        viewer = Viewer(member=found[1], session=found[0]) if found else None
        req = Req(request=request, console=console, s=s, now=now, viewer=viewer, form=form)
        if allowed is not None:
            if viewer is None:
                return req.redirect("/dang-nhap")
            if viewer.role not in allowed:
                return req.problem(
                    403,
                    "Không có quyền",
                    "Bạn không được mở trang này. Bạn vẫn dùng bot trong Telegram hoặc Zalo như thường.",
                )
            if request.method == "POST" and not same((form.get("csrf") or [""])[0], viewer.csrf):
                return req.problem(
                    403,
                    "Phiên làm việc không hợp lệ",
                    "Biểu mẫu này đã cũ hoặc không đến từ trang quản lý. Xin tải lại trang rồi làm lại.",
                )
        try:
            response = fn(req)
            s.commit()
            if req.keep_campaign is not None:
                campaign_choice.keep(response, req.keep_campaign, secure=console.secure_cookies)
        except Exception:
            s.rollback()
            # the path of a sign-in link holds its secret: never log it
            log.exception("web console error on %s", re.sub(r"^/vao/.*", "/vao/***", request.url.path))
            return req.problem(500, "Có lỗi", "Có lỗi khi xử lý yêu cầu. Xin thử lại sau ít phút.")
        return response
