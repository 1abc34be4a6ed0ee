"""kill -9 loses nothing: `python -m bot run` as a real process (Telegram long
polling against the fake Bot API, a SQLite file), killed with SIGKILL while a reply is being
sent, or in the middle of an outbox drain; then restarted. Every reply and every queued row
arrives exactly once, and the message that came in meanwhile is handled."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC

from sqlmodel import Session

from storage import outbox
from storage.db import make_engine, migrate
from storage.models import Outbox

from .conftest import CAMPAIGN_FILE, ROOT, rows
from .fakes.telegram_api import FakeTelegram

USER = 7001
LEASE = 2  # OUTBOX_LEASE_SECONDS: how soon the restarted process takes a dead one's rows


def _env(fake: FakeTelegram, tmp_path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_", "OUTBOX_"))
    }
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_BASE_URL": fake.base_url,
            "TELEGRAM_BASE_FILE_URL": fake.file_url,
            "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db",
            "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
            "MEDIA_DIR": str(tmp_path / "media"),
            "OUTBOX_LEASE_SECONDS": str(LEASE),
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "INFO",
        }
    )
    return env


async def _start(fake: FakeTelegram, tmp_path) -> asyncio.subprocess.Process:
    before = len(fake.of("getUpdates"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=_env(fake, tmp_path),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await fake.wait_for(lambda: len(fake.of("getUpdates")) > before, timeout=60)
    return proc


async def _kill(proc: asyncio.subprocess.Process) -> None:
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    assert proc.returncode == -signal.SIGKILL


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), timeout=30)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def _texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [
        c.params.get("text", "") for c in fake.delivered("sendMessage") if int(c.params["chat_id"]) == chat_id
    ]


async def test_kill_9_while_a_reply_is_sent_loses_neither_it_nor_the_next_message(tmp_path):
    fake = await FakeTelegram().start()
    proc = await _start(fake, tmp_path)
    try:
        fake.hold()  # every send hangs: the process dies with its reply unsent
        first = fake.push(fake.message_update(USER, text="/start"))
        await fake.wait_for(lambda: fake.held, timeout=30)
        # the person writes again while the first reply hangs (PTB's own Updater would
        # confirm both updates when it fetched them, and the reply would never be stored)
        second = fake.push(fake.message_update(USER, text="1"))
        await fake.wait_for(lambda: len(fake.of("getUpdates")) >= 3, timeout=30)
        await _kill(proc)
        fake.release()
        assert _texts(fake, USER) == []

        proc = await _start(fake, tmp_path)  # the restart
        await fake.wait_for(lambda: len(_texts(fake, USER)) >= 2, timeout=60)
        await asyncio.sleep(2 * LEASE + 1)  # any repeat would come within this
        texts = _texts(fake, USER)
        assert len(texts) == len(set(texts)) >= 2, texts  # nothing twice
    finally:
        await _stop(proc)
        await fake.stop()
    # both updates were handled once (their replies are keyed on them), and everything went out
    kept = rows(make_engine(f"sqlite:///{tmp_path}/bot.db"), Outbox)
    answered = {r.dedupe_key.split(":")[2] for r in kept}
    assert answered == {str(first["update_id"]), str(second["update_id"])}
    assert len(kept) == len(texts)
    assert {r.status for r in kept} == {"sent"}


async def test_kill_9_in_the_middle_of_an_outbox_drain_delivers_every_row_once(tmp_path):
    fake = await FakeTelegram().start()
    db = make_engine(f"sqlite:///{tmp_path}/bot.db")
    migrate(db)
    n = 30
    with Session(db) as s:
        from datetime import datetime

        now = datetime.now(UTC)
        for i in range(n):
            outbox.enqueue(
                s,
                member_id=None,
                payload={"kind": "text", "text": f"Nhắc hạn {i}"},
                now=now,
                channel="telegram",
                chat_id=str(9000 + i),
                dedupe_key=f"drain{i}",
            )
        s.commit()
    fake.hold(after=10)  # ten go out, then the drain hangs on the eleventh
    proc = await _start(fake, tmp_path)
    try:
        await fake.wait_for(lambda: fake.held, timeout=30)
        await _kill(proc)
        fake.release()
        assert 0 < len(fake.delivered()) < n  # the drain was cut in the middle

        proc = await _start(fake, tmp_path)
        await fake.wait_for(lambda: len(fake.delivered()) >= n, timeout=60)
        await asyncio.sleep(2 * LEASE + 1)  # any repeat would come within this
    finally:
        await _stop(proc)
        await fake.stop()
    texts = sorted(c.params["text"] for c in fake.delivered())
    assert texts == sorted(f"Nhắc hạn {i}" for i in range(n))  # each once
    assert {r.status for r in rows(db, Outbox)} == {"sent"}
