"""Tra cứu khen thưởng: who was commended, when, for what and by which decision, across every
campaign of the commune. Only decisions that stand count (a withdrawn one is gone at once).
A search matches a name or a reference with or without diacritics, a unit, a year, an award;
a person's and a unit's history span every campaign. The same nominee is the same folded name
in the same unit, a household and the person it is named after alike («Hộ ông Hoàng Văn Tư»
is «Hoàng Văn Tư»): what «Hồ sơ của tôi» shows a resident, and what staff are shown beside a
nomination when the campaign file sets `[rules] repeat_award_years` (Law art. 5.2: one
achievement is rewarded once; staff judge, nothing is refused)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from messages.folding import fold
from storage import lookup as rows
from storage.models import Member, Submission

from . import campaigns
from .campaign import Campaign
from .uow import UnitOfWork

PAGE = 50  # the web page's results per page

# The words a household's or a person's name may start with before the name itself: «Hộ ông
# Hoàng Văn Tư» is Hoàng Văn Tư's household. Stripped only when a name of two words or more
# is left, so «Hồ Bá Thắng» stays a name.
HONORIFICS = (
    "ho gia dinh ong",
    "ho gia dinh ba",
    "gia dinh ong",
    "gia dinh ba",
    "ho ong",
    "ho ba",
    "ong",
    "ba",
)


def person_key(name: str) -> str:
    """The nominee's name folded, without the household's or the courtesy's words."""
    key = fold(name or "")
    for words in HONORIFICS:
        rest = key[len(words) + 1 :] if key.startswith(words + " ") else ""
        if len(rest.split()) >= 2:
            return rest
    return key


@dataclass(frozen=True)
class Known:
    """The campaigns the commune has run, to name what a decision awarded: `current` (the one
    the console or the chat serves) and `others` by code (parsed from their stored files).
    An award of a campaign not known is named by its key, its unit by the current's list."""

    current: Campaign
    others: Mapping[str, Campaign] = field(default_factory=dict)

    def file(self, code: str) -> Campaign | None:
        return self.current if code == self.current.code else self.others.get(code)

    def title(self, code: str) -> str:
        c = self.file(code)
        return c.campaign.title if c else code

    def short_title(self, code: str) -> str:
        c = self.file(code)
        return c.campaign.short_title if c else code

    def award_label(self, code: str, key: str) -> str:
        for c in (self.file(code), self.current):
            if c is not None and any(a.key == key for a in c.awards):
                return c.award(key).label
        return key

    def unit_name(self, code: str, unit_code: str | None) -> str:
        c = self.file(code)
        if c is not None and unit_code and c.has_unit(unit_code):
            return c.unit_name(unit_code)
        return self.current.unit_name(unit_code)

    def awards(self, s: Session) -> list[tuple[str, str]]:
        """(key, label) of every award a decision that stands gave, one per key."""
        out: dict[str, str] = {}
        for code, key in rows.award_keys(s):
            out.setdefault(key, self.award_label(code, key))
        return sorted(out.items(), key=lambda kv: kv[1])


# the campaigns whose decisions a look-up names: every one but a draft (which has none)
NAMED = ("open", "closed", "decided", "archived")


def known_campaigns(uow: UnitOfWork, current: Campaign) -> Known:
    """The commune's campaigns from its `campaign` table (parsed once per code and version),
    beside the one served now (which wins for its own code: a deadline extended by the
    settings, units from the commune's list)."""
    return Known(current, {c.code: c for c in campaigns.campaigns_in(uow, NAMED) if c.code != current.code})


@dataclass(frozen=True)
class Commended:
    """One award that stands: the nominee, their unit, what the office wrote, the decision."""

    ref: str
    nominee: str
    unit_code: str | None
    unit: str
    citation: str  # the citation staff saved; "" when none was written
    campaign_code: str
    campaign: str  # the campaign's title
    campaign_short: str
    award_key: str
    award: str
    number: str
    signed_on: date
    signer_name: str
    signer_title: str
    position: int

    @property
    def year(self) -> int:
        return self.signed_on.year


@dataclass(frozen=True)
class CampaignGroup:
    code: str
    title: str
    items: list[Commended]


@dataclass(frozen=True)
class YearGroup:
    year: int
    campaigns: list[CampaignGroup]


