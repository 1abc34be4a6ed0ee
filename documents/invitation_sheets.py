"""The printed invitations of the people the office imported: a sheet per village (then per
other unit, then the council), each person's name, role, invite code and the QR code of their
invite link (Telegram's deep link when the bot is known, else the code itself), handed out at
the village meeting. Word (python-docx), so LibreOffice or Word prints it to PDF."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx.shared import Mm

from documents.layout import CENTER, LEFT, SMALL_PT, _unsplit, _widths, new_document, page_break, para
from documents.texts import t
from domain.campaign import Campaign

WIDTHS = (14, 55, 40, 56)  # mm: STT, name, role, code and QR
QR_MM = 30


@dataclass(frozen=True)
class Invited:
    name: str
    role: str
    unit_code: str | None
    code: str
    link: str | None  # what the QR code opens; None: the code itself
    expires_at: datetime


def links_by_code(
    codes: Sequence[str], username: str | None, ask: Callable[[str], list[str]]
) -> dict[str, str | None]:
    """Each code's deep link: from the bot's username when it is configured, else asked once
    (`ask`: the channel's links of one code, Telegram's getMe behind it) and reused for the
    rest; None where the bot is unknown (the QR code then holds the code itself)."""
    if not codes:
        return {}
    if username:
        base: str | None = f"https://t.me/{username.lstrip('@')}?start="
    else:
        first = next(iter(ask(codes[0])), None)
        base = first[: -len(codes[0])] if first and first.endswith(codes[0]) else None
    return {code: base + code if base else None for code in codes}


def _qr_png(data: str) -> io.BytesIO:
    """The QR code as a PNG, drawn as the console's invite QR code is (qrcode through Pillow)."""
    import qrcode  # loaded only when invitations are printed

    buf = io.BytesIO()
    qrcode.make(data, box_size=8, border=2).save(buf, format="PNG")
    buf.seek(0)
    return buf


def groups(campaign: Campaign, people: Sequence[Invited]) -> list[tuple[str, list[Invited]]]:
    """(heading, people) per sheet: the villages in the campaign's order, the other units,
    a unit no longer known, then the council's members (no unit)."""
    order = {u.code: n for n, u in enumerate(sorted(campaign.units, key=lambda u: u.kind != "village"))}
    by_unit: dict[str | None, list[Invited]] = {}
    for person in people:
        by_unit.setdefault(person.unit_code, []).append(person)

    def rank(code: str | None) -> tuple[int, str]:
        if code is None:
            return (len(order) + 1, "")
        return (order.get(code, len(order)), code)

    out = []
    for code in sorted(by_unit, key=rank):
        if code is None:
            heading = t("imp.print.council")
        else:
            heading = campaign.unit_name(code, t("imp.print.no_unit"))
        out.append((heading, sorted(by_unit[code], key=lambda p: p.name)))
    return out


def write_invitation_sheets(campaign: Campaign, people: Sequence[Invited], out: Path) -> Path:
    doc = new_document(campaign, t("imp.print.title"))
    for n, (heading, group) in enumerate(groups(campaign, people)):
        if n:
            page_break(doc)
        para(doc, campaign.organiser.name.upper(), bold=True, size=SMALL_PT, align=CENTER)
        para(doc, t("imp.print.title"), bold=True, align=CENTER, before=6)
        para(doc, heading, bold=True, align=CENTER, after=3)
        para(doc, campaign.campaign.short_title, italic=True, size=SMALL_PT, align=CENTER, after=6)
        expires = min(p.expires_at for p in group)
        expiry = campaign.local(expires).strftime("%d/%m/%Y")
        para(doc, t("imp.print.how", expires=expiry), size=SMALL_PT, align=LEFT, after=6)
        table = doc.add_table(rows=1, cols=len(WIDTHS))
        table.style = "Table Grid"
        for cell, key in zip(table.rows[0].cells, ("stt", "name", "role", "code")):
            para(cell, t(f"imp.print.col.{key}"), bold=True, size=SMALL_PT, align=CENTER, first=True)
        for number, person in enumerate(group, 1):
            cells = table.add_row().cells
            para(cells[0], str(number), size=SMALL_PT, align=CENTER, first=True)
            para(cells[1], person.name, size=SMALL_PT, first=True)
            para(cells[2], t(f"imp.role.{person.role}"), size=SMALL_PT, first=True)
            para(cells[3], person.code, bold=True, size=SMALL_PT, align=CENTER, first=True)
            picture = cells[3].add_paragraph()
            picture.alignment = CENTER
            picture.add_run().add_picture(_qr_png(person.link or person.code), width=Mm(QR_MM))
        _widths(table, WIDTHS)
        _unsplit(table)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out
