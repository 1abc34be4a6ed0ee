"""The staff digest's figures, read from the database: totals and what is new since the last
digest, by status, category and unit; units with nothing sent; items waiting for appraisal.
What the figures look like (a chat text, a chart) is for handlers/digest.py and
documents/chart.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from storage import slots, views
from domain.campaign import Campaign

WAITING = ("submitted", "under_review")
# Who receives the digest and may ask for it.
STAFF = frozenset({"staff", "admin"})
DIGEST_SLOTS = ("digest:", "close:")  # slot ids of earlier digests ("new since the last one")


@dataclass
class UnitRow:
    code: str
    name: str
    total: int
    new: int


@dataclass
class Digest:
    at: datetime
    since: datetime
    final: bool
    total: int
    new: int
    waiting: int
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_unit: list[UnitRow] = field(default_factory=list)
    empty_units: list[str] = field(default_factory=list)


def since_last(s: Session, campaign: Campaign, at: datetime) -> datetime:
    """When the last digest went out, else when the campaign opened."""
    last = slots.last_slot_run(s, DIGEST_SLOTS, before=at)
    return last.at if last is not None else campaign.opens_at


def compute(s: Session, campaign: Campaign, at: datetime, *, since: datetime | None = None,
            final: bool = False) -> Digest:
    since = since or since_last(s, campaign, at)
    rows = views.digest_rows(s, campaign.code)
    live = [r for r in rows if r[3] != "withdrawn"]
    is_new = [r for r in live if r[4] is not None and since <= r[4] <= at]
    per_unit = Counter(r[1] for r in live)
    new_unit = Counter(r[1] for r in is_new)
    statuses = Counter(r[3] for r in rows)
    categories = Counter(r[2] for r in live if r[2])
    return Digest(
        at=at, since=since, final=final, total=len(live), new=len(is_new),
        waiting=sum(1 for r in rows if r[3] in WAITING),
        by_status=dict(statuses.most_common()),
        by_category={c.key: categories[c.key] for c in campaign.categories if categories[c.key]},
        by_unit=[UnitRow(u.code, u.name, per_unit[u.code], new_unit[u.code]) for u in campaign.units],
        empty_units=[u.name for u in campaign.units if not per_unit[u.code]],
    )
