"""`make run`'s real path: `python -m bot run` as its own process, the token from the
environment, serving Telegram (long polling) with the scheduler, then a clean stop on SIGINT."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from .conftest import CAMPAIGN_FILE, ROOT
from .fakes.telegram_api import FakeTelegram
from .fakes.zalo_api import FakeZalo

ZALO_TOKEN = "4242:zalo-secret-for-the-run-test"


async def test_python_m_bot_run_serves_telegram_and_zalo_and_stops_cleanly(tmp_path):
    fake = await FakeTelegram().start()
    zalo = FakeZalo(token=ZALO_TOKEN)
    await zalo.start()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_"))
    }
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_BASE_URL": fake.base_url,
            "TELEGRAM_BASE_FILE_URL": fake.file_url,
            "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
            "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
            "MEDIA_DIR": str(tmp_path / "media"),
            "ZALO_BOT_TOKEN": ZALO_TOKEN,
            "ZALO_BASE_URL": zalo.base_url,
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "INFO",
        }
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await fake.wait_for(lambda: fake.of("setMyCommands"), timeout=30)
        fake.push(fake.message_update(7001, text="/start"))
        sent = await fake.wait_for(lambda: fake.of("sendMessage", chat_id=7001), timeout=30)
        assert "Bạn chưa đăng ký" in sent[0].params["text"]
        zalo.queue(zalo.update("zu-run", "xin chao"))
        for _ in range(3000):  # bounded: the Zalo poller answers within milliseconds
            if zalo.texts("zu-run"):
                break
            await asyncio.sleep(0.01)
        assert "Bạn chưa đăng ký" in zalo.texts("zu-run")[0]
        # the scheduler starts once the first answers are out (bot/serve.py)
        head = b""
        while b"scheduler:" not in head:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
            assert line, head.decode()
            head += line
        proc.send_signal(signal.SIGINT)
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=30)
        out = head + out
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await fake.stop()
        await zalo.stop()
    log = out.decode()
    assert proc.returncode == 0, log
    assert "serving telegram, zalo (polling)" in log and "scheduler:" in log
    for token in (fake.token, ZALO_TOKEN):
        assert token not in log and token.split(":")[1] not in log
    assert "Traceback" not in log
    assert (tmp_path / "run.db").exists()
