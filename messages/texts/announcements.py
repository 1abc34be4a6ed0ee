"""Chat texts of announcements, opting out and back in, village groups, reminders."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- announcements: the command line -------------------------------------------------------
    "announce.preview": "Sẽ gửi tới {members} người và {groups} nhóm thôn.",
    "announce.queued": "Thông báo số {id} đã vào hàng gửi: {members} người, {groups} nhóm thôn.",
    # -- announcements: staff in chat ----------------------------------------------------------
    "ann.ask_text": "Nội dung thông báo? (tối đa 3000 ký tự)",
    "ann.ask_photo": "Gửi một ảnh kèm thông báo (không bắt buộc).",
    "ann.ask_audience": "Gửi tới ai?",
    "ann.aud.all": "Mọi người",
    "ann.aud.unit": "Một hoặc vài đơn vị",
    "ann.aud.heads": "Chỉ trưởng thôn, trưởng đơn vị",
    "ann.aud.residents": "Người dân của thôn",
    "ann.aud.drafts": "Người đang khai dở hồ sơ",
    "ann.aud.no-submission": "Người chưa gửi hồ sơ nào",
    "ann.ask_units.unit": "Chọn đơn vị (nhóm thôn đã liên kết cũng nhận):",
    "ann.ask_units.residents": "Người dân của thôn nào?",
    "ann.preview": "Xem lại thông báo:\n• Gửi tới: {who}\n• Số người nhận: {members}\n• Nhóm thôn: {groups}{photo}\n\n{text}",
    "ann.with_photo": "\n• Kèm 1 ảnh",
    "ann.send": "Gửi thông báo",
    "ann.queued": "Thông báo số {id} đã vào hàng gửi: {members} người, {groups} nhóm thôn. Xem kết quả: /ketquatin",
    "ann.fig.head": "Kết quả gửi thông báo:\n{body}\nSố người đã chặn bot (không nhận được tin): {unreachable}",
    "ann.fig.line": "• Số {id} ({at}) «{text}»: {members} người, {groups} nhóm — đã gửi {sent}, chờ gửi {queued}, lỗi {failed}, bị chặn {unreachable}",
    "ann.fig.none": "Chưa có thông báo nào.",
    "ann.fig.oa": "  Zalo OA: gửi theo mẫu {templated}, chuyển sang kênh khác {rerouted}, chờ vì ngoài khung 48 giờ {window} (gửi khi họ nhắn lại)",
    "ann.retry": "Gửi lại tin lỗi (số {id})",
    "ann.retried": "Đã đưa {rows} tin lỗi của thông báo số {id} vào hàng gửi lại.",
    "ann.empty": "Thông báo chưa có nội dung.",
    "ann.unknown": "Không có thông báo số {id}.",
    # -- opting out and back in ----------------------------------------------------------------
    "optout.done": "Đã dừng gửi thông báo và lời nhắc cho bạn. Kết quả hồ sơ của bạn vẫn được báo. Muốn nhận lại: /nhanlaitin",
    "optin.done": "Bạn sẽ nhận lại thông báo và lời nhắc của phong trào.",
    # -- village groups ------------------------------------------------------------------------
    "group.linked": "Đã liên kết nhóm này với {unit}. Thông báo gửi cho {unit} sẽ được gửi vào nhóm.",
    "group.which_unit": "Xin ghi mã đơn vị sau lệnh, ví dụ: /lienketthon T01",
    "group.bad_unit": "Không có đơn vị {unit}. Xin ghi đúng mã đơn vị, ví dụ: /lienketthon T01",
    "group.denied": "Chỉ trưởng thôn (hoặc cán bộ văn phòng) mới liên kết được nhóm với thôn. Xin nhắn riêng cho bot để đăng ký.",
    # -- reminders -----------------------------------------------------------------------------
    "remind.days_left": "Còn {days} ngày nữa là hết hạn gửi hồ sơ ({deadline}).",
    "remind.last_day": "Hôm nay là hạn cuối gửi hồ sơ ({deadline}).",
    "remind.no_report": "Đơn vị {unit} chưa gửi báo cáo thành tích.",
    "remind.stale_report": "Báo cáo của {unit} chưa cập nhật từ {updated}. Xin cập nhật nếu có thành tích mới.",
    "remind.draft": "Bạn còn một {flow} chưa gửi.",
    "remind.how_menu": "Chọn «{label}» bên dưới để làm tiếp.",
    "remind.how_menu_plain": "Mở menu (/menu) để gửi.",
    "remind.how_flow": "Trả lời câu hỏi dưới đây để làm tiếp:",
    "remind.how_flow_long": "Trả lời tiếp câu hỏi đang dở (gõ «quay lai» để xem lại câu trước).",
    "remind.draft_item": "Bạn còn {flow} «{item}» chưa gửi.",
    "remind.closed_draft": "Đã hết hạn gửi hồ sơ ({deadline}). {flow} bạn đang soạn dở không gửi được nữa. Cảm ơn bạn đã tham gia.",
    "remind.why.no_report": "chưa gửi báo cáo",
    "remind.why.stale_report": "báo cáo chưa cập nhật từ {updated}",
    "remind.why.draft": "còn {flow} chưa gửi (bước {step})",
    "remind.cli_line": "{name} · {role} · {unit} · #{id}: {why}",
    "remind.cli_none": "Không có ai cần nhắc lúc {at}.",
    "remind.cli_head": "Nhắc lúc {at} ({slot}):",
    # how long sending takes, and what goes paid above Telegram's free 30 a second
    "ann.headroom.free": "\n• Số tin: {messages}, gửi hết trong khoảng {duration} (miễn phí tối đa 30 tin mỗi giây).",
    "ann.headroom.slow": "\n• Số tin: {messages}, gửi hết trong khoảng {duration} (miễn phí tối đa 30 tin mỗi giây; {over} tin phải chờ quá {after} giây, chưa bật gửi trả phí).",
    "ann.headroom.paid": "\n• Số tin: {messages}; {paid} tin vượt mức miễn phí 30 tin mỗi giây sẽ gửi trả phí, khoảng {stars} Sao Telegram; gửi hết trong khoảng {duration}.",
}
