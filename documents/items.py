"""What the exports share: the statuses they list, their error, and the values of a
submission as the workbook and the Word documents show them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from documents.texts import t
from domain import lifecycle
from domain.campaign import Campaign, Category, Content, Figure, QuotaGroup
from messages.format import answered_checks, format_figure, shorten
from storage.models import Submission

# The council's list holds the items staff put on it, and only those; achievement reports are
# made for every appraised item.
LIST_STATUSES = ("shortlisted",)
REPORT_STATUSES = ("approved", "shortlisted", "awarded")
ENTRY_KINDS = lifecycle.ENTRY_KINDS
STATUSES = lifecycle.STATUSES + ("draft",)


class ExportError(Exception):
    """An export that cannot be made; the message is Vietnamese and shown as it is."""


# -- values as people read them -----------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Word and Excel files are XML: characters XML cannot hold are dropped."""
    return _NOT_XML.sub("", text)


def place_date(campaign: Campaign, when: datetime | date) -> str:
    """«Trần Ninh, ngày 05 tháng 11 năm 2024» of a UTC moment (shown in local time) or a day."""
    d = campaign.local(when) if isinstance(when, datetime) else when
    return t(
        "doc.place_date",
        place=campaign.organiser.place,
        day=f"{d.day:02d}",
        month=f"{d.month:02d}",
        year=f"{d.year:04d}",
    )


def mid_sentence(title: str) -> str:
    """A campaign's title inside a sentence: «… trong phong trào thi đua …», not «trong
    Phong trào …» (the first word is a common noun; a word in caps, like «UBND», stays)."""
    first = title.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower():
        return title[:1].lower() + title[1:]
    return title


# Who an award goes to, as the decision counts them: a household is named «Hộ ông …», «Hộ bà
# …», «Hộ gia đình …» in a category whose quota group is individual.
PARTIES = ("collective", "household", "individual")
_HOUSEHOLD = re.compile(r"^\s*hộ\s", re.IGNORECASE)


def party(group: str, nominee: str | None) -> str:
    """collective | household | individual, from the category's quota group and the name."""
    if group == "collective":
        return "collective"
    return "household" if _HOUSEHOLD.match(nominee or "") else "individual"


def parties_text(counts: dict[str, int]) -> str:
    """«1 tập thể, 3 hộ gia đình và 5 cá nhân»: the groups that have someone, in that order."""
    parts = [t(f"doc.party.{k}", n=counts[k]) for k in PARTIES if counts.get(k)]
    if len(parts) < 2:
        return "".join(parts)
    return t("doc.parties", head=", ".join(parts[:-1]), last=parts[-1])


def dmy(day) -> str:
    return day.strftime("%d/%m/%Y")


def status_text(status: str | None) -> str:
    """A status in words; none (a first move's "from") as nothing."""
    return lifecycle.status_label(status) if status else ""


def category_of(campaign: Campaign, key: str | None) -> Category | None:
    try:
        return campaign.category(key) if key else None
    except KeyError:
        return None


def category_label(campaign: Campaign, key: str | None) -> str:
    cat = category_of(campaign, key)
    return cat.label if cat else (key or "")


def quota_group(campaign: Campaign, sub: Submission) -> str:
    return category_group(campaign, sub.category)


def category_group(campaign: Campaign, key: str | None) -> QuotaGroup:
    """The quota group (collective, individual) of a category; individual when unknown."""
    cat = category_of(campaign, key)
    return cat.quota_group if cat else "individual"


def unit_name(campaign: Campaign, code: str | None) -> str:
    return campaign.unit_name(code)


def award_label(campaign: Campaign, key: str | None) -> str:
    if not key:
        return ""
    try:
        return campaign.award(key).label
    except KeyError:
        return key


def award_of(sub: Submission) -> str | None:
    """The award an item is listed under: the council's choice, else the one proposed."""
    return sub.shortlist_award or sub.proposed_award


def contents_text(campaign: Campaign, keys: Sequence[str] | None) -> str:
    labels = []
    for k in keys or ():
        try:
            labels.append(campaign.content(k).label)
        except KeyError:
            labels.append(str(k))
    return "; ".join(labels)


def checks_text(campaign: Campaign, sub: Submission) -> str:
    """The category's criteria checks as answered: "Thu nhập/năm: 60 triệu đồng; ..."."""
    return answered_checks_text(campaign, sub.category, sub.answers)


def answered_checks_text(campaign: Campaign, category: str | None, answers: dict | None) -> str:
    return "; ".join(
        t("rep.checks", label=label, value=shown).rstrip(".")
        for label, shown in answered_checks(campaign, category, answers or {})
    )


def short(text: str | None, limit: int = 300) -> str:
    return shorten(text, limit, one_line=True)


# -- unit report figures ------------------------------------------------------------------


def figure_columns(campaign: Campaign) -> list[tuple[int, Content, Figure]]:
    return [(n, c, f) for n, c in enumerate(campaign.contents, 1) for f in c.figures]


def figure_value(sub: Submission, content: Content, figure: Figure) -> Any:
    """A figure of a unit report. Reports keep them under answers["figures"], by content key
    then figure key; flat forms ("c2.ho_thoat_ngheo" or the figure key) are read as well."""
    return figure_in(sub.answers or {}, content, figure)


def figure_in(answers: dict, content: Content, figure: Figure) -> Any:
    """figure_value() read from a report's answers."""
    figures = answers.get("figures")
    if isinstance(figures, dict):
        by_content = figures.get(content.key)
        if isinstance(by_content, dict) and figure.key in by_content:
            return by_content[figure.key]
        if figure.key in figures and not isinstance(figures[figure.key], dict):
            return figures[figure.key]
    for key in (f"{content.key}.{figure.key}", figure.key):
        if key in answers and not isinstance(answers[key], dict):
            return answers[key]
    return None


def figure_text(figure: Figure, value: Any) -> str:
    return format_figure(figure.kind, "", value)
