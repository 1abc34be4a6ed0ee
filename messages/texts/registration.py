"""Chat texts of registering, invite codes, linking a Telegram and a Zalo account."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- registering as a resident -------------------------------------------------------------
    "reg.name": "Họ và tên của bạn?",
    "reg.unit": "Bạn ở thôn nào?",
    "reg.phone": "Số điện thoại của bạn? (không bắt buộc)",
    "reg.done": "Đăng ký xong. Cảm ơn {name} ({unit}).",
    "reg.already": "Bạn đã đăng ký rồi.",
    "need_register": "Bạn cần đăng ký trước.",
    # -- invite codes --------------------------------------------------------------------------
    "inv.code": "Nhập mã mời (8 ký tự) bạn được cấp:",
    "inv.bad": "Mã mời không đúng. Xin kiểm tra và nhập lại.",
    "inv.used": "Mã mời này đã được dùng. Xin liên hệ Văn phòng xã để lấy mã mới.",
    "inv.expired": "Mã mời đã hết hạn. Xin liên hệ Văn phòng xã để lấy mã mới.",
    "inv.done": "Đăng ký xong: {name}, {role}{unit}.",
    "inv.updated": "Đã cập nhật vai trò: {role}{unit}.",
    "inv.unit": " — {unit}",
    "inv.too_many": "Anh/chị đã nhập sai mã mời nhiều lần. Xin thử lại sau {minutes} phút, "
    "hoặc hỏi cán bộ xã để lấy mã mới.",
    # -- linking a Telegram and a Zalo account -------------------------------------------------
    "link.code": "Mã liên kết của bạn: {code}\nTrên kênh kia (Telegram hoặc Zalo), chọn «Tôi có mã mời» rồi nhập mã này.\nMã dùng một lần, hết hạn lúc {expires}.",
    "link.done": "Đã liên kết: tài khoản này dùng chung hồ sơ của {name}. Thông báo sẽ gửi tới cả Telegram và Zalo.",
    "link.member": "Tài khoản này đã đăng ký riêng nên không liên kết được bằng mã. Xin liên hệ Văn phòng xã.",
    "link.same_channel": "Mã liên kết cần nhập trên kênh kia (Telegram hoặc Zalo), không phải kênh đã tạo mã.",
}
