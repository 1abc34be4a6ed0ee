"""Staff and head screens as the campaign grows: each screen is one turn through the real
conversation core (the same events a chat sends), timed at 0, 10,000 and 100,000 submissions
(bulk-seeded by tests/seeding.py) on SQLite and PostgreSQL.

Screens: the next dossier to appraise («Thẩm định»), statistics («Thống kê»), the digest
(«Tổng hợp»), a unit head's «Hồ sơ», and the council list of an award («Danh sách»). The
baseline is the same screen on the empty campaign (0 submissions): growth = p95 at the size /
p95 at 0. Targets: p95 under 50 ms at 100,000 and growth <= 2x. The reply's length (characters)
is shown too: a screen should fit a phone. The sizes' databases are open together and measured
in turn, screen by screen (see run()), 40 timed screens each after 2 untimed ones.

    python bench/staff_scale.py                          # 0 10000 100000, sqlite and postgresql
    python bench/staff_scale.py --sizes 0 2000 --db sqlite
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.bootstrap import wire_events  # noqa: E402
from domain.campaign import load_campaign  # noqa: E402
from domain.clock import ManualClock  # noqa: E402
from handlers.core import Core  # noqa: E402
from messages.model import InboundEvent  # noqa: E402
from messages.render import render_text  # noqa: E402
from storage.db import make_engine, migrate  # noqa: E402
from tests.seeding import engine_in_schema, head_ids, populate, staff_ids  # noqa: E402

CAMPAIGN = ROOT / "campaigns" / "tran-ninh-2024.toml"
NOW = datetime(2024, 11, 5, 3, 0, tzinfo=UTC)
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
# screen -> (who, untimed choices first, the timed choice, after it: leave the flow)
SCREENS = {
    "review (next dossier)": ("staff", [], "review", True),
    "stats": ("staff", [], "stats", False),
    "digest": ("staff", [], "digest", False),
    "head «Hồ sơ»": ("head", [], "mine", True),
    "«Danh sách» (award list)": ("staff", ["shortlist"], "commune", True),
}
_keys = itertools.count(1)


def turn(core: Core, user: str, **kw) -> tuple[float, int]:
    ev = InboundEvent(channel="console", user_id=user, chat_id=user, key=f"b{next(_keys)}", **kw)
    t0 = time.perf_counter()
    replies = core.handle(ev)
    took = time.perf_counter() - t0
    return took, sum(len(render_text(r)) for r in replies)


def one(core: Core, user: str, before: list[str], choice: str, leave: bool) -> tuple[float, int]:
    """One timed screen: the menu and the untimed choices first, then the timed one."""
    turn(core, user, kind="command", command="menu")
    for c in before:
        turn(core, user, kind="choice", choice=c)
    took, size = turn(core, user, kind="choice", choice=choice)
    if leave:
        turn(core, user, kind="text", text="huy")
    return took, size


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def pg_engine():
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = engine_in_schema(PG_URL, schema)

    def drop():
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return engine, drop


def setup(backend: str, n: int, campaign):
    """A database of n submissions and a core on it; returns (core, users, close)."""
    tmp = tempfile.TemporaryDirectory()
    if backend == "sqlite":
        engine, drop = make_engine(f"sqlite:///{tmp.name}/bench.db"), None
    else:
        engine, drop = pg_engine()
    migrate(engine)
    t0 = time.perf_counter()
    populate(engine, campaign, n)
    if backend == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    print(f"  {backend} {n:>7}: seeded in {time.perf_counter() - t0:.1f} s", flush=True)
    wire_events()
    core = Core(engine, campaign, ManualClock(NOW))
    users = {"staff": f"m{staff_ids()[0]}", "head": f"m{head_ids(campaign)['T01']}"}

    def close() -> None:
        engine.dispose()
        if drop:
            drop()
        tmp.cleanup()

    return core, users, close


def run(backend: str, sizes: list[int], campaign, reps: int, warmup: int) -> dict[int, dict[str, tuple]]:
    """Every size's database open at once and the sizes measured in turn, one screen after
    another (0, 10,000, 100,000, 0, ...): a load that comes and goes on a shared machine falls
    on every size alike, so the growth compares like with like. `warmup` untimed screens per
    size first (the first reads after seeding, the first take of a dossier)."""
    dbs = {}
    try:
        for n in sizes:
            dbs[n] = setup(backend, n, campaign)
        out: dict[int, dict[str, tuple]] = {n: {} for n in sizes}
        for name, (who, before, choice, leave) in SCREENS.items():
            times: dict[int, list[float]] = {n: [] for n in sizes}
            size: dict[int, int] = {}
            for rep in range(warmup + reps):
                for n, (core, users, _) in dbs.items():
                    took, size[n] = one(core, users[who], before, choice, leave)
                    if rep >= warmup:
                        times[n].append(took)
            for n in sizes:
                out[n][name] = (statistics.median(times[n]), pct(times[n], 0.95), size[n], reps)
        return out
    finally:
        for _, _, close in dbs.values():
            close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[0, 10_000, 100_000])
    p.add_argument("--db", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    p.add_argument("--reps", type=int, default=40, help="timed screens per screen and size")
    p.add_argument("--warmup", type=int, default=2, help="untimed screens per screen and size first")
    args = p.parse_args()
    campaign = load_campaign(CAMPAIGN)
    ok = True
    for backend in args.db:
        results = run(backend, args.sizes, campaign, args.reps, args.warmup)
        base, top = min(args.sizes), max(args.sizes)
        print(f"\n{backend}: p50 / p95 in ms, reply characters; growth = p95 at {top} / p95 at {base}")
        print(f"{'screen':28}" + "".join(f"{n:>24}" for n in args.sizes) + f"{'growth':>9}")
        for name in SCREENS:
            row = f"{name:28}"
            for n in args.sizes:
                p50, p95, size, _ = results[n][name]
                row += f"{p50 * 1000:8.1f} /{p95 * 1000:7.1f} {size:>7}"
            growth = results[top][name][1] / max(results[base][name][1], 1e-6)
            met = results[top][name][1] < 0.050 and growth <= 2
            ok &= met
            print(f"{row}{growth:8.1f}x {'' if met else '  (target: p95 < 50 ms, growth <= 2x)'}")
    print("\ntargets (p95 < 50 ms at the largest size, growth <= 2x):", "MET" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
