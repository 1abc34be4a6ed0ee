"""python -m bot run | chat | migrate.

`run` serves the configured channels with the scheduler; with no channel token, the console
demo (bundled campaign, deadline 14 days ahead, its own database).
"""

from __future__ import annotations

import getpass

from ..bootstrap import build
from ..console import run_console
from ..gc_pause import resume


def add_parsers(sub) -> None:
    sub.add_parser(
        "run", help="serve the configured channels; the console demo when none is set"
    ).set_defaults(handler=run)
    chat = sub.add_parser("chat", help="talk to the bot in this terminal, on the configured database")
    chat.add_argument("--user", required=True, help="a user id for this console user")
    chat.add_argument("--name", default=None, help="display name")
    chat.add_argument("--demo", action="store_true", help="use the demo database and deadline")
    chat.set_defaults(handler=chat_command)
    sub.add_parser("migrate", help="apply database migrations and exit").set_defaults(handler=migrate)


def run(args, settings) -> int:
    if not settings.has_channel:
        resume()  # the console demo: start-up is over once built (bot/gc_pause.py)
        app = build(settings, demo=True, store_campaign=True)
        user = default_console_user()
        print("Chế độ DEMO: chưa cấu hình TELEGRAM_BOT_TOKEN hay ZALO_BOT_TOKEN (xem .env.example).")
        from ..web_console import serve_console_in_background

        web = serve_console_in_background(app)  # the staff web console, with a sign-in link
        print("Gõ câu trả lời rồi Enter. /anh <đường dẫn ảnh> để gửi ảnh. Ctrl-D để thoát.\n")
        try:
            run_console(app.core, f"demo-{user}", user)
        finally:
            if web is not None:
                web.should_exit = True
        return 0
    from ..serve import serve

    return serve(settings)


def chat_command(args, settings) -> int:
    app = build(settings, demo=args.demo, store_campaign=True)
    run_console(app.core, args.user, args.name)
    return 0


def migrate(args, settings) -> int:
    build(settings, store_campaign=True)
    print("OK")
    return 0


def default_console_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "demo"
