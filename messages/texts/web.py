"""Chat texts of the web console's chat side: sign-in links and their refusals."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # a sign-in link of someone with no chat account: only the office can make a new one
    "web.link_unknown.no_chat": "Liên kết này không đúng. Xin nhờ Văn phòng xã (quản trị viên) gửi liên kết mới.",
    "web.link_used.no_chat": "Mỗi liên kết chỉ dùng được một lần. Xin nhờ Văn phòng xã (quản trị viên) gửi liên kết mới.",
    "web.link_expired.no_chat": "Liên kết đã hết hạn. Xin nhờ Văn phòng xã (quản trị viên) gửi liên kết mới.",
    "web.link": "Trang quản lý (trên máy tính hoặc điện thoại), mở trong 10 phút, dùng một lần:\n{link}",
    "web.no_console": "Trang quản lý chỉ dành cho cán bộ Văn phòng xã và thành viên Hội đồng. Bạn vẫn làm mọi việc ngay trong bot này.",
    "web.too_many_links": "Bạn đã nhận nhiều liên kết trong một giờ qua. Xin dùng liên kết gần nhất, hoặc đợi một lúc.",
    # sign-in pages
    "web.link_unknown": "Liên kết này không đúng. Xin nhắn bot «Mở trang quản lý» (hoặc /web) để nhận liên kết mới.",
    "web.link_used": "Mỗi liên kết chỉ dùng được một lần. Xin nhắn bot «Mở trang quản lý» (hoặc /web) để nhận liên kết mới.",
    "web.link_expired": "Liên kết chỉ dùng được trong 10 phút. Xin nhắn bot «Mở trang quản lý» (hoặc /web) để nhận liên kết mới.",
    "web.name_needed": "Xin nhập họ và tên (ít nhất 2 chữ cái).",
}
