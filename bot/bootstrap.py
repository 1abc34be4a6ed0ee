"""The one wiring module: settings -> database (migrated) -> communes (each its storage scope,
campaign and conversation core: bot/tenants.py) -> channels -> outbox dispatchers -> scheduler. `run`, `chat`, the console demo and every command
of the command line build what they need here; nothing registers itself on import and nothing
is attached to an object after it was built. The domain's event handlers are handed to the unit
of work here (`wire_events`), as a message bus is handed its handlers where the app is put
together."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from domain import campaigns, notifications, uow
from domain.campaign import Campaign, CampaignError, parse_campaign_text, read_campaign_text
from domain.clock import Clock, SystemClock
from domain.headroom import SendingTerms
from domain.units import apply_units, seed_units
from handlers.core import Core
from messages.catalog import t as text_of
from messages.folding import fold
from scheduler.startup import SchedulerInProcess
from storage.communes import Communes
from storage.db import make_engine

from .channel import Channel
from .delivery import Delivery
from .outbox_dispatcher import OutboxBell, OutboxDispatcher
from .reception import ChatRoutes, Door, OneCommune, Routes, SharedBot
from .settings import Settings, SettingsError
from .tenants import (
    CampaignsFor,
    Tenant,
    code_of_place,
    environment,
    serve_communes,
    stored_campaigns,
    tenant_of,
)
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
    # the province registry over `db`: the data in `db` is its first commune
    communes: Communes | None = None
    # every commune this process serves, by code, the first commune first; `db`, `core` and
    # `campaign` above are those of `commune` (the first one unless `for_commune` chose)
    tenants: dict[str, Tenant] = field(default_factory=dict)
    commune: str = ""
    routes: Routes | None = None  # the province's chat routes (a bot shared by several communes)

    def __post_init__(self) -> None:
        if self.turns is None:
            self.turns = TurnWriter(self.core)
        if not self.tenants:  # one commune: the app's own database and campaign
            code = self.commune or code_of_place(self.campaign.organiser.place)
            self.tenants = {
                code: tenant_of(
                    code,
                    self.campaign.organiser.short_name,
                    self.db,
                    self.core,
                    [self.campaign],
                    self.settings,
                    bell=self.outbox_bell,
                    turns=self.turns,
                )
            }
        if not self.commune:
            self.commune = next(iter(self.tenants))

    @property
    def tenant(self) -> Tenant:
        """The commune `db`, `core` and `campaign` belong to."""
        return self.tenants[self.commune]

    @property
    def delivery(self) -> Delivery:
        return self.tenant.delivery

    def for_commune(self, code: str | None) -> App:
        """The same app seen from one commune (None: the first): its database, campaign, core,
        outbox bell and turn writer, its own bots' settings when it has some. The command line's
        `--commune` and a commune's own channels use it."""
        code = code or next(iter(self.tenants))
        if code not in self.tenants:
            known = ", ".join(self.tenants)
            raise SettingsError(text_of("cli.no_commune", code=code, known=known))
        t = self.tenants[code]
        return dataclasses.replace(
            self,
            settings=t.own or self.settings,
            db=t.db,
            campaign=t.campaign,
            core=t.core,
            outbox_bell=t.bell,
            turns=t.turns,
            commune=code,
        )


def wire_events() -> None:
    """Every unit of work made from now on runs the domain's notification handlers on the events
    it records (outbox rows in the same transaction). Each process calls it before its first
    operation: `build` does, and so do the tests and the bench scripts that make a Core alone."""
    uow.handle_events_with(notifications.HANDLERS)


def build(
    settings: Settings,
    *,
    demo: bool = False,
    clock: Clock | None = None,
    store_campaign: bool = False,
    campaigns_for: CampaignsFor | None = None,
    environ: Mapping[str, str] | None = None,
) -> App:
    """The app of every commune the registry serves (the demo: its own database, one commune).
    `store_campaign` (serving, the console chat, `migrate`): while the first commune has no
    campaign row, the campaign file's is stored as its first; the other commands write nothing
    they were not asked to. `campaigns_for` says each commune's campaigns (default: its
    campaign table, else a file: bot/tenants.stored_campaigns); `environ` where the communes'
    own bots' settings are read (default: .env and the process's)."""
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
    communes = open_communes(db, settings, campaign, clock)
    if store_campaign:
        store_first_campaign(db, campaign, source, clock)
    with uow.UnitOfWork.begin(db, clock.now()) as work:  # the units: the file's at the first start
        seed_units(work, campaign)
        campaign = apply_units(work, campaign)
        work.commit()
    core = Core(
        db, campaign, clock, demo=demo, console_url=settings.console_url, sending=SendingTerms.of(settings)
    )
    registered = communes.first()
    first = registered.code if registered is not None else first_commune(settings, campaign)[0]
    app = App(
        settings=settings,
        db=db,
        campaign=campaign,
        core=core,
        clock=clock,
        demo=demo,
        communes=communes,
        commune=first,
    )
    if not demo:  # every other active commune of the registry (the demo is one commune)
        environ = environment(settings) if environ is None else environ
        tenants = serve_communes(
            app, communes, campaigns_for or stored_campaigns(first, campaign, environ, clock), environ
        )
        if tenants:
            app.tenants, app.commune = tenants, next(iter(tenants))
            app.routes = ChatRoutes(db, tenants)
    return app


