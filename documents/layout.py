"""The Decree 30/2020/NĐ-CP page: A4, Times New Roman, the margins, the two-column heading
(issuing body left, national heading right), the place and date in italics, the signature
block and "Nơi nhận:". Every document of the office is built from these pieces."""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from copy import deepcopy
from datetime import datetime
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from lxml import etree

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
):
    """A paragraph of one run. `target` is the document or a table cell; `first` reuses the
    cell's empty first paragraph."""
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


def _borderless(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)


def heading(doc, campaign: Campaign, now: datetime, *, number: bool = False) -> None:
    """The heading table without borders: the issuing body (parent body in caps, not bold; the
    body in bold caps) and the number on the left; the national heading, the motto (bold,
    underlined) and the place and date (italics) on the right."""
    org = campaign.organiser
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, (65, TEXT_WIDTH_MM - 65))
    left, right = table.rows[0].cells
    para(left, org.parent_name.upper(), size=SMALL_PT, align=CENTER, after=0, first=True)
    para(left, org.name.upper(), bold=True, size=SMALL_PT, align=CENTER, after=6)
    if number:
        para(left, t("doc.number"), size=SMALL_PT, align=CENTER)
    para(right, t("doc.national"), bold=True, size=SMALL_PT, align=CENTER, after=0, first=True)
    para(right, t("doc.motto"), bold=True, underline=True, size=BODY_PT, align=CENTER, after=6)
    para(right, place_date(campaign, now), italic=True, size=BODY_PT, align=CENTER)
    para(doc, "", after=6)


def title(doc, text: str, *subtitles: str) -> None:
    para(doc, text, bold=True, size=BODY_PT, align=CENTER, before=6, after=0)
    for line in subtitles:
        if line:
            para(doc, line, bold=True, size=BODY_PT, align=CENTER, after=0)
    para(doc, "", after=6)


def signature(doc, campaign: Campaign, recipients: Iterable[str] | None) -> None:
    """Left: "Nơi nhận:" (bold italic 12) and the list (11) ending "- Lưu: VT."; right: "TM. ỦY
    BAN NHÂN DÂN", the signer's title and name from the campaign file."""
    org = campaign.organiser
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, (75, TEXT_WIDTH_MM - 75))
    left, right = table.rows[0].cells
    if recipients is not None:
        para(left, t("doc.recipients"), bold=True, italic=True, size=12, after=0, first=True)
        for line in [*recipients, t("doc.archive")]:
            para(left, line, size=11, after=0)
    para(right, t("doc.on_behalf"), bold=True, size=BODY_PT, align=CENTER, after=0, first=True)
    para(right, org.signer_title, bold=True, size=BODY_PT, align=CENTER, after=0)
    for _ in range(4):
        para(right, "", after=0)
    para(right, org.signer_name or t("doc.dots")[:30], bold=True, size=BODY_PT, align=CENTER)


