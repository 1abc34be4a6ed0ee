"""The staff digest's figures, read from the database: totals and what is new since the last
digest, by status, category and unit; units with nothing sent; items waiting for appraisal.
What the figures look like (a chat text, a chart) is for handlers/digest.py and
documents/chart.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from domain.campaign import Campaign, Unit
from domain.headroom import SendingTerms, paid_sent
from domain.lifecycle import AWAITING_REVIEW, ENTRY_KINDS, waits_for_office
from storage import slots, views

# what «Thẩm định hồ sơ» opens: entries (nominations, proposals) awaiting review; unit reports
# are received as sent, never waiting: they are counted apart («reports») and left out of the
# statuses, so «Đã gửi, chờ thẩm định» in the digest counts what the queue holds
WAITING = AWAITING_REVIEW
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
    reports: int = 0  # unit reports received (what «Báo cáo các đơn vị» lists)
    # by_status: the entries (nominations, proposals) only; the reports are the line above
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_unit: list[UnitRow] = field(default_factory=list)
    empty_units: list[str] = field(default_factory=list)
    paid: int = 0  # messages sent above the free limit (paid broadcast) since the last digest
    paid_stars: float = 0.0  # what they cost, in Telegram Stars
    # the campaign's short title, when several are open (each has its digest): which one this is
    campaign_title: str = ""


def since_last(s: Session, campaign: Campaign, at: datetime, slot_tag: str = "") -> datetime:
    """When the campaign's last digest went out (its slot ids end with `slot_tag`), else when
    the campaign opened."""
    last = slots.last_slot_run(s, DIGEST_SLOTS, before=at, tag=slot_tag)
    return last.at if last is not None else campaign.opens_at


def compute(
    s: Session,
    campaign: Campaign,
    at: datetime,
    *,
    since: datetime | None = None,
    final: bool = False,
    sending: SendingTerms | None = None,
    slot_tag: str = "",
) -> Digest:
    since = since or since_last(s, campaign, at, slot_tag)
    paid = paid_sent(s, since, at)
    # counted from the trigger-kept counters (GROUP BY over a few hundred rows, whatever the
    # number of submissions); what is new adds whole days of counters, edge days row by row
    code = campaign.code
    statuses: Counter[str] = Counter()
    per_unit: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    total = waiting = reports = 0
    by_status_kind, by_unit_category = views.counts_by(
        s,
        (("status", "kind"), {"campaign_code": code}),
        (("unit_code", "category"), {"campaign_code": code, "live": True}),
    )
    for (status, kind), n in by_status_kind.items():
        if kind in ENTRY_KINDS:
            statuses[status] += n
        waiting += n if waits_for_office(kind, status) else 0
        if status != "withdrawn":
            total += n
            reports += n if kind == "report" else 0
    for (unit, category), n in by_unit_category.items():
        per_unit[unit] += n
        if category:
            categories[category] += n
    new_unit = Counter(views.new_by_unit(s, code, since, at))
    # most first; a tie in the order the statuses first appeared (the smallest id in each)
    ties = Counter(statuses.values())
    first = views.first_ids(s, code, [k for k, n in statuses.items() if ties[n] > 1], ENTRY_KINDS)
    by_status = dict(sorted(statuses.items(), key=lambda kv: (-kv[1], first.get(kv[0], 0))))
    return Digest(
        at=at,
        since=since,
        final=final,
        total=total,
        new=sum(new_unit.values()),
        waiting=waiting,
        reports=reports,
        by_status=by_status,
        by_category={c.key: categories[c.key] for c in campaign.categories if categories[c.key]},
        by_unit=[UnitRow(u.code, u.name, per_unit[u.code], new_unit[u.code]) for u in campaign.units],
        # the office and other units that send no report are never "late"
        empty_units=[u.name for u in campaign.units if not per_unit[u.code] and reporting(campaign, u)],
        paid=paid,
        paid_stars=paid * (sending or SendingTerms()).stars_per_message,
    )


def reporting(campaign: Campaign, unit: Unit) -> bool:
    return unit.reports and unit.name != campaign.organiser.office
