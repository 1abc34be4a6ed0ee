"""Texts of the campaign file's checks: what is wrong with a value, said the same way by the
file's loader (an error line naming the key) and by the console's campaign editor (beside the
field). Keys `cfile.err.<kind>` follow pydantic's error types and the campaign models' own
rules (domain/campaign.py); `cfile.pattern.<key>` words a code's pattern for a person."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "cfile.toml": "Tệp TOML sai cú pháp ở dòng {line}, cột {column}.",
    "cfile.toml_end": "Tệp TOML sai cú pháp: tệp kết thúc giữa chừng.",
    "cfile.err.missing": "Mục này bắt buộc, xin nhập.",
    "cfile.err.extra_forbidden": "Mẫu đợt thi đua không có mục này.",
    "cfile.err.string_too_long": "Dài quá {max_length} ký tự.",
    "cfile.err.string_too_short": "Cần ít nhất {min_length} ký tự.",
    "cfile.err.too_short": "Cần ít nhất {min_length} dòng.",
    "cfile.err.list_too_long": "Nhiều nhất {max_length} giá trị.",
    "cfile.err.greater_than_equal": "Phải từ {ge} trở lên.",
    "cfile.err.less_than_equal": "Phải từ {le} trở xuống.",
    "cfile.err.greater_than": "Phải lớn hơn {gt}.",
    "cfile.err.less_than": "Phải nhỏ hơn {lt}.",
    "cfile.err.int_parsing": "Phải là số nguyên (ví dụ 10).",
    "cfile.err.float_parsing": "Phải là số (ví dụ 0.5).",
    "cfile.err.bool_parsing": "Chọn «Có» hoặc «Không».",
    "cfile.err.date_parsing": "Ngày không đúng (năm-tháng-ngày, ví dụ 2024-11-30).",
    "cfile.err.hhmm": "Giờ không đúng (giờ:phút, ví dụ 08:00).",
    "cfile.err.not_text": "Phải là chữ.",
    "cfile.err.shape": "Không đúng dạng của mục này.",
    "cfile.err.literal_error": "Chỉ được chọn: {expected}.",
    "cfile.err.other": "Giá trị không dùng được ({detail}).",
    # the campaign models' own rules
    "cfile.err.check_min": "Câu hỏi về số tiền cần mức tối thiểu.",
    "cfile.err.check_expect": "Câu hỏi có/không cần câu trả lời đạt yêu cầu.",
    "cfile.err.range_order": "Số tối thiểu lớn hơn số tối đa.",
    "cfile.err.days_positive": "Số ngày nhắc trước hạn phải lớn hơn 0.",
    "cfile.err.placeholder": "Không có chỗ điền {placeholder}; chỉ dùng {{title}}, {{theme}}, {{categories}}, {{deadline}}, {{organiser}}.",
    "cfile.err.timezone": "Không có múi giờ «{value}» (ví dụ Asia/Ho_Chi_Minh).",
    "cfile.err.window": "Hạn gửi hồ sơ đang trước ngày bắt đầu.",
    "cfile.err.duplicate": "Mã «{value}» bị trùng.",
    "cfile.pattern.campaign.code": "Mã đợt gồm 2–40 chữ thường không dấu, số và dấu gạch ngang (ví dụ tran-ninh-2025).",
    "cfile.pattern.units.*.code": "Mã đơn vị gồm 1–16 chữ không dấu, số, dấu gạch ngang hoặc gạch dưới (ví dụ T01).",
}
