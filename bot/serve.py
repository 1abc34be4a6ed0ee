"""Serve the configured channels in one process: Telegram and/or Zalo, long polling or
webhooks (one ASGI app on PORT), the outbox dispatchers and the scheduler."""

from __future__ import annotations

import asyncio
import logging
import signal

from domain.clock import Clock

from .app import App, build
from .channel import Channel
from .outbox import OutboxDispatcher
from .settings import Settings

log = logging.getLogger("thidua")

# Other parts add start-up hooks here: async fn(app, channels) -> optional async stop callable.
# The scheduler registers itself this way, so bot/ decides *how*, scheduler/ decides *when*.
STARTUP_HOOKS: list = []


def _add_scheduler() -> None:
    from .schedule import start_scheduler  # reminders, digests, deadline (issue 6)

    STARTUP_HOOKS.append(start_scheduler)


_add_scheduler()


def make_channels(app: App) -> list[Channel]:
    s = app.settings
    channels: list[Channel] = []
    if s.telegram_bot_token is not None:
        from .telegram import TelegramChannel

        channels.append(TelegramChannel(app))
    if s.zalo_bot_token is not None:
        from .zalo import ZaloChannel

        channels.append(ZaloChannel(app))
    return channels


async def serve_async(settings: Settings, *, clock: Clock | None = None,
                      stop: asyncio.Event | None = None, app: App | None = None) -> None:
    app = app or build(settings, clock=clock)
    channels = make_channels(app)
    dispatchers = [OutboxDispatcher(app.db, ch, app.clock) for ch in channels]
    app.dispatchers = dispatchers  # type: ignore[attr-defined]
    stop = stop or asyncio.Event()
    for ch in channels:
        await ch.start()
    for d in dispatchers:
        d.start()
    stoppers = []
    for hook in STARTUP_HOOKS:
        stopper = await hook(app, channels)
        if stopper is not None:
            stoppers.append(stopper)
    server = None
    server_task = None
    if settings.webhook_base_url:
        import uvicorn

        from .web import make_app

        from .honours_page import honours_routes  # the public page of issue 15

        routes = [r for ch in channels for r in ch.routes()] + honours_routes(app.db, app.campaign)
        config = uvicorn.Config(make_app(routes), host="0.0.0.0", port=settings.port,
                                log_level=settings.log_level.lower(), access_log=False)
        server = uvicorn.Server(config)
        server_task = asyncio.create_task(server.serve())
    log.info("serving %s (%s)", ", ".join(ch.name for ch in channels) or "nothing",
             "webhook" if server else "polling")
    try:
        await stop.wait()
    finally:
        if server is not None:
            server.should_exit = True
            await server_task
        for stopper in stoppers:
            await stopper()
        for d in dispatchers:
            await d.stop()
        for ch in channels:
            await ch.stop()


def serve(settings: Settings) -> int:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except NotImplementedError:  # pragma: no cover
                pass
        await serve_async(settings, stop=stop)

    asyncio.run(main())
    return 0
