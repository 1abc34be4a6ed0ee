"""A deployment serving several communes for chat tests: the registry over the test's base
database (SQLite file or PostgreSQL schema), communes created in it, and the app `build` makes
of them, each commune with the campaign a test gives (by default the bundled one with its
organiser renamed after the commune, so its greeting says whose bot answered).

    from .province_fixtures import commune_campaign, province_app
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping

from domain.campaign import Campaign, parse_campaign
from storage.communes import Communes

from .conftest import CAMPAIGN_FILE

FIRST = ("tran-ninh", "Xã Trần Ninh")


def commune_campaign(place: str) -> Campaign:
    """The bundled campaign (same units, same codes) run by the commune of `place`."""
    data = tomllib.loads(CAMPAIGN_FILE.read_text(encoding="utf-8"))
    org = data["organiser"]
    org["name"] = f"Ủy ban nhân dân xã {place}"
    org["short_name"] = f"UBND xã {place}"
    org["place"] = place
    return parse_campaign(data, f"<{place}>")


def register(base, communes: Mapping[str, str]) -> Communes:
    """The registry over `base` with FIRST in place and each (code -> name) created."""
    registry = Communes(base)
    registry.migrate()
    registry.ensure_first(*FIRST)
    for code, name in communes.items():
        if registry.get(code) is None:
            registry.create(code, name)
    return registry


def by_place(commune, engine) -> list[Campaign]:
    """Each commune its campaign: the bundled one, organised by that commune."""
    return [commune_campaign(commune.name.removeprefix("Xã ").strip())]


def province_app(
    settings, clock, base, communes: Mapping[str, str], environ: Mapping[str, str] | None = None
):
    """`build` over a registry with FIRST and `communes`; the communes' own bots from `environ`."""
    from bot.bootstrap import build

    register(base, communes).dispose()
    return build(settings, clock=clock, campaigns_for=by_place, environ=environ or {})
