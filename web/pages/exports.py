"""Xuất tài liệu: the XLSX workbook and each Word document chat offers (list, Tờ trình,
achievement reports, the minutes of any closed round, a decision, its certificates), each with
a line saying what it is, made by the same renderers as the command line (documents.produce)
and downloaded from the page. Every export is audited."""

from __future__ import annotations

import secrets

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from documents import STATUSES, WHAT, ExportError, produce
from documents.award_files import AWARD_DOCS
from messages.catalog import t
from storage import council

from ..console import STAFF, Req, page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form(req: Req, error: str | None = None, status: int = 200) -> Response:
    c = req.campaign
    own = c.decision.awards if c.decision else ()
    return req.render(
        "exports.html",
        status=status,
        what={k: t(f"export.opt.{k}") for k in WHAT},
        statuses=STATUSES,
        awards=[a for a in c.awards if a.quota],
        rounds=list(reversed(council.rounds(req.s, c.code, status="closed"))),
        # the decisions the commune makes itself: their Word decision and certificates
        decisions=[d for d in reversed(council.decisions(req.s, c.code, active=True)) if d.award_key in own],
        error=error,
    )


@page("/xuat")
def exports(req: Req) -> Response:
    return _form(req)


@page("/xuat", methods=("POST",), name="export_file")
def export_file(req: Req) -> Response:
    what = req.arg("what")
    if what not in WHAT:
        return _form(req, "Xin chọn tài liệu cần xuất.", 400)
    statuses = [s for s in req.args("status") if s in STATUSES] or None
    award = req.arg("award") or None
    if award is not None and not any(a.key == award for a in req.campaign.awards):
        award = None
    ref = req.arg("ref").upper() or None
    folder = req.console.export_dir.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"web-{req.viewer.member.id}-{secrets.token_hex(6)}.{'xlsx' if what == 'xlsx' else 'docx'}"
    try:
        made = produce(
            req.s,
            req.campaign,
            what,
            out,
            now=req.now,
            statuses=statuses if what in ("xlsx", "list") else None,
            ref=ref if what in ("report", *AWARD_DOCS) else None,
            award_key=award if what == "proposal" else None,
        )
    except ExportError as exc:
        return _form(req, str(exc), 409)
    req.audit(
        "export",
        entity="export",
        entity_id=what,
        after={"what": what, "rows": made.rows, "statuses": statuses, "ref": ref, "award": award},
    )
    # the file is made for this download only: removed once sent
    return FileResponse(
        made.path,
        filename=made.filename,
        media_type=XLSX if what == "xlsx" else DOCX,
        background=BackgroundTask(made.path.unlink, missing_ok=True),
    )


ROUTES = [exports, export_file]
NAV = [("/xuat", "Xuất tài liệu", STAFF)]
