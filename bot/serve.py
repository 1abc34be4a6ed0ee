"""Serve the configured channels in one process: Telegram and/or Zalo, long polling or
webhooks (one ASGI app on PORT), the outbox dispatchers and the scheduler."""

from __future__ import annotations

import asyncio
import logging
import signal

from .bootstrap import App, Services, build, build_services
from .settings import Settings

log = logging.getLogger("thidua")


async def serve_async(app: App, *, stop: asyncio.Event | None = None,
                      services: Services | None = None) -> None:
    settings = app.settings
    services = services or build_services(app)
    stop = stop or asyncio.Event()
    for ch in services.channels:
        await ch.start()
    for d in services.dispatchers:
        d.start()
    await services.scheduler.start()
    from .web_console import start_http  # webhooks, /healthz and the web console, polling mode too

    server, server_task = await start_http(app, [r for ch in services.channels for r in ch.routes()],
                                           required=bool(settings.webhook_base_url))
    log.info("serving %s (%s)", ", ".join(ch.name for ch in services.channels) or "nothing",
             "webhook" if settings.webhook_base_url else "polling")
    try:
        await stop.wait()
    finally:
        if server is not None:
            server.should_exit = True
            await server_task
        await services.scheduler.stop()
        for d in services.dispatchers:
            await d.stop()
        for ch in services.channels:
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
        await serve_async(build(settings), stop=stop)

    asyncio.run(main())
    return 0
