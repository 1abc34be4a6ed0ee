"""Every audit action as people read it («audit.<action>»), beside documents/texts.py's own (the
workbook's: submissions and members): documents.texts.t reads both, for the workbook's audit sheet
and the dossier's trail alike, and the web console's log reads them too; a web action's channel
is said once."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "audit.review.skip": "Để sau (thẩm định)",
    "audit.citation": "Sửa trích yếu thành tích",
    "audit.council.open": "Mở phiên xét của Hội đồng",
    "audit.council.close": "Kết thúc phiên xét của Hội đồng",
    "audit.council.vote": "Bỏ phiếu bình xét",
    "audit.decision.record": "Ghi quyết định khen thưởng",
    "audit.decision.withdraw": "Thu hồi quyết định khen thưởng",
    "audit.honours.announce": "Thông báo gương điển hình",
    "audit.announce.send": "Gửi thông báo",
    "audit.launch.send": "Gửi thông báo phát động",
    "audit.announce.retry": "Gửi lại tin lỗi",
    "audit.group.link": "Liên kết nhóm thôn",
    "audit.identity.reachable": "Nhận lại tin (đã nhắn lại bot)",
    "audit.member.opt_out": "Đổi việc nhận tin",
    "audit.slot.run": "Gửi nhắc việc, tổng hợp theo lịch",
    "audit.slot.skip": "Bỏ qua lượt nhắc theo lịch",
    "audit.invite.create.role": "Tạo mã mời",
    "audit.province.invite_staff": "Tỉnh mời cán bộ đầu tiên của xã",
    "audit.invite.create.link": "Tạo mã liên kết tài khoản",
    "audit.invite.use.role": "Dùng mã mời",
    "audit.invite.use.link": "Liên kết thêm tài khoản",
    "audit.web.decide": "Thẩm định",
    "audit.web.shortlist": "Đưa vào danh sách trình Hội đồng",
    "audit.web.unlist": "Bỏ khỏi danh sách trình Hội đồng",
    "audit.web.export": "Xuất tài liệu",
    "audit.web.invite": "Tạo mã mời",
    "audit.web.role": "Đổi vai trò",
    "audit.web.signin": "Đăng nhập",
    "audit.web.signout": "Đăng xuất",
    "audit.web.link": "Tạo liên kết đăng nhập",
    "audit.web.vote": "Bỏ phiếu bình xét",
    "audit.web.council_open": "Mở phiên xét của Hội đồng",
    "audit.web.council_close": "Kết thúc phiên xét của Hội đồng",
    "audit.web.invitation": "Tải giấy mời",
    "audit.web.decision_record": "Ghi quyết định khen thưởng",
    "audit.web.decision_withdraw": "Thu hồi quyết định khen thưởng",
    "audit.other": "Thao tác trên hồ sơ",
}
