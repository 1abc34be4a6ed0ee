"""Wiring: settings -> database (migrated) -> campaign -> conversation core."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.engine import Engine

from domain.campaign import Campaign, CampaignError, load_campaign
from domain.clock import Clock, SystemClock
from handlers.core import Core
from storage.db import make_engine, migrate

from .settings import Settings, SettingsError

log = logging.getLogger("thidua")


@dataclass
class App:
    settings: Settings
    db: Engine
    campaign: Campaign
    core: Core
    clock: Clock
    demo: bool = False
    dispatchers: list = field(default_factory=list)


def build(settings: Settings, *, demo: bool = False, clock: Clock | None = None) -> App:
    clock = clock or SystemClock()
    try:
        campaign = load_campaign(settings.campaign_file, settings.campaign_deadline)
    except CampaignError as exc:
        raise SettingsError(f"CAMPAIGN_FILE: {exc}") from None
    url = settings.database_url
    if demo:
        # The bundled campaign with its deadline 14 days ahead, on a database of its own.
        today = campaign.local(clock.now()).date()
        campaign = campaign.with_deadline(today + timedelta(days=14))
        url = settings.demo_database_url
    db = make_engine(url)
    migrate(db)
    core = Core(db, campaign, clock, demo=demo)
    return App(settings=settings, db=db, campaign=campaign, core=core, clock=clock, demo=demo)


class SecretFilter(logging.Filter):
    """Removes bot tokens and secrets from every log line (they sit inside API URLs)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        msg = record.getMessage()
        clean = msg
        for s in self.secrets:
            clean = clean.replace(s, "***")
        if clean != msg:
            record.msg, record.args = clean, ()
        return True


def setup_logging(settings: Settings) -> None:
    secrets = [v.get_secret_value() for v in (settings.telegram_bot_token, settings.zalo_bot_token,
                                               settings.webhook_secret) if v is not None]
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # httpx logs every request URL at INFO, and a bot token is part of those URLs
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