def first_commune(settings: Settings, campaign: Campaign) -> tuple[str, str]:
    """The code and name of the commune whose data DATABASE_URL holds: COMMUNE_CODE and
    COMMUNE_NAME, else the campaign organiser's place folded (tran-ninh) and name."""
    place = "-".join(
        "".join(c if c.isalnum() and c.isascii() else " " for c in fold(campaign.organiser.place)).split()
    )
    code = settings.commune_code or (place[:32] if len(place) >= 2 else "xa-1")
    return code, settings.commune_name or campaign.organiser.name


def open_communes(db: Engine, settings: Settings, campaign: Campaign, clock: Clock) -> Communes:
    """The registry over the database, migrated (the registry, then every commune; a restart
    at head loads no Alembic), with the data in place registered as the first commune."""
    communes = Communes(db)
    communes.migrate()
    code, name = first_commune(settings, campaign)
    communes.ensure_first(code, name, now=clock.now())
    return communes


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


@dataclass
class Served:
    """A channel and the communes whose messages it carries (an outbox dispatcher each)."""

    channel: Channel
    tenants: list[Tenant]


def bot_key(token: str) -> str:
    """A bot's id as its token starts (Telegram's and Zalo's tokens are "<bot id>:<secret>")."""
    return token.split(":", 1)[0]


def door_for(app: App, sharing: list[Tenant], token: str) -> Door | None:
    """None when the deployment's bot serves the app's commune alone (the channel's own door);
    the shared bot's door when it serves several communes."""
    if [t.code for t in sharing] == [app.commune]:
        return None
    if len(sharing) == 1:
        return OneCommune(sharing[0])
    if app.routes is None:
        raise SettingsError("DATABASE_URL: the province's chat routes are needed for a shared bot")
    return SharedBot({t.code: t for t in sharing}, app.routes, bot_key(token), app.clock)


def serving(app: App) -> list[Served]:
    """The deployment's bots, each shared by the communes that have none of that kind of their
    own, then each commune's own bots and Official Account (webhooks under /<kind>/<code>)."""
    s = app.settings
    tenants = list(app.tenants.values())
    served: list[Served] = []
    if s.telegram_bot_token is not None:
        from .telegram import TelegramChannel

        sharing = [t for t in tenants if t.own is None or t.own.telegram_bot_token is None]
        if sharing:
            door = door_for(app, sharing, s.telegram_bot_token.get_secret_value())
            served.append(Served(TelegramChannel(app, delivery=app.delivery, door=door), sharing))
    if s.zalo_bot_token is not None:
        from .zalo import ZaloChannel

        sharing = [t for t in tenants if t.own is None or t.own.zalo_bot_token is None]
        if sharing:
            door = door_for(app, sharing, s.zalo_bot_token.get_secret_value())
            served.append(Served(ZaloChannel(app, delivery=app.delivery, door=door), sharing))
    if s.zalo_oa_on:  # the deployment's Official Account is the first commune's
        from .zalo_oa import ZaloOaChannel

        served.append(Served(ZaloOaChannel(app, delivery=app.delivery), [app.tenant]))
    for t in tenants:
        if t.own is None:
            continue
        own = app.for_commune(t.code)
        if t.own.telegram_bot_token is not None:
            from .telegram import TelegramChannel

            served.append(Served(TelegramChannel(own, delivery=t.delivery, path=f"/telegram/{t.code}"), [t]))
        if t.own.zalo_bot_token is not None:
            from .zalo import ZaloChannel

            served.append(Served(ZaloChannel(own, delivery=t.delivery, path=f"/zalo/{t.code}"), [t]))
        if t.own.zalo_oa_on:
            from .zalo_oa import ZaloOaChannel

            served.append(Served(ZaloOaChannel(own, delivery=t.delivery, path=f"/zalo-oa/{t.code}"), [t]))
    return served


def build_channels(app: App) -> list[Channel]:
    return [sv.channel for sv in serving(app)]


def chart_dir(app: App, code: str | None = None) -> Path:
    """Where digest charts are drawn: the first commune's folder, another commune's inside it."""
    base = Path(app.settings.media_dir) / "digests"
    first = next(iter(app.tenants))
    return base if (code or app.commune) == first else base / (code or app.commune)


def build_scheduler(app: App, *, retry_every: float = 30.0) -> SchedulerInProcess:
    """Reminders, digests and the deadline of every commune, under one leader lock: scheduler/
    decides when, each commune's bell wakes the senders of its messages."""
    from scheduler.jobs import SlotRunner

    others = [
        (t.code, SlotRunner(t.core, clock=app.clock, chart_dir=chart_dir(app, t.code), on_queued=t.bell.ring))
        for t in app.tenants.values()
        if t.code != app.commune
    ]
    return SchedulerInProcess(
        app.core,
        clock=app.clock,
        chart_dir=chart_dir(app),
        on_queued=app.outbox_bell.ring,
        retry_every=retry_every,
        communes=others,
    )


def build_services(app: App) -> Services:
    served = serving(app)
    lease = app.settings.outbox_lease_seconds
    dispatchers = [
        OutboxDispatcher(t.db, sv.channel, app.clock, bell=t.bell, lease=lease)
        for sv in served
        for t in sv.tenants
    ]
    return Services(
        channels=[sv.channel for sv in served], dispatchers=dispatchers, scheduler=build_scheduler(app)
    )