@dataclass(frozen=True)
class Found:
    items: list[Commended]
    total: int
    offset: int = 0
    limit: int = PAGE

    @property
    def more(self) -> bool:
        return self.offset + len(self.items) < self.total

    def grouped(self) -> list[YearGroup]:
        """By year (newest first), then by campaign in the order they first come."""
        years: dict[int, dict[str, list[Commended]]] = {}
        for c in self.items:
            years.setdefault(c.year, {}).setdefault(c.campaign_code, []).append(c)
        return [
            YearGroup(year, [CampaignGroup(code, items[0].campaign, items) for code, items in by.items()])
            for year, by in years.items()
        ]


def _commended(known: Known, r: rows.AwardRow) -> Commended:
    return Commended(
        ref=r.ref,
        nominee=r.nominee or "",
        unit_code=r.unit_code,
        unit=known.unit_name(r.campaign_code, r.unit_code),
        citation=" ".join((r.citation or "").split()),
        campaign_code=r.campaign_code,
        campaign=known.title(r.campaign_code),
        campaign_short=known.short_title(r.campaign_code),
        award_key=r.award_key,
        award=known.award_label(r.campaign_code, r.award_key),
        number=r.number,
        signed_on=r.signed_on,
        signer_name=r.signer_name,
        signer_title=r.signer_title,
        position=r.position,
    )


def units_called(campaign: Campaign, text: str) -> list[str]:
    """The codes of the units the text names: its code or its whole name, folded («thon 1»
    is Thôn 1, not Thôn 10)."""
    key = fold(text or "")
    if not key:
        return []
    return [u.code for u in campaign.units if key in (fold(u.name), fold(u.code))]


def search(
    s: Session,
    known: Known,
    *,
    text: str = "",
    unit_code: str | None = None,
    year: int | None = None,
    award_key: str | None = None,
    offset: int = 0,
    limit: int | None = PAGE,
) -> Found:
    """The awards that stand, newest decision first: narrowed by a name or reference in
    `text` (diacritics optional), a unit, a year, an award (each optional)."""
    term = " ".join((text or "").split())
    found, total = rows.awards(
        s,
        term=term or None,
        folded=fold(term) or None,
        unit_codes=[unit_code] if unit_code else None,
        year=year,
        award_key=award_key or None,
        offset=max(0, offset),
        limit=limit,
    )
    return Found([_commended(known, r) for r in found], total, max(0, offset), limit or total)


def lookup(s: Session, known: Known, text: str, *, offset: int = 0, limit: int = PAGE) -> Found:
    """One question's answer (chat): a unit's history when the text names a unit, else the
    awards whose nominee or reference holds the text."""
    units = units_called(known.current, text)
    if units:
        return search(s, known, unit_code=units[0], offset=offset, limit=limit)
    return search(s, known, text=text, offset=offset, limit=limit)


def history_of(
    s: Session,
    known: Known,
    nominee: str,
    unit_code: str | None,
    *,
    since: date | None = None,
    not_submission: int | None = None,
) -> list[Commended]:
    """The awards of one nominee across campaigns: the same person key in the same unit."""
    key = person_key(nominee)
    if not key or not unit_code:
        return []
    found, _ = rows.awards(
        s,
        term=key,
        folded=key,
        unit_codes=[unit_code],
        since=since,
        not_submission=not_submission,
        counted=False,
    )
    return [_commended(known, r) for r in found if person_key(r.nominee) == key]


def awards_of_member(s: Session, known: Known, member: Member | None) -> list[Commended]:
    """What a resident was commended for, in every campaign («Hồ sơ của tôi»)."""
    if member is None:
        return []
    return history_of(s, known, member.full_name, member.unit_code)


def years_before(day: date, years: int) -> date:
    """The same day `years` years earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def earlier_awards(s: Session, known: Known, sub: Submission, now: datetime) -> list[Commended]:
    """The nominee's awards within the window the campaign file sets, for staff reviewing the
    nomination; none when its campaign's file sets no window (or the item has no nominee)."""
    own = known.file(sub.campaign_code) or known.current  # the rule of the nomination's campaign
    years = own.rules.repeat_award_years
    if not years or sub.kind == "report" or not sub.nominee:
        return []
    since = years_before(known.current.local(now).date(), years)
    return history_of(s, known, sub.nominee, sub.unit_code, since=since, not_submission=sub.id)
