"""python -m bot invite: a one-time invite code (and its Telegram deep link when a token is set)."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from domain.members import issue_invite
from domain.uow import UnitOfWork
from messages.catalog import t

from ..settings import in_range
from ..telegram.links import invite_links
from .scope import add_commune, app_for, start_param

log = logging.getLogger("thidua")


def add_parsers(sub) -> None:
    inv = sub.add_parser(
        "invite",
        help="in một mã mời dùng một lần cho trưởng đơn vị, cán bộ Văn phòng hoặc thành viên Hội đồng",
    )
    inv.add_argument(
        "--unit", help="mã đơn vị trong tệp đợt thi đua (ví dụ T01); không cần với --role council"
    )
    inv.add_argument("--role", required=True, choices=["head", "staff", "admin", "council"])
    inv.add_argument("--days", type=int, default=7, help="số ngày mã còn hiệu lực (1-365, mặc định 7)")
    inv.add_argument("--demo", action="store_true", help="cho cơ sở dữ liệu thử")
    inv.add_argument(
        "--web",
        action="store_true",
        help="staff/admin: kèm liên kết dùng một lần vào trang quản lý (hỏi họ tên khi dùng lần đầu)",
    )
    add_commune(inv)
    inv.set_defaults(handler=invite)


def invite(args, settings) -> int:
    in_range("--days", args.days, 1, 365, " days")
    if args.unit is None and args.role != "council":
        print("--unit: cần ghi mã đơn vị khi --role head, staff hoặc admin.", file=sys.stderr)
        return 2
    app = app_for(args, settings)
    if args.unit is not None and not app.campaign.has_unit(args.unit):
        codes = ", ".join(u.code for u in app.campaign.units)
        print(f"--unit: không có đơn vị {args.unit!r}; mã đơn vị: {codes}.", file=sys.stderr)
        return 2
    now = app.clock.now()
    with UnitOfWork.begin(app.db, now) as uow:
        [inv] = issue_invite(uow, None, role=args.role, unit_code=args.unit, ttl=timedelta(days=args.days))
        uow.commit()
    expires = app.campaign.local(inv.expires_at).strftime("%H:%M %d/%m/%Y")
    print(
        t(
            "cli.invite",
            code=inv.code,
            role=t(f"role.{args.role}"),
            unit=app.campaign.unit_name(args.unit, "—"),
            expires=expires,
        )
    )
    for link in invite_links(app.settings, start_param(app, inv.code)):
        print(link)
    if args.web:
        return web_link(app, args)
    return 0


def web_link(app, args) -> int:
    """A sign-in link to the web console that makes its first user a member with this role."""
    from domain import console as console_ops

    if args.role not in ("staff", "admin"):
        print(
            "--web: chỉ dùng với --role staff hoặc admin (trang quản lý dành cho Văn phòng).", file=sys.stderr
        )
        return 2
    with UnitOfWork.begin(app.db, app.clock.now()) as uow:
        token = console_ops.issue_link(
            uow, None, role=args.role, unit_code=args.unit, ttl=timedelta(days=args.days)
        ).token
        uow.commit()
    print(t("cli.web_link", link=f"{app.settings.console_url}/vao/{token}", days=args.days))
    return 0
