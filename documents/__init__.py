"""Exports the commune office hands to the council: the XLSX workbook and the Word documents
(list, Tờ trình, achievement reports) in the Decree 30/2020 layout. Channel-neutral: each
renderer takes a session and the campaign and writes a file."""

from documents.items import LIST_STATUSES, REPORT_STATUSES, STATUSES, ExportError
from documents.word import DocResult, quota_award, write_list, write_proposal, write_reports
from documents.files import WHAT, Produced, produce, produce_in
from documents.workbook import WorkbookResult, write_workbook

__all__ = ["DocResult", "ExportError", "LIST_STATUSES", "Produced", "REPORT_STATUSES", "STATUSES",
           "WHAT", "produce", "produce_in",
           "WorkbookResult", "quota_award", "write_list", "write_proposal", "write_reports",
           "write_workbook"]
