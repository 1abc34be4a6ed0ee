"""Many communes on one PostgreSQL: do a commune's staff screens cost the same when the
deployment serves 100 communes as when it serves one?

Seeds, in a fresh schema standing for `public` (the registry and commune 1) and one schema per
commune, COMMUNES communes × MEMBERS members × 2 campaigns of SUBMISSIONS submissions each
(bulk inserts: tests/seeding.populate per campaign, then the extra residents). Commune 1 is
seeded and measured alone first (the baseline), then the other communes are made and seeded
and the same screens measured again, spread over every commune:

- chat: each staff and head screen of bench/staff_scale.py (the next dossier, statistics, the
  digest, a head's «Hồ sơ», an award's list) as one turn through the conversation core on the
  commune's Engine (`Communes.engine_of`: the one pool, the commune's path set per transaction);
- web: every console page of bench/web_list.py (the dossier list in each form, a dossier, the
  overview, the council, people…) over HTTP from TWO uvicorn processes, each serving every
  commune by its host name (web.app.make_console on `engine_of(commune)`), requests alternated
  between them as nginx would.

Schemas are made fast: the second commune is created the normal way (Communes.create: Alembic
runs the whole chain, 2-3 s on this machine), its structure is dumped once (pg_dump
--schema-only) and replayed under each further commune's name, then stamped at the head. A
replay keeps what create_all + stamp would lose: the counters' trigger functions and triggers,
and the indexes only the migrations make (partial, trigram).

    python bench/communes.py                              # 100 × 5,000 members × 2 × 2,500
    python bench/communes.py --communes 5 --members 1000 --submissions 500 --rounds 1
Targets: p95 < 50 ms chat screens, < 300 ms web pages, and at 100 communes ≤ 2× the baseline.
At 100 communes commune 1 is also timed turn about with the others (same moment, same load):
on a busy machine the last column, the spread against commune 1 meanwhile, is the steadier one.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.communes_seed import HOST, NOW, PG_URL, campaigns, copy_structure, seed, structure_of  # noqa: E402
from bench.staff_scale import SCREENS, one, pct  # noqa: E402
from bench.web_list import free_port, pages_to_read  # noqa: E402
from bot.bootstrap import wire_events  # noqa: E402
from domain.clock import ManualClock  # noqa: E402
from handlers.core import Core  # noqa: E402
from storage import weblogin  # noqa: E402
from storage.communes import Communes  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.models import Submission  # noqa: E402
from tests.seeding import engine_in_schema, head_ids, staff_ids  # noqa: E402

# ---- chat screens -------------------------------------------------------------------------


def chat_screens(communes: Communes, picked: list, turns: int) -> tuple[dict, dict]:
    """Each screen's timed turns (ms), visiting the picked communes in a shuffled order; each
    commune's screens run twice untimed first (as bench/staff_scale.py does). With several
    communes, commune 1 is timed turn about with them (the second dict): the same load for
    both, so their ratio is the cost of the spread alone, whatever else the machine runs."""
    campaign, _ = campaigns()
    cores = [Core(communes.engine_of(c), campaign, ManualClock(NOW)) for c in picked]
    users = {"staff": f"m{staff_ids()[0]}", "head": f"m{head_ids(campaign)['T01']}"}
    times: dict[str, list[float]] = {}
    meanwhile: dict[str, list[float]] = {}
    for name, (who, before, choice, leave) in SCREENS.items():
        for core in cores:
            for _ in range(2):
                one(core, users[who], before, choice, leave)
        order = [cores[i % len(cores)] for i in range(max(turns, len(cores)))]
        random.Random(name).shuffle(order)
        times[name], meanwhile[name] = [], []
        for core in order:
            times[name].append(one(core, users[who], before, choice, leave)[0] * 1000)
            if len(cores) > 1:
                meanwhile[name].append(one(cores[0], users[who], before, choice, leave)[0] * 1000)
    return times, meanwhile


# ---- web pages: two uvicorn processes serving every commune by host -------------------------


def serve(port: int, base_schema: str, tmp: str) -> int:
    """One web process: every commune's console, chosen by the request's host, on one pool."""
    import uvicorn

    from bot.web_console import listen
    from web.app import make_console
    from web.console import Console

    wire_events()
    communes = Communes(engine_in_schema(PG_URL, base_schema))
    campaign, _ = campaigns()
    clock = ManualClock(NOW)
    apps: dict[str, object] = {}
    shared_env = None

    async def by_host(scope, receive, send):
        nonlocal shared_env
        host = dict(scope.get("headers", [])).get(b"host", b"").decode().split(":")[0]
        app = apps.get(host)
        if app is None:
            commune = communes.by_host(host)
            if commune is None:
                await send({"type": "http.response.start", "status": 404, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
            console = Console(
                db=communes.engine_of(commune),
                campaign=campaign,
                clock=clock,
                media_dir=Path(tmp) / commune.code / "media",
                export_dir=Path(tmp) / commune.code / "exports",
            )
            shared_env = shared_env or console.env  # one template cache for every commune
            console.env = shared_env
            app = apps[host] = make_console(console)
        await app(scope, receive, send)

    sock = listen(port, host="127.0.0.1", required=True)
    config = uvicorn.Config(by_host, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
    return 0


async def web_pages(picked: list, base_schema: str, rounds: int) -> tuple[dict, dict]:
    """Each page's times (ms) over the picked communes, and commune 1's timed turn about with
    them (as chat_screens does)."""
    import httpx

    ports = [free_port(), free_port()]
    with tempfile.TemporaryDirectory() as tmp:
        procs = [
            subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--serve", str(p), base_schema, tmp]
            )
            for p in ports
        ]
        try:
            async with httpx.AsyncClient(timeout=60) as client:
                for p, proc in zip(ports, procs):
                    await _up(client, p, proc)
                cookies = {}
                for c in picked:  # a staff member of each commune signs in (the session serves both)
                    host = HOST.format(code=c.code)
                    r = await client.post(
                        f"http://127.0.0.1:{ports[0]}/vao/{c.token}", headers={"Host": host}
                    )
                    assert r.status_code == 303, (host, r.status_code)
                    cookies[c.code] = r.cookies.get("thidua_phien")
                    client.cookies.clear()
                pages = pages_to_read(picked[0].refs)
                for c in picked:  # each server builds the commune's console on its first request
                    for p in ports:
                        await _get(client, p, c, cookies, "/", {})
                for _, path, params in pages:
                    await _get(client, ports[0], picked[0], cookies, path, params)
                times: dict[str, list[float]] = {label: [] for label, _, _ in pages}
                meanwhile: dict[str, list[float]] = {label: [] for label, _, _ in pages}
                visits = [picked[i % len(picked)] for i in range(max(rounds * len(picked), 20))]
                for n, c in enumerate(visits):
                    for label, path, params in pages:
                        for commune, into in ((c, times), (picked[0], meanwhile))[: 1 + (len(picked) > 1)]:
                            t0 = time.perf_counter()
                            await _get(client, ports[n % 2], commune, cookies, path, params)
                            into[label].append((time.perf_counter() - t0) * 1000)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)
    return times, meanwhile


async def _up(client, port: int, proc) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"the web process stopped (exit code {proc.returncode})")
        try:
            await client.get(f"http://127.0.0.1:{port}/")
            return
        except Exception:
            await asyncio.sleep(0.05)
    raise SystemExit(f"port {port} did not answer")


async def _get(client, port: int, commune, cookies: dict, path: str, params: dict) -> None:
    r = await client.get(
        f"http://127.0.0.1:{port}{path}",
        params=params,
        headers={"Host": HOST.format(code=commune.code), "Cookie": f"thidua_phien={cookies[commune.code]}"},
    )
    assert r.status_code == 200, (commune.code, path, r.status_code)


# ---- the run --------------------------------------------------------------------------------


class Picked:
    """A commune as measured: its registry row, a staff sign-in link, dossiers to open."""

    def __init__(self, communes: Communes, commune) -> None:
        self.commune, self.code = commune, commune.code
        with Session(communes.engine_of(commune)) as s:
            self.token = weblogin.insert_link(s, now=NOW, member_id=staff_ids()[0])
            s.commit()
            current = campaigns()[0].code  # the pages show this year's campaign
            self.refs = [
                s.exec(
                    select(Submission.ref)
                    .where(Submission.kind == k, Submission.campaign_code == current)
                    .order_by(Submission.id.desc())
                ).first()
                for k in ("nomination", "proposal", "report")
            ]

    def __getattr__(self, name):
        return getattr(self.commune, name)


def report(title: str, base: dict, scale: dict, meanwhile: dict, target: float, n: int) -> bool:
    print(
        f"\n{title}: p50 / p95 ms at 1 commune | at {n} communes | p95 ratio"
        f" | commune 1 turn about, p95 | ratio to it"
    )
    ok = True
    for name in base:
        b, s, m = base[name], scale[name], meanwhile[name]
        ratio, same = pct(s, 0.95) / pct(b, 0.95), pct(s, 0.95) / pct(m, 0.95)
        good = pct(s, 0.95) < target and ratio <= 2
        ok &= good
        print(
            f"  {name:<34} {statistics.median(b):6.1f} / {pct(b, 0.95):6.1f} | "
            f"{statistics.median(s):6.1f} / {pct(s, 0.95):6.1f} (n={len(s)}) | {ratio:4.2f}x "
            f"| {pct(m, 0.95):6.1f} | {same:4.2f}x {'' if good else 'NOT MET'}"
        )
    return ok


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        return serve(int(argv[1]), argv[2], argv[3])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--communes", type=int, default=100)
    p.add_argument("--members", type=int, default=5_000)
    p.add_argument("--submissions", type=int, default=2_500, help="per campaign (2 campaigns)")
    p.add_argument("--turns", type=int, default=40, help="timed chat turns per screen at 1 commune")
    p.add_argument("--rounds", type=int, default=2, help="visits of every commune per screen at scale")
    p.add_argument("--keep", action="store_true", help="leave the schemas (to look at them)")
    args = p.parse_args(argv)
    wire_events()
    base_schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{base_schema}"'))
    base = engine_in_schema(PG_URL, base_schema)
    try:
        communes = Communes(base)
        communes.migrate()
        first = communes.ensure_first("c001", "Xã 1")
        with base.begin() as conn:  # commune 1's host, for the web processes
            conn.execute(
                text("UPDATE province_commune SET web_host = :h WHERE id = :i"),
                {"h": HOST.format(code="c001"), "i": first.id},
            )
        t0 = time.perf_counter()
        seed(communes.engine_of(first), args.members, args.submissions)
        print(
            f"commune 1: {args.members} members, 2 × {args.submissions} submissions in "
            f"{time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        alone = [Picked(communes, communes.first())]
        chat1, _ = chat_screens(communes, alone, args.turns)
        web1, _ = asyncio.run(web_pages(alone, base_schema, rounds=args.turns // 2))

        t0 = time.perf_counter()
        second = communes.create("c002", "Xã 2", web_host=HOST.format(code="c002"))
        ddl = structure_of(second.scope)
        made = [
            communes.register(f"c{i:03d}", f"Xã {i}", web_host=HOST.format(code=f"c{i:03d}"))
            for i in range(3, args.communes + 1)
        ]
        copy_structure(base, ddl, second.scope, [c.scope for c in made])
        for c in made:
            communes.activate(c)
        print(f"{args.communes - 1} more schemas in {time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()
        for c in communes.all()[1:]:
            seed(communes.engine_of(c), args.members, args.submissions)
        print(f"{args.communes - 1} more communes seeded in {time.perf_counter() - t0:.1f} s", flush=True)
        with base.connect() as conn:
            size = conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar()
        print(f"database size: {size}", flush=True)

        everyone = [Picked(communes, c) for c in communes.all()]
        chatn, chat_meanwhile = chat_screens(communes, everyone, args.turns)
        webn, web_meanwhile = asyncio.run(web_pages(everyone, base_schema, rounds=args.rounds))
        ok = report(
            "chat screens (one turn through the core)", chat1, chatn, chat_meanwhile, 50, args.communes
        )
        ok &= report("web pages (2 uvicorn processes, HTTP)", web1, webn, web_meanwhile, 300, args.communes)
        print(f"\nall targets {'met' if ok else 'NOT met'}")
        return 0 if ok else 1
    finally:
        base.dispose()
        if not args.keep:
            with admin.connect() as conn:
                names = (
                    conn.execute(
                        text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
                        {"p": base_schema + "%"},
                    )
                    .scalars()
                    .all()
                )
            for name in names:  # one schema per transaction: its locks are let go
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
