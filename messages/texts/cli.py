"""Chat texts of the command line's answers."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "cli.invite": "Mã mời: {code}\nVai trò: {role} — {unit}\nHết hạn: {expires}",
    "cli.web_link": "Trang quản lý (dùng một lần, trong {days} ngày; lần đầu hỏi họ tên):\n{link}",
}
