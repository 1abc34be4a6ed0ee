"""Texts of the shorter journeys: forgiving words, voice notes, download links."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- navigation -----------------------------------------------------------------------
    "hint.multi_preset": "Đúng thì bấm «Xong» (hoặc gõ «ok»); muốn đổi thì gõ các số, ví dụ: 1 3.",
    "hint.photo_one": "Gửi ảnh (một hoặc nhiều), hoặc chọn «Bỏ qua» nếu không có ảnh.",
    "err.yes_no": "Trả lời «có» hoặc «không» (gõ «co», «ko» cũng được), hoặc số, ví dụ: 2.",
    "err.choice_example": "Gõ số thứ tự, ví dụ: 1, hoặc tên mục, ví dụ: «{example}».",
    "err.voice_here": "Bước này cần gõ chữ hoặc số, không nhận ghi âm.",
    "voice.label": "[ghi âm {duration}]",
    "zalo.voice": "{caption} — bản ghi âm nghe được trên Telegram hoặc trang quản lý.",
    # -- nomination, shorter ----------------------------------------------------------------
    "menu.nominate_new": "Đề cử gương điển hình",
    "nom.who": "Bạn muốn đề cử ai? Gõ tên, ví dụ: Hộ ông Nguyễn Văn A",
    "nom.kind_of": "«{nominee}» thuộc đối tượng nào?",
    "nom.unit_preset": "Thuộc đơn vị nào? Gợi ý: {unit} (thôn của bạn).",
    "nom.unit_mine": "{unit} (thôn của bạn)",
    "nom.unit_other": "Thôn / đơn vị khác",
    "nom.unit_pick": "Chọn thôn / đơn vị:",
    "nom.contents_suggest": "Nội dung thi đua (gợi ý theo thành tích bạn kể):",
    "nom.change_unit": "Đổi thôn / đơn vị",
    "nom.change_category": "Đổi đối tượng",
    "prop.who": "Đề nghị khen thưởng của {unit}.\nĐề nghị cho ai? Gõ tên, ví dụ: Hộ ông Nguyễn Văn A",
    "nom.reg_name": "Đề cử gương điển hình.\nHọ và tên của bạn? (ví dụ: Nguyễn Văn Bình)",
    "nom.reg_unit": "Bạn ở thôn nào?",
    "nom.photo_added": "Đã nhận {n}/{max} ảnh.",
    "nom.registered": "Đã ghi nhận bạn: {name} ({unit}).",
    # -- unit report: several figures in one message ----------------------------------------
    "rep.figures_all": "Báo cáo của {unit}: gõ {n} số liệu trong MỘT tin nhắn, theo thứ tự dưới đây (mỗi số một dòng, hoặc «1) 12 2) 5 …»; «-» là bỏ qua):\n{lines}",
    "rep.figures_again": "Mời gõ lại {n} số liệu theo thứ tự ở trên, trong một tin nhắn.",
    "rep.figures_line": "{i}) {label} ({measure}){before}",
    "rep.figures_before": " — trước: {value}",
    "rep.figures_count": "Bạn gõ {got} số liệu, cần {n}. Ví dụ: 12, 5, 300m … hoặc 1) 12 2) 5 3) 300m …; «-» là bỏ qua.",
    "rep.figures_bad": "Số liệu {i} ({label}) chưa hiểu: «{value}». Ví dụ: 12, 300m, 60 triệu.",
    # -- digest -----------------------------------------------------------------------------
    "digest.reports": "Báo cáo đơn vị đã nhận: {n}.",
    # -- Zalo files by link -----------------------------------------------------------------
    "download.bad": "Liên kết tải không đúng hoặc đã hết hạn. Xin yêu cầu tệp lại trong chat.",
    "download.used": "Liên kết này đã được dùng. Xin yêu cầu tệp lại trong chat.",
    "export.link": "Tải «{name}» tại: {url}\n(Liên kết dùng một lần, hết hạn sau {minutes} phút.)",
}
