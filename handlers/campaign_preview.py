"""«Xem trước»: what a resident would read in chat for a campaign before it opens — the greeting,
the question of who is nominated and of which category, then for each category its questions
and machine checks. The words are the chat's own (the catalog keys and the campaign's values
the nomination flow uses), so the preview shows the campaign as the bot will ask it."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.campaign import Campaign
from messages.catalog import t
from messages.format import format_money

from .reminders import deadline_text

EXAMPLE_NOMINEE = "Hộ ông Nguyễn Văn A"  # the example the nominee question itself gives


@dataclass(frozen=True)
class Bubble:
    """One message from the bot, its buttons, and (`mine`) a resident's answer instead."""

    text: str
    options: tuple[str, ...] = ()
    mine: bool = False
    note: str = ""  # what the bot does with the answer (a check's rule), for the office


@dataclass(frozen=True)
class Part:
    title: str
    bubbles: tuple[Bubble, ...] = field(default_factory=tuple)


def _check_bubbles(campaign: Campaign, category_key: str) -> list[Bubble]:
    out: list[Bubble] = []
    cat = campaign.category(category_key)
    for chk in cat.checks:
        if chk.kind == "money" and chk.min is not None:
            out.append(Bubble(chk.prompt, note=t("preview.money_rule", min=format_money(chk.min))))
            out.append(
                Bubble(
                    t("nom.income_low", min=format_money(chk.min), value=format_money(chk.min // 2)),
                    (t("nom.income_send"), t("nom.income_fix")),
                    note=t("preview.money_low", value=format_money(chk.min // 2)),
                )
            )
        else:
            expected = t("yes") if chk.expect else t("no")
            out.append(
                Bubble(
                    chk.prompt,
                    (t("yes"), t("no")),
                    note=t("preview.yesno_rule", expected=expected, flag=chk.flag or chk.prompt),
                )
            )
    return out


def campaign_preview(campaign: Campaign) -> list[Part]:
    """The parts of the preview, in the order a resident meets them."""
    greeting = t(
        "greet_new",
        demo="",
        organiser=campaign.organiser.short_name,
        campaign=campaign.campaign.short_title,
        deadline=deadline_text(campaign),
    )
    contents = tuple(c.label for c in campaign.contents)
    parts = [
        Part(
            t("preview.part.greeting"),
            (
                Bubble(greeting),
                Bubble(t("nom.who")),
                Bubble(EXAMPLE_NOMINEE, mine=True),
                Bubble(
                    t("nom.kind_of", nominee=EXAMPLE_NOMINEE),
                    tuple(c.label for c in campaign.categories),
                    note=t("preview.kind_note"),
                ),
                Bubble(t("nom.unit"), tuple(u.name for u in campaign.units)),
            ),
        )
    ]
    for cat in campaign.categories:
        bubbles = [
            Bubble(t("nom.achievements", criteria=cat.criteria_short)),
            Bubble(t("nom.contents"), contents),
            *_check_bubbles(campaign, cat.key),
        ]
        parts.append(Part(cat.label, tuple(bubbles)))
    return parts
