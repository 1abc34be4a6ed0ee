"""Values as people read them, the same in chat and in the documents: money the Vietnamese
way, unit-report figures, moments in local time, text cut to a length, and a
category's criteria checks as answered."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from messages.catalog import t

if TYPE_CHECKING:  # pragma: no cover - messages sit below the domain: annotations only
    from domain.campaign import Campaign


def format_money(vnd: int) -> str:
    """60000000 -> "60 triệu đồng"; 1200000000 -> "1,2 tỷ đồng"; 750000 -> "750.000 đồng"."""
    for scale, word in ((1_000_000_000, "tỷ"), (1_000_000, "triệu")):
        if vnd >= scale:
            q = Decimal(vnd) / scale
            s = f"{q:.3f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"{s} {word} đồng"
    return f"{vnd:,}".replace(",", ".") + " đồng"


def format_figure(kind: str, unit: str, value: object) -> str:
    """A unit-report figure for people: money the Vietnamese way, numbers with "." groups."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if kind == "money" and isinstance(value, int):
        return format_money(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".") + (f" {unit}" if unit else "")
    return str(value)


def shorten(text: str | None, limit: int = 160, *, one_line: bool = False) -> str:
    """At most `limit` characters, cut with an ellipsis; one_line folds all white space."""
    text = " ".join((text or "").split()) if one_line else (text or "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def answered_checks(c: Campaign, category: str | None, answers: dict) -> list[tuple[str, str]]:
    """The category's criteria checks as answered, as (label, value for people) pairs.
    `answers` is keyed by check key (a stored submission's answers)."""
    cat = c.category(category) if category and any(k.key == category for k in c.categories) else None
    pairs = []
    for chk in cat.checks if cat else ():
        value = answers.get(chk.key)
        if value is None:
            continue
        if chk.kind == "money" and isinstance(value, (int, float)):
            shown = format_money(int(value))
        else:
            shown = t("yes") if value == "yes" else t("no") if value == "no" else str(value)
        pairs.append((chk.label or chk.prompt.rstrip("?"), shown))
    return pairs


def moment_text(c: Campaign, moment: datetime) -> str:
    """A moment in the campaign's time zone, as people write it: "08:00 23/11/2024"."""
    return c.local(moment).strftime("%H:%M %d/%m/%Y")


def duration_text(seconds: float) -> str:
    """75.2 -> "1 phút 16 giây"; 12 -> "12 giây" (whole seconds, rounded up)."""
    whole = max(1, -int(-seconds // 1))
    m, s = divmod(whole, 60)
    return t("time.minutes", m=m, s=s) if m else t("time.seconds", s=s)


def stars_text(stars: float) -> str:
    """Telegram Stars the Vietnamese way: 12.5 -> "12,5"; 3.0 -> "3"."""
    return f"{stars:,.1f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",").replace(" ", ".")


def headroom_text(h: Any) -> str:
    """An announcement's sending estimate (domain.broadcasts.Headroom) as one preview line."""
    if h.paid:
        return t(
            "ann.headroom.paid",
            messages=h.messages,
            paid=h.paid,
            stars=stars_text(h.stars),
            duration=duration_text(h.seconds),
        )
    if h.over:
        return t(
            "ann.headroom.slow",
            messages=h.messages,
            over=h.over,
            after=f"{h.after:g}",
            duration=duration_text(h.seconds),
        )
    return t("ann.headroom.free", messages=h.messages, duration=duration_text(h.seconds))
