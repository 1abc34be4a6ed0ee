"""Exports the commune office hands to the council: the XLSX workbook and the Word documents
(list, Tờ trình, achievement reports) in the Decree 30/2020 layout. Channel-neutral: each
renderer takes a session and the campaign and writes a file.

The renderers (python-docx, XlsxWriter) are imported when first used, not when the bot
starts: `documents.write_list` and the like resolve on first access."""

import importlib

from documents.files import WHAT, Produced, produce, produce_in
from documents.items import LIST_STATUSES, REPORT_STATUSES, STATUSES, ExportError

_LAZY = dict.fromkeys(
    ("DocResult", "quota_award", "write_list", "write_proposal", "write_reports"), "documents.word"
)
_LAZY.update(WorkbookResult="documents.workbook", write_workbook="documents.workbook")


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'documents' has no attribute {name!r}")


__all__ = [
    "DocResult",
    "ExportError",
    "LIST_STATUSES",
    "Produced",
    "REPORT_STATUSES",
    "STATUSES",
    "WHAT",
    "produce",
    "produce_in",
    "WorkbookResult",
    "quota_award",
    "write_list",
    "write_proposal",
    "write_reports",
    "write_workbook",
]
