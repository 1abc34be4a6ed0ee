"""Staff and head screens stay bounded as the campaign grows: statistics and the digest are
counted by the database (GROUP BY), and give what counting every row in Python gave."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from domain import digest as dg
from handlers.digest import text_table
from storage.models import Submission

from .seeding import START, populate


def previous_compute(s, campaign, at, since):
    """The digest as it was computed before: every submission read, counted in Python."""
    rows = s.exec(select(Submission.kind, Submission.unit_code, Submission.category,
                         Submission.status, Submission.submitted_at)
                  .where(Submission.campaign_code == campaign.code).order_by(Submission.id)).all()
    live = [r for r in rows if r[3] != "withdrawn"]
    is_new = [r for r in live if r[4] is not None and since <= r[4] <= at]
    per_unit = Counter(r[1] for r in live)
    new_unit = Counter(r[1] for r in is_new)
    statuses = Counter(r[3] for r in rows)
    categories = Counter(r[2] for r in live if r[2])
    return dg.Digest(
        at=at, since=since, final=False, total=len(live), new=len(is_new),
        waiting=sum(1 for r in rows if r[3] in dg.WAITING),
        by_status=dict(statuses.most_common()),
        by_category={c.key: categories[c.key] for c in campaign.categories if categories[c.key]},
        by_unit=[dg.UnitRow(u.code, u.name, per_unit[u.code], new_unit[u.code]) for u in campaign.units],
        empty_units=[u.name for u in campaign.units if not per_unit[u.code]],
    )


@pytest.mark.parametrize("n", [0, 7, 3000])
def test_the_aggregate_digest_equals_the_previous_one(db, campaign, n):
    populate(db, campaign, n, seed=5, odd=True)
    at = START + timedelta(minutes=37 * n * 2 // 3)
    since = START + timedelta(minutes=37 * n // 3)
    with Session(db) as s:
        new = dg.compute(s, campaign, at, since=since)
        old = previous_compute(s, campaign, at, since)
    assert new == old
    assert list(new.by_status) == list(old.by_status)  # the same order, ties included
    assert text_table(campaign, new) == text_table(campaign, old)
    if n:
        assert new.total and new.new and new.waiting


def test_the_aggregate_digest_on_postgresql(pg_db, campaign):
    populate(pg_db, campaign, 500, seed=5)
    at = datetime(2024, 3, 6, tzinfo=timezone.utc)
    with Session(pg_db) as s:
        assert dg.compute(s, campaign, at, since=START) == previous_compute(s, campaign, at, START)
