"""Chat texts of the province registry: adding and listing communes (command line, province pages)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "commune.code_bad": (
        "Mã xã «{code}» chưa đúng: từ 2 đến 32 ký tự, chỉ chữ thường không dấu, số và dấu gạch ngang "
        "(ví dụ: tran-ninh)."
    ),
    "commune.name_bad": "Tên xã cần từ 2 đến 200 ký tự (ví dụ: Xã Trần Ninh).",
    "commune.host_bad": "Tên miền «{host}» chưa đúng (ví dụ: tranninh.langson.gov.vn).",
    "commune.code_taken": "Mã xã «{code}» đã có. Xin chọn mã khác.",
    "commune.host_taken": "Tên miền «{host}» đã dùng cho xã khác. Xin chọn tên miền khác.",
    "commune.scope_taken": "Nơi lưu dữ liệu của xã «{code}» đã có. Xin chọn mã khác.",
    "commune.no_first": "Chưa có xã đầu tiên. Xin chạy «migrate» trước khi thêm xã.",
    "commune.added": "Đã thêm {name} (mã {code}).",
    "commune.line": "{code} · {name} · {host} · {members} người · {submissions} hồ sơ",
    "commune.none": "Chưa có xã nào.",
    "commune.no_host": "chưa có tên miền",
}
