"""The certificates (Giấy khen) of a decision: one A4 landscape page per awardee, Times New
Roman, laid out by the campaign file's [certificate] lines (nothing of the wording is here),
ready to print on the commune's certificate paper."""

from __future__ import annotations

from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_BREAK
from docx.shared import Mm, Pt
from sqlmodel import Session

from documents import layout as L
from documents.council import latest_decision
from documents.items import ExportError, dmy, mid_sentence
from documents.texts import t
from domain import honours
from domain.award.config import Line
from domain.campaign import Campaign

ALIGN = {"center": L.CENTER, "left": L.LEFT, "right": L.RIGHT, "justify": L.JUSTIFY}
ACHIEVEMENT_CHARS = 220  # one or two lines on the certificate


# The page's content sits in one borderless cell this much shorter than the text area,
# centred in it vertically; the room left holds the paragraph that turns to the next page.
ROOM_MM = 8


def _landscape(doc, margins_mm) -> float:
    """A4 landscape with the file's margins, the top one moved down by half the room so the
    cell is centred on the page; returns the cell's height (mm)."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = L.PAGE[1], L.PAGE[0]
    top, bottom, left, right = margins_mm
    section.top_margin, section.bottom_margin = Mm(top + ROOM_MM / 2), Mm(max(0, bottom - ROOM_MM / 2))
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.different_first_page_header_footer = False
    for p in section.header.paragraphs:  # a certificate carries no page number
        for child in list(p._p):
            if child.tag.endswith("fldSimple"):
                p._p.remove(child)
    return 210 - top - bottom - ROOM_MM


def _page_cell(doc, width_mm: float, height_mm: float):
    """One borderless cell the page's width and `height_mm` high, its content centred
    vertically (Word and LibreOffice both honour a cell's vertical alignment)."""
    table = doc.add_table(rows=1, cols=1)
    L._borderless(table, 0)
    L._widths(table, (width_mm,))
    L._unsplit(table)
    row = table.rows[0]
    row.height, row.height_rule = Mm(height_mm), WD_ROW_HEIGHT_RULE.AT_LEAST
    cell = row.cells[0]
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return cell


def _line(target, line: Line, values: dict, *, first: bool = False):
    text = line.text.format(**values)
    return L.para(
        target,
        text.upper() if line.upper else text,
        bold=line.bold,
        italic=line.italic,
        size=line.size,
        align=ALIGN[line.align],
        before=line.before,
        after=0,
        first=first,
    )


def write_certificates(s: Session, campaign: Campaign, out: str | Path, *, number: str | None = None) -> int:
    """The certificates of the latest decision that stands (or the one numbered `number`);
    returns how many pages were written."""
    spec = campaign.certificate
    if spec is None:
        raise ExportError(t("award_doc.no_template", section="certificate"))
    dec = latest_decision(s, campaign, number)
    items = honours.honoured(s, campaign, decision_id=dec.id)
    if not items:
        raise ExportError(t("award_doc.no_decision"))
    org = campaign.organiser
    doc = L.new_document(campaign, t("cert.title"))
    height = _landscape(doc, spec.margins_mm)
    width = 297 - spec.margins_mm[2] - spec.margins_mm[3]
    d = dec.signed_on
    common = dict(
        national=t("doc.national"),
        motto=t("doc.motto"),
        organiser=org.name,
        grantor=campaign.award(dec.award_key).grantor,
        campaign=mid_sentence(campaign.campaign.title),
        number=dec.number,
        date=dmy(d),
        signer_title=org.signer_title,
        signer_name=dec.signer_name,
        place_date=t(
            "doc.place_date",
            place=org.place,
            day=f"{d.day:02d}",
            month=f"{d.month:02d}",
            year=f"{d.year:04d}",
        ),
    )
    for n, h in enumerate(items):
        values = dict(
            common,
            awardee=h.name,
            unit=h.unit,
            award=h.award,
            register=f"{h.position:02d}",
            achievement=honours.one_line(h.citation, ACHIEVEMENT_CHARS),
        )
        if n:  # one page per awardee: the turn in the room under the previous page's cell
            turn = L.para(doc, "", after=0)
            turn.paragraph_format.line_spacing = Pt(1)
            turn.add_run().add_break(WD_BREAK.PAGE)
        page = _page_cell(doc, width, height)
        for i, line in enumerate(spec.body):
            _line(page, line, values, first=i == 0)
            if line.text == "{motto}":  # the motto's rule, as long as the motto
                L.rule(page, L.MOTTO_RULE_MM * line.size / L.BODY_PT, width)
        if spec.left or spec.right:
            table = page.add_table(rows=1, cols=2)
            L._borderless(table)
            L._widths(table, (width / 2, width / 2))
            left, right = table.rows[0].cells
            for i, line in enumerate(spec.left):
                _line(left, line, values, first=i == 0)
            for i, line in enumerate(spec.right):
                if i == len(spec.right) - 1 and i > 0:  # room for the signature and the seal
                    for _ in range(spec.signature_gap):
                        L.para(right, "", after=0)
                _line(right, line, values, first=i == 0)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return len(items)
