"""python -m bot campaign: the commune's campaigns from the command line, as the office runs
them (domain/campaigns.py); the TOML file is their import and export format.

python -m bot campaign list
python -m bot campaign add FILE            # a new draft from a campaign file
python -m bot campaign update CODE FILE    # a draft's new text
python -m bot campaign open|close|decide|archive CODE
python -m bot campaign export CODE --out FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

from domain import campaigns as ops
from domain.campaign import CampaignError, read_campaign_text
from domain.refusals import Refused
from domain.uow import UnitOfWork
from messages.catalog import t

from ..bootstrap import build

MOVES = {
    "open": ops.open_campaign,
    "close": ops.close_campaign,
    "decide": ops.mark_decided,
    "archive": ops.archive_campaign,
}


def add_parsers(sub) -> None:
    p = sub.add_parser("campaign", help="các đợt thi đua của xã: xem, thêm, mở, đóng, lưu trữ")
    p.add_argument("action", choices=["list", "add", "update", "export", *MOVES])
    p.add_argument("args", nargs="*", metavar="CODE|FILE", help="mã đợt và/hoặc tệp đợt thi đua (.toml)")
    p.add_argument("--out", type=Path, help="export: tệp sẽ ghi ra")
    p.set_defaults(handler=campaign_command)


def campaign_command(args, settings) -> int:
    app = build(settings, store_campaign=True)
    wanted = {"list": 0, "add": 1, "update": 2, "export": 1}.get(args.action, 1)
    if len(args.args) != wanted or (args.action == "export" and args.out is None):
        print(
            t(f"campaign.cli_usage.{args.action if args.action in ('add', 'update', 'export') else 'move'}"),
            file=sys.stderr,
        )
        return 2
    with UnitOfWork.begin(app.db, app.clock.now()) as uow:
        if args.action == "list":
            for row in ops.campaign_rows(uow):
                status = t(f"campaign.status.{row.status}")
                print(
                    t("campaign.cli_row", code=row.code, status=status, version=row.version, title=row.title)
                )
            return 0
        if args.action == "export":
            found = next((r for r in ops.campaign_rows(uow) if r.code == args.args[0]), None)
            if found is None:
                print(t("campaign.unknown", code=args.args[0]), file=sys.stderr)
                return 1
            args.out.write_text(found.source, encoding="utf-8")
            print(args.out)
            return 0
        try:
            if args.action in ("add", "update"):
                text = read_campaign_text(args.args[-1])
                code = args.args[0] if args.action == "update" else None
                [done] = ops.save_draft(uow, None, text, code=code)
            else:
                [done] = MOVES[args.action](uow, None, args.args[0])
        except CampaignError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        except Refused as refusal:
            print(t(refusal.key, **refusal.values), file=sys.stderr)
            return 1
        uow.commit()
        [saved] = [r for r in ops.campaign_rows(uow) if r.code == done.code]
        status = t(f"campaign.status.{saved.status}")
        line = t("campaign.cli_row", code=saved.code, status=status, version=saved.version, title=saved.title)
    print(line)
    return 0
