"""The web server's consoles when the deployment serves several communes: each commune's
console on its own host (its engine, its campaign, its address in sign-in links, its exports
folder), the province console on PROVINCE_HOST (web/hosts.py dispatches by Host).

A commune's address is CONSOLE_URL with the commune's host in place of its own (the scheme and
the port kept), so behind nginx every host is https on 443 and on a laptop every host shares
the one port."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import Engine


def address_on(base_url: str, host: str | None) -> str:
    """`base_url` with `host` as its host (the port kept unless `host` names one)."""
    if not host:
        return base_url.rstrip("/")
    parts = urlsplit(base_url)
    netloc = host if ":" in host or parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, "", "", "")).rstrip("/")


@dataclass(frozen=True)
class InPlace:
    """The data where DATABASE_URL points, on a deployment whose registry is not made yet: the
    one commune, served on every host as before there were several."""

    id: int = 0
    code: str = ""
    name: str = ""
    web_host: str | None = None
    scope: str = ""
    status: str = "active"
    created_at: datetime | None = None


class CommuneConsoles:
    """Each commune's engine and campaign as the serving process has them: a tenant's (one
    serving process for many communes' chats: `app.tenants`), else commune 1 is `app.db` and
    `app.campaign`, and another commune is its registry engine with the deployment's campaign."""

    def __init__(self, app: Any, registry: Any) -> None:
        self.app, self.registry = app, registry

    def _tenant(self, commune: Any) -> Any:
        return (getattr(self.app, "tenants", None) or {}).get(commune.code)

    def is_first(self, commune: Any) -> bool:
        return isinstance(commune, InPlace) or bool(self.registry.is_base(commune))

    def engine_of(self, commune: Any) -> Engine:
        tenant = self._tenant(commune)
        if tenant is not None:
            return tenant.db
        return self.app.db if self.is_first(commune) else self.registry.engine_of(commune)

    def campaign_of(self, commune: Any) -> Any:
        """The tenant's campaign; else the commune's first from the app's `campaigns_for(commune,
        engine)` provider when it has one; else the deployment's (CAMPAIGN_FILE)."""
        tenant = self._tenant(commune)
        core = getattr(tenant, "core", None)
        if getattr(core, "campaign", None) is not None:
            return core.campaign
        provider = getattr(self.app, "campaigns_for", None)
        found = provider(commune, self.engine_of(commune)) if provider and not self.is_first(commune) else []
        return found[0] if found else self.app.campaign

    def url_of(self, commune: Any) -> str:
        return address_on(self.app.settings.console_url, commune.web_host)

    def invite_links(self, commune: Any):
        from .telegram.links import invite_links

        settings = self.app.settings
        if self.is_first(commune):
            return lambda code: invite_links(settings, code)
        # a shared bot takes the commune from the deep link: /start c-<commune>-<invite>
        return lambda code: invite_links(settings, f"c-{commune.code}-{code}")

    def console(self, commune: Any):
        from web.app import console_from, make_console

        exports = Path(self.app.settings.media_dir).parent / "exports"
        return make_console(
            console_from(
                self.app,
                invite_links=self.invite_links(commune),
                db=self.engine_of(commune),
                campaign=self.campaign_of(commune),
                base_url=self.url_of(commune),
                export_dir=exports if self.is_first(commune) else exports / commune.code,
            )
        )

    def figures(self, commune: Any):
        from sqlmodel import Session

        from storage.province_figures import figures

        with Session(self.engine_of(commune)) as s:
            return figures(s)


def host_consoles(app: Any, registry: Any = None, *, monotonic: Any = None):
    """The ASGI app the web server mounts under /: the consoles by Host. `monotonic`: the
    seconds the registry's re-reading is paced by (time.monotonic; tests give their own)."""
    from sqlalchemy import inspect

    from domain import province_admin
    from storage.communes import Communes
    from web.hosts import HostConsoles, host_of
    from web.province import make_province_console
    from web.province.console import ProvinceConsole

    registry = registry or getattr(app, "communes", None) or Communes(app.db)
    settings = app.settings
    consoles = CommuneConsoles(app, registry)
    dispatch: HostConsoles

    def add_commune(admin, code: str, name: str, host: str):
        events = province_admin.add_commune(
            registry, admin, code, name, host, province_host=settings.province_host, now=app.clock.now()
        )
        dispatch.forget()  # its host is served from the next request
        return events

    def province():
        return make_province_console(
            ProvinceConsole(
                registry=registry,
                db=app.db,
                clock=app.clock,
                engine_of=consoles.engine_of,
                add_commune=add_commune,
                figures=consoles.figures,
                commune_url=consoles.url_of,
                base_url=address_on(settings.console_url, settings.province_host),
                province_host=settings.province_host,
            )
        )

    listed = registry.all
    if not inspect(app.db).has_table("province_commune"):
        listed = lambda: [InPlace()]  # noqa: E731
    dispatch = HostConsoles(
        listed,
        consoles.console,
        province=province if settings.province_host else None,
        province_host=settings.province_host,
        first_host=host_of(urlsplit(settings.console_url).netloc),
        **({"clock": monotonic} if monotonic is not None else {}),
    )
    return dispatch
