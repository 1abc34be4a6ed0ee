"""The award step as data (campaign file sections [council], [decision], [certificate]): the
council's quorum and threshold, the decision's legal grounds and articles, the Giấy khen's
layout. Nothing here is particular to one commune; every text comes from the file."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Share(_Model):
    """«quá nửa» is share 0.5, strict: more than half. strict = false means «at least»."""

    share: float = Field(default=0.5, ge=0, le=1)
    strict: bool = True

    def met(self, count: int, base: int) -> bool:
        if base <= 0:
            return False
        ratio, need = Fraction(count, base), Fraction(self.share).limit_denominator(1000)
        return ratio > need if self.strict else ratio >= need

    def needed(self, base: int) -> int:
        """The smallest count that meets the share of `base` (0 when base is 0)."""
        return next((n for n in range(base + 1) if self.met(n, base)), base + 1) if base else 0


class Council(_Model):
    # how many of the council's members must take part for the round to count (of all members)
    quorum: Share = Share()
    # an item passes when this share of the members present in the round agree
    threshold: Share = Share()
    # who chairs the council and who keeps its minutes: named in the minutes and under their
    # signatures (dotted lines for the office to fill in when empty)
    chairman: str = ""
    chairman_title: str = ""  # «Chủ tịch UBND xã»: the chairman's post, said in the minutes
    secretary: str = ""
    secretary_title: str = ""


class Decision(_Model):
    """The Quyết định khen thưởng. Texts may use {award}, {grantor}, {organiser}, {campaign}
    (the title as said inside a sentence), {awardees} («1 tập thể, 3 hộ gia đình và 5 cá
    nhân»), {collective}, {households}, {persons} (individuals who are not households),
    {individual} (households and persons), {total}, {council}, {office}, {signer_title}."""

    # the awards this commune decides itself: its decision and certificates are made for these
    # only (a district award's decision and certificates come from the district)
    awards: tuple[str, ...] = Field(min_length=1)
    number_suffix: str = "QĐ-UBND"
    title: str = "QUYẾT ĐỊNH"
    subject: str
    authority: str  # "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ ..." above the grounds
    grounds: tuple[str, ...] = Field(min_length=1)  # căn cứ, in order
    articles: tuple[str, ...] = Field(min_length=1)  # Điều 1, 2, ...
    recipients: tuple[str, ...] = ()
    list_title: str = "DANH SÁCH"
    list_subject: str = ""


class Line(_Model):
    """One line of the certificate, centred. Placeholders: {national}, {motto}, {grantor},
    {organiser}, {awardee}, {unit}, {achievement}, {campaign}, {award}, {number}, {date},
    {place_date}, {signer_title}, {signer_name}, {register}."""

    text: str
    size: float = Field(default=14, ge=6, le=72)
    bold: bool = False
    italic: bool = False
    upper: bool = False
    before: float = Field(default=0, ge=0, le=200)  # points of space above
    align: Literal["center", "left", "right", "justify"] = "center"


class Certificate(_Model):
    """The Giấy khen: A4 landscape, one page per awardee, printed on the commune's paper.
    `body` is the middle of the page; `left` and `right` the two columns at the bottom
    (the decision's number; the place, date and signature)."""

    margins_mm: tuple[float, float, float, float] = (20, 20, 25, 25)  # top, bottom, left, right
    body: tuple[Line, ...] = Field(min_length=1)
    left: tuple[Line, ...] = ()
    right: tuple[Line, ...] = ()
    signature_gap: int = Field(default=4, ge=0, le=12)  # empty lines for the signature and seal
