"""A process that renews the Zalo OA token and is killed (SIGKILL) after the platform's
answer, before its commit: python -m tests.oa_renewal_child DATABASE_URL OAUTH_URL JOURNAL"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.zalo_oa import OaClient, OaTokens
from domain.clock import SystemClock
from storage.db import make_engine

from .fakes.zalo_oa_api import APP_ID, APP_SECRET, OA_ID


def killed_before_commit(self, replaces, pair):
    os.kill(os.getpid(), signal.SIGKILL)


async def main(url: str, oauth: str, journal: str) -> None:
    client = OaClient(oauth, oauth, oauth)
    tokens = OaTokens(
        make_engine(url),
        SystemClock(),
        client,
        oa_id=OA_ID,
        app_id=APP_ID,
        app_secret=APP_SECRET,
        journal=Path(journal),
    )
    OaTokens._store = killed_before_commit
    current = tokens.read()
    await tokens.renew(current.version)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
