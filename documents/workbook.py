"""The XLSX workbook for the commune office: nominations and proposals, unit reports (latest
version, one column per figure the campaign file names) and the audit log. Rows are read a
chunk at a time and written as they come by XlsxWriter in constant-memory mode, so a hundred
thousand submissions take seconds and little memory."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlmodel import Session

from documents import items as c
from documents.texts import has, t
from domain.campaign import Campaign
from storage import members, views

SUBMISSION_COLUMNS = (
    ("stt", 6),
    ("ref", 10),
    ("kind", 16),
    ("category", 26),
    ("nominee", 30),
    ("unit", 22),
    ("contents", 34),
    ("achievements", 60),
    ("checks", 34),
    ("flags", 34),
    ("proposed_award", 28),
    ("shortlist_award", 28),
    ("status", 22),
    ("submitter", 24),
    ("submitted_at", 17),
    ("reviewer", 24),
    ("reviewed_at", 17),
    ("reason", 34),
    ("decision", 26),
    ("photos", 12),
)
REPORT_HEAD = (
    ("stt", 6),
    ("ref", 10),
    ("unit", 24),
    ("version", 9),
    ("status", 22),
    ("submitter", 24),
    ("submitted_at", 17),
    ("updated_at", 17),
    ("reviewer", 24),
    ("reviewed_at", 17),
)
REPORT_TAIL = (("report_text", 60), ("reason", 34), ("photos", 12))
AUDIT_COLUMNS = (("at", 19), ("actor", 24), ("entity_id", 14), ("action", 60), ("reason", 34))

DATE_FORMAT = "dd/mm/yyyy hh:mm"
MONEY_FORMAT = "#,##0"  # đồng, with thousands grouped
# The log is read in its own order, never sorted: its times are text (cheaper than date cells).
AUDIT_TIME = "%02d/%02d/%04d %02d:%02d:%02d"  # day, month, year, hour, minute, second
# Text is text: no formulas, numbers or links guessed from what people typed.
OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


@dataclass
class WorkbookResult:
    path: Path
    rows: dict[str, int]  # sheet title -> data rows (without the header)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def write_workbook(
    s: Session,
    campaign: Campaign,
    out: str | Path,
    *,
    statuses: Iterable[str] | None = None,
    chunk: int = 1000,
) -> WorkbookResult:
    statuses = None if statuses is None else list(statuses)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out), OPTIONS)
    try:
        counts = _write(wb, s, campaign, statuses, chunk)
    finally:
        wb.close()
    return WorkbookResult(path=out, rows=counts)


def _write(wb, s: Session, campaign: Campaign, statuses: list[str] | None, chunk: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    names = members.member_names(s)
    # labels repeat on every row: each is worked out once per export; JSON is read as text
    # and each distinct text worked out once (bounded caches: a hundred thousand distinct
    # unit reports do not pile up)
    kind, status = _memo(lambda k: t(f"kind.{k}")), _memo(c.status_text)
    category, unit = _memo(lambda k: c.category_label(campaign, k)), _memo(campaign.unit_name)
    award = _memo(lambda k: c.award_label(campaign, k))
    contents = _memo(lambda text: c.contents_text(campaign, _json(text)), 4096)
    checks = _memo(lambda cat, text: c.answered_checks_text(campaign, cat, _json(text)), 4096)
    flags = _memo(lambda text: _s("\n".join(_json(text) or ())), 4096)
    local = _local_naive(campaign)

    sheet = _Sheet(wb, t("xlsx.sheet.submissions"), [(t(f"xlsx.col.{k}"), w) for k, w in SUBMISSION_COLUMNS])
    append, n = sheet.append, 0
    for rows, photos in _chunks(s, campaign, c.ENTRY_KINDS, statuses, chunk):
        # rows unpacked (views.export_chunks' column order): a Row's attributes cost more
        for (
            id_,
            ref,
            kind_,
            cat,
            nominee,
            unit_code,
            contents_,
            achievements,
            answers,
            flags_,
            proposed,
            shortlist,
            status_,
            submitter_id,
            _,
            sent_at,
            _,
            last_from,
            last_actor,
            last_reason,
            last_at,
        ) in rows:
            n += 1
            moved = last_from is not None
            # an award's status change carries the decision's number, not a reason
            decided = moved and status_ == "awarded"
            append(
                [
                    n,
                    ref,
                    kind(kind_),
                    category(cat),
                    _s(nominee),
                    unit(unit_code),
                    contents(contents_),
                    _s(achievements),
                    checks(cat, answers),
                    flags(flags_),
                    award(proposed),
                    award(shortlist),
                    status(status_),
                    names.get(submitter_id, ""),
                    local(sent_at),
                    _reviewer(names, last_actor) if moved else "",
                    local(last_at) if moved else None,
                    _s(last_reason) if moved and not decided else None,
                    _s(last_reason) if decided else None,
                    photos.get(id_),
                ]
            )
    counts[sheet.title] = sheet.rows

    figures = c.figure_columns(campaign)
    head = [(t(f"xlsx.col.{k}"), w) for k, w in REPORT_HEAD]
    fig_cols = [(t("xlsx.col.figure", n=n, label=f.label, unit=f.unit), 18) for n, _, f in figures]
    tail = [(t(f"xlsx.col.{k}"), w) for k, w in REPORT_TAIL]
    money = {len(head) + i for i, (_, _, f) in enumerate(figures) if f.kind == "money"}
    sheet = _Sheet(wb, t("xlsx.sheet.reports"), head + fig_cols + tail, money=money)
    append, n = sheet.append, 0
    for rows, photos in _chunks(s, campaign, ("report",), statuses, chunk):
        for sub in rows:
            n += 1
            moved = sub.last_from is not None
            answers = _json(sub.answers) or {}
            append(
                [
                    n,
                    sub.ref,
                    unit(sub.unit_code),
                    sub.version,
                    status(sub.status),
                    names.get(sub.submitter_id, ""),
                    local(sub.sent_at),
                    local(sub.updated_at),
                    _reviewer(names, sub.last_actor) if moved else "",
                    local(sub.last_at) if moved else None,
                    *[_number(c.figure_in(answers, content, f)) for _, content, f in figures],
                    _s(sub.achievements),
                    _s(sub.last_reason) if moved else None,
                    photos.get(sub.id),
                ]
            )
    counts[sheet.title] = sheet.rows

    refs = (
        None
        if statuses is None
        else views.submission_refs(
            campaign_code=campaign.code, kinds=(*c.ENTRY_KINDS, "report"), statuses=statuses
        )
    )
    sheet = _Sheet(wb, t("xlsx.sheet.audit"), [(t(f"xlsx.col.{k}"), w) for k, w in AUDIT_COLUMNS])
    append, system, tz = sheet.append, t("xlsx.system"), campaign.tz
    action_text = _memo(lambda action, before, after: _action_text(campaign, action, before, after), 4096)
    entity = _memo(_entity)
    for at, actor_id, action, entity_kind, entity_id, before, after, reason in views.audit_entries(
        s, entity_ids=refs, json_as_text=True
    ):
        action = action_text(action, before, after)
        if action is None:
            continue
        at = at.astimezone(tz)
        append(
            [
                AUDIT_TIME % (at.day, at.month, at.year, at.hour, at.minute, at.second),
                names.get(actor_id) or system,
                entity_id if entity_kind == "submission" else entity(entity_kind, entity_id),
                action,
                _s(reason),
            ]
        )
    counts[sheet.title] = sheet.rows
    return counts


def _chunks(s: Session, campaign: Campaign, kinds, statuses, chunk: int):
    """(rows, photos) a chunk at a time: the rows of views.export_chunks and, for them, how
    many photos each submission has (id -> count; the photos themselves are on its dossier
    page of the web console, a chat file id or a server path is of no use to a clerk)."""
    for rows in views.export_chunks(
        s, campaign_code=campaign.code, kinds=list(kinds), statuses=statuses, chunk=chunk
    ):
        photos = {k: len(v) for k, v in views.evidence_by_submission(s, [r.id for r in rows]).items()}
        yield rows, photos


def _reviewer(names: dict[int, str], actor_id: int | None) -> str:
    """Who moved the submission last (a first move, the sending itself, has no reviewer)."""
    return names.get(actor_id, "") if actor_id is not None else ""


def _action_text(campaign: Campaign, action: str, before: str | None, after: str | None) -> str | None:
    """An audit row's action in words with what it changed; None for a row the sheet leaves
    out (the first status, sent: the same moment as the row «Gửi đề cử»)."""
    before, after = _json(before), _json(after)
    if action == "status" and not (before or {}).get("status"):
        return None
    label = _action(action)
    # a new submission's content is on its own sheet: its log row just says it was sent
    change = None if action.endswith(".create") else _change(campaign, before, after)
    return f"{label}: {change}" if change else label


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _memo(fn, size: int | None = None):
    return functools.lru_cache(maxsize=size)(fn)


def _local_naive(campaign: Campaign):
    tz = campaign.tz

    def local(moment: datetime | None) -> datetime | None:
        """Local wall time without a zone (spreadsheets have no time zones)."""
        return None if moment is None else moment.astimezone(tz).replace(tzinfo=None)

    return local


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Sheet:
    """One worksheet written row after row: a bold wrapped header, frozen under it, the
    column widths set; values go to the typed writer calls (no type guessing): text, local
    date-times (shown as dd/mm/yyyy hh:mm), numbers."""

    def __init__(
        self, wb, title: str, columns: list[tuple[str, int]], money: frozenset[int] | set[int] = frozenset()
    ) -> None:
        self.title = title[:31]
        self.ws = ws = wb.add_worksheet(self.title)
        for i, (_, width) in enumerate(columns):
            ws.set_column(i, i, width)
        ws.freeze_panes(1, 0)
        header = wb.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center"})
        for i, (label, _) in enumerate(columns):
            ws.write_string(0, i, label, header)
        self.dates = wb.add_format({"num_format": DATE_FORMAT})
        self.money, self.money_format = money, wb.add_format({"num_format": MONEY_FORMAT})
        self.text = wb.add_format({"quote_prefix": True})  # Excel keeps "=..." text when edited
        self.rows = 0

    def append(self, values: list[Any]) -> None:
        self.rows += 1
        r, ws = self.rows, self.ws
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):  # never a formula; one that looks like it is marked text
                ws.write_string(r, col, value, self.text if value.startswith(FORMULA_START) else None)
            elif isinstance(value, datetime):
                ws.write_datetime(r, col, value, self.dates)
            else:
                ws.write_number(r, col, value, self.money_format if col in self.money else None)


def _s(text: str | None) -> str | None:
    return c.xml_safe(text) if text else None


def _number(value: Any) -> Any:
    if value is None or isinstance(value, (int, float)):
        return value
    return _s(str(value))


def _action(action: str) -> str:
    """An action in words: its own label, else its family's («invite.create.role» is
    «Tạo mã mời»), else a general one; never the key itself."""
    parts = action.split(".")
    for n in range(len(parts), 0, -1):
        key = "audit." + ".".join(parts[:n])
        if has(key):
            return t(key)
    return t("audit.send") if parts[-1] == "send" else t("audit.other")


def _entity(entity: str, entity_id: str | None) -> str:
    key = f"audit.entity.{entity}"
    return f"{t(key) if has(key) else ''} {entity_id or ''}".strip()  # never the raw entity key


def _change(campaign: Campaign, before: dict | None, after: dict | None) -> str | None:
    """What an audit row changed, in words: "Đã gửi, chờ thẩm định → Đạt; Hội đồng xét chọn:
    — → Giấy khen ..."; fields that stayed the same are left out, and so are fields that have
    no name in words (a key never reaches the sheet)."""
    before, after = before or {}, after or {}
    parts = []
    for key in dict.fromkeys([*before, *after]):
        old, new = _field(campaign, key, before.get(key)), _field(campaign, key, after.get(key))
        if key in before and key in after and old == new:
            continue
        if key == "status":
            parts.append(f"{old} → {new}" if old else new)
            continue
        if not has(f"audit.field.{key}"):
            continue
        label = t(f"audit.field.{key}")
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
    if key == "channel" and has(f"audit.channel.{value}"):
        return t(f"audit.channel.{value}")
    if key == "vote" and has(f"council.choice.{value}"):
        return t(f"council.choice.{value}")
    if isinstance(value, bool):
        return t("audit.yes" if value else "audit.no")
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and _ISO_MOMENT.match(value):  # «hết hạn» and the like: local time
        moment = datetime.fromisoformat(value)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(campaign.tz).strftime("%H:%M %d/%m/%Y")
    return str(value)


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
