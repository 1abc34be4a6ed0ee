"""Texts of the console's campaign editor: the notes of «Xem trước» (what the bot does with an
answer, for the office; the questions themselves are the nomination flow's own keys) and what
an upload or a save is told."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "preview.part.greeting": "Lời chào và câu hỏi đầu",
    "preview.kind_note": "Bot tự chọn đối tượng khi tên đề cử đã nói rõ (ví dụ «Hộ ông…», «Thôn…»).",
    "preview.money_rule": "Từ {min} trở lên là đạt tiêu chí.",
    "preview.money_low": "Khi người dân nhập thấp hơn, ví dụ {value}:",
    "preview.yesno_rule": "Trả lời «{expected}» là đạt; trả lời khác thì hồ sơ được đánh dấu: {flag}",
    "editor.upload_empty": "Chưa có nội dung tệp TOML. Xin chọn tệp hoặc dán nội dung vào ô.",
    "audit.campaign.export": "Tải tệp TOML của đợt thi đua",
    "editor.not_draft": "Đợt «{code}» không còn là bản nháp nên không sửa được. Có thể tạo đợt mới từ đợt này.",
}
