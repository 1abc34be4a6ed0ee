"""The one wiring module: settings -> database (migrated) -> campaign -> conversation core ->
channels -> outbox dispatchers -> scheduler. `run`, `chat`, the console demo and every command
of the command line build what they need here; nothing registers itself on import and nothing
is attached to an object after it was built. The domain's event handlers are handed to the unit
of work here (`wire_events`), as a message bus is handed its handlers where the app is put
together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from domain import campaigns, notifications, uow
from domain.campaign import Campaign, CampaignError, parse_campaign_text, read_campaign_text
from domain.clock import Clock, SystemClock
from domain.headroom import SendingTerms
from handlers.core import Core
from scheduler.startup import SchedulerInProcess
from storage.db import make_engine, migrate

from .channel import Channel
from .delivery import Delivery
from .outbox_dispatcher import OutboxBell, OutboxDispatcher
from .settings import Settings, SettingsError
from .turn_writer import TurnWriter


@dataclass
class App:
    settings: Settings
    db: Engine
    campaign: Campaign
    core: Core
    clock: Clock
    demo: bool = False
    # wakes a channel's outbox dispatcher when a turn or a scheduler slot queued something
    outbox_bell: OutboxBell = field(default_factory=OutboxBell)
    # every channel's turns go to the database through it, several to a commit when busy
    turns: TurnWriter | None = None

    def __post_init__(self) -> None:
        if self.turns is None:
            self.turns = TurnWriter(self.core)


def wire_events() -> None:
    """Every unit of work made from now on runs the domain's notification handlers on the events
    it records (outbox rows in the same transaction). Each process calls it before its first
    operation: `build` does, and so do the tests and the bench scripts that make a Core alone."""
    uow.handle_events_with(notifications.HANDLERS)


def build(
    settings: Settings, *, demo: bool = False, clock: Clock | None = None, store_campaign: bool = False
) -> App:
    """The app. `store_campaign` (serving, the console chat, `migrate`): while the commune has
    no campaign row, the campaign file's is stored as its first; the other commands write
    nothing they were not asked to."""
    wire_events()
    clock = clock or SystemClock()
    try:
        source = read_campaign_text(settings.campaign_file)
        campaign = parse_campaign_text(source, str(settings.campaign_file))
        campaign = campaign.with_deadline(settings.campaign_deadline)
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
    if store_campaign:
        store_first_campaign(db, campaign, source, clock)
    core = Core(
        db, campaign, clock, demo=demo, console_url=settings.console_url, sending=SendingTerms.of(settings)
    )
    return App(settings=settings, db=db, campaign=campaign, core=core, clock=clock, demo=demo)


def store_first_campaign(db: Engine, campaign: Campaign, source: str, clock: Clock) -> None:
    """An existing deployment upgrades in place: while the commune has no campaign row, the
    campaign file's campaign becomes its first (open or closed by its dates); once there is
    one, the table is the truth and the file is left alone."""
    with uow.UnitOfWork.begin(db, clock.now()) as work:
        # a later deadline set by CAMPAIGN_DEADLINE opens it again once its row closed
        if campaigns.store_file_campaign(work, campaign, source) or campaigns.reopen_extended(work, campaign):
            work.commit()


@dataclass
class Services:
    """What the serving process runs beside the web server."""

    channels: list[Channel]
    dispatchers: list[OutboxDispatcher]
    scheduler: SchedulerInProcess


def build_channels(app: App) -> list[Channel]:
    s = app.settings
    # one path for every channel's replies
    delivery = Delivery(
        app.db, app.clock, app.outbox_bell, lease=min(60, s.outbox_lease_seconds), writer=app.turns
    )
    channels: list[Channel] = []
    if s.telegram_bot_token is not None:
        from .telegram import TelegramChannel

        channels.append(TelegramChannel(app, delivery=delivery))
    if s.zalo_bot_token is not None:
        from .zalo import ZaloChannel

        channels.append(ZaloChannel(app, delivery=delivery))
    if s.zalo_oa_on:
        from .zalo_oa import ZaloOaChannel

        channels.append(ZaloOaChannel(app, delivery=delivery))
    return channels


def chart_dir(app: App) -> Path:
    return Path(app.settings.media_dir) / "digests"


def build_scheduler(app: App, *, retry_every: float = 30.0) -> SchedulerInProcess:
    """Reminders, digests and the deadline: scheduler/ decides when, the bell wakes the senders."""
    return SchedulerInProcess(
        app.core,
        clock=app.clock,
        chart_dir=chart_dir(app),
        on_queued=app.outbox_bell.ring,
        retry_every=retry_every,
    )


def build_services(app: App) -> Services:
    channels = build_channels(app)
    dispatchers = [
        OutboxDispatcher(app.db, ch, app.clock, bell=app.outbox_bell, lease=app.settings.outbox_lease_seconds)
        for ch in channels
    ]
    return Services(channels=channels, dispatchers=dispatchers, scheduler=build_scheduler(app))
