"""Which campaign a console page reads: `?dot=<code>` (kept in a cookie), else the newest open
campaign, else the one whose deadline passed last. Staff and council members choose among the
open campaigns and those past their deadline (appraisal, council and decision go on after
it); the header lists them when there is more than one. A database with no campaign row
serves the console's own campaign, as before."""

from __future__ import annotations

from typing import Any

from domain import campaigns
from domain.uow import UnitOfWork

COOKIE = "thidua_dot"


def choose(req: Any) -> tuple[Any, tuple[Any, ...]]:
    """(the campaign the page reads, the campaigns the header offers). A form carries the
    campaign of the page it was on (`dot` beside its CSRF token): it acts on that campaign,
    whatever another tab chose since."""
    own = req.console.campaign
    uow = UnitOfWork(req.s, req.now)
    current = campaigns.current(uow)
    # the console's own campaign keeps the deadline it was started with (CAMPAIGN_DEADLINE)
    choices = tuple(own if c.code == own.code else c for c in (*current.open, *current.after_deadline))
    posted = (req.form.get("dot") or [""])[0] if req.form else ""
    if posted and posted != own.code and all(c.code != posted for c in choices):
        found = campaigns.campaign_by_code(uow, posted)  # put away since the page was shown
        if found is not None:
            return found, choices
    if not choices:
        return own, ()
    asked = posted or req.request.query_params.get("dot")
    wanted = asked or req.request.cookies.get(COOKIE)
    picked = next((c for c in choices if c.code == wanted), None)
    if (
        picked is not None
        and not posted
        and asked == picked.code
        and req.request.cookies.get(COOKIE) != asked
    ):
        req.keep_campaign = picked.code  # the response sets the cookie
    return picked or choices[0], choices


def keep(response: Any, code: str, *, secure: bool) -> None:
    response.set_cookie(COOKIE, code, max_age=180 * 86400, httponly=True, samesite="lax", secure=secure)
