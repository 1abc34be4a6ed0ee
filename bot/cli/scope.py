"""The commune a command works on: `--commune <code>` (default: the first commune)."""

from __future__ import annotations

from ..bootstrap import App, build


def add_commune(parser) -> None:
    parser.add_argument(
        "--commune", default=None, metavar="CODE", help="mã xã (mặc định: xã đầu tiên của triển khai)"
    )


def app_for(args, settings, *, store_campaign: bool = False) -> App:
    """The app seen from the commune the command names (its database, campaign and Core);
    `store_campaign` as bot.bootstrap.build has it."""
    demo = getattr(args, "demo", False)
    app = build(settings, demo=demo, store_campaign=store_campaign)
    return app.for_commune(getattr(args, "commune", None))


def start_param(app: App, invite: str = "") -> str:
    """What a Telegram deep link carries after ?start= for this commune: the invite code alone
    on a bot that serves this commune only; `c-<code>[-<invite>]` on a bot several communes
    share, so the link also says the commune."""
    tenant = app.tenant
    own = tenant.own is not None and tenant.own.telegram_bot_token is not None
    sharing = [t for t in app.tenants.values() if t.own is None or t.own.telegram_bot_token is None]
    if own or len(sharing) <= 1:
        return invite
    return f"c-{app.commune}" + (f"-{invite}" if invite else "")


def db_for(app: App, code: str | None):
    """The storage scope of the commune `code` names (None: the first), served or not yet
    (a commune added without a campaign gets its first one this way)."""
    if code is None or code in app.tenants:
        return app.for_commune(code).db
    found = app.communes.get(code) if app.communes is not None else None
    if found is None:
        return app.for_commune(code).db  # the one-line refusal naming the communes
    return app.communes.engine_of(found)
