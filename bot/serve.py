"""Serve the configured channels in one process: Telegram and/or Zalo, long polling or
webhooks (one ASGI app on PORT), the outbox dispatchers and the scheduler.

Start-up order: the channels first (the messages waiting for the bot are fetched and answered at
once), then — once each polling channel has handled its first batch (at most `settle` seconds
later) — the scheduler (leader lock, jobs, catch-up of missed slots) and, in polling mode, the
web console on PORT. In webhook mode the HTTP server is the channels' door: it starts with them."""

from __future__ import annotations

import asyncio
import logging
import signal

from .bootstrap import App, Services, build, build_services
from .gc_pause import resume
from .settings import Settings

log = logging.getLogger("thidua")

SETTLE = 5.0  # seconds: the longest the scheduler and the web console wait for the first answers


async def first_answers(channels, timeout: float) -> None:
    """Until every channel that says so (`first_batch`, an asyncio.Event) has handled the first
    updates it fetched, or `timeout` seconds."""
    waits = [
        asyncio.ensure_future(ev.wait())
        for ch in channels
        if (ev := getattr(ch, "first_batch", None)) is not None
    ]
    if not waits:
        return
    try:
        await asyncio.wait(waits, timeout=timeout)
    finally:
        for w in waits:
            w.cancel()


async def serve_async(
    app: App, *, stop: asyncio.Event | None = None, services: Services | None = None, settle: float = SETTLE
) -> None:
    settings = app.settings
    services = services or build_services(app)
    stop = stop or asyncio.Event()
    routes = [r for ch in services.channels for r in ch.routes()]
    webhook = bool(settings.webhook_base_url)
    http: list = []  # [(server, task)] once the HTTP server runs
    scheduling = False

    async def start_http(required: bool) -> None:
        from .web_console import start_http  # webhooks, /healthz and the web console

        server, task = await start_http(app, routes, required=required)
        if server is not None:
            http.append((server, task))

    async def after_first_answers() -> None:
        nonlocal scheduling
        await first_answers(services.channels, settle)
        resume()  # garbage collection, paused while starting (bot/gc_pause.py)
        scheduling = True
        await services.scheduler.start()
        if not webhook:  # polling mode: the web console (and /healthz) on PORT too
            await start_http(required=False)

    for ch in services.channels:
        await ch.start()
    for d in services.dispatchers:
        d.start()
    if webhook:  # the updates come through it
        await start_http(required=True)
    log.info(
        "serving %s (%s)",
        ", ".join(ch.name for ch in services.channels) or "nothing",
        "webhook" if webhook else "polling",
    )
    later = asyncio.create_task(after_first_answers(), name="serve-after-first-answers")
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({stopped, later}, return_when=asyncio.FIRST_COMPLETED)
        if later.done() and (failed := later.exception()) is not None:
            raise failed
        await stopped
    finally:
        stopped.cancel()
        if not later.done():
            later.cancel()
            await asyncio.gather(later, return_exceptions=True)
        for server, task in http:
            server.should_exit = True
            await task
        if scheduling:
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
        await serve_async(build(settings, store_campaign=True), stop=stop)

    asyncio.run(main())
    return 0
