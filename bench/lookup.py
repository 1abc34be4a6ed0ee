"""Tra cứu khen thưởng over the years: the look-ups an office makes (a name with and without
diacritics, a unit, a year, an award, a year and a unit, a person's history, the earlier awards
shown beside a dossier, the chat's one question, the web page) timed on a commune's database
holding YEARS years × 2 campaigns × AWARDEES awardees (each campaign also holds OTHERS
nominations that were not awarded), bulk-seeded; the baseline is the same look-up on one year
of it (growth = p95 at YEARS years / p95 at one). Target: every p95 under 50 ms at 10 years.

    python bench/lookup.py                                   # 10 years, 2 × 500, SQLite and PostgreSQL
    python bench/lookup.py --years 3 --db sqlite --rounds 20
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bot.bootstrap import wire_events  # noqa: E402
from domain import lookup  # noqa: E402
from domain.campaign import Campaign, load_campaign  # noqa: E402
from handlers.flows.lookup import PAGE as SCREEN  # noqa: E402  (the awards chat shows at a time)
from messages.folding import fold  # noqa: E402
from storage.db import make_engine, migrate  # noqa: E402
from storage.models import AwardDecision, AwardDecisionItem, Member, Submission  # noqa: E402
from tests.seeding import engine_in_schema  # noqa: E402

CAMPAIGN = ROOT / "campaigns" / "tran-ninh-2024.toml"
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
LAST_YEAR = 2025
SURNAMES = ["Hoàng", "Nông", "Vi", "Lường", "Lương", "Nguyễn", "Triệu", "Lộc", "Hà", "Đinh", "Mã", "Chu"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Xuân", "Hữu", "Ngọc"]
GIVEN = ["Tư", "Hoa", "Bảy", "Sáu", "Năm", "Đức", "Lan", "Hùng", "Mai", "Tùng", "Thắng", "Hạnh", "Quyết"]
GIVEN += ["Dũng", "Cường", "Hương", "Thảo", "Phúc", "Lộc", "Vinh", "Nga", "Yến", "Tâm", "Sơn", "Hải"]


def person(rnd: random.Random) -> str:
    return f"{rnd.choice(SURNAMES)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"


def seed(engine, campaign: Campaign, years: int, awardees: int, others: int) -> None:
    """`years` years of two campaigns each (spring and autumn), every campaign with a commune
    decision (four fifths of its awardees) and a district one, and `others` nominations left
    not awarded; half the nominees are households («Hộ ông …»)."""
    rnd = random.Random(11)
    units = [u.code for u in campaign.units]
    with engine.begin() as conn:
        now = datetime(LAST_YEAR, 1, 1, tzinfo=UTC)
        conn.execute(
            insert(Member.__table__),
            [dict(id=1, full_name="Văn phòng", role="staff", created_at=now, updated_at=now)],
        )
    sid, did = 0, 0
    for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        for half, month in (("a", 5), ("b", 11)):
            code = f"bench-{year}{half}"
            at = datetime(year, month, 1, 3, tzinfo=UTC)
            subs, items, decisions = [], [], []
            for award, share, day in (("commune", 0.8, 10), ("district", 0.2, 25)):
                did += 1
                decisions.append(
                    dict(
                        id=did,
                        campaign_code=code,
                        award_key=award,
                        number=f"{did}/QĐ-UBND",
                        signed_on=date(year, month, day),
                        signer_name="Hoàng Văn Vịnh",
                        signer_title="Chủ tịch UBND xã",
                        recorded_by=1,
                        recorded_at=at,
                        withdrawn=False,
                    )
                )
                for pos in range(1, int(awardees * share) + 1):
                    sid += 1
                    items.append(dict(decision_id=did, submission_id=sid, position=pos))
                    subs.append(row(rnd, sid, code, units, at, "awarded", award))
            for _ in range(others):
                sid += 1
                status = rnd.choice(("rejected", "approved", "not_recommended", "withdrawn"))
                subs.append(row(rnd, sid, code, units, at, status, None))
            with engine.begin() as conn:
                conn.execute(insert(AwardDecision.__table__), decisions)
                conn.execute(insert(Submission.__table__), subs)
                conn.execute(insert(AwardDecisionItem.__table__), items)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # the planner's statistics, as storage.db.optimize gives at start


def row(rnd: random.Random, sid: int, code: str, units: list[str], at: datetime, status: str, award) -> dict:
    """A nomination sent during the campaign (a time of its own, as people send them)."""
    name = person(rnd)
    at += timedelta(minutes=rnd.randint(0, 60 * 24 * 150))
    nominee = f"Hộ ông {name}" if sid % 2 else name
    return dict(
        id=sid,
        ref=f"DC-{sid:06d}",
        campaign_code=code,
        kind="nomination",
        status=status,
        submitter_id=1,
        unit_code=rnd.choice(units),
        category="household",
        nominee=nominee,
        nominee_key=fold(nominee),
        contents=["c2"],
        achievements="Trồng 3 ha hồi, hiến 200 m2 đất làm đường bê tông của thôn.",
        citation="Dẫn đầu phong trào trồng hồi, hiến đất làm đường." if status == "awarded" else None,
        answers={},
        flags=[],
        proposed_award=award,
        shortlist_award=award,
        version=1,
        created_at=at,
        submitted_at=at,
        updated_at=at,
    )


def looks(campaign: Campaign, now_year: int) -> dict[str, Callable[[Session, lookup.Known], object]]:
    """The look-ups timed: name -> a call on a session."""
    sub = Submission(id=0, kind="nomination", nominee="Hộ ông Hoàng Văn Tư", unit_code="T03")
    now = datetime(now_year, 12, 1, 3, tzinfo=UTC)
    ruled = campaign.model_copy(update={"rules": campaign.rules.model_copy(update={"repeat_award_years": 5})})
    return {
        "name, no diacritics «hoang van tu»": lambda s, k: lookup.search(s, k, text="hoang van tu"),
        "name with diacritics «Lường Thị Hoa»": lambda s, k: lookup.search(s, k, text="Lường Thị Hoa"),
        "a unit (Thôn 3)": lambda s, k: lookup.search(s, k, unit_code="T03"),
        "a year": lambda s, k: lookup.search(s, k, year=now_year),
        "an award (district)": lambda s, k: lookup.search(s, k, award_key="district"),
        "a year and a unit": lambda s, k: lookup.search(s, k, year=now_year, unit_code="T03"),
        "a person's history": lambda s, k: lookup.history_of(s, k, "Hoàng Văn Tư", "T03"),
        "earlier awards (5-year window)": lambda s, k: lookup.earlier_awards(
            s, lookup.Known(ruled, k.others), sub, now
        ),
        "chat: one question «thon 3», a screen": lambda s, k: lookup.lookup(s, k, "thon 3", limit=SCREEN),
    }


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def measure(engines: dict[int, object], campaign: Campaign, rounds: int, now_year: int):
    """Each look-up timed on every size in turn, round after round (a busy machine slows
    them alike), after two untimed rounds (the statement caches): size -> name -> ms."""
    known = lookup.Known(campaign)
    out: dict[int, dict[str, list[float]]] = {size: {} for size in engines}
    for name, call in looks(campaign, now_year).items():
        for i in range(rounds + 2):
            for size, engine in engines.items():
                with Session(engine) as s:
                    t0 = time.perf_counter()
                    call(s, known)
                    took = (time.perf_counter() - t0) * 1000
                if i >= 2:
                    out[size].setdefault(name, []).append(took)
    return out


def database(kind: str, tmp: Path, label: str):
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{tmp / f'{label}.db'}")
        migrate(engine)
        return engine, None
    schema = f"bench_lookup_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = engine_in_schema(PG_URL, schema)
    migrate(engine)
    return engine, (admin, schema)


def run(kind: str, args, campaign: Campaign, tmp: Path) -> None:
    print(
        f"\n== {kind}: {args.years} years × 2 campaigns × {args.awardees} awardees (+{args.others} others each)"
    )
    engines, drops = {}, []
    for years in (1, args.years):
        engine, pg = database(kind, tmp, f"y{years}")
        t0 = time.perf_counter()
        seed(engine, campaign, years, args.awardees, args.others)
        print(f"   seeded {years} year(s) in {time.perf_counter() - t0:.1f} s")
        engines[years] = engine
        drops.append(pg)
    try:
        results = measure(engines, campaign, args.rounds, LAST_YEAR)
    finally:
        for engine in engines.values():
            engine.dispose()
        for pg in drops:
            if pg is not None:
                admin, schema = pg
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    print(f"{'look-up':<40} {'p50':>8} {'p95':>8}   {'p95 at 1 year':>13}  growth")
    for name, times in results[args.years].items():
        base = pct(results[1][name], 0.95)
        p95 = pct(times, 0.95)
        print(
            f"{name:<40} {statistics.median(times):6.1f}ms {p95:6.1f}ms   {base:11.1f}ms  {p95 / base:5.2f}×"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--awardees", type=int, default=500)
    ap.add_argument("--others", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--db", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = ap.parse_args()
    wire_events()
    campaign = load_campaign(CAMPAIGN)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.db:
            run(kind, args, campaign, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
