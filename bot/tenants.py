"""One commune served by this process: its storage scope, its conversation core, and what
carries its messages (its outbox bell, its turn writer, its delivery path).

Every commune runs the same operations, flows and jobs on its own Engine (a PostgreSQL schema
or a SQLite file, storage/communes.py), so what one commune's Core, scheduler or outbox
dispatcher reads and writes is that commune's alone. A commune may have bots of its own: their
tokens stay in the environment, under the deployment's setting name followed by ``__`` and the
commune's code in capitals (``TELEGRAM_BOT_TOKEN__TRAN_NINH`` for the commune ``tran-ninh``);
a commune without one is served by the deployment's shared bot, which asks people their
commune first (bot/reception.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from domain.campaign import Campaign
from handlers.core import Core
from messages.folding import fold

from .delivery import Delivery
from .outbox_dispatcher import OutboxBell
from .settings import Settings, SettingsError
from .turn_writer import TurnWriter

# A commune's campaigns, read from where they are kept (the campaign file today for the first
# commune; a commune's `campaign` table once campaigns are stored there).
CampaignsFor = Callable[[Any, Engine], list[Campaign]]

# The settings a commune may have of its own: its bots and its Official Account.
CHANNEL_FIELDS = (
    "telegram_bot_token",
    "telegram_bot_username",
    "zalo_bot_token",
    "zalo_bot_name",
    "zalo_oa_app_id",
    "zalo_oa_secret_key",
    "zalo_oa_app_secret",
    "zalo_oa_access_token",
    "zalo_oa_refresh_token",
    "zalo_oa_id",
)
# the platforms' addresses: the deployment's unless the commune names its own (a Bot API
# server of its own)
ADDRESS_FIELDS = ("telegram_base_url", "telegram_base_file_url", "zalo_base_url")


@dataclass
class Tenant:
    """A commune in this process: `code` and `name` as the registry has them."""

    code: str
    name: str
    db: Engine
    core: Core
    campaigns: list[Campaign]
    bell: OutboxBell
    turns: TurnWriter
    delivery: Delivery
    commune: Any = None  # the registry's Commune row (None for a deployment without a registry)
    # the commune's own bots and OA (None: the deployment's shared ones serve it)
    own: Settings | None = None

    @property
    def campaign(self) -> Campaign:
        return self.core.campaign


def tenant_of(
    code: str,
    name: str,
    db: Engine,
    core: Core,
    campaigns: list[Campaign],
    settings: Settings,
    *,
    bell: OutboxBell | None = None,
    turns: TurnWriter | None = None,
    commune: Any = None,
    own: Settings | None = None,
) -> Tenant:
    bell = bell or OutboxBell()
    turns = turns or TurnWriter(core)
    delivery = Delivery(db, core.clock, bell, lease=min(60, settings.outbox_lease_seconds), writer=turns)
    return Tenant(code, name, db, core, campaigns, bell, turns, delivery, commune, own)


def code_of_place(place: str) -> str:
    """A commune code from its place name: "Trần Ninh" -> "tran-ninh"."""
    return "-".join(fold(place).split())[:32] or "xa"


def env_name(field: str, code: str) -> str:
    """The environment variable holding a commune's own value of a setting."""
    return f"{field.upper()}__{code.upper().replace('-', '_')}"


