"""The bordered tables of the documents (grid) and content written into a Word file as it is
saved: table rows (Rows) and whole blocks (Blocks) streamed into word/document.xml, so a
document of ten thousand rows or reports is never whole in memory."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from copy import deepcopy
from xml.sax.saxutils import escape

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from documents.items import xml_safe
from documents.layout import CENTER, GRID_MARGIN_MM, LEFT, SMALL_PT, _cell_margins, _widths, para


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
    _cell_margins(table, GRID_MARGIN_MM)
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
