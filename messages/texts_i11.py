"""User texts for reliability and hostile input: merged into messages.catalog."""

TEXTS: dict[str, str] = {
    "err.money_too_big": "Số tiền quá lớn (trên 100 tỷ đồng một năm). Xin kiểm tra lại, "
    "ví dụ: 60 triệu hoặc 1,2 tỷ.",
    "inv.too_many": "Anh/chị đã nhập sai mã mời nhiều lần. Xin thử lại sau {minutes} phút, "
    "hoặc hỏi cán bộ xã để lấy mã mới.",
}
