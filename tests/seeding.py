"""A large campaign made with bulk inserts (no flows): members, submissions of every kind and
status with their status changes, audit rows and photos. Deterministic for a given seed, so
the benches under bench/ and the tests that compare outputs see the same data.

    populate(engine, campaign, 10_000)
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert, inspect

from messages.folding import fold
from storage.db import make_engine
from storage.models import AuditLog, Evidence, Identity, Member, StatusChange, Submission

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
WEIGHTS = {
    "submitted": 10,
    "under_review": 10,
    "needs_info": 5,
    "approved": 40,
    "shortlisted": 15,
    "rejected": 15,
    "withdrawn": 5,
}
START = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
RESIDENTS = 300
STAFF = 5
CHUNK = 5_000  # rows per INSERT batch: bounded memory for 100,000 submissions


def engine_in_schema(url: str, schema: str):
    """An engine whose connections work in one PostgreSQL schema (search_path): tests and
    benches that share a database keep their tables apart."""
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute(f'SET search_path TO "{schema}"')
        cur.close()
        dbapi_conn.commit()

    return engine


def staff_ids() -> list[int]:
    return [RESIDENTS + 1 + i for i in range(STAFF)]


def head_ids(campaign) -> dict[str, int]:
    """Unit code -> the id of its head (one head per unit, after the staff)."""
    first = RESIDENTS + STAFF + 1
    return {u.code: first + i for i, u in enumerate(campaign.units)}


def _members(campaign, channel: str) -> tuple[list[dict], list[dict]]:
    units = [u.code for u in campaign.units]
    rows = [
        dict(
            id=i,
            full_name=f"Nguyễn Thị Hồng {i}",
            role="resident",
            unit_code=units[i % len(units)],
            created_at=START,
            updated_at=START,
        )
        for i in range(1, RESIDENTS + 1)
    ]
    rows += [
        dict(
            id=sid,
            full_name=f"Cán bộ Văn phòng {n}",
            role="staff",
            unit_code="VPTK",
            created_at=START,
            updated_at=START,
        )
        for n, sid in enumerate(staff_ids())
    ]
    rows += [
        dict(
            id=hid,
            full_name=f"Trưởng {code}",
            role="head",
            unit_code=code,
            created_at=START,
            updated_at=START,
        )
        for code, hid in head_ids(campaign).items()
    ]
    idents = [
        dict(
            member_id=m["id"],
            channel=channel,
            external_id=f"m{m['id']}",
            chat_id=f"m{m['id']}",
            display_name=None,
            created_at=START,
        )
        for m in rows
    ]
    return rows, idents


def populate(
    engine,
    campaign,
    n: int,
    seed: int = 7,
    *,
    channel: str = "console",
    odd: bool = False,
    members: bool = True,
    first: int = 1,
) -> None:
    """n submissions (every 10th a unit report, every 3rd a proposal, the rest nominations).
    Members: 300 residents, 5 staff, one head per unit, each with an identity on `channel`
    (external id "m<id>"). With odd=True a few rows carry what exports must survive
    (characters XML cannot hold, missing units, role changes in the log). A second campaign
    in the same database: members=False (they are there) and `first`, the first submission's
    id and reference number, past the first campaign's."""
    rnd = random.Random(seed)
    units = [u.code for u in campaign.units]
    cats = [k.key for k in campaign.categories]
    awards = [a.key for a in campaign.awards]
    contents = [k.key for k in campaign.contents]
    staff = staff_ids()
    member_rows, idents = _members(campaign, channel)
    statuses, weights = list(WEIGHTS), list(WEIGHTS.values())
    keyed = "nominee_key" in {c["name"] for c in inspect(engine).get_columns("submission")}
    if members:
        with engine.begin() as conn:
            conn.execute(insert(Member.__table__), member_rows)
            conn.execute(insert(Identity.__table__), idents)
    subs: list[dict] = []
    changes: list[dict] = []
    audits: list[dict] = []
    photos: list[dict] = []

    def flush() -> None:
        with engine.begin() as conn:
            for model, rows in (
                (Submission, subs),
                (StatusChange, changes),
                (AuditLog, audits),
                (Evidence, photos),
            ):
                if rows:
                    conn.execute(insert(model.__table__), rows)
                    rows.clear()

    for i in range(first, first + n):
        kind = "report" if i % 10 == 0 else ("proposal" if i % 3 == 0 else "nomination")
        final = rnd.choices(statuses, weights)[0]
        at = START + timedelta(minutes=37 * i)
        submitter = rnd.randint(1, RESIDENTS)
        prefix = {"nomination": "DC", "proposal": "DN", "report": "BC"}[kind]
        ref = f"{prefix}-{i:04d}"
        row = dict(
            id=i,
            ref=ref,
            campaign_code=campaign.code,
            kind=kind,
            status=final,
            submitter_id=submitter,
            unit_code=rnd.choice(units),
            contents=[],
            answers={},
            flags=[],
            version=1,
            created_at=at,
            submitted_at=at,
            updated_at=at,
            category=None,
            nominee=None,
            achievements=None,
            proposed_award=None,
            shortlist_award=None,
        )
        if kind == "report":
            row.update(
                achievements="Thôn đã vận động Nhân dân hiến đất, làm đường bê tông, "
                "giúp hộ nghèo phát triển kinh tế.",
                answers={
                    "figures": {
                        c.key: {f.key: rnd.randint(0, 500) for f in c.figures} for c in campaign.contents
                    }
                },
            )
        else:
            award = rnd.choice(awards)
            row.update(
                category=rnd.choice(cats),
                nominee=f"Hộ ông Hoàng Văn Đức {i}",
                contents=rnd.sample(contents, 2),
                proposed_award=award,
                shortlist_award=award if final == "shortlisted" else None,
                achievements="Trồng 3 ha hồi, thu nhập 80 triệu đồng/năm, hiến 200 m² đất "
                "làm đường bê tông của thôn, giúp 3 hộ nghèo có việc làm.",
                answers={"annual_income": 80_000_000, "discipline": "no"},
            )
        if keyed:  # the search key the domain writes beside the nominee (a database migrated to that revision has the column)
            row["nominee_key"] = fold(row["nominee"]) if row["nominee"] else None
        if odd and i % 7 == 0:
            row.update(
                achievements="Bản\x0bcó ký tự\x01 lạ",
                unit_code=None if kind != "report" else row["unit_code"],
                flags=["Thiếu ảnh", "Trùng tên"],
            )
        subs.append(row)
        audits.append(
            dict(
                at=at,
                actor_id=submitter,
                action=f"{kind}.create",
                entity="submission",
                entity_id=ref,
                before=None,
                after={"status": "draft"},
                reason=None,
            )
        )
        prev = None
        for step, status in enumerate(PATHS[final]):
            actor = submitter if status in ("submitted", "withdrawn") else rnd.choice(staff)
            when = at + timedelta(hours=step * 5)
            reason = "Thiếu ảnh minh chứng." if status in ("needs_info", "rejected") else None
            changes.append(
                dict(
                    submission_id=i,
                    from_status=prev,
                    to_status=status,
                    actor_id=actor,
                    reason=reason,
                    at=when,
                )
            )
            after = {"status": status}
            if status == "shortlisted":
                after["shortlist_award"] = row["shortlist_award"]
            audits.append(
                dict(
                    at=when,
                    actor_id=actor,
                    action="status",
                    entity="submission",
                    entity_id=ref,
                    before={"status": prev},
                    after=after,
                    reason=reason,
                )
            )
            prev = status
        if odd and i % 11 == 0:
            audits.append(
                dict(
                    at=at,
                    actor_id=None,
                    action="member.role",
                    entity="member",
                    entity_id=str(submitter),
                    before={"role": "resident", "unit": "T01"},
                    after={"role": "head", "unit": "T02"},
                    reason=None,
                )
            )
        for p in range(rnd.randint(0, 2)):
            photos.append(
                dict(
                    submission_id=i,
                    kind="photo",
                    channel="telegram",
                    file_id=f"AgACAgUAAxkBAAI{i}x{p}",
                    unique_id=f"u{i}-{p}",
                    created_at=at,
                )
            )
        if len(subs) >= CHUNK:
            flush()
    flush()
