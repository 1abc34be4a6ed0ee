"""Tra cứu khen thưởng in chat: the one question, the answer a screen at a time, a resident's
own awards in «Hồ sơ của tôi»."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "lookup.ask": (
        "Tra cứu khen thưởng qua các đợt thi đua của xã.\n"
        "Xin gõ tên người, hộ, tập thể hoặc tên thôn, đơn vị (có dấu hay không đều được):"
    ),
    "lookup.found": "Kết quả tra cứu «{q}»: {n} lượt khen thưởng{shown}:",
    "lookup.unit_found": "Khen thưởng của {unit}: {n} lượt{shown}:",
    "lookup.shown": " (đang xem {first}–{last})",
    "lookup.item": "\n{i}. {nominee}{unit} — {award}, QĐ số {number} ngày {date} ({campaign})",
    "lookup.unit": " ({unit})",
    "lookup.type_again": "\nGõ tên khác để tra cứu tiếp.",
    "lookup.none": "Không tìm thấy ai được khen thưởng khớp với «{q}». Xin gõ tên khác để tra cứu lại:",
    "lookup.more": "Xem thêm",
    "lookup.again": "Tìm tên khác",
    # beside a nomination under review when the nominee was commended within the campaign
    # file's window (Law art. 5.2: one achievement is rewarded once; staff judge)
    "lookup.repeat": "⚠ Đã được khen: {award} theo QĐ số {number} ngày {date} ({campaign}).\n",
    "lookup.mine.awards": "Bạn đã được khen thưởng:",
    "lookup.mine.item": "\n• {award}, QĐ số {number} ngày {date} ({campaign})",
    "lookup.mine.more": "\n… và {n} lần khác.",
}