def environment(settings: Settings) -> dict[str, str]:
    """The environment as the settings read it: the .env file, then the process's variables."""
    from dotenv import dotenv_values  # pydantic-settings' own reader of .env

    env_file = settings.model_config.get("env_file")
    values: dict[str, str] = {}
    if isinstance(env_file, str | os.PathLike) and os.path.isfile(env_file):
        values.update({k.upper(): v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update({k.upper(): v for k, v in os.environ.items()})
    return values


def own_settings(settings: Settings, code: str, environ: Mapping[str, str]) -> Settings | None:
    """The commune's own bots and OA (every other setting the deployment's), or None when the
    environment names none for it. A value that does not fit stops the start with one line
    naming the variable, as the deployment's own settings do."""
    if not any(environ.get(env_name(f, code)) for f in CHANNEL_FIELDS):
        return None
    named = CHANNEL_FIELDS + ADDRESS_FIELDS
    found = {f: environ[env_name(f, code)] for f in named if environ.get(env_name(f, code))}
    values = settings.model_dump() | dict.fromkeys(CHANNEL_FIELDS) | found
    from pydantic import ValidationError

    try:
        own = Settings(_env_file=None, **values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "settings"
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{env_name(field, code)}: {msg}") from None
    own.check_webhook()
    return own


def file_campaigns(first_code: str, first: Campaign, environ: Mapping[str, str]) -> CampaignsFor:
    """Campaigns from files: the first commune's is CAMPAIGN_FILE (already loaded: `first`),
    another commune's the file its CAMPAIGN_FILE__<CODE> names (none: it is not served yet)."""
    from domain.campaign import CampaignError, load_campaign

    def campaigns_for(commune: Any, engine: Engine) -> list[Campaign]:
        if commune.code == first_code:
            return [first]
        name = env_name("campaign_file", commune.code)
        path = environ.get(name)
        if not path:
            return []
        try:
            return [load_campaign(path)]
        except CampaignError as exc:
            raise SettingsError(f"{name}: {exc}") from None

    return campaigns_for


def stored_campaigns(
    first_code: str, first: Campaign, environ: Mapping[str, str], clock: Any
) -> CampaignsFor:
    """Each commune's campaigns from its own `campaign` table (open ones, then those the office
    still works on after their deadline), else from the file CAMPAIGN_FILE__<CODE> names; the
    first commune's core keeps CAMPAIGN_FILE's campaign (stored as its first row)."""
    from domain import campaigns
    from domain.uow import UnitOfWork

    files = file_campaigns(first_code, first, environ)

    def campaigns_for(commune: Any, engine: Engine) -> list[Campaign]:
        if commune.code == first_code:
            return [first]
        with UnitOfWork.begin(engine, clock.now()) as uow:
            current = campaigns.current(uow)
        return [*current.open, *current.after_deadline] or files(commune, engine)

    return campaigns_for


def console_url_of(commune: Any, settings: Settings) -> str:
    """A commune's web console as its people open it: its own host when it has one."""
    if getattr(commune, "web_host", None):
        scheme = settings.console_url.split("://", 1)[0]
        return f"{scheme}://{commune.web_host}"
    return settings.console_url


def serve_communes(
    app: Any, registry: Any, campaigns_for: CampaignsFor, environ: Mapping[str, str]
) -> dict[str, Tenant]:
    """Every active commune of the registry as a Tenant, the first one being the app's own
    (its database, Core and campaign stay as built); a commune with no campaign is left out
    (logged). Empty when the registry has no commune yet."""
    import logging

    from handlers.flows.export import export_dir

    active = [c for c in registry.all() if c.status == "active"]
    if not active:
        return {}
    first, *others = active
    mine = app.tenant
    mine.code, mine.name, mine.commune = first.code, first.name, first
    mine.own = own_settings(app.settings, first.code, environ)
    tenants = {first.code: mine}
    for commune in others:
        db = registry.engine_of(commune)
        campaigns = campaigns_for(commune, db)
        if not campaigns:
            logging.getLogger("thidua").warning("commune %s: no campaign open; not served", commune.code)
            continue
        core = Core(
            db,
            campaigns[0],
            app.clock,
            console_url=console_url_of(commune, app.settings),
            sending=app.core.sending,
        )
        core.export_dir = export_dir(app.core) / commune.code  # a file of one commune's own
        tenants[commune.code] = tenant_of(
            commune.code,
            commune.name,
            db,
            core,
            campaigns,
            app.settings,
            commune=commune,
            own=own_settings(app.settings, commune.code, environ),
        )
    return tenants
