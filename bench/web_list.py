"""The web console's pages with many submissions.

In process (the default): the dossier list with 10,000 submissions in a temporary SQLite file,
each page requested through the whole app (Starlette's test client: session look-up, role
check, the two bounded queries, the Jinja2 template), its time printed as p50/p95 beside two
baselines from the same run: the same two SQL queries alone, and a trivial Starlette page.
    python bench/web_list.py [N] [ROUNDS]

Over HTTP (--http): 100,000 submissions seeded into SQLite and/or a fresh PostgreSQL schema,
then `python -m bot run` started on them as an operator starts it (polling a fake Bot API) and
every console page read through its socket by a keep-alive client, ROUNDS rounds; beside it, in
the same run, /healthz and a trivial Starlette page served by uvicorn on a socket made the same
way (bot.web_console.listen). Targets: every page p95 < 300 ms, /healthz within 2x the trivial
page.
    python bench/web_list.py --http [--n 100000] [--rounds 15] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import PlainTextResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from bot.bootstrap import wire_events  # noqa: E402
from domain.campaign import load_campaign  # noqa: E402
from domain.clock import ManualClock  # noqa: E402
from storage import weblogin  # noqa: E402
from storage.db import make_engine, migrate  # noqa: E402
from storage.listing import Filters, dossier_page  # noqa: E402
from storage.models import Submission  # noqa: E402
from tests.seeding import populate, staff_ids  # noqa: E402  (the benches' bulk seed)
from web.app import make_console  # noqa: E402
from web.console import Console  # noqa: E402

# The pages an office opens: the first page, a deep page, filters, a search, flags.
QUERIES = [
    ({}, Filters()),
    ({"trang": "150"}, Filters()),
    ({"status": "approved"}, Filters(status="approved")),
    ({"unit": "T03", "kind": "nomination"}, Filters(unit="T03", kind="nomination")),
    ({"q": "Đức 12"}, Filters(q="Đức 12")),
    ({"category": "household", "award": "district"}, Filters(category="household", award="district")),
    ({"flag": "any"}, Filters(flag="any")),
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def line(name: str, ms: list[float]) -> str:
    return f"{name:<34} p50 {statistics.median(ms):7.1f} ms   p95 {pct(ms, 0.95):7.1f} ms   (n={len(ms)})"


def main() -> int:
    if "--trivial" in sys.argv:
        return trivial_server(int(sys.argv[sys.argv.index("--trivial") + 1]))
    if "--http" in sys.argv:
        return over_http(sys.argv[1:])
    wire_events()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    campaign = load_campaign(ROOT / "campaigns" / "tran-ninh-2024.toml")
    clock = ManualClock(datetime(2024, 11, 20, 3, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        migrate(engine)
        t0 = time.perf_counter()
        populate(engine, campaign, n)
        print(f"insert: {n} submissions in {time.perf_counter() - t0:.2f} s")
        console = Console(
            db=engine,
            campaign=campaign,
            clock=clock,
            media_dir=Path(tmp) / "media",
            export_dir=Path(tmp) / "exports",
        )
        with Session(engine) as s:
            token = weblogin.insert_link(s, now=clock.now(), member_id=staff_ids()[0])
            s.commit()
        client = TestClient(make_console(console), follow_redirects=False)
        assert client.post(f"/vao/{token}").status_code == 303
        trivial = TestClient(Starlette(routes=[Route("/", lambda r: PlainTextResponse("ok"))]))

        for params, _ in QUERIES:  # warm up (templates compiled, SQLite pages cached)
            assert client.get("/ho-so", params=params).status_code == 200
        page_ms, sql_ms, bare_ms = [], [], []
        for _ in range(rounds):
            for params, filters in QUERIES:
                t0 = time.perf_counter()
                r = client.get("/ho-so", params=params)
                page_ms.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200 and "Hồ sơ" in r.text
                t0 = time.perf_counter()
                with Session(engine) as s:
                    dossier_page(s, campaign.code, filters, page=int(params.get("trang", 1)))
                sql_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                trivial.get("/")
                bare_ms.append((time.perf_counter() - t0) * 1000)
        print(line("trivial Starlette page (baseline)", bare_ms))
        print(line("the two SQL queries alone", sql_ms))
        print(line("dossier list page (whole app)", page_ms))
        p95 = pct(page_ms, 0.95)
        print(f"dossier list p95 {p95:.1f} ms (target < 300 ms) {'OK' if p95 < 300 else 'SLOW'}")
        engine.dispose()
    return 0


# ---- over HTTP, against `python -m bot run` ----

PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def trivial_server(port: int) -> int:
    """A trivial Starlette page under uvicorn on a socket from bot.web_console.listen: the
    floor any page of the console can reach in this setup."""
    import uvicorn

    from bot.web_console import listen

    sock = listen(port, host="127.0.0.1", required=True)
    app = Starlette(routes=[Route("/", lambda r: PlainTextResponse("ok"))])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    server.run(sockets=[sock])
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_database(url: str, campaign, n: int, clock) -> tuple[str, list[str]]:
    """n submissions, the planner's statistics taken (a bulk load), one staff sign-in link.
    Returns (the link's token, references of a few dossiers to open)."""
    from storage.db import optimize

    engine = make_engine(url)
    migrate(engine)
    t0 = time.perf_counter()
    populate(engine, campaign, n)
    optimize(engine, bulk=True)
    print(f"  seeded {n} submissions in {time.perf_counter() - t0:.1f} s")
    with Session(engine) as s:
        token = weblogin.insert_link(s, now=clock.now(), member_id=staff_ids()[0])
        s.commit()
        refs = [
            s.exec(
                select(Submission.ref).where(Submission.kind == kind).order_by(Submission.id.desc())
            ).first()
            for kind in ("nomination", "proposal", "report")
        ]
    engine.dispose()
    return token, [r for r in refs if r]


def pages_to_read(refs: list[str]) -> list[tuple[str, str, dict]]:
    """(label, path, params): every page an office reads, the dossier list in each form."""
    out = [(f"/ho-so {params or ''}", "/ho-so", params) for params, _ in QUERIES]
    out += [(f"/ho-so/{ref}", f"/ho-so/{ref}", {}) for ref in refs]
    out += [
        ("/ (overview)", "/", {}),
        ("/hoi-dong", "/hoi-dong", {}),
        ("/phien-xet", "/phien-xet", {}),
        ("/nguoi", "/nguoi", {}),
        ("/thong-bao", "/thong-bao", {}),
        ("/chien-dich", "/chien-dich", {}),
        ("/xuat", "/xuat", {}),
    ]
    return out


async def wait_up(client, url: str, proc) -> None:
    for _ in range(3000):  # bounded: a start on 100,000 rows takes a few seconds
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped (exit code {proc.returncode})")
        try:
            if (await client.get(url)).status_code == 200:
                return
        except Exception:
            pass
        await asyncio.sleep(0.05)
    raise SystemExit(f"{url} did not answer")


async def one_database(name: str, url: str, n: int, rounds: int) -> bool:
    import httpx

    from tests.fakes.telegram_api import FakeTelegram

    campaign = load_campaign(ROOT / "campaigns" / "tran-ninh-2024.toml")
    clock = ManualClock(datetime.now(UTC))
    print(f"{name}:")
    token, refs = seed_database(url, campaign, n, clock)
    fake = await FakeTelegram(long_poll_cap=10).start()
    port, trivial_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ZALO_BOT_TOKEN")},
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": url,
            "CAMPAIGN_FILE": str(ROOT / "campaigns" / "tran-ninh-2024.toml"),
            "CAMPAIGN_DEADLINE": (datetime.now(UTC).date() + timedelta(days=10)).isoformat(),
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_BASE_URL": fake.base_url,
            "TELEGRAM_BASE_FILE_URL": fake.file_url,
            "PORT": str(port),
            "MEDIA_DIR": str(Path(tmp) / "media"),
            "LOG_LEVEL": "WARNING",
        }
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp, env=env)
        bare = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--trivial", str(trivial_port)], cwd=tmp
        )
        try:
            async with (
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client,
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{trivial_port}", timeout=60) as trivial,
            ):
                await wait_up(client, "/healthz", bot)
                await wait_up(trivial, "/", bare)
                assert (await client.post(f"/vao/{token}")).status_code == 303
                pages = pages_to_read(refs)
                for _, path, params in pages:  # warm up: templates compiled, pages cached
                    r = await client.get(path, params=params)
                    assert r.status_code == 200, (path, r.status_code)
                times: dict[str, list[float]] = {"trivial Starlette page": [], "/healthz": []}
                for _ in range(rounds):
                    for label, path, params in [
                        ("trivial Starlette page", None, None),
                        ("/healthz", "/healthz", {}),
                        *pages,
                    ]:
                        c = trivial if path is None else client
                        t0 = time.perf_counter()
                        r = await c.get(path or "/", params=params)
                        times.setdefault(label, []).append((time.perf_counter() - t0) * 1000)
                        assert r.status_code == 200, (label, r.status_code)
        finally:
            for proc in (bot, bare):
                proc.terminate()
                proc.wait(timeout=30)
            await fake.stop()
    for label, ms in times.items():
        print("  " + line(label, ms))
    slowest = max((pct(ms, 0.95), label) for label, ms in times.items() if label.startswith("/"))
    floor = statistics.median(times["trivial Starlette page"])
    health = statistics.median(times["/healthz"])
    ok = slowest[0] < 300 and health <= 2 * max(floor, 0.5)
    print(
        f"  slowest page p95 {slowest[0]:.1f} ms ({slowest[1]}; target < 300 ms); /healthz p50 "
        f"{health:.2f} ms = {health / floor:.2f}x the trivial page (target <= 2x): {'OK' if ok else 'NOT MET'}"
    )
    return ok


def over_http(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(description="the web console over HTTP at 100,000 dossiers")
    p.add_argument("--http", action="store_true")
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = p.parse_args(argv)
    ok = True
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            ok &= asyncio.run(one_database("SQLite", f"sqlite:///{tmp}/bench.db", args.n, args.rounds))
    if args.db in ("postgresql", "both"):
        import uuid

        from sqlalchemy import create_engine, text

        from storage.db import normalise_url

        schema = f"bench_web_{uuid.uuid4().hex[:8]}"
        admin = create_engine(normalise_url(PG_URL))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = f"{PG_URL}?options=-csearch_path%3D{schema}"
            ok &= asyncio.run(one_database("PostgreSQL", url, args.n, args.rounds))
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
