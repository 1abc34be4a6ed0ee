"""Texts of the web console's chat side (issue 12): sign-in links from chat and the CLI."""

TEXTS: dict[str, str] = {
    "cli.web_link": "Trang quản lý (dùng một lần, trong {days} ngày; lần đầu hỏi họ tên):\n{link}",
}
