"""Texts of the web console's chat side: sign-in links from chat and the CLI."""

TEXTS: dict[str, str] = {
    "cli.web_link": "Trang quản lý (dùng một lần, trong {days} ngày; lần đầu hỏi họ tên):\n{link}",
    # the chat's «Mở trang quản lý» (/web)
    "menu.web": "Mở trang quản lý",
    "tg.cmd.web": "Mở trang quản lý trên máy tính",
    "web.link": "Trang quản lý (trên máy tính hoặc điện thoại), mở trong 10 phút, dùng một lần:\n{link}",
    "web.no_console": "Trang quản lý chỉ dành cho cán bộ Văn phòng xã và thành viên Hội đồng. Bạn vẫn làm mọi việc ngay trong bot này.",
    "web.too_many_links": "Bạn đã nhận nhiều liên kết trong một giờ qua. Xin dùng liên kết gần nhất, hoặc đợi một lúc.",
    # sign-in pages
    "web.link_unknown": "Liên kết này không đúng. Xin nhắn bot «Mở trang quản lý» (hoặc /web) để nhận liên kết mới.",
    "web.link_used": "Mỗi liên kết chỉ dùng được một lần. Xin nhắn bot «Mở trang quản lý» (hoặc /web) để nhận liên kết mới.",
    "web.link_expired": "Liên kết chỉ dùng được trong 10 phút. Xin nhắn bot «Mở trang quản lý» (hoặc /web) để nhận liên kết mới.",
    "web.name_needed": "Xin nhập họ và tên (ít nhất 2 chữ cái).",
    # Zalo cannot send files: the exports page has them
    "zalo.document": "Zalo chưa gửi được tệp «{filename}». Mời tải tệp ở trang quản lý: {url}/xuat (nhắn «Mở trang quản lý» để nhận liên kết đăng nhập).",
}
