"""Chat texts of what one channel needs of its own: Telegram's command list, Zalo's photos, voice notes
and files by link."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- Telegram's command list ---------------------------------------------------------------
    "tg.open_private": "Nhắn riêng cho bot",
    "tg.cmd.start": "Bắt đầu, mở menu chính",
    "tg.cmd.decu": "Đề cử gương điển hình",
    "tg.cmd.hoso": "Hồ sơ của tôi",
    "tg.cmd.huy": "Hủy việc đang làm",
    "tg.cmd.trogiup": "Trợ giúp",
    "tg.cmd.baocao": "Báo cáo thành tích của đơn vị",
    "tg.cmd.denghi": "Đề nghị khen thưởng",
    "tg.cmd.thamdinh": "Thẩm định hồ sơ",
    "tg.cmd.danhsach": "Danh sách đề nghị khen thưởng",
    "tg.cmd.thongke": "Thống kê hồ sơ",
    "tg.cmd.tonghop": "Bản tổng hợp cho Văn phòng",
    "tg.cmd.lienket": "Liên kết tài khoản Telegram/Zalo",
    "tg.cmd.xuat": "Xuất danh sách, tờ trình",
    "tg.cmd.web": "Mở trang quản lý trên máy tính",
    "tg.cmd.hoidong": "Họp Hội đồng xét khen thưởng",
    "tg.cmd.quyetdinh": "Quyết định khen thưởng",
    "tg.cmd.guongdienhinh": "Gửi tin Gương điển hình",
    "tg.cmd.bophieu": "Bỏ phiếu bình xét",
    "tg.cmd.thongbao": "Gửi thông báo tới người dân, đơn vị",
    "tg.cmd.ketquatin": "Kết quả gửi thông báo",
    "tg.cmd.lienketthon": "Liên kết nhóm Telegram của thôn (gõ trong nhóm)",
    # -- Zalo: photos, voice notes, files ------------------------------------------------------
    "zalo.photo_failed": "Không tải được ảnh vừa gửi. Xin gửi lại ảnh.",
    "zalo.photo_too_big": "Ảnh quá lớn (tối đa {max} MB). Xin gửi ảnh nhỏ hơn.",
    "zalo.photo_not_image": "Tệp vừa gửi không phải ảnh. Xin gửi ảnh (JPG hoặc PNG).",
    "zalo.photo_local": "Ảnh này chưa xem được trên Zalo. Xin xem trên Telegram.",
    # Zalo cannot send files: the exports page has them
    "zalo.document": "Zalo chưa gửi được tệp «{filename}». Mời tải tệp ở trang quản lý: {url}/xuat (nhắn «Mở trang quản lý» để nhận liên kết đăng nhập).",
    "voice.label": "[ghi âm {duration}]",
    "zalo.voice": "{caption} — bản ghi âm nghe được trên Telegram hoặc trang quản lý.",
    "download.bad": "Liên kết tải không đúng hoặc đã hết hạn. Xin yêu cầu tệp lại trong chat.",
    "download.used": "Liên kết này đã được dùng. Xin yêu cầu tệp lại trong chat.",
}
