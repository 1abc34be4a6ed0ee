"""Start-up stays light: building the app the way `make run` does (settings, database,
campaign, core with every flow, the Telegram and Zalo channels, the CLI) loads none of the
heavy libraries; they load when a chart or a file is first asked for. Serving (the first
answer, then the scheduler and the web console) loads none of them either, nor the console's
pages and Jinja2 until someone opens the console. (The features themselves are tested where
they live: charts in test_digest, invitations and their QR code in test_broadcasts and
test_web_pages, the workbook and the Word files in test_exports.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from storage.db import alembic_config, at_head, heads, make_engine

from .conftest import CAMPAIGN_FILE, ROOT

HEAVY = ("matplotlib", "docx", "openpyxl", "xlsxwriter", "lxml", "numpy", "PIL", "qrcode")

SCRIPT = """
import json, sys
import bot.__main__, bot.cli, bot.serve
from bot.settings import Settings
from bot.bootstrap import build, build_services
app = build(Settings())
channels = build_services(app).channels
before = sorted(m for m in {heavy!r} if m in sys.modules)
import documents
documents.write_workbook, documents.write_list  # first use loads them
after = sorted(m for m in {heavy!r} if m in sys.modules)
print(json.dumps({{"channels": [c.name for c in channels], "before": before, "after": after}}))
"""


def start(tmp_path, db: str, heavy=HEAVY) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_"))
    }
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35,
            "ZALO_BOT_TOKEN": "4242:zalo-secret",
            "DATABASE_URL": db,
            "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
            "PYTHONPATH": str(ROOT),
        }
    )
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(heavy=heavy)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_heavy_libraries_load_when_first_needed_not_at_start(tmp_path):
    seen = start(tmp_path, f"sqlite:///{tmp_path}/start.db")
    assert seen["channels"] == ["telegram", "zalo"]
    assert seen["before"] == []
    assert {"docx", "xlsxwriter"} <= set(seen["after"])


SERVE = """
import asyncio, gc, json, socket, sys
import httpx
from tests.fakes.telegram_api import FakeTelegram
import bot.__main__  # as `python -m bot`: garbage collection paused while starting
from bot.settings import load_settings
from bot.bootstrap import build, build_services
from bot.serve import serve_async

WATCH = {watch!r}

def loaded():
    return sorted(m for m in WATCH if m in sys.modules)

async def main():
    fake = await FakeTelegram().start()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = build(load_settings(telegram_bot_token=fake.token, telegram_base_url=fake.base_url,
                              telegram_base_file_url=fake.file_url, port=port))
    services = build_services(app)
    at_scheduler_start = {{}}
    start_scheduler = services.scheduler.start

    async def start():  # what is loaded when the scheduler starts, and whether the answer went
        at_scheduler_start.update(loaded=loaded(), answered=bool(fake.of("sendMessage", chat_id=7001)))
        await start_scheduler()

    services.scheduler.start = start
    fake.push(fake.message_update(7001, text="/start"))
    stop = asyncio.Event()
    task = asyncio.create_task(serve_async(app, stop=stop, services=services))
    await fake.wait_for(lambda: fake.of("sendMessage", chat_id=7001), timeout=30)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{{port}}") as client:
        for _ in range(3000):  # the web console comes up after the first answers
            try:
                if (await client.get("/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.01)
        idle = loaded()
        collecting = gc.isenabled()
        page = await client.get("/dang-nhap")
        opened = loaded()
    stop.set()
    await asyncio.wait_for(task, 30)
    await fake.stop()
    print(json.dumps({{"scheduler_start": at_scheduler_start, "idle": idle, "opened": opened,
                      "page": page.status_code, "collecting": collecting}}))

asyncio.run(main())
"""


def test_serving_loads_no_heavy_library_and_the_console_on_its_first_request(tmp_path):
    """`make run`'s path through the first answer and at idle (scheduler and web console
    started): no document, chart or image library; the console's pages load when opened."""
    scheduler, console = "scheduler.apscheduler_jobs", ("jinja2", "web.app")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_", "WEB_"))
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
            "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
            "MEDIA_DIR": str(tmp_path / "media"),
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
        }
    )
    script = SERVE.format(watch=(*HEAVY, scheduler, *console))
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    # the first answer went out before the scheduler started, and nothing heavy was loaded for it
    assert seen["scheduler_start"] == {"loaded": [], "answered": True}
    assert seen["idle"] == [scheduler]  # the scheduler runs; no console pages yet
    assert seen["collecting"]  # garbage collection resumed after the first answers
    assert seen["page"] == 200 and seen["opened"] == sorted([scheduler, *console])


def test_a_restart_on_a_migrated_database_does_not_load_alembic(tmp_path, db_path):
    assert at_head(make_engine(f"sqlite:///{db_path}"))
    # a database of the code before the province registry gets the registry once…
    upgraded = start(tmp_path, f"sqlite:///{db_path}", heavy=("alembic", "mako"))
    assert upgraded["before"] == ["alembic", "mako"]
    # …then restarts find the registry and the commune at head
    seen = start(tmp_path, f"sqlite:///{db_path}", heavy=("alembic", "mako"))
    assert seen["before"] == []
    fresh = start(tmp_path, f"sqlite:///{tmp_path}/fresh.db", heavy=("alembic",))
    assert fresh["before"] == ["alembic"]  # a new database is migrated by Alembic


def test_the_heads_read_from_the_files_are_alembics_heads():
    from alembic.script import ScriptDirectory

    assert heads() == set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def test_python_m_bot_collects_garbage_again_once_started(tmp_path):
    """`python -m bot` pauses garbage collection while it imports (bot/gc_pause.py); a command
    resumes it before running, with start-up's objects frozen out of later collections."""
    script = (
        "import gc, bot.__main__\n"
        "paused = not gc.isenabled()\n"
        "from bot.cli import main\n"
        "main(['migrate'])\n"
        "print(paused, gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_"))
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/gc.db",
            "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
            "PYTHONPATH": str(ROOT),
        }
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "True True True"
