"""The texts of the look-up's workbook (Tra cứu khen thưởng): its title, the search in words,
its columns. Merged into documents/texts.py (its t() reads them)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "lookup.sheet": "Tra cứu khen thưởng",
    "lookup.title": "TRA CỨU KHEN THƯỞNG — {organiser}",
    "lookup.asked": "Tìm theo: {asked}. Kết quả: {n} lượt khen thưởng (quyết định còn hiệu lực).",
    "lookup.asked.all": "tất cả",
    "lookup.asked.name": "tên «{value}»",
    "lookup.asked.unit": "đơn vị {value}",
    "lookup.asked.year": "năm {value}",
    "lookup.asked.award": "hình thức {value}",
    "lookup.col.stt": "STT",
    "lookup.col.year": "Năm",
    "lookup.col.campaign": "Phong trào thi đua",
    "lookup.col.nominee": "Tên tập thể, cá nhân",
    "lookup.col.unit": "Thôn, đơn vị",
    "lookup.col.award": "Hình thức khen thưởng",
    "lookup.col.number": "Số quyết định",
    "lookup.col.signed_on": "Ngày ký",
    "lookup.col.signer": "Người ký",
    "lookup.col.citation": "Trích yếu thành tích",
    "lookup.col.ref": "Mã hồ sơ",
}
