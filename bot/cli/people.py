"""python -m bot import-people: units and people from the office's spreadsheet, as the web
console's «Nhập danh sách từ Excel» does (the same operation, every row checked, all or
nothing), and the printed invitations.

  python -m bot import-people --template mau.xlsx          # the template to fill
  python -m bot import-people danh-sach.xlsx               # import it
  python -m bot import-people danh-sach.xlsx --print giay-moi.docx
"""

from __future__ import annotations

import sys
from pathlib import Path

from domain.refusals import Refused
from domain.uow import UnitOfWork
from messages.catalog import t

from .scope import add_commune, app_for


def add_parsers(sub) -> None:
    cmd = sub.add_parser(
        "import-people",
        help="nhập đơn vị và cán bộ từ tệp Excel theo mẫu (mỗi người kèm mã mời); in giấy mời theo thôn",
    )
    cmd.add_argument("file", nargs="?", help="tệp Excel (.xlsx) đã điền theo mẫu")
    cmd.add_argument("--template", metavar="OUT.xlsx", help="ghi tệp mẫu để điền")
    cmd.add_argument("--print", dest="print_to", metavar="OUT.docx", help="ghi giấy mời theo thôn (Word)")
    cmd.add_argument("--demo", action="store_true", help="cho cơ sở dữ liệu thử")
    add_commune(cmd)
    cmd.set_defaults(handler=import_people)


def import_people(args, settings) -> int:
    from documents.people_sheet import SheetError, read_rows, write_template
    from domain import people_import

    if not (args.file or args.template or args.print_to):
        print(t("cli.import_usage"), file=sys.stderr)
        return 2
    app = app_for(args, settings)
    if args.template:
        Path(args.template).write_bytes(write_template(app.campaign.units))
        print(t("cli.import_template", path=args.template))
    if args.file:
        try:
            rows = read_rows(Path(args.file).read_bytes())
        except SheetError as exc:
            print(f"{args.file}: {exc}", file=sys.stderr)
            return 2
        with UnitOfWork.begin(app.db, app.clock.now()) as uow:
            try:
                [done] = people_import.import_people(uow, None, app.campaign, rows)
            except people_import.RowsRefused as exc:
                print(t(exc.key, **exc.values), file=sys.stderr)
                for p in exc.problems:
                    sheet = t(f"imp.sheet.{p.sheet}")
                    print(t("cli.import_row", sheet=sheet, row=p.row, text=p.text), file=sys.stderr)
                return 1
            except Refused as exc:
                print(t(exc.key, **exc.values))
                return 0 if exc.key == "imp.nothing_new" else 1
            uow.commit()
        assert isinstance(done, people_import.PeopleImported)
        print(t("imp.done", units=len(done.units_added), people=len(done.member_ids), already=done.already))
    if args.print_to:
        return print_invitations(app, settings, Path(args.print_to))
    return 0


def print_invitations(app, settings, out: Path) -> int:
    from documents.invitation_sheets import Invited, links_by_code, write_invitation_sheets
    from domain.units import apply_units
    from storage import roster

    from ..telegram.links import invite_links

    with UnitOfWork.begin(app.db, app.clock.now()) as uow:
        waiting = roster.waiting_invites(uow.session, uow.now)
        campaign = apply_units(uow, app.campaign)  # the units the import just added
        codes = [inv.code for inv, _ in waiting]
        links = links_by_code(
            codes, settings.telegram_bot_username, lambda code: invite_links(settings, code)
        )
        people = [
            Invited(m.full_name, m.role, m.unit_code, inv.code, links[inv.code], inv.expires_at)
            for inv, m in waiting
        ]
    if not people:
        print(t("imp.print.none"))
        return 0
    write_invitation_sheets(campaign, people, out)
    print(t("cli.import_printed", path=out, people=len(people)))
    return 0
