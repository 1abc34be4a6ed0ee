"""The XLSX workbook for the commune office: nominations and proposals, unit reports (latest
version, one column per figure the campaign file names) and the audit log. openpyxl in
write-only mode, so ten thousand rows stream to disk in a second or two."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from storage import members, views
from domain.campaign import Campaign
from documents.texts import has, t
from documents import items as c

SUBMISSION_COLUMNS = (
    ("stt", 6), ("ref", 10), ("kind", 16), ("category", 26), ("nominee", 30), ("unit", 22),
    ("contents", 34), ("achievements", 60), ("checks", 34), ("flags", 34),
    ("proposed_award", 28), ("shortlist_award", 28), ("status", 22), ("submitter", 24),
    ("submitted_at", 17), ("reviewer", 24), ("reviewed_at", 17), ("reason", 34), ("photos", 40),
)
REPORT_HEAD = (("stt", 6), ("ref", 10), ("unit", 24), ("version", 9), ("status", 22),
               ("submitter", 24), ("submitted_at", 17), ("updated_at", 17), ("reviewer", 24),
               ("reviewed_at", 17))
REPORT_TAIL = (("report_text", 60), ("reason", 34), ("photos", 40))
AUDIT_COLUMNS = (("at", 19), ("actor", 24), ("entity_id", 14), ("action", 60), ("reason", 34))

DATE_FORMAT = "dd/mm/yyyy hh:mm"
# The log is read in its own order, never sorted: its times are text (cheaper than date cells).
AUDIT_TIME = "%d/%m/%Y %H:%M:%S"


@dataclass
class WorkbookResult:
    path: Path
    rows: dict[str, int]  # sheet title -> data rows (without the header)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def write_workbook(s: Session, campaign: Campaign, out: str | Path, *,
                   statuses: Iterable[str] | None = None) -> WorkbookResult:
    statuses = None if statuses is None else list(statuses)
    wb = Workbook(write_only=True)
    counts: dict[str, int] = {}

    loaded = c.load(s, campaign, kinds=(*c.ENTRY_KINDS, "report"), statuses=statuses)
    entries = [i for i in loaded if i.sub.kind != "report"]
    reports = [i for i in loaded if i.sub.kind == "report"]
    sheet = _sheet(wb, t("xlsx.sheet.submissions"),
                   [(t(f"xlsx.col.{k}"), w) for k, w in SUBMISSION_COLUMNS])
    dates = _Dates(sheet, campaign)
    for n, item in enumerate(entries, 1):
        sub = item.sub
        sheet.append([
            n, sub.ref, t(f"kind.{sub.kind}"), c.category_label(campaign, sub.category),
            _s(sub.nominee), c.unit_name(campaign, sub.unit_code),
            c.contents_text(campaign, sub.contents), _s(sub.achievements),
            c.checks_text(campaign, sub), _s("\n".join(sub.flags or [])),
            c.award_label(campaign, sub.proposed_award), c.award_label(campaign, sub.shortlist_award),
            c.status_text(sub.status), item.submitter,
            dates("sent", sub.submitted_at or sub.created_at), item.reviewer,
            dates("reviewed", item.reviewed_at), _s(item.reason),
            _s(c.photo_refs(item.evidence)),
        ])
    counts[sheet.title] = len(entries)

    figures = c.figure_columns(campaign)
    head = [(t(f"xlsx.col.{k}"), w) for k, w in REPORT_HEAD]
    fig_cols = [(t("xlsx.col.figure", n=n, label=f.label, unit=f.unit), 18) for n, _, f in figures]
    tail = [(t(f"xlsx.col.{k}"), w) for k, w in REPORT_TAIL]
    sheet = _sheet(wb, t("xlsx.sheet.reports"), head + fig_cols + tail)
    dates = _Dates(sheet, campaign)
    for n, item in enumerate(reports, 1):
        sub = item.sub
        sheet.append([
            n, sub.ref, c.unit_name(campaign, sub.unit_code), sub.version, c.status_text(sub.status),
            item.submitter, dates("sent", sub.submitted_at or sub.created_at),
            dates("updated", sub.updated_at), item.reviewer, dates("reviewed", item.reviewed_at),
            *[_number(c.figure_value(sub, content, f)) for _, content, f in figures],
            _s(sub.achievements), _s(item.reason),
            _s(c.photo_refs(item.evidence)),
        ])
    counts[sheet.title] = len(reports)

    refs = None if statuses is None else [i.sub.ref for i in loaded]
    log = views.audit_entries(s, entity_ids=refs)
    names = members.member_names(s)
    sheet = _sheet(wb, t("xlsx.sheet.audit"), [(t(f"xlsx.col.{k}"), w) for k, w in AUDIT_COLUMNS])
    system = t("xlsx.system")
    written = 0
    for row in log:
        if row.action == "status" and not (row.before or {}).get("status"):
            continue  # the first status (sent) is the same moment as the row "Gửi đề cử"
        target = row.entity_id if row.entity == "submission" else _entity(row.entity, row.entity_id)
        # a new submission's content is on its own sheet: its log row just says it was sent
        change = None if row.action.endswith(".create") else _change(campaign, row.before, row.after)
        action = f"{_action(row.action)}: {change}" if change else _action(row.action)
        sheet.append([campaign.local(row.at).strftime(AUDIT_TIME), names.get(row.actor_id) or system,
                      target, action, _s(row.reason)])
        written += 1
    counts[sheet.title] = written

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return WorkbookResult(path=out, rows=counts)


def _sheet(wb: Workbook, title: str, columns: list[tuple[str, int]]):
    ws = wb.create_sheet(title=title[:31])
    for i, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="center", horizontal="center")
    header = []
    for label, _ in columns:
        cell = WriteOnlyCell(ws, value=label)
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    ws.append(header)
    return ws


class _Dates:
    """Local date-time cells shown as dd/mm/yyyy hh:mm. One styled cell per date column,
    given a new value on every row: append() writes a row at once, so the cell can be
    reused, and ten thousand rows do not build ten thousand styled cells."""

    def __init__(self, ws, campaign: Campaign) -> None:
        self.ws, self.campaign = ws, campaign
        self.cells: dict[str, WriteOnlyCell] = {}

    def __call__(self, column: str, moment: datetime | None) -> Any:
        value = c.local_naive(self.campaign, moment)
        if value is None:
            return None
        cell = self.cells.get(column)
        if cell is None:
            cell = self.cells[column] = WriteOnlyCell(self.ws)
            cell.number_format = DATE_FORMAT
        cell.value = value
        return cell


def _s(text: str | None) -> str | None:
    return c.xml_safe(text) if text else None


def _number(value: Any) -> Any:
    if value is None or isinstance(value, (int, float)):
        return value
    return _s(str(value))


def _action(action: str) -> str:
    key = f"audit.{action}"
    return t(key) if has(key) else action


def _entity(entity: str, entity_id: str | None) -> str:
    key = f"audit.entity.{entity}"
    return f"{t(key) if has(key) else entity} {entity_id or ''}".strip()


def _change(campaign: Campaign, before: dict | None, after: dict | None) -> str | None:
    """What an audit row changed, in words: "Đã gửi, chờ thẩm định → Đạt; Hội đồng xét chọn:
    — → Giấy khen ..."; fields that stayed the same are left out."""
    before, after = before or {}, after or {}
    parts = []
    for key in dict.fromkeys([*before, *after]):
        old, new = _field(campaign, key, before.get(key)), _field(campaign, key, after.get(key))
        if key in before and key in after and old == new:
            continue
        if key == "status":
            parts.append(f"{old} → {new}" if old else new)
            continue
        label = t(f"audit.field.{key}") if has(f"audit.field.{key}") else key
        if key in before and key in after:
            parts.append(f"{label}: {old or '—'} → {new or '—'}")
        elif new or old:
            parts.append(f"{label}: {new or old}")
    return _s("; ".join(parts))


def _field(campaign: Campaign, key: str, value: Any) -> str:
    if value in (None, "", [], {}):
        return ""
    if key == "status":
        return c.status_text(value)
    if key.endswith("award"):
        return c.award_label(campaign, value)
    if key == "role" and has(f"role.{value}"):
        return t(f"role.{value}")
    if key in ("unit", "unit_code"):
        return c.unit_name(campaign, value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
