"""The staff digest in chat: the figures (domain/digest.py) as a chart Photo
(documents/chart.py) plus a short text for channels that show pictures, and as a compact
text table for the others; staff ask for it from the menu or with /tonghop.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from documents.chart import chart, chart_file
from domain.campaign import Campaign
from domain.digest import STAFF, Digest, compute
from domain.lifecycle import status_label
from handlers.outcomes import Outcome, denied, finished
from messages.catalog import t
from messages.format import moment_text, stars_text
from messages.model import Photo, Reply, Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx

# Channels whose sender shows a picture (Photo reply); the others get the text table.
PHOTO_CHANNELS = frozenset({"telegram"})


def _head(campaign: Campaign, d: Digest) -> list[str]:
    title = t("digest.final_title" if d.final else "digest.title", at=moment_text(campaign, d.at))
    named = [t("campaign.digest_of", title=d.campaign_title)] if d.campaign_title else []
    lines = [
        title,
        *named,
        t("digest.totals", total=d.total, since=moment_text(campaign, d.since), new=d.new),
        t("digest.waiting", n=d.waiting),
        t("digest.reports", n=d.reports),
        t("digest.by_status"),
    ]
    lines += [t("digest.row", label=status_label(k), n=n) for k, n in d.by_status.items()] or [
        t("digest.none")
    ]
    if d.paid:
        lines.append(t("digest.paid", n=d.paid, stars=stars_text(d.paid_stars)))
    lines.append(t("digest.by_category"))
    lines += [t("digest.row", label=campaign.category(k).label, n=n) for k, n in d.by_category.items()] or [
        t("digest.none")
    ]
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
    lines += [t("digest.unit_row", name=u.name, n=u.total, new=u.new) for u in d.by_unit if u.total] or [
        t("digest.none")
    ]
    lines.append(_empty(d))
    return "\n".join(lines)


def short_text(campaign: Campaign, d: Digest) -> str:
    """The text that goes with the chart (the per-unit figures are in the picture)."""
    return "\n".join([*_head(campaign, d), _empty(d)])


def messages(campaign: Campaign, d: Digest, channel: str, chart_path: Path | None) -> list[Reply]:
    """What one staff channel gets: chart + short text where pictures show, else the table."""
    if channel in PHOTO_CHANNELS and chart_path is not None:
        return [
            Photo(ref=str(chart_path), caption=t("digest.chart_caption", at=moment_text(campaign, d.at))),
            Text(short_text(campaign, d)),
        ]
    return [Text(text_table(campaign, d))]


# -- in chat: staff ask for the digest (menu item "digest", /tonghop) ------------------------


def ask(ctx: Ctx) -> Outcome:
    if ctx.member is None or ctx.member.role not in STAFF:
        return denied()
    d = compute(ctx.session, ctx.campaign, ctx.now, sending=ctx.core.sending)
    path = None
    if ctx.event.channel in PHOTO_CHANNELS:
        path = chart(
            ctx.campaign, d, chart_file(None, ctx.campaign, f"chat-{ctx.now:%Y%m%dT%H%M%S}-{ctx.member.id}")
        ).path
    return finished(*messages(ctx.campaign, d, ctx.event.channel, path))


def install(core: Core) -> None:
    core.add_menu("digest", STAFF, ask)
    core.add_command("tonghop", ask)
