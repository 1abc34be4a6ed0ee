"""python -m bot export: the workbook and the Word documents, from the command line.

python -m bot export --format xlsx --out tong-hop.xlsx [--status approved shortlisted]
python -m bot export --format docx --kind list|proposal|report --out FILE [--ref DC-0001]
python -m bot export --format docx --kind minutes|decision|certificates --out FILE [--ref N]
Each with --campaign CODE (default: the open campaign; bot/cli/campaign_option.py).
"""

from __future__ import annotations

import sys

from sqlmodel import Session

from documents import STATUSES, ExportError, produce
from documents.award_files import AWARD_DOCS

from ..bootstrap import build
from .campaign_option import CampaignOptionError, add_option, campaign_of


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "export", help="xuất bảng tính tổng hợp (XLSX) hoặc một văn bản Word (Nghị định 30/2020)"
    )
    p.add_argument("--format", required=True, choices=["xlsx", "docx"])
    p.add_argument(
        "--kind",
        choices=["list", "proposal", "report", *AWARD_DOCS],
        help="docx: list (danh sách trình Hội đồng), proposal (Tờ trình lên huyện), "
        "report (báo cáo thành tích, mỗi người một bản), minutes (biên bản phiên xét), "
        "decision (Quyết định khen thưởng), certificates (Giấy khen)",
    )
    p.add_argument("--out", required=True, help="tệp sẽ ghi ra")
    p.add_argument(
        "--status",
        nargs="+",
        choices=STATUSES,
        metavar="STATUS",
        help=f"chỉ các trạng thái này (xlsx, docx list); một hoặc nhiều trong: {', '.join(STATUSES)}",
    )
    p.add_argument(
        "--ref",
        help="docx report: chỉ hồ sơ này (ví dụ DC-0001); minutes: số phiên xét; "
        "decision, certificates: số quyết định, ví dụ 125 hoặc 125/QĐ-UBND "
        "(mặc định: bản mới nhất)",
    )
    p.add_argument(
        "--award", help="docx proposal: mã hình thức khen thưởng (mặc định: hình thức đầu tiên có chỉ tiêu)"
    )
    add_option(p)
    p.add_argument("--demo", action="store_true", help="từ cơ sở dữ liệu thử")
    p.set_defaults(handler=export)


def export(args, settings) -> int:
    if args.format == "docx" and not args.kind:
        print(
            "--kind: cần chọn khi --format docx (list, proposal, report, minutes, decision hoặc certificates).",
            file=sys.stderr,
        )
        return 2
    what = "xlsx" if args.format == "xlsx" else args.kind
    app = build(settings, demo=args.demo)
    now = app.clock.now()
    try:
        campaign = campaign_of(app, args.campaign)
    except CampaignOptionError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        with Session(app.db, expire_on_commit=False) as s:
            made = produce(
                s,
                campaign,
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
    print(f"{made.path} — {made.caption(campaign, now)}")
    return 0
