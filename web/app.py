"""The console as one Starlette app, mounted by bot/ under "/" beside /telegram, /zalo and
/healthz (webhook and polling mode alike) and served in the console demo too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount

from domain.headroom import SendingTerms

from . import photos
from .console import Console
from .pages import (
    announcements,
    campaign,
    campaign_editor,
    campaigns,
    council,
    decisions,
    dossier,
    dossiers,
    exports,
    honours,
    lookup,
    overview,
    people,
    people_import,
    rounds,
    signin,
    vote,
)
from .security import MAX_FORM, MAX_UPLOAD, BodyLimit, SecurityHeaders, Static

STATIC = Path(__file__).with_name("static")
# the paths that take a file, each with its cap (every other body is at most MAX_FORM)
UPLOADS = {people_import.PATH: MAX_UPLOAD}
# The page modules, in menu order. A new page: a module with ROUTES and NAV, listed here.
PAGES = [
    overview,
    vote,
    dossiers,
    dossier,
    council,
    rounds,
    decisions,
    exports,
    lookup,
    announcements,
    people,
    people_import,
    campaign,
    campaigns,
    campaign_editor,
    signin,
    photos,
    honours,
]


def _not_found(request: Request, exc: Exception) -> HTMLResponse:
    console: Console = request.app.state.console
    status = getattr(exc, "status_code", 404)
    html = console.env.get_template("problem.html").render(
        viewer=None,
        csrf="",
        nav=[],
        path=request.url.path,
        campaign=console.campaign,
        home="/",
        demo=console.demo,
        title="Không có trang này" if status == 404 else "Không thực hiện được",
        text="Địa chỉ này không có trong trang quản lý."
        if status == 404
        else "Yêu cầu này không được hỗ trợ.",
    )
    return HTMLResponse(html, status_code=status)


def make_console(console: Console) -> Starlette:
    routes = [r for module in PAGES for r in module.ROUTES]
    console.nav = [entry for module in PAGES for entry in module.NAV]
    app = Starlette(
        routes=[*routes, Mount("/tinh", Static(directory=STATIC), name="static")],
        # every form is a few KB (a spreadsheet's upload: its own cap): a bigger body is refused
        # before it is read
        middleware=[Middleware(SecurityHeaders), Middleware(BodyLimit, max_bytes=MAX_FORM, uploads=UPLOADS)],
        exception_handlers={404: _not_found, 405: _not_found},
    )
    app.state.console = console
    return app


def console_from(
    app: Any,
    *,
    invite_links: Callable[[str], list[str]] | None = None,
    db: Any = None,
    campaign: Any = None,
    base_url: str | None = None,
    export_dir: Path | None = None,
) -> Console:
    """The console's configuration from bot/'s wiring (duck-typed: web/ imports no bot code).
    A commune of several gives its own engine, campaign, address and exports folder."""
    s = app.settings
    telegram = None
    if s.telegram_bot_token is not None:
        telegram = photos.TelegramFiles(
            s.telegram_bot_token.get_secret_value(), s.telegram_base_url, s.telegram_base_file_url
        )
    return Console(
        db=app.db if db is None else db,
        campaign=app.campaign if campaign is None else campaign,
        clock=app.clock,
        base_url=base_url or s.console_url,
        media_dir=Path(s.media_dir),
        export_dir=export_dir or Path(s.media_dir).parent / "exports",
        demo=getattr(app, "demo", False),
        telegram_files=telegram,
        invite_links=invite_links or (lambda code: []),
        telegram_username=s.telegram_bot_username,
        zalo_name=s.zalo_bot_name,
        zalo_oa_id=getattr(s, "zalo_oa_id", None),
        sending=SendingTerms.of(s),
    )