def two_signatures(
    doc,
    left_lines: Sequence[tuple[str, bool]],
    right_lines: Sequence[tuple[str, bool]],
    name_left: str = "",
    name_right: str = "",
) -> None:
    """Two signature blocks side by side (achievement reports: confirmer and reporter)."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, (TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2))
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


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def grid(
    doc,
    headers: Sequence[str],
    widths_mm: Sequence[float],
    rows: Iterable[Sequence[str]],
    *,
    centered: Sequence[int] = (0,),
) -> int:
    """A bordered table with a header row repeated on every page. Rows are copies of one
    prepared row element (python-docx builds cells slowly; ten thousand rows need this)."""
    tbl, template = _grid(doc, headers, widths_mm, centered)
    tbl.remove(template)
    count = 0
    for values in rows:
        tr = deepcopy(template)
        for el, value in zip(list(tr.iter(qn("w:t"))), values):
            el.text = xml_safe(str(value)) if value is not None else ""
        tbl.append(tr)
        count += 1
    return count


def _grid(doc, headers: Sequence[str], widths_mm: Sequence[float], centered: Sequence[int]):
    """The table of grid(): its header row and, after it, the prepared row (returned)."""
    table = doc.add_table(rows=2, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths_mm)
    head, proto = table.rows
    for cell, text in zip(head.cells, headers):
        para(cell, text, bold=True, size=SMALL_PT, align=CENTER, after=0, first=True)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(repeat)
    cant_split = OxmlElement("w:cantSplit")
    proto._tr.get_or_add_trPr().append(cant_split)
    for i, cell in enumerate(proto.cells):
        para(cell, "x", size=SMALL_PT, align=CENTER if i in centered else LEFT, after=0, first=True)
    return table._tbl, proto._tr


# -- content streamed into the saved file ------------------------------------------------

# Private-use characters: they cannot come from the campaign file's words in a heading.
_MARK = "\ue000{slot}.{col}\ue001"


def _slot(doc) -> int:
    """A number for a new mark, unique in the document."""
    body = doc.part.element.body
    return len(body.findall(qn("w:tbl"))) + len(body.findall(qn("w:p")))


class Rows:
    """A grid() whose rows are written when the document is saved (save_streamed): the
    document holds the header row and one prepared row with a mark in each cell; saving
    writes the rows in its place, as they come, from `rows` (an iterable, read once)."""

    def __init__(
        self,
        doc,
        headers: Sequence[str],
        widths_mm: Sequence[float],
        rows: Iterable[Sequence[str | None]],
        *,
        centered: Sequence[int] = (0,),
        batch: int = 500,
    ) -> None:
        self.slot = _slot(doc)
        self.rows, self.cols, self.batch, self.count = rows, len(headers), batch, 0
        _, template = _grid(doc, headers, widths_mm, centered)
        for col, el in enumerate(template.iter(qn("w:t"))):
            el.text = self.mark(col)
        self.pieces: list[str] = []

    def mark(self, col: int) -> str:
        return _MARK.format(slot=self.slot, col=col)

    def span(self, xml: str) -> tuple[int, int]:
        """Where the prepared row is in the saved XML; keeps its text cut at the marks."""
        start, end = _around(xml, self.mark(0), "w:tr")
        rest = xml[start:end]
        for col in range(self.cols):
            head, rest = rest.split(self.mark(col), 1)
            self.pieces.append(head)
        self.pieces.append(rest)
        return start, end

    def chunks(self) -> Iterator[str]:
        lines = []
        for values in self.rows:
            lines.append(_row(self.pieces, values))
            self.count += 1
            if len(lines) >= self.batch:
                yield "".join(lines)
                lines.clear()
        yield "".join(lines)


class Blocks:
    """Body content written when the document is saved (save_streamed), one item at a
    time: a marked paragraph holds its place; saving builds an item's paragraphs and tables
    with build(doc, item, n) at the end of the body, writes their XML in the mark's place
    and takes them out again, so the body never grows (python-docx inserts each new block
    before the section properties, a look-up that grows with the body)."""

    def __init__(self, doc, items: Iterable, build) -> None:
        self.slot = _slot(doc)
        self.doc, self.items, self.build, self.count = doc, items, build, 0
        para(doc, self.mark())
        self.declared: dict[str, str] = {}

    def mark(self) -> str:
        return _MARK.format(slot=self.slot, col=0)

    def span(self, xml: str) -> tuple[int, int]:
        # the namespaces the document declares once at its root: a block need not repeat them
        root = xml[xml.index("<w:document") : xml.index(">", xml.index("<w:document"))]
        self.declared = dict(_XMLNS.findall(root))
        return _around(xml, self.mark(), "w:p")

    def chunks(self) -> Iterator[str]:
        body = self.doc.part.element.body
        for item in self.items:
            kept = len(body)
            self.build(self.doc, item, self.count)
            self.count += 1
            new = list(body)[kept - 1 : len(body) - 1]  # inserted before the section properties
            yield "".join(self._xml(el) for el in new)
            for el in new:
                body.remove(el)

    def _xml(self, el) -> str:
        text = etree.tostring(el, encoding="unicode")
        end = text.index(">")
        head = _XMLNS.sub(lambda m: "" if self.declared.get(m[1]) == m[2] else m[0], text[:end])
        return head + text[end:]


_XMLNS = re.compile(r' xmlns:(\w+)="([^"]*)"')


def _around(xml: str, mark: str, tag: str) -> tuple[int, int]:
    """The element `tag` (w:tr, w:p) around the mark in the saved XML: its start and end."""
    at = xml.index(mark)
    start = max(xml.rfind(f"<{tag}>", 0, at), xml.rfind(f"<{tag} ", 0, at))
    end = xml.index(f"</{tag}>", at) + len(f"</{tag}>")
    return start, end


def save_streamed(doc, out, parts: Sequence[Rows | Blocks]) -> None:
    """Saves the document with python-docx, then writes the file again with the streamed
    parts in it: every part of the zip is copied as it is but word/document.xml, which is
    written in pieces (the text up to a mark, that part's rows or blocks as they come, the
    text up to the next mark...), so neither the rows nor the whole XML are held at once."""
    saved = io.BytesIO()
    doc.save(saved)
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
                continue
            xml = src.read(info).decode("utf-8")
            part = zipfile.ZipInfo(info.filename, info.date_time)
            part.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(part, "w") as f:
                at = 0
                for streamed in parts:
                    start, end = streamed.span(xml)
                    f.write(xml[at:start].encode("utf-8"))
                    at = end
                    for chunk in streamed.chunks():
                        f.write(chunk.encode("utf-8"))
                f.write(xml[at:].encode("utf-8"))


# Escaped as lxml escapes a text node (a carriage return kept as a character reference).
_ESCAPE = {"\r": "&#13;"}


def _row(pieces: list[str], values: Sequence[str | None]) -> str:
    out = [pieces[0]]
    for piece, value in zip(pieces[1:], values):
        out.append("" if value is None else escape(xml_safe(str(value)), _ESCAPE))
        out.append(piece)
    return "".join(out)
