"""python -m bot export: the workbook and the Word documents, from the command line.

python -m bot export --format xlsx --out tong-hop.xlsx [--status approved shortlisted]
python -m bot export --format docx --kind list|proposal|report --out FILE [--ref DC-0001]
python -m bot export --format docx --kind minutes|decision|certificates --out FILE [--ref N]
"""

from __future__ import annotations

import sys

from sqlmodel import Session

from documents import STATUSES, ExportError, produce
from documents.award_files import AWARD_DOCS

from ..bootstrap import build


def add_parsers(sub) -> None:
    p = sub.add_parser("export", help="write the XLSX workbook or a Word document (Decree 30/2020)")
    p.add_argument("--format", required=True, choices=["xlsx", "docx"])
    p.add_argument(
        "--kind",
        choices=["list", "proposal", "report", *AWARD_DOCS],
        help="docx: list (for the council), proposal (Tờ trình to the district), "
        "report (one achievement report per nominee), minutes (the council's "
        "round), decision (Quyết định khen thưởng), certificates (Giấy khen)",
    )
    p.add_argument("--out", required=True, help="the file to write")
    p.add_argument(
        "--status",
        nargs="+",
        choices=STATUSES,
        metavar="STATUS",
        help=f"only these statuses (xlsx, docx list); one or more of: {', '.join(STATUSES)}",
    )
    p.add_argument(
        "--ref",
        help="docx report: only this submission (e.g. DC-0001); minutes: the "
        "round number; decision, certificates: the decision's number "
        "(default: the latest)",
    )
    p.add_argument("--award", help="docx proposal: the award key (default: the first with a quota)")
    p.add_argument("--demo", action="store_true", help="from the demo database")
    p.set_defaults(handler=export)


def export(args, settings) -> int:
    if args.format == "docx" and not args.kind:
        print(
            "--kind: required with --format docx (list, proposal, report, minutes, decision or certificates)",
            file=sys.stderr,
        )
        return 2
    what = "xlsx" if args.format == "xlsx" else args.kind
    app = build(settings, demo=args.demo)
    now = app.clock.now()
    try:
        with Session(app.db, expire_on_commit=False) as s:
            made = produce(
                s,
                app.campaign,
                what,
                args.out,
                now=now,
                statuses=args.status,
                ref=args.ref,
                award_key=args.award,
            )
    except ExportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"{made.path} — {made.caption(app.campaign, now)}")
    return 0
