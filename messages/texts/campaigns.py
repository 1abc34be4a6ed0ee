"""The commune's campaigns over time: choosing the campaign one takes part in, none open, and
what staff are told when saving, opening, closing, marking decided or archiving a campaign."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "campaign.invalid": "Tệp đợt thi đua chưa đúng: {error}",
    "campaign.exists": "Đã có đợt thi đua mã «{code}». Vui lòng đặt mã khác.",
    "campaign.unknown": "Không có đợt thi đua mã «{code}».",
    "campaign.code_changed": "Không đổi được mã đợt «{code}» khi sửa. Vui lòng giữ mã cũ.",
    "campaign.moved": "Đợt «{code}» vừa được người khác chuyển sang «{status}». Vui lòng xem lại.",
    "campaign.past_deadline": "Đợt «{code}» đã quá hạn gửi hồ sơ, không mở được. Vui lòng sửa hạn trước.",
    "campaign.status.draft": "Bản nháp",
    "campaign.status.open": "Đang mở",
    "campaign.status.closed": "Đã hết hạn",
    "campaign.status.decided": "Đã có quyết định",
    "campaign.status.archived": "Đã lưu trữ",
    "campaign.ask": "Xã đang mở nhiều đợt thi đua. Bạn tham gia đợt nào?",
    "campaign.option": "{title} (hạn {deadline})",
    "campaign.gone": "Đợt thi đua bạn chọn vừa đóng. Mời chọn lại.",
    "campaign.none_open_new": "{demo}Xin chào! Đây là bot thi đua của {organiser}.\nHiện chưa có đợt thi đua nào đang mở nhận hồ sơ.\nBạn chưa đăng ký. Mời chọn:",
    "campaign.none_open_member": "{demo}Chào {name}! Bot thi đua {organiser}.\nHiện chưa có đợt thi đua nào đang mở nhận hồ sơ. Bạn muốn làm gì?",
    "campaign.none_open_short": "Hiện chưa có đợt thi đua nào đang mở nhận hồ sơ.",
    "menu.campaign": "Đổi đợt thi đua",
    "flow.campaign": "chọn đợt thi đua",
    "campaign.digest_of": "Đợt: «{title}»",
    "campaign.cli_unknown": "--campaign: không có đợt thi đua mã «{code}».",
    "campaign.cli_pick": "--campaign: đang mở nhiều đợt, vui lòng chọn một: {codes}.",
    "audit.entity.campaign": "Đợt thi đua",
    "audit.campaign.save": "Lưu bản nháp đợt thi đua",
    "audit.campaign.store_file": "Lưu đợt thi đua từ tệp cấu hình",
    "audit.campaign.open": "Mở đợt thi đua",
    "audit.campaign.closed": "Đóng đợt thi đua",
    "audit.campaign.decided": "Đánh dấu đợt đã có quyết định",
    "audit.campaign.archived": "Lưu trữ đợt thi đua",
}
