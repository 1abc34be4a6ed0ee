"""The digest's bar chart: submissions per unit as a PNG (matplotlib, Agg backend, no display;
imported only when a chart is drawn, so a process that never draws one never loads it)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from documents.texts import t
from domain.campaign import Campaign
from domain.digest import Digest
from messages.format import moment_text


@dataclass
class Chart:
    path: Path
    labels: list[str]
    values: list[int]
    bars: int  # bars drawn on the axes (one per unit)


def chart(campaign: Campaign, d: Digest, path: Path) -> Chart:
    """A PNG bar chart of submissions per unit, written to `path`."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    labels = [u.code for u in d.by_unit]
    values = [u.total for u in d.by_unit]
    fig = Figure(figsize=(8, 4.5), dpi=100)
    ax = fig.add_subplot()
    bars = ax.bar(labels, values, color="#c0392b")
    ax.bar_label(bars)
    ax.set_title(t("chart.title", at=moment_text(campaign, d.at)))
    ax.set_ylabel(t("chart.ylabel"))
    ax.set_ylim(0, max([*values, 1]) * 1.15)
    ax.tick_params(axis="x", labelrotation=45)
    # the default locator is a MaxNLocator, which takes `integer` (its stub types the base class)
    ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return Chart(path=path, labels=labels, values=values, bars=len(ax.patches))


def default_chart_dir() -> Path:
    return Path(tempfile.gettempdir()) / "thidua-digests"


def chart_file(chart_dir: Path | None, campaign: Campaign, name: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return (chart_dir or default_chart_dir()) / f"{campaign.code}-{safe}.png"
