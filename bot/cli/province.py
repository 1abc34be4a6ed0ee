"""python -m bot province admin add "<name>" [--phone P] | province admin link <id>: a province
administrator and their one-time sign-in link to the province console (PROVINCE_HOST)."""

from __future__ import annotations

import sys

from domain import province_admin as ops
from domain.clock import SystemClock
from domain.refusals import Refused
from domain.uow import UnitOfWork
from messages.catalog import t
from storage.communes import migrate_registry
from storage.db import make_engine
from storage.models.province import ProvinceAdmin

from ..bootstrap import wire_events
from ..web_communes import address_on


def add_parsers(sub) -> None:
    province = sub.add_parser("province", help="trang của tỉnh: quản trị viên cấp tỉnh")
    admins = province.add_subparsers(dest="province_command", required=True).add_parser(
        "admin", help="quản trị viên cấp tỉnh"
    )
    what = admins.add_subparsers(dest="admin_command", required=True)
    add = what.add_parser("add", help="thêm quản trị viên và in liên kết đăng nhập dùng một lần (24 giờ)")
    add.add_argument("name", help="họ và tên")
    add.add_argument("--phone", default=None, help="số điện thoại (không bắt buộc)")
    add.set_defaults(handler=add_admin)
    link = what.add_parser("link", help="in liên kết đăng nhập mới cho một quản trị viên đã có")
    link.add_argument("id", type=int, help="số của quản trị viên (in khi thêm)")
    link.set_defaults(handler=new_link)


def _issue(settings, make_admin, *, added: bool) -> int:
    """Run `make_admin(uow) -> ProvinceAdmin` in the registry and print its new sign-in link."""
    if not settings.province_host:
        print(t("province_web.no_host"), file=sys.stderr)
        return 2
    wire_events()
    engine = make_engine(settings.database_url)
    try:
        migrate_registry(engine)
        with UnitOfWork.begin(engine, SystemClock().now()) as uow:
            try:
                admin = make_admin(uow)
            except Refused as exc:
                print(t(exc.key, **exc.values), file=sys.stderr)
                return 2
            token = ops.issue_link(uow, admin).token
            uow.commit()
    finally:
        engine.dispose()
    link = f"{address_on(settings.console_url, settings.province_host)}/vao/{token}"
    if added:
        print(t("province_web.admin_added", name=admin.name, id=admin.id))
    print(t("province_web.admin_link", link=link))
    return 0


def add_admin(args, settings) -> int:
    def added(uow: UnitOfWork) -> ProvinceAdmin:
        return _admin(uow, ops.add_admin(uow, args.name, args.phone).admin_id)

    return _issue(settings, added, added=True)


def new_link(args, settings) -> int:
    return _issue(settings, lambda uow: _admin(uow, args.id), added=False)


def _admin(uow: UnitOfWork, admin_id: int) -> ProvinceAdmin:
    admin = uow.session.get(ProvinceAdmin, admin_id)
    if admin is None:
        raise Refused("province_web.no_admin", id=admin_id)
    return admin
