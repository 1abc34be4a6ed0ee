"""Chat texts of the command line's answers."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "cli.invite": "Mã mời: {code}\nVai trò: {role} — {unit}\nHết hạn: {expires}",
    "cli.import_usage": "import-people: cần tên tệp Excel, --template hoặc --print.",
    "cli.import_template": "Mẫu: {path}",
    "cli.import_row": "Trang «{sheet}», dòng {row}: {text}",
    "cli.import_printed": "Giấy mời: {path} ({people} người)",
    "cli.no_commune": "--commune: không có xã {code!r}; các xã: {known}.",
    "cli.web_link": "Trang quản lý (dùng một lần, trong {days} ngày; lần đầu hỏi họ tên):\n{link}",
}
