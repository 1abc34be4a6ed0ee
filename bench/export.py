"""Exports of a large campaign: 10,000 submissions in a temporary SQLite file.

Prints how long the XLSX workbook (target < 3 s) and the DOCX list (target < 5 s) take, and
the rows they hold. Run: python bench/export.py [N]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from domain.campaign import load_campaign  # noqa: E402
from documents import STATUSES, write_list, write_workbook  # noqa: E402
from storage.db import make_engine, migrate  # noqa: E402
from storage.models import AuditLog, Evidence, Member, StatusChange, Submission  # noqa: E402

# One way through the life of a submission for each final status.
PATHS = {
    "submitted": ["submitted"],
    "under_review": ["submitted", "under_review"],
    "needs_info": ["submitted", "under_review", "needs_info"],
    "approved": ["submitted", "under_review", "approved"],
    "shortlisted": ["submitted", "under_review", "approved", "shortlisted"],
    "rejected": ["submitted", "under_review", "rejected"],
    "withdrawn": ["submitted", "withdrawn"],
}
WEIGHTS = {"submitted": 10, "under_review": 10, "needs_info": 5, "approved": 40,
           "shortlisted": 15, "rejected": 15, "withdrawn": 5}


def populate(engine, campaign, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    start = datetime(2024, 3, 1, 1, 0, tzinfo=timezone.utc)
    units = [u.code for u in campaign.units]
    cats = [k.key for k in campaign.categories]
    awards = [a.key for a in campaign.awards]
    contents = [k.key for k in campaign.contents]
    members = [dict(id=i, full_name=f"Nguyễn Thị Hồng {i}", role="resident",
                    unit_code=units[i % len(units)], created_at=start, updated_at=start)
               for i in range(1, 301)]
    members += [dict(id=301 + i, full_name=f"Cán bộ Văn phòng {i}", role="staff", unit_code="VPTK",
                     created_at=start, updated_at=start) for i in range(5)]
    staff = [m["id"] for m in members[-5:]]
    subs, changes, audits, photos = [], [], [], []
    statuses, weights = list(WEIGHTS), list(WEIGHTS.values())
    for i in range(1, n + 1):
        kind = "report" if i % 10 == 0 else ("proposal" if i % 3 == 0 else "nomination")
        final = rnd.choices(statuses, weights)[0]
        at = start + timedelta(minutes=37 * i)
        submitter = rnd.randint(1, 300)
        prefix = {"nomination": "DC", "proposal": "DN", "report": "BC"}[kind]
        ref = f"{prefix}-{i:04d}"
        row = dict(id=i, ref=ref, campaign_code=campaign.code, kind=kind, status=final,
                   submitter_id=submitter, unit_code=rnd.choice(units), contents=[], answers={},
                   flags=[], version=1, created_at=at, submitted_at=at, updated_at=at,
                   category=None, nominee=None, achievements=None, proposed_award=None,
                   shortlist_award=None)
        if kind == "report":
            row.update(achievements="Thôn đã vận động Nhân dân hiến đất, làm đường bê tông, "
                       "giúp hộ nghèo phát triển kinh tế.",
                       answers={"figures": {c.key: {f.key: rnd.randint(0, 500) for f in c.figures}
                                            for c in campaign.contents}})
        else:
            award = rnd.choice(awards)
            row.update(category=rnd.choice(cats), nominee=f"Hộ ông Hoàng Văn Đức {i}",
                       contents=rnd.sample(contents, 2), proposed_award=award,
                       shortlist_award=award if final == "shortlisted" else None,
                       achievements="Trồng 3 ha hồi, thu nhập 80 triệu đồng/năm, hiến 200 m² đất "
                       "làm đường bê tông của thôn, giúp 3 hộ nghèo có việc làm.",
                       answers={"annual_income": 80_000_000, "discipline": "no"})
        subs.append(row)
        audits.append(dict(at=at, actor_id=submitter, action=f"{kind}.create", entity="submission",
                           entity_id=ref, before=None, after={"status": "draft"}, reason=None))
        prev = None
        for step, status in enumerate(PATHS[final]):
            actor = submitter if status in ("submitted", "withdrawn") else rnd.choice(staff)
            when = at + timedelta(hours=step * 5)
            reason = "Thiếu ảnh minh chứng." if status in ("needs_info", "rejected") else None
            changes.append(dict(submission_id=i, from_status=prev, to_status=status, actor_id=actor,
                                reason=reason, at=when))
            audits.append(dict(at=when, actor_id=actor, action="status", entity="submission",
                               entity_id=ref, before={"status": prev}, after={"status": status},
                               reason=reason))
            prev = status
        for p in range(rnd.randint(0, 2)):
            photos.append(dict(submission_id=i, kind="photo", channel="telegram",
                               file_id=f"AgACAgUAAxkBAAI{i}x{p}", unique_id=f"u{i}-{p}", created_at=at))
    with engine.begin() as conn:
        for model, rows in ((Member, members), (Submission, subs), (StatusChange, changes),
                            (AuditLog, audits), (Evidence, photos)):
            conn.execute(insert(model.__table__), rows)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    campaign = load_campaign(ROOT / "campaigns" / "tran-ninh-2024.toml")
    now = datetime(2024, 12, 2, 3, 0, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        migrate(engine)
        t0 = time.perf_counter()
        populate(engine, campaign, n)
        print(f"insert: {n} submissions in {time.perf_counter() - t0:.2f} s")

        t0 = time.perf_counter()
        with Session(engine) as s:
            wb = write_workbook(s, campaign, Path(tmp) / "export.xlsx")
        took = time.perf_counter() - t0
        rows = ", ".join(f"{k}: {v}" for k, v in wb.rows.items())
        print(f"xlsx: {took:.2f} s (target < 3 s) — {rows}; "
              f"{wb.path.stat().st_size / 1e6:.1f} MB {'OK' if took < 3 else 'SLOW'}")

        t0 = time.perf_counter()
        with Session(engine) as s:
            doc = write_list(s, campaign, Path(tmp) / "list.docx", now=now, statuses=STATUSES)
        took = time.perf_counter() - t0
        print(f"docx list: {took:.2f} s (target < 5 s) — {doc.rows} rows in {doc.tables} tables; "
              f"{doc.path.stat().st_size / 1e6:.1f} MB {'OK' if took < 5 else 'SLOW'}")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
