"""Chat texts of a bot shared by several communes: which commune a person belongs to."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # asked once of a person the shared bot does not know yet (few communes: one button each)
    "province.ask": "Xin chào! Bot này phục vụ nhiều xã. Bạn ở xã nào? Bấm tên xã của bạn.",
    # many communes: the name is typed, with or without diacritics
    "province.ask_typed": "Xin chào! Bot này phục vụ nhiều xã. Bạn ở xã nào? Gõ tên xã, ví dụ: {example}.",
    "province.not_found": "Chưa tìm thấy xã «{text}».",
    "province.several": "Có {count} xã hợp với «{text}». Bạn bấm đúng xã của mình.",
    # a deep link or QR code naming a commune this bot does not serve (any more)
    "province.link_unknown": "Mã xã trong đường liên kết không đúng.",
}
