"""Start-up: from starting the process to its first answer, and its idle memory, for the bot
as `make run` starts it (`python -m bot run`, Telegram long polling, on a fresh SQLite file)
beside a bare python-telegram-bot echo bot, both against the same fake Bot API on 127.0.0.1
(tests/fakes/telegram_api.py). A /start message waits in the fake before each process starts;
the time is until the fake receives the answer. The bot's database exists (a restart; the
very first start, which creates it, is shown apart). Idle memory is the process's resident memory
(VmRSS) two seconds after that answer. Targets: both <= 1.5x the bare bot. A third line, the
stack's floor: the echo bot importing SQLModel and opening one engine, as the project must.

    python bench/startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.db import make_engine, migrate  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

ECHO_BOT = """
import sys
from telegram.ext import Application, MessageHandler, filters

async def echo(update, context):
    await update.message.reply_text(update.message.text)

app = (Application.builder().token(sys.argv[1]).base_url(sys.argv[2])
       .base_file_url(sys.argv[3]).build())
app.add_handler(MessageHandler(filters.ALL, echo))
app.run_polling(poll_interval=0.0, timeout=1)
"""

# The stack's floor: the same echo bot, importing SQLModel (SQLAlchemy + pydantic) as the
# project does and opening one engine on its SQLite file. What the project takes beyond this
# is our own code; what this takes beyond the bare bot is the stack.
FLOOR_BOT = (
    """
import sys
import sqlmodel
from sqlalchemy import text

engine = sqlmodel.create_engine(sys.argv[4])
with engine.connect() as conn:
    conn.execute(text("SELECT 1"))
"""
    + ECHO_BOT
)


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system): less sensitive than wall time to other
    work on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def one(kind: str, tmp: Path) -> tuple[float, float, float]:
    fake = await FakeTelegram().start()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_"))
    }
    db = tmp / f"{kind}-{time.monotonic_ns()}.db"
    if kind == "project" and (tmp / "template.db").exists():
        shutil.copy(tmp / "template.db", db)  # a restart: the database exists, migrated
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_BASE_URL": fake.base_url,
            "TELEGRAM_BASE_FILE_URL": fake.file_url,
            "DATABASE_URL": f"sqlite:///{db}",
            "CAMPAIGN_FILE": str(ROOT / "campaigns" / "tran-ninh-2024.toml"),
            "MEDIA_DIR": str(tmp / "media"),
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
        }
    )
    fake.push(fake.message_update(7001, text="/start"))
    if kind == "project":
        argv = [sys.executable, "-m", "bot", "run"]
    elif kind == "floor":
        argv = [sys.executable, "-c", FLOOR_BOT, fake.token, fake.base_url, fake.file_url, f"sqlite:///{db}"]
    else:
        argv = [sys.executable, "-c", ECHO_BOT, fake.token, fake.base_url, fake.file_url]
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=tmp, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        await fake.wait_for(lambda: fake.of("sendMessage", chat_id=7001), timeout=60)
        took = time.perf_counter() - t0
        cpu = cpu_seconds(proc.pid)
        await asyncio.sleep(2.0)
        rss = rss_mib(proc.pid)
    finally:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), timeout=20)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        await fake.stop()
    return took, rss, cpu


async def main_async(runs: int) -> int:
    results: dict[str, list[tuple[float, float, float]]] = {"bare": [], "floor": [], "project": []}
    with tempfile.TemporaryDirectory() as tmp:
        first = (await one("project", Path(tmp)))[0]  # the first start creates the database
        engine = make_engine(f"sqlite:///{tmp}/template.db")
        migrate(engine)
        engine.dispose()
        for _ in range(runs):
            for kind in results:  # alternate, so load on the machine hits both alike
                results[kind].append(await one(kind, Path(tmp)))
    med = {k: tuple(statistics.median(run[i] for run in v) for i in range(3)) for k, v in results.items()}
    for kind, label in (
        ("bare", "bare python-telegram-bot echo bot"),
        ("floor", "floor: echo bot + SQLModel + engine"),
        ("project", "python -m bot run"),
    ):
        times = ", ".join(f"{run[0]:.2f}" for run in results[kind])
        print(
            f"{label:36} first answer {med[kind][0]:5.2f} s (runs: {times})  "
            f"idle memory {med[kind][1]:5.0f} MiB  CPU to the answer {med[kind][2]:4.2f} s"
        )
    print(f"(the very first start, which creates and migrates the database: {first:.2f} s)")
    t_ratio, m_ratio = med["project"][0] / med["bare"][0], med["project"][1] / med["bare"][1]
    ok = t_ratio <= 1.5 and m_ratio <= 1.5
    print(
        f"ratio: start to first answer {t_ratio:.2f}x, idle memory {m_ratio:.2f}x "
        f"(targets <= 1.5x): {'MET' if ok else 'NOT MET'}"
    )
    print(
        f"CPU time to the first answer (less load-sensitive): "
        f"{med['project'][2] / med['bare'][2]:.2f}x the bare bot"
    )
    f_t, f_m = med["floor"][0] / med["bare"][0], med["floor"][1] / med["bare"][1]
    print(
        f"the stack's floor against the bare bot: {f_t:.2f}x, {f_m:.2f}x; the project against "
        f"the floor: {med['project'][0] / med['floor'][0]:.2f}x, {med['project'][1] / med['floor'][1]:.2f}x"
    )
    return 0 if ok else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    return asyncio.run(main_async(p.parse_args().runs))


if __name__ == "__main__":
    sys.exit(main())
