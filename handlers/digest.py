"""The staff digest: totals and what is new, by unit, category and status; units with nothing
submitted; items waiting for appraisal; a bar chart of submissions per unit.

Channel-neutral: `messages(...)` gives a chart Photo plus a short text for channels that show
pictures, and the same figures as a compact text table for the others.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from storage import slots, views
from domain.campaign import Campaign
from messages.catalog import t
from messages.model import Photo, Reply, Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx

WAITING = ("submitted", "under_review")
STAFF = frozenset({"staff", "admin"})
# Channels whose sender shows a picture (Photo reply); the others get the text table.
PHOTO_CHANNELS = frozenset({"telegram"})
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
    last = slots.last_slot_run(s, DIGEST_SLOTS, before=at)
    return last.at if last is not None else campaign.opens_at


def compute(s: Session, campaign: Campaign, at: datetime, *, since: datetime | None = None,
            final: bool = False) -> Digest:
    since = since or since_last(s, campaign, at)
    groups = sorted(views.summary(s, campaign.code), key=lambda g: g.first)
    new_unit = Counter(views.new_by_unit(s, campaign.code, since, at))
    live = [g for g in groups if g.status != "withdrawn"]
    per_unit, statuses, categories = Counter(), Counter(), Counter()
    for g in live:
        per_unit[g.unit_code] += g.n
        if g.category:
            categories[g.category] += g.n
    for g in groups:  # in the order each status first appeared: ties keep that order
        statuses[g.status] += g.n
    return Digest(
        at=at, since=since, final=final, total=sum(g.n for g in live), new=sum(new_unit.values()),
        waiting=sum(g.n for g in groups if g.status in WAITING),
        by_status=dict(statuses.most_common()),
        by_category={c.key: categories[c.key] for c in campaign.categories if categories[c.key]},
        by_unit=[UnitRow(u.code, u.name, per_unit[u.code], new_unit[u.code]) for u in campaign.units],
        empty_units=[u.name for u in campaign.units if not per_unit[u.code]],
    )


def _stamp(campaign: Campaign, moment: datetime) -> str:
    return campaign.local(moment).strftime("%H:%M %d/%m/%Y")


def _head(campaign: Campaign, d: Digest) -> list[str]:
    title = t("digest.final_title" if d.final else "digest.title", at=_stamp(campaign, d.at))
    lines = [title, t("digest.totals", total=d.total, since=_stamp(campaign, d.since), new=d.new),
             t("digest.waiting", n=d.waiting), t("digest.by_status")]
    from handlers.status import status_label

    lines += [t("digest.row", label=status_label(k), n=n) for k, n in d.by_status.items()] or [
        t("digest.none")]
    lines.append(t("digest.by_category"))
    lines += [t("digest.row", label=campaign.category(k).label, n=n) for k, n in d.by_category.items()] or [
        t("digest.none")]
    return lines


def _empty(d: Digest) -> str:
    if not d.empty_units:
        return t("digest.no_empty_units")
    return t("digest.empty_units", n=len(d.empty_units), names=", ".join(d.empty_units))


def text_table(campaign: Campaign, d: Digest) -> str:
    """Everything as text: for Zalo, the console and the command line."""
    lines = _head(campaign, d)
    lines.append(t("digest.by_unit"))
    # units with nothing are named once, under «Chưa gửi gì», not as rows of zeros
    lines += [t("digest.unit_row", name=u.name, n=u.total, new=u.new) for u in d.by_unit if u.total] \
        or [t("digest.none")]
    lines.append(_empty(d))
    return "\n".join(lines)


def short_text(campaign: Campaign, d: Digest) -> str:
    """The text that goes with the chart (the per-unit figures are in the picture)."""
    return "\n".join([*_head(campaign, d), _empty(d)])


@dataclass
class Chart:
    path: Path
    labels: list[str]
    values: list[int]
    bars: int  # bars drawn on the axes (one per unit)


def chart(campaign: Campaign, d: Digest, path: Path) -> Chart:
    """A PNG bar chart of submissions per unit (matplotlib, Agg backend, no display)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    labels = [u.code for u in d.by_unit]
    values = [u.total for u in d.by_unit]
    fig = Figure(figsize=(8, 4.5), dpi=100)
    ax = fig.add_subplot()
    bars = ax.bar(labels, values, color="#c0392b")
    ax.bar_label(bars)
    ax.set_title(t("digest.chart_title") + " — " + _stamp(campaign, d.at))
    ax.set_ylabel(t("digest.chart_ylabel"))
    ax.set_ylim(0, max([*values, 1]) * 1.15)
    ax.tick_params(axis="x", labelrotation=45)
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return Chart(path=path, labels=labels, values=values, bars=len(ax.patches))


def default_chart_dir() -> Path:
    return Path(tempfile.gettempdir()) / "thidua-digests"


def chart_file(chart_dir: Path | None, campaign: Campaign, name: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return (chart_dir or default_chart_dir()) / f"{campaign.code}-{safe}.png"


def messages(campaign: Campaign, d: Digest, channel: str, chart_path: Path | None) -> list[Reply]:
    """What one staff channel gets: chart + short text where pictures show, else the table."""
    if channel in PHOTO_CHANNELS and chart_path is not None:
        return [Photo(ref=str(chart_path), caption=t("digest.chart_caption", at=_stamp(campaign, d.at))),
                Text(short_text(campaign, d))]
    return [Text(text_table(campaign, d))]


# -- in chat: staff ask for the digest (menu item "digest", /tonghop) ------------------------

def ask(ctx: "Ctx") -> list[Reply]:
    if ctx.member is None or ctx.member.role not in STAFF:
        return [Text(t("role.denied")), *ctx.core.show_menu(ctx)]
    d = compute(ctx.session, ctx.campaign, ctx.now)
    path = None
    if ctx.event.channel in PHOTO_CHANNELS:
        path = chart(ctx.campaign, d, chart_file(None, ctx.campaign,
                                                 f"chat-{ctx.now:%Y%m%dT%H%M%S}-{ctx.member.id}")).path
    return [*messages(ctx.campaign, d, ctx.event.channel, path), *ctx.core.show_menu(ctx)]


def install(core: "Core") -> None:
    core.add_menu("digest", STAFF, ask)
    core.add_command("tonghop", ask)
