"""The Decree 30/2020/NĐ-CP page: A4, Times New Roman, the margins, the two-column heading
(issuing body left, national heading right), the place and date in italics, the signature
block and "Nơi nhận:". Every document of the office is built from these pieces."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from copy import deepcopy
from datetime import date, datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from documents.items import place_date, xml_safe
from documents.texts import t
from domain.campaign import Campaign

FONT = "Times New Roman"
BODY_PT = 14
SMALL_PT = 13  # the issuing body, the national heading, tables
PAGE = (Mm(210), Mm(297))


def _mm(mm: float) -> Twips:
    """Word stores margins in whole twips: round up so 15 mm never reads as 14.99 mm."""
    return Twips(math.ceil(mm * 1440 / 25.4))


# top, bottom, left, right: within 20-25, 20-25, 30-35, 15-20 mm
MARGINS = (_mm(20), _mm(20), _mm(30), _mm(15))
TEXT_WIDTH_MM = 210 - 30 - 15
CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)


def new_document(campaign: Campaign, title: str) -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE
    (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) = MARGINS
    _fonts(doc)
    _page_numbers(section)
    props = doc.core_properties
    props.title, props.author = title, campaign.organiser.short_name
    return doc


def _fonts(doc: DocxDocument) -> None:
    """Times New Roman everywhere, East Asian and complex scripts included, so Vietnamese
    never falls back to another font; 14 pt body."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _rfonts(rpr)
    for name in ("Normal", "Table Grid"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        style.font.name = FONT
        _rfonts(style.element.get_or_add_rPr())
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(3), 1.0


def _page_numbers(section) -> None:
    """Page numbers at the top centre from the second page on (Decree 30/2020)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    p._p.append(field)


def _rfonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def para(
    target,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
    align=None,
    indent: bool = False,
    after: float | None = None,
    before: float | None = None,
    first: bool = False,
    keep_next: bool = False,
):
    """A paragraph of one run. `target` is the document or a table cell; `first` reuses the
    cell's empty first paragraph; `keep_next` keeps it on the page of the next one."""
    p = target.paragraphs[0] if first else target.add_paragraph()
    if text:
        run = p.add_run(xml_safe(text))
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
        if size is not None:
            run.font.size = Pt(size)
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Mm(12.7)
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    if keep_next:
        fmt.keep_with_next = True
    return p


def body(doc, text: str, **kw):
    """Body text: justified, first line indented, each line of the text its own paragraph."""
    for line in (text or "").splitlines() or [""]:
        if line.strip():
            para(doc, line.strip(), align=JUSTIFY, indent=True, **kw)


def dots(doc, lines: int = 1) -> None:
    """A line the office fills in by hand."""
    for _ in range(lines):
        para(doc, t("doc.dots"), align=JUSTIFY)


def _borderless(table, margin_mm: float | None = None) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)
    if margin_mm is not None:
        _cell_margins(table, margin_mm)


def _cell_margins(table, mm: float) -> None:
    """Left and right cell margins of the whole table (Word's default is 1.9 mm)."""
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(mm * 1440 / 25.4)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    table._tbl.tblPr.append(mar)


def _widths(table, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)


def _unsplit(table) -> None:
    """Every row of the table stays on one page."""
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def keep(p):
    """The paragraph stays on the page of the one after it (a heading never ends a page)."""
    p.paragraph_format.keep_with_next = True
    return p


def keep_last(doc, n: int = 1) -> None:
    """The last `n` paragraphs of the body stay with what follows (a signature block never
    stands alone on a page)."""
    body = doc.part.element.body
    kept = list(body.iterchildren(qn("w:p")))[-n:]
    for el in kept:
        el.get_or_add_pPr().get_or_add_keepNext()


