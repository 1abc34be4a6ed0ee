"""Chat texts of a unit's achievement report and its award proposals (heads), and what heads browse."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- a unit's report -----------------------------------------------------------------------
    "rep.figure": "Báo cáo {unit} — nội dung {i}/{n}: {content}\n{figure} ({measure})?",
    "rep.figure_before": "\nLần trước: {value}. Bỏ qua để giữ số cũ.",
    "rep.narrative": "Tóm tắt kết quả nổi bật của đơn vị trong đợt thi đua (việc làm, cách làm, kết quả):",
    "rep.narrative_update": "Tóm tắt kết quả nổi bật của đơn vị (viết lại), hoặc bỏ qua để giữ bản cũ:",
    "rep.photos": "Gửi ảnh minh chứng (tối đa {max} ảnh).",
    "rep.send": "Gửi báo cáo",
    "rep.summary": "Kiểm tra báo cáo {unit}{update}:\n{figures}• Tóm tắt: {narrative}\n• Ảnh mới: {photos}",
    "rep.summary_update": " (cập nhật {ref})",
    "rep.line": "• {content}: {figures}\n",
    "rep.no_figures": "• Chưa có số liệu.\n",
    "rep.done": "Đã gửi báo cáo, mã {ref}. Có thể cập nhật đến hết hạn.",
    "rep.updated": "Đã cập nhật báo cáo {ref} (phiên bản {version}). Bản trước vẫn được lưu.",
    "rep.detail": "\nPhiên bản {version}, cập nhật {at}\n{figures}• Tóm tắt: {narrative}\n• Ảnh: {photos}",
    "rep.view": "{ref} — Báo cáo {unit}\nTrạng thái: {status}",
    "rep.figures_all": "Báo cáo của {unit}: gõ {n} số liệu trong MỘT tin nhắn, theo thứ tự dưới đây (mỗi số một dòng, hoặc «1) 12 2) 5 …»; «-» là bỏ qua):\n{lines}",
    "rep.figures_again": "Mời gõ lại {n} số liệu theo thứ tự ở trên, trong một tin nhắn.",
    "rep.figures_line": "{i}) {label} ({measure}){before}",
    "rep.figures_before": " — trước: {value}",
    "rep.figures_count": "Bạn gõ {got} số liệu, cần {n}. Ví dụ: 12, 5, 300m … hoặc 1) 12 2) 5 3) 300m …; «-» là bỏ qua.",
    "rep.figures_bad": "Số liệu {i} ({label}) chưa hiểu: «{value}». Ví dụ: 12, 300m, 60 triệu.",
    # -- an award proposal ---------------------------------------------------------------------
    "prop.category": "Đề nghị khen thưởng của {unit}.\nĐối tượng đề nghị là?",
    "prop.vote": "Đơn vị đã bình xét, lựa chọn thế nào? (ví dụ: họp thôn ngày 10/11, 25/30 hộ nhất trí)",
    "prop.summary_vote": "\n• Bình xét: {vote}",
    "prop.send": "Gửi đề nghị",
    "prop.done": "Đã gửi đề nghị khen thưởng, mã hồ sơ {ref}. Văn phòng xã sẽ thẩm định và báo kết quả.",
    "prop.detail_vote": "\nBình xét: {vote}",
    "prop.who": "Đề nghị khen thưởng của {unit}.\nĐề nghị cho ai? Gõ tên, ví dụ: Hộ ông Nguyễn Văn A",
    # -- what heads browse ---------------------------------------------------------------------
    "browse.unit_noms": "Đề cử của người dân về đơn vị ({n}). Chọn để xem:",
    "browse.unit_noms.empty": "Chưa có đề cử nào về đơn vị của bạn.",
    "browse.reports": "Báo cáo các đơn vị ({n}). Chọn để xem:",
    "browse.reports.empty": "Chưa đơn vị nào gửi báo cáo.",
}
