"""The web console's dossier list with 10,000 submissions in a temporary SQLite file.

Each page is requested through the whole app in process (Starlette's test client: session
look-up, role check, the two bounded queries, the Jinja2 template), and its time printed as
p50/p95 beside two baselines from the same run: the same two SQL queries alone, and a trivial
Starlette page. Target: p95 < 300 ms. Run: python bench/web_list.py [N] [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402
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


if __name__ == "__main__":
    sys.exit(main())
