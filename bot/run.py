"""`make run`: serve the configured channels with the scheduler; with no channel token, the
console demo (bundled campaign, deadline 14 days ahead, its own database)."""

from __future__ import annotations

import logging

from .app import build
from .settings import Settings

log = logging.getLogger("thidua")


def run(settings: Settings) -> int:
    if not settings.has_channel:
        from .cli import default_console_user
        from .console import run_console

        app = build(settings, demo=True)
        user = default_console_user()
        print("Chế độ DEMO: chưa cấu hình TELEGRAM_BOT_TOKEN hay ZALO_BOT_TOKEN (xem .env.example).")
        print("Gõ câu trả lời rồi Enter. /anh <đường dẫn ảnh> để gửi ảnh. Ctrl-D để thoát.\n")
        run_console(app.core, f"demo-{user}", user)
        return 0
    from .serve import serve

    return serve(settings)
