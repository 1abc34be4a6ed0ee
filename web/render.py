"""Templates (Jinja2, autoescaped) and the Vietnamese formats every page uses: dates dd/mm/yyyy
in the campaign's time zone, money «60.000.000 đ», numbers with «.» groups."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from documents import texts as doc_texts
from domain.citation import shown
from domain.lifecycle import status_label
from messages.catalog import has, t

TEMPLATES = Path(__file__).with_name("templates")


def number(n: object) -> str:
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    if isinstance(n, int):
        return f"{n:,}".replace(",", ".")
    return "" if n is None else str(n)


def money(vnd: object) -> str:
    return f"{number(vnd)} đ" if isinstance(vnd, (int, float)) else number(vnd)


def label(key: str, fallback: str | None = None) -> str:
    """A catalog label (status.approved, kind.report, role.staff ...), or the fallback."""
    return t(key) if has(key) else (fallback if fallback is not None else key.rsplit(".", 1)[-1])


def action_label(action: str) -> str:
    """An audit action for people («audit.<action>»: the words the workbook's audit sheet uses)."""
    key = f"audit.{action}"
    return doc_texts.t(key) if doc_texts.has(key) else doc_texts.t("audit.other")


def cited(sub) -> str:
    """A submission's citation as printed: the office's, else the suggestion (never raw text)."""
    return shown(sub.citation, sub.achievements)


def make_env(tz) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def day(moment: datetime | None) -> str:
        return moment.astimezone(tz).strftime("%d/%m/%Y") if moment else "—"

    def stamp(moment: datetime | None) -> str:
        return moment.astimezone(tz).strftime("%H:%M %d/%m/%Y") if moment else "—"

    env.filters.update(day=day, stamp=stamp, money=money, number=number)
    env.globals.update(label=label, action_label=action_label, status_label=status_label, cited=cited)
    return env