def rule(target, length_mm: float, box_mm: float, *, first: bool = False):
    """A short centred horizontal rule (Decree 30/2020: under the issuing body, the motto and
    the subject): an empty 2-pt paragraph indented to `length_mm` of the `box_mm` it sits
    in, with a bottom border."""
    p = para(target, "", after=0, first=first)
    side = max(0.0, (box_mm - length_mm) / 2)
    fmt = p.paragraph_format
    fmt.left_indent, fmt.right_indent, fmt.line_spacing = Mm(side), Mm(side), Pt(2)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{attr}"), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *_AFTER_BORDER)
    mark, size = OxmlElement("w:rPr"), OxmlElement("w:sz")
    size.set(qn("w:val"), "4")  # the empty paragraph's mark, hence its height: 2 pt
    mark.append(size)
    ppr.insert_element_before(mark, "w:sectPr", "w:pPrChange")
    return p


# what follows w:pBdr in a paragraph's properties (the schema's order)
_AFTER_BORDER = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


# Place names held together on a line: "XÃ TRẦN NINH" is never split into "XÃ TRẦN / NINH".
NBSP = "\u00a0"
_PLACE = re.compile(r"(?<!\S)(THỊ TRẤN|THỊ XÃ|THÀNH PHỐ|XÃ|PHƯỜNG|HUYỆN|QUẬN|TỈNH)\s.*$")
_PEOPLES_COMMITTEE = re.compile(r"(ủy|uỷ) ban nhân dân", re.IGNORECASE)


def bound(text: str) -> str:
    """Caps, with the words of the place name joined by no-break spaces: a line that is too
    long breaks before the name, never inside it."""
    text = " ".join(text.upper().split())
    return _PLACE.sub(lambda m: m[0].replace(" ", NBSP), text)


def abbreviated(name: str) -> str:
    """The parent body as Decree 30/2020 lets it be written: «UBND huyện Văn Quan»."""
    return _PEOPLES_COMMITTEE.sub("UBND", name)


# The heading table: issuing body left, national heading right; 1 mm cell margins. The
# national heading (13 pt bold, 95 mm in Times New Roman) fits the right column on one line.
HEAD_WIDTHS = (63, TEXT_WIDTH_MM - 63)
HEAD_MARGIN_MM = 1
ISSUER_RULE_MM, MOTTO_RULE_MM, SUBJECT_RULE_MM = 22, 61, 50


def heading(
    doc,
    campaign: Campaign,
    when: datetime | date,
    *,
    parent: str | None = None,
    body: str | None = None,
    number: str | None = None,
) -> None:
    """The heading table without borders (Decree 30/2020, Appendix I): the parent body (caps,
    not bold), the issuing body (bold caps), a short rule and the number on the left; the
    national heading (bold caps, one line), the motto (bold) with a rule as long as it, and
    the place and date (italics) on the right. `when` is a UTC moment or a local date."""
    org = campaign.organiser
    table = doc.add_table(rows=1, cols=2)
    _borderless(table, HEAD_MARGIN_MM)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, HEAD_WIDTHS)
    left, right = table.rows[0].cells
    box_left, box_right = (w - 2 * HEAD_MARGIN_MM for w in HEAD_WIDTHS)
    parent = abbreviated(org.parent_name) if parent is None else parent
    para(left, bound(parent), size=SMALL_PT, align=CENTER, after=0, first=True)
    for line in (org.name if body is None else body).splitlines():  # a line each, as written
        para(left, bound(line), bold=True, size=SMALL_PT, align=CENTER, after=0)
    rule(left, ISSUER_RULE_MM, box_left)
    if number:
        para(left, number, size=SMALL_PT, align=CENTER, before=6)
    para(right, t("doc.national"), bold=True, size=SMALL_PT, align=CENTER, after=0, first=True)
    para(right, t("doc.motto"), bold=True, size=BODY_PT, align=CENTER, after=0)
    rule(right, MOTTO_RULE_MM, box_right)
    day = campaign.local(when).date() if isinstance(when, datetime) else when
    para(right, place_date(campaign, day), italic=True, size=BODY_PT, align=CENTER, before=6)
    para(doc, "", after=6)


