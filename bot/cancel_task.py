"""Stopping a background task of the serving process (outbox loops, Zalo polling)."""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


async def cancel(task: asyncio.Task | None) -> None:
    """Cancel a background task and wait until it has stopped; its own error (if it died of
    one earlier) is logged, not raised: we are stopping anyway."""
    if task is None:
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    except Exception:
        log.exception("task %s ended with an error", task.get_name())
