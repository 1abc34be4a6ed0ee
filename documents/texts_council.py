"""The texts of the award step's documents: the council's minutes, the decision's
list, the certificates, and why one of them cannot be made yet. The decision's grounds and
articles and the certificate's layout are not here: they are campaign data.

Merged into documents/texts.py (its t() reads them)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- refusals (command line and chat) ---------------------------------------------------
    "award_doc.no_round": "Chưa có phiên xét nào của Hội đồng đã kết thúc, chưa lập được biên bản.",
    "award_doc.no_decision": "Chưa có quyết định khen thưởng nào được ghi (hoặc đã thu hồi hết).",
    "award_doc.no_such_decision": "Không có quyết định khen thưởng số {number} còn hiệu lực.",
    "award_doc.other_level": "Quyết định số {number} ({award}) do cấp trên ban hành: xã chỉ ghi nhận, không lập văn bản và Giấy khen cho quyết định này.",
    "award_doc.no_template": "Tệp đợt thi đua chưa có mục [{section}]; chưa lập được tài liệu này.",
    # -- the minutes (biên bản xét khen thưởng) ----------------------------------------------
    # the council's name on two lines, never broken inside «THI ĐUA - KHEN THƯỞNG»
    "min.body_left": "HỘI ĐỒNG\nTHI ĐUA - KHEN THƯỞNG",
    "min.number": "Số: {number}",
    "min.number_ref": "{number}/BB-HĐTĐKT",
    "min.title": "BIÊN BẢN",
    "min.subtitle": "Họp xét khen thưởng trong {campaign} (phiên số {number})",
    "min.opening": "Từ {opened} đến {closed}, {council} tiến hành xét khen thưởng bằng hình thức biểu quyết trực tuyến trên hệ thống thông tin thi đua, khen thưởng của {organiser}, trên cơ sở danh sách do {office} tổng hợp, thẩm định.",
    "min.chair_line": "Chủ trì: {name}{title}, Chủ tịch Hội đồng.",
    "min.secretary_line": "Thư ký: {name}{title}.",
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
    "min.award_group": "{n}. {award} ({count} hồ sơ)",
    "min.result.passed": "Đạt",
    "min.result.failed": "Không đạt",
    "min.result.no_quorum": "Không đủ số thành viên",
    "min.III": "III. KẾT LUẬN",
    "min.quorum_met": "Phiên xét đủ số thành viên theo quy định. Có {passed}/{n} hồ sơ đạt.",
    "min.quorum_missed": "Phiên xét không đủ số thành viên theo quy định ({present}/{members}); chưa hồ sơ nào đạt.",
    "min.recommend": "Hội đồng đề nghị {grantor} tặng {award} cho {awardees}:",
    "min.recommend_line": "{i}. {nominee} ({unit})",
    "min.close": "Biên bản được lập lúc {at}, khi kết thúc phiên xét; kết quả biểu quyết được lưu trong hệ thống.",
    "min.secretary": "THƯ KÝ",
    "min.chair": "CHỦ TỊCH HỘI ĐỒNG",
    # -- the decision ------------------------------------------------------------------------
    "dec.number": "Số: {number}",
    "dec.decides": "QUYẾT ĐỊNH:",
    "dec.group.collective": "{numeral}. TẬP THỂ ({n})",
    "dec.group.household": "{numeral}. HỘ GIA ĐÌNH ({n})",
    "dec.group.individual": "{numeral}. CÁ NHÂN ({n})",
    "dec.col.achievement": "Thành tích",
    # -- certificates --------------------------------------------------------------------------
    "cert.title": "GIẤY KHEN",
}
