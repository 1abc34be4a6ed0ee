"""Nhập danh sách từ Excel (under Người dùng): the template to download (the stored units
listed, drop-down lists for kind, role and unit), the filled file sent back and imported by the
domain operation the command line uses (domain/people_import.py: every row checked, all or
nothing), each problem shown by sheet and row; «In giấy mời»: a Word sheet per village with
each imported person's name, role, invite code and its QR code."""

from __future__ import annotations

import secrets

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from documents.people_sheet import SheetError, read_rows, write_template
from domain.people_import import PEOPLE, UNITS, PeopleImported, RowsRefused, import_people
from domain.refusals import Refused
from domain.uow import UnitOfWork
from messages.catalog import t
from storage import roster

from ..console import Req, page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PATH = "/nguoi/nhap"


def _form(req: Req, *, error: str | None = None, problems=(), status: int = 200) -> Response:
    done = None
    if req.arg("units").isdigit() and not req.form:
        done = t("imp.done", units=req.arg("units"), people=req.arg("people"), already=req.arg("already"))
    sheets = {UNITS: t("imp.sheet.units"), PEOPLE: t("imp.sheet.people")}
    waiting = len(roster.waiting_invites(req.s, req.now))
    return req.render(
        "people_import.html",
        status=status,
        error=error,
        problems=[(sheets[p.sheet], p.row, p.text) for p in problems],
        done=done,
        waiting=waiting,
    )


@page(PATH)
def import_page(req: Req) -> Response:
    return _form(req)


@page(PATH + "/mau.xlsx")
def template(req: Req) -> Response:
    return Response(
        write_template(req.campaign.units),
        media_type=XLSX,
        headers={"content-disposition": 'attachment; filename="mau-danh-sach-can-bo.xlsx"'},
    )


@page(PATH, methods=("POST",), upload=True, name="people_import_send")
def send(req: Req) -> Response:
    data = req.files.get("file") or b""
    if not data:
        return _form(req, error="Xin chọn tệp Excel để gửi.", status=400)
    try:
        rows = read_rows(data)
        [done] = import_people(UnitOfWork(req.s, req.now), req.viewer.member, req.campaign, rows)
    except SheetError as exc:
        return _form(req, error=str(exc), status=400)
    except RowsRefused as exc:
        req.s.rollback()  # the lock taken, nothing else: the page reads afresh
        return _form(req, error=t(exc.key, **exc.values), problems=exc.problems, status=400)
    except Refused as exc:
        req.s.rollback()
        status = 409 if exc.key == "imp.nothing_new" else 400
        return _form(req, error=t(exc.key, **exc.values), status=status)
    assert isinstance(done, PeopleImported)
    req.audit(
        "people.import",
        entity="member",
        after={"units": len(done.units_added), "people": len(done.member_ids), "already": done.already},
    )
    return req.redirect(
        PATH, units=str(len(done.units_added)), people=str(len(done.member_ids)), already=str(done.already)
    )


@page("/nguoi/giay-moi.docx")
def print_invitations(req: Req) -> Response:
    # python-docx loads when a sheet is printed, not with the console's first page
    from documents.invitation_sheets import Invited, links_by_code, write_invitation_sheets

    waiting = roster.waiting_invites(req.s, req.now)
    c = req.console
    links = links_by_code([inv.code for inv, _ in waiting], c.telegram_username, c.invite_links)
    people = [
        Invited(m.full_name, m.role, m.unit_code, inv.code, links[inv.code], inv.expires_at)
        for inv, m in waiting
    ]
    if not people:
        return req.problem(409, "Chưa có giấy mời để in", t("imp.print.none"))
    folder = req.console.export_dir.resolve()
    out = write_invitation_sheets(req.campaign, people, folder / f"giay-moi-{secrets.token_hex(6)}.docx")
    req.audit("people.print", entity="invitation", after={"people": len(people)})
    return FileResponse(
        out,
        filename="giay-moi-theo-thon.docx",
        media_type=DOCX,
        background=BackgroundTask(out.unlink, missing_ok=True),
    )


ROUTES = [import_page, template, send, print_invitations]
NAV: list = []  # reached from «Người dùng»
