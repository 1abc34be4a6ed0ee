"""Texts of the web console's chat side (issue 12): sign-in links from chat and the CLI."""

TEXTS: dict[str, str] = {
    "cli.web_link": "Trang quản lý (dùng một lần, trong {days} ngày; lần đầu hỏi họ tên):\n{link}",
    # Zalo cannot send files: the exports page has them
    "zalo.document": "Zalo chưa gửi được tệp «{filename}». Mời tải tệp ở trang quản lý: {url}/xuat (nhắn «Mở trang quản lý» để nhận liên kết đăng nhập).",
}
