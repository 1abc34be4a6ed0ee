"""What a Word document says, block by block, for tests that compare documents: each body
paragraph (text, bold, italic, alignment) and each table (its rows of cell texts, whether its
first row repeats on every page), in body order; the section's page set-up."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn


def content(path: Path) -> dict:
    doc = Document(str(path))
    blocks = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            blocks.append({"p": _para(el)})
        elif el.tag == qn("w:tbl"):
            rows = []
            for tr in el.iterchildren(qn("w:tr")):
                rows.append(
                    [
                        "\n".join(_text(p) for p in tc.iterchildren(qn("w:p")))
                        for tc in tr.iterchildren(qn("w:tc"))
                    ]
                )
            first = el.find(qn("w:tr"))
            header = first is not None and first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            # how a data row looks: the first cell's paragraph of the second row, if any
            look = None
            trs = el.findall(qn("w:tr"))
            if len(trs) > 1:
                look = [_para(tc.find(qn("w:p"))) for tc in trs[1].iterchildren(qn("w:tc"))]
                look = [[x[1], x[2], x[3]] for x in look]
            blocks.append({"table": rows, "header_repeats": header, "row_look": look})
    sec = doc.sections[0]
    return {
        "blocks": blocks,
        "page": [
            sec.page_width,
            sec.page_height,
            sec.top_margin,
            sec.bottom_margin,
            sec.left_margin,
            sec.right_margin,
        ],
        "title": doc.core_properties.title,
    }


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _para(p) -> list:
    runs = p.findall(qn("w:r"))
    bold = any(r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None for r in runs)
    italic = any(r.find(f"{qn('w:rPr')}/{qn('w:i')}") is not None for r in runs)
    jc = p.find(f"{qn('w:pPr')}/{qn('w:jc')}")
    return [_text(p), bold, italic, None if jc is None else jc.get(qn("w:val"))]
