"""The commune's last evening before the deadline, played against a fake Bot API that answers
429 beyond Telegram's free 30 messages a second (tests/fakes/telegram_api.py).

Residents arrive at random moments over `--minutes` and each makes a whole nomination as a
newcomer: 11 messages (/start, «1» to nominate, name, village, nominee, achievements, the
suggested contents, income, no discipline, no photo, «1» to send), each typed 2–4 s after the
bot's answer to the one before. Meanwhile 5 staff appraise: /thamdinh, read 4–6 s, «1» (Đạt),
and again. A person waits for the bot's answer before typing on; the answer time is from the
message reaching the fake to the bot's first message back to that chat.

Two bots, one after the other, each on a fresh fake:
- the project as `make run` runs it: `python -m bot run` in its own process, on a fresh SQLite
  file or PostgreSQL schema (--db), the 5 staff seeded first;
- the baseline: a bare python-telegram-bot bot in its own process (PTB's updater, concurrent
  updates, AIORateLimiter at 30/s with its retries), one reply per message and three for the
  last message of a nomination (recorded / sent / the menu, as a bot sends them unjoined), no
  database.

With --paid the project runs with TELEGRAM_PAID_BROADCAST on (a message that would wait beyond
--paid-after seconds goes paid, at most --paid-ceiling a second) against a fake that lets paid
sends through up to 1,000 a second and counts them; the count the project stored is printed
beside the fake's.

Printed for each bot: nominations completed, errors (an answer that never came within 120 s),
429 answers, sends per turn, the physical bound, and p50/p95 of a resident's answer and of a
staff answer. The physical bound: with N people in a conversation at once, each waiting for an
answer and then thinking t seconds, and the bot sending at most 30 messages a second (one per
turn), the answers settle where N / (wait + t) = 30, so wait = N/30 − t (N: the people mid-
journey on average while residents arrive).

    python bench/deadline_evening.py                                # 2,000 residents, 8 minutes
    python bench/deadline_evening.py --residents 250 --minutes 1    # the same load a second
    python bench/deadline_evening.py --db postgresql --paid
Targets for the project: 0 errors, 0 × 429, every nomination stored, sends per turn <= 1.05,
staff p95 < 2 s, resident p50 within 1.15× the bound (with --paid: resident p95 < 5 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

CAMPAIGN = ROOT / "campaigns" / "tran-ninh-2024.toml"
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
FREE = 30  # Telegram's free messages a second
FIRST_RESIDENT = 1_000_000
FIRST_STAFF = 900_000
STAFF = 5
ANSWER_TIMEOUT = 120.0
NOMINATION = [
    "/start",
    "1",  # Đề cử gương điển hình (a newcomer nominates straight away)
    "Nguyen Van Binh",
    "1",  # Thôn 1
    "Ho ong Hoang Van Tu",
    "Trong 3 ha hoi, thu nhap cao, hien 200 m2 dat lam duong be tong cua thon.",
    "dc",  # the suggested contents
    "60 trieu",
    "ko",
    "bo qua",  # no photo
    "1",  # Gửi
]
THINK = (2.0, 4.0)  # a resident types the next answer this long after the bot's
STAFF_READ = (4.0, 6.0)  # a staff member reads a dossier this long before deciding


# -- the bare bot, run in its own process --------------------------------------------------------
def bare_bot(token: str, base_url: str, file_url: str) -> None:
    from telegram.ext import AIORateLimiter, Application, MessageHandler, filters

    app = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_url)
        .rate_limiter(AIORateLimiter(overall_max_rate=FREE, overall_time_period=1, max_retries=3))
        .concurrent_updates(True)
        .build()
    )
    turns: Counter[int] = Counter()

    async def answer(update, context) -> None:
        chat = update.effective_chat.id
        turns[chat] += 1
        n = turns[chat]
        if chat < FIRST_RESIDENT or n % len(NOMINATION):
            await update.message.reply_text(f"Câu hỏi tiếp theo ({n}).")
            return
        for text in ("Đã ghi nhận bạn.", "Đã gửi đề cử, mã hồ sơ DC-0001.", "Bạn muốn làm gì?"):
            await update.message.reply_text(text)

    app.add_handler(MessageHandler(filters.ALL, answer))
    app.run_polling(poll_interval=0.0, timeout=1, close_loop=True)


# -- the people ----------------------------------------------------------------------------------
class People:
    """Residents and staff typing to the bot through the fake, each waiting for its answer."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.waiting: dict[int, asyncio.Future] = {}
        self.active: set[int] = set()  # chats mid-conversation (their sends are a turn's)
        self.turn_sends = 0
        self.turns = 0
        self.errors = 0
        self.resident_waits: list[float] = []
        self.answered_at: list[float] = []  # when each resident's answer came
        self.staff_waits: list[float] = []
        self.completed = 0
        fake.on_send = self._sent

    def _sent(self, call) -> None:
        chat = call.params.get("chat_id")
        if chat in self.active:
            self.turn_sends += 1
        future = self.waiting.pop(chat, None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    async def say(self, chat: int, text: str) -> float | None:
        future = asyncio.get_running_loop().create_future()
        self.waiting[chat] = future
        self.turns += 1
        t0 = time.perf_counter()
        self.fake.push(self.fake.message_update(chat, text=text))
        try:
            return await asyncio.wait_for(future, ANSWER_TIMEOUT) - t0
        except TimeoutError:
            self.waiting.pop(chat, None)
            self.errors += 1
            return None

    async def resident(self, chat: int, start: float, rng: random.Random) -> None:
        await asyncio.sleep(start)
        self.active.add(chat)
        try:
            for text in NOMINATION:
                wait = await self.say(chat, text)
                if wait is None:
                    return
                self.resident_waits.append(wait)
                self.answered_at.append(time.perf_counter())
                await asyncio.sleep(rng.uniform(*THINK))  # the last: the turn's pieces arrive
            self.completed += 1
        finally:
            self.active.discard(chat)

    async def staff(self, chat: int, stop: asyncio.Event, rng: random.Random) -> None:
        self.active.add(chat)
        while not stop.is_set():
            for text, pause in (("/thamdinh", STAFF_READ), ("1", THINK)):
                wait = await self.say(chat, text)
                if wait is not None:
                    self.staff_waits.append(wait)
                await asyncio.sleep(rng.uniform(*pause))


async def play(fake: FakeTelegram, residents: int, minutes: float, seed: int) -> tuple[People, float, float]:
    """The evening: returns the people, the seconds it took and the physical bound of a
    resident's answer at p50 (see the module's text)."""
    people = People(fake)
    rng = random.Random(seed)
    window = minutes * 60
    starts = sorted(rng.uniform(0, window) for _ in range(residents))
    stop = asyncio.Event()
    staff = [
        asyncio.create_task(people.staff(FIRST_STAFF + k, stop, random.Random(seed + k)))
        for k in range(STAFF)
    ]
    t0 = time.perf_counter()
    tasks = [
        asyncio.create_task(people.resident(FIRST_RESIDENT + i, at, random.Random(seed * 7919 + i)))
        for i, at in enumerate(starts)
    ]
    samples: list[int] = []  # people mid-conversation, second by second
    while not all(t.done() for t in tasks):
        await asyncio.sleep(1.0)
        samples.append(len(people.active))
    took = time.perf_counter() - t0
    stop.set()
    await asyncio.gather(*staff)
    think = statistics.mean(THINK)
    bounds = [
        max(0.0, samples[min(len(samples) - 1, int(at - t0))] / FREE - think) for at in people.answered_at
    ]
    return people, took, statistics.median(bounds) if bounds else 0.0


# -- the bots ------------------------------------------------------------------------------------
def database(kind: str, tmp: Path) -> tuple[str, object]:
    """A fresh database URL and how to drop it."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'evening.db'}", lambda: None
    from sqlalchemy import create_engine, text

    from storage.db import normalise_url

    schema = f"bench_evening_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{PG_URL}?options=-csearch_path%3D{schema}", drop


def seed_staff(url: str) -> None:
    """The migrated database with 5 staff members, each with a Telegram account."""
    from sqlalchemy import insert

    from storage.db import make_engine, migrate
    from storage.models import Identity, Member

    engine = make_engine(url)
    migrate(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for k in range(STAFF):
            [member_id] = conn.execute(
                insert(Member.__table__)
                .values(
                    full_name=f"Cán bộ {k + 1}",
                    role="staff",
                    unit_code="VPTK",
                    created_at=now,
                    updated_at=now,
                )
                .returning(Member.__table__.c.id)
            ).one()
            chat = str(FIRST_STAFF + k)
            conn.execute(
                insert(Identity.__table__).values(
                    member_id=member_id, channel="telegram", external_id=chat, chat_id=chat, created_at=now
                )
            )
    engine.dispose()


def stored(url: str) -> tuple[int, int]:
    """Nominations stored (sent, not drafts) and paid sends counted by the project."""
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import PaidSend, Submission

    engine = make_engine(url)
    with engine.connect() as conn:
        sent = conn.execute(
            select(func.count()).select_from(Submission).where(Submission.submitted_at.is_not(None))
        ).scalar_one()
        paid = conn.execute(select(func.coalesce(func.sum(PaidSend.sends), 0))).scalar_one()
    engine.dispose()
    return int(sent), int(paid)


async def run_bot(kind: str, args) -> dict:
    fake = await FakeTelegram(flood_limit=FREE, paid_limit=1000, long_poll_cap=1.0).start()
    tmp = Path(tempfile.mkdtemp(prefix="evening-"))
    drop = lambda: None  # noqa: E731
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if kind == "project":
        url, drop = database(args.db, tmp)
        seed_staff(url)
        env.update(
            {
                "DATABASE_URL": url,
                "CAMPAIGN_FILE": str(CAMPAIGN),
                "CAMPAIGN_DEADLINE": (datetime.now(UTC).date() + timedelta(days=10)).isoformat(),
                "TELEGRAM_BOT_TOKEN": fake.token,
                "TELEGRAM_BASE_URL": fake.base_url,
                "TELEGRAM_BASE_FILE_URL": fake.file_url,
                "PORT": str(free_port()),
                "MEDIA_DIR": str(tmp / "media"),
                "LOG_LEVEL": "WARNING",
                "TELEGRAM_PAID_BROADCAST": "true" if args.paid else "false",
                "TELEGRAM_PAID_AFTER_SECONDS": str(args.paid_after),
                "TELEGRAM_PAID_MAX_PER_SECOND": str(args.paid_ceiling),
            }
        )
        env.pop("ZALO_BOT_TOKEN", None)
        command = [sys.executable, "-m", "bot", "run"]
    else:
        command = [sys.executable, str(Path(__file__).resolve()), "--bare-bot", fake.token, fake.base_url]
    log = (tmp / "bot.log").open("w")  # the bot's own log (a stopped bare bot's traceback)
    proc = subprocess.Popen(command, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        await fake.wait_for(lambda: fake.of("getUpdates") or proc.poll() is not None, timeout=60)
        if proc.poll() is not None:
            raise SystemExit(f"{kind}: the bot stopped at start ({proc.returncode}); see {tmp / 'bot.log'}")
        people, took, crowd = await play(fake, args.residents, args.minutes, args.seed)
        await asyncio.sleep(2.0)  # the last notices and their counts written
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        await fake.stop()
        log.close()
    result = {
        "people": people,
        "took": took,
        "crowd": crowd,
        "flooded": fake.flooded,
        "paid_fake": fake.paid_sent,
        "sends": len(fake.delivered()),
    }
    if kind == "project":
        result["stored"], result["paid_stored"] = stored(url)
    drop()
    return result


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def report(label: str, r: dict, residents: int) -> dict:
    p: People = r["people"]
    think = statistics.mean(THINK)
    bound = r["crowd"]
    figures = {
        "completed": p.completed,
        "errors": p.errors,
        "429": r["flooded"],
        "sends/turn": p.turn_sends / max(1, p.turns),
        "bound": bound,
        "res_p50": pct(p.resident_waits, 0.5),
        "res_p95": pct(p.resident_waits, 0.95),
        "staff_p50": pct(p.staff_waits, 0.5),
        "staff_p95": pct(p.staff_waits, 0.95),
        "rate": r["sends"] / r["took"],
    }
    print(f"{label}:")
    stored_line = f" (stored in the database: {r['stored']})" if "stored" in r else ""
    print(f"  nominations completed {p.completed} of {residents}{stored_line}; took {r['took']:.0f} s")
    print(f"  errors {p.errors}, 429 answers {r['flooded']}, sends {r['sends']} ({figures['rate']:.1f}/s)")
    print(f"  sends per turn {figures['sends/turn']:.3f} ({p.turn_sends} sends for {p.turns} messages)")
    print(
        f"  physical bound {bound:.1f} s: the median over residents' answers of N/{FREE} − {think:.0f} s "
        f"(N: people mid-conversation, staff included, when the answer came; {think:.0f} s: thinking)"
    )
    print(
        f"  a resident's answer p50 {figures['res_p50']:.2f} s, p95 {figures['res_p95']:.2f} s "
        f"({len(p.resident_waits)} answers; over 2 s: "
        f"{sum(w > 2 for w in p.resident_waits) / max(1, len(p.resident_waits)):.0%})"
    )
    print(
        f"  a staff answer p50 {figures['staff_p50']:.2f} s, p95 {figures['staff_p95']:.2f} s "
        f"({len(p.staff_waits)} answers)"
    )
    if r.get("paid_fake") or "paid_stored" in r:
        print(
            f"  paid sends: {r['paid_fake']} let through by the fake, {r.get('paid_stored', 0)} counted by the bot"
        )
    return figures


async def main_async(args) -> int:
    print(
        f"deadline evening: {args.residents} residents × {len(NOMINATION)} messages arriving over "
        f"{args.minutes:g} min, {STAFF} staff appraising; fake Bot API: 429 beyond {FREE}/s"
        + (
            f", paid sends up to 1,000/s (paid after {args.paid_after:g} s, ≤ {args.paid_ceiling}/s)"
            if args.paid
            else ""
        )
        + f"; the project on {args.db}"
    )
    bare = report("bare python-telegram-bot bot", await run_bot("bare", args), args.residents)
    mine_raw = await run_bot("project", args)
    mine = report(
        f"the project ({args.db}{', paid broadcast on' if args.paid else ''})", mine_raw, args.residents
    )
    print(
        f"ratio project/bare: resident p50 {mine['res_p50'] / bare['res_p50']:.2f}, "
        f"p95 {mine['res_p95'] / bare['res_p95']:.2f}; staff p50 {mine['staff_p50'] / bare['staff_p50']:.2f}, "
        f"p95 {mine['staff_p95'] / bare['staff_p95']:.2f}"
    )
    checks = {
        "0 errors": mine["errors"] == 0,
        "0 × 429": mine["429"] == 0,
        "every nomination stored": mine_raw["stored"] == args.residents,
        "sends per turn <= 1.05": mine["sends/turn"] <= 1.05,
        "staff p95 < 2 s": mine["staff_p95"] < 2.0,
    }
    if args.paid:
        checks["resident p95 < 5 s"] = mine["res_p95"] < 5.0
        checks["paid sends counted"] = mine_raw["paid_stored"] == mine_raw["paid_fake"]
    else:
        checks["resident p50 <= 1.15 × bound"] = mine["res_p50"] <= 1.15 * max(mine["bound"], 0.0) or (
            mine["bound"] == 0 and mine["res_p50"] < 1.0
        )
    for name, ok in checks.items():
        print(f"  {name}: {'MET' if ok else 'NOT MET'}")
    return 0 if all(checks.values()) else 1


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--bare-bot":
        token, base_url = sys.argv[2], sys.argv[3]
        bare_bot(token, base_url, base_url.replace("/bot", "/file/bot"))
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=2000)
    p.add_argument("--minutes", type=float, default=8.0, help="residents arrive over this many minutes")
    p.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--paid", action="store_true", help="paid broadcast on (a fake letting 1,000/s through)")
    p.add_argument("--paid-after", type=float, default=1.0, help="seconds before a send goes paid")
    p.add_argument("--paid-ceiling", type=int, default=100, help="paid sends a second at most")
    p.add_argument("--seed", type=int, default=26)
    return asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