def title(doc, text: str, *subtitles: str) -> None:
    """The document's name (bold caps) and its subject (bold), a short rule under them; kept
    with what follows."""
    keep(para(doc, text, bold=True, size=BODY_PT, align=CENTER, before=6, after=0))
    for line in subtitles:
        if line:
            keep(para(doc, line, bold=True, size=BODY_PT, align=CENTER, after=0))
    keep(rule(doc, SUBJECT_RULE_MM, TEXT_WIDTH_MM))
    para(doc, "", after=6)


def signature(doc, campaign: Campaign, recipients: Iterable[str] | None) -> None:
    """Left: "Nơi nhận:" (bold italic 12) and the list (11) ending "- Lưu: VT."; right: "TM. ỦY
    BAN NHÂN DÂN", the signer's title and name from the campaign file."""
    org = campaign.organiser
    sign_block(doc, recipients, [t("doc.on_behalf"), org.signer_title], org.signer_name)


def sign_block(doc, recipients: Iterable[str] | None, titles: Sequence[str], name: str) -> None:
    """«Nơi nhận:» and its list ending «- Lưu: VT.» left; the signer's title lines, room for
    the signature and seal, and the name right. It stays with the paragraph before it."""
    keep_last(doc, 2)
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, (75, TEXT_WIDTH_MM - 75))
    _unsplit(table)
    left, right = table.rows[0].cells
    if recipients is not None:
        para(left, t("doc.recipients"), bold=True, italic=True, size=12, after=0, first=True)
        for line in [*recipients, t("doc.archive")]:
            para(left, line, size=11, after=0)
    for i, line in enumerate(titles):
        para(right, line, bold=True, size=BODY_PT, align=CENTER, after=0, first=i == 0)
    for _ in range(4):
        para(right, "", after=0)
    para(right, name or t("doc.dots")[:30], bold=True, size=BODY_PT, align=CENTER)


def two_signatures(
    doc,
    left_lines: Sequence[tuple[str, bool]],
    right_lines: Sequence[tuple[str, bool]],
    name_left: str = "",
    name_right: str = "",
) -> None:
    """Two signature blocks side by side (achievement reports: confirmer and reporter; the
    minutes: secretary and chairman); kept with the paragraph before them."""
    keep_last(doc, 2)
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, (TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2))
    _unsplit(table)
    for cell, lines, name in zip(table.rows[0].cells, (left_lines, right_lines), (name_left, name_right)):
        for i, (text, bold) in enumerate(lines):
            para(
                cell,
                text,
                bold=bold,
                italic=not bold,
                size=BODY_PT if bold else 12,
                align=CENTER,
                after=0,
                first=i == 0,
            )
        for _ in range(4):
            para(cell, "", after=0)
        if name:
            para(cell, name, bold=True, size=BODY_PT, align=CENTER)


# 1 mm cell margins in the tables: a 12 mm column holds «STT», a 16 mm one any syllable
GRID_MARGIN_MM = 1


def own_page_numbers(doc) -> None:
    """The last section (the body's own) numbers its pages from 1."""
    _number_from_one(doc.sections[-1]._sectPr)


def section_break(doc) -> None:
    """Ends the section here: what follows starts on a new page whose numbers start at 1
    again, with the same page set-up and page-number header (a copy of the body's section
    properties in the breaking paragraph)."""
    sect = deepcopy(doc.sections[-1]._sectPr)
    _number_from_one(sect)
    # 1 pt high: a report that fills its last page does not push it onto a page of its own
    p = para(doc, "", after=0, before=0)
    p.paragraph_format.line_spacing = Pt(1)
    ppr = p._p.get_or_add_pPr()
    mark, size = OxmlElement("w:rPr"), OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    ppr.append(mark)
    ppr.append(sect)


def _number_from_one(sect) -> None:
    numbering = sect.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        # w:pgNumType comes after the page size, margins, borders, line numbers (schema order)
        after = [sect.find(qn(f"w:{tag}")) for tag in ("lnNumType", "pgBorders", "paperSrc", "pgMar", "pgSz")]
        anchor = next((el for el in after if el is not None), None)
        if anchor is not None:
            anchor.addnext(numbering)
        else:
            sect.insert(0, numbering)
    numbering.set(qn("w:start"), "1")


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
