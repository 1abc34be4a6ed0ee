"""The texts of the award step's documents: the council's minutes, the decision's
list, the certificates, and why one of them cannot be made yet. The decision's grounds and
articles and the certificate's layout are not here: they are campaign data.

Merged into documents/texts.py (its t() reads them)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- refusals (command line and chat) ---------------------------------------------------
    "award_doc.no_round": "Chưa có phiên xét nào của Hội đồng đã kết thúc, chưa lập được biên bản.",
    "award_doc.no_decision": "Chưa có quyết định khen thưởng nào được ghi (hoặc đã thu hồi hết).",
    "award_doc.no_template": "Tệp đợt thi đua chưa có mục [{section}]; chưa lập được tài liệu này.",
    # -- the minutes (biên bản xét khen thưởng) ----------------------------------------------
    "min.body_left": "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
    "min.title": "BIÊN BẢN",
    "min.subtitle": "Họp xét khen thưởng phong trào «{campaign}» (phiên số {number})",
    "min.opening": "Từ {opened} đến {closed}, {council} họp xét khen thưởng bằng hình thức bỏ phiếu qua bot thi đua của {organiser}, trên danh sách do {office} tổng hợp, thẩm định.",
    "min.I": "I. THÀNH PHẦN",
    "min.members": "Tổng số thành viên Hội đồng: {members}; số thành viên tham gia bỏ phiếu: {present}.",
    "min.member": "{i}. {name} — {voted}",
    "min.voted": "có bỏ phiếu",
    "min.not_voted": "không bỏ phiếu",
    "min.II": "II. NỘI DUNG VÀ KẾT QUẢ BỎ PHIẾU",
    "min.rules": "Quy định của Hội đồng: phiên xét có giá trị khi {quorum} tổng số thành viên tham gia bỏ phiếu; hồ sơ đạt khi {threshold} số thành viên tham gia bỏ phiếu đồng ý.",
    "min.share.more": "quá {pct}",
    "min.share.least": "từ {pct} trở lên",
    "min.half": "nửa",
    "min.considered": "Hội đồng xem xét {n} hồ sơ:",
    "min.col.award": "Hình thức",
    "min.col.agree": "Đồng ý",
    "min.col.disagree": "Không đồng ý",
    "min.col.more": "Xin ý kiến thêm",
    "min.col.result": "Kết quả",
    "min.result.passed": "Đạt",
    "min.result.failed": "Không đạt",
    "min.result.no_quorum": "Không đủ số thành viên",
    "min.III": "III. KẾT LUẬN",
    "min.quorum_met": "Phiên xét đủ số thành viên theo quy định. Có {passed}/{n} hồ sơ đạt.",
    "min.quorum_missed": "Phiên xét không đủ số thành viên theo quy định ({present}/{members}); chưa hồ sơ nào đạt.",
    "min.recommend": "Hội đồng đề nghị {grantor} tặng {award} cho {n} tập thể, cá nhân:",
    "min.recommend_line": "{i}. {nominee} ({unit})",
    "min.close": "Biên bản lập lúc {at}, gồm kết quả bỏ phiếu được lưu trong hệ thống.",
    "min.secretary": "THƯ KÝ",
    "min.chair": "CHỦ TỊCH HỘI ĐỒNG",
    # -- the decision ------------------------------------------------------------------------
    "dec.number": "Số: {number}",
    "dec.decides": "QUYẾT ĐỊNH:",
    "dec.group.collective": "{numeral}. TẬP THỂ ({n})",
    "dec.group.individual": "{numeral}. CÁ NHÂN ({n})",
    "dec.col.achievement": "Thành tích",
    # -- certificates --------------------------------------------------------------------------
    "cert.title": "GIẤY KHEN",
}
