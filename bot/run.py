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
        web = serve_console_in_background(app)
        print("Gõ câu trả lời rồi Enter. /anh <đường dẫn ảnh> để gửi ảnh. Ctrl-D để thoát.\n")
        try:
            run_console(app.core, f"demo-{user}", user)
        finally:
            if web is not None:
                web.should_exit = True
        return 0
    from .serve import serve

    return serve(settings)


def serve_console_in_background(app):
    """The demo's web console on 127.0.0.1:PORT in a thread, with its address and a sign-in
    link printed (an administrator's link that asks the name on first use)."""
    import threading

    import uvicorn
    from sqlmodel import Session

    from storage import weblogin
    from web.app import console_from, make_console

    from .web import listen

    sock = listen(app.settings.port, host="127.0.0.1", required=False)
    if sock is None:
        return None
    console = console_from(app)
    console.base_url = f"http://127.0.0.1:{app.settings.port}"
    with Session(app.db) as s:
        token = weblogin.issue_link(s, now=app.clock.now(), role="admin", unit_code=None)
        s.commit()
    server = uvicorn.Server(uvicorn.Config(make_console(console), log_level="warning",
                                           access_log=False, lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    print(f"Trang quản lý: {console.base_url}/")
    print(f"Liên kết đăng nhập (dùng một lần, 10 phút): {console.link(token)}")
    return server
