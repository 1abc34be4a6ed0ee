"""python -m bot zalo-oa token --check: how long the Official Account's access token has left
(the renewed pair in the database; the settings' pair seeds it on first use)."""

from __future__ import annotations

import asyncio

from ..bootstrap import build
from ..settings import SettingsError


def add_parsers(sub) -> None:
    oa = sub.add_parser("zalo-oa", help="the Zalo Official Account channel")
    oa_sub = oa.add_subparsers(dest="zalo_oa_command", required=True)
    token = oa_sub.add_parser("token", help="the OA's access token")
    token.add_argument("--check", action="store_true", help="say how long the access token has left")
    token.add_argument("--renew", action="store_true", help="renew it now (one process at a time)")
    token.set_defaults(handler=token_command)


def _span(seconds: int) -> str:
    hours, rest = divmod(max(0, seconds), 3600)
    return f"{hours} giờ {rest // 60} phút"


def token_command(args, settings) -> int:
    if not settings.zalo_oa_on:
        raise SettingsError("ZALO_OA_APP_ID: not set (the Zalo Official Account is off)")
    from ..zalo_oa import OaClient, TokenError
    from ..zalo_oa.channel import tokens_for

    app = build(settings)
    client = OaClient(settings.zalo_oa_api_url, settings.zalo_oa_oauth_url, settings.zalo_oa_zns_url)
    tokens = tokens_for(app, client)
    try:
        if args.renew:
            current = tokens.read()
            if current is None:
                print("Chưa có token của Zalo OA: điền ZALO_OA_ACCESS_TOKEN và ZALO_OA_REFRESH_TOKEN.")
                return 1
            asyncio.run(_renew(tokens, client, current.version))
        left = tokens.left()
    except TokenError as exc:
        print(f"Không gia hạn được token của Zalo OA: {exc}. Cần cấp quyền lại cho ứng dụng.")
        return 1
    if left is None:
        print("Chưa có token của Zalo OA: điền ZALO_OA_ACCESS_TOKEN và ZALO_OA_REFRESH_TOKEN.")
        return 1
    got = tokens.read()
    until = got.expires_at.astimezone(app.campaign.tz).strftime("%H:%M %d/%m/%Y")
    if left.total_seconds() <= 0:
        print(f"Access token của Zalo OA đã hết hạn lúc {until}; bot sẽ gia hạn ở lần gửi tới.")
        return 1
    n = _renewals(app, settings)
    renewals = f", đã gia hạn {n} lần" if n else ""
    print(f"Access token của Zalo OA còn {_span(int(left.total_seconds()))} (hết hạn {until}{renewals}).")
    return 0


async def _renew(tokens, client, version: int) -> None:
    try:
        await tokens.renew(version)
    finally:
        await client.aclose()


def _renewals(app, settings) -> int:
    from sqlmodel import Session

    from storage import zalo_oa as oa_store

    with Session(app.db) as s:
        row = oa_store.get(s, settings.zalo_oa_id)
        return row.renewals if row else 0
