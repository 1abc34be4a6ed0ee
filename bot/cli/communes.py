"""python -m bot commune add | list: the province registry at the command line (the same
operations as the province's web pages: domain/communes.py)."""

from __future__ import annotations

import sys

from domain.communes import commune_rows, create_commune
from domain.refusals import Refused
from messages.catalog import t

from ..bootstrap import build


def add_parsers(sub) -> None:
    commune = sub.add_parser("commune", help="các xã của tỉnh: thêm một xã, liệt kê các xã")
    actions = commune.add_subparsers(dest="commune_action", required=True)
    add = actions.add_parser("add", help="thêm một xã (tạo nơi lưu dữ liệu riêng và cập nhật cấu trúc)")
    add.add_argument("code", help="mã xã: chữ thường không dấu, số, dấu gạch ngang (ví dụ yen-phuc)")
    add.add_argument("name", help="tên xã (ví dụ «Xã Yên Phúc»)")
    add.add_argument(
        "--host", default=None, help="tên miền trang quản lý của xã (ví dụ yenphuc.langson.gov.vn)"
    )
    add.set_defaults(handler=add_commune)
    actions.add_parser("list", help="mỗi xã một dòng: mã, tên, tên miền, số người, số hồ sơ").set_defaults(
        handler=list_communes
    )


def add_commune(args, settings) -> int:
    app = build(settings)
    try:
        [created] = create_commune(
            app.communes, None, args.code, args.name, web_host=args.host, now=app.clock.now()
        )
    except Refused as exc:
        print(t(exc.key, **exc.values), file=sys.stderr)
        return 2
    print(t("commune.added", name=created.name, code=created.code))
    return 0


def list_communes(args, settings) -> int:
    app = build(settings)
    found = commune_rows(app.communes)
    if not found:
        print(t("commune.none"))
    for row in found:
        c = row.commune
        host = c.web_host or t("commune.no_host")
        print(
            t(
                "commune.line",
                code=c.code,
                name=c.name,
                host=host,
                members=row.members,
                submissions=row.submissions,
            )
        )
    return 0
