"""The texts of the documents the office prints and files: the workbook's sheets and columns,
the audit log in words, the digest's chart, the Decree 30/2020 headings, the list, the Tờ trình and the
achievement report forms, and why an export cannot be made. Apart from the chat catalog.

`t("key", **values)` reads these texts first, then the chat catalog for the words both
share (statuses, kinds of submission, roles, quota groups, the names of the exports);
a missing key or value is a bug and raises.
"""

from __future__ import annotations

from messages import catalog

TEXTS: dict[str, str] = {
    # -- why an export cannot be made (shown as it is, in chat or on the command line) ------
    "export.nothing": "Chưa có hồ sơ nào để xuất {what}.",
    "export.no_ref": "Không có hồ sơ {ref} đạt hoặc trong danh sách Hội đồng.",
    "export.no_quota_award": "Tệp đợt thi đua chưa có hình thức khen thưởng nào có chỉ tiêu.",
    "export.proposal_empty": "Chưa có hồ sơ nào trong danh sách Hội đồng đề nghị {award}.",
    "export.over_quota": "Vượt chỉ tiêu {award}: {group} có {n}, tối đa {max}. Xin bỏ bớt khỏi danh sách Hội đồng rồi xuất lại.",
    # -- the workbook (XLSX): sheets, columns, the audit log in words ----------------------
    "xlsx.sheet.submissions": "Đề cử - Đề nghị",
    "xlsx.sheet.reports": "Báo cáo thành tích",
    "xlsx.sheet.audit": "Nhật ký",
    "xlsx.col.stt": "STT",
    "xlsx.col.ref": "Mã hồ sơ",
    "xlsx.col.kind": "Loại hồ sơ",
    "xlsx.col.category": "Đối tượng",
    "xlsx.col.nominee": "Tên tập thể, cá nhân",
    "xlsx.col.unit": "Thôn, đơn vị",
    "xlsx.col.contents": "Nội dung thi đua",
    "xlsx.col.achievements": "Thành tích",
    "xlsx.col.checks": "Tiêu chí đã khai",
    "xlsx.col.flags": "Lưu ý thẩm định",
    "xlsx.col.proposed_award": "Hình thức đề nghị",
    "xlsx.col.shortlist_award": "Hội đồng xét chọn",
    "xlsx.col.status": "Trạng thái",
    "xlsx.col.submitter": "Người gửi",
    "xlsx.col.submitted_at": "Ngày gửi",
    "xlsx.col.reviewer": "Người xử lý gần nhất",
    "xlsx.col.reviewed_at": "Ngày xử lý",
    "xlsx.col.reason": "Lý do",
    "xlsx.col.photos": "Ảnh minh chứng",
    "xlsx.col.version": "Phiên bản",
    "xlsx.col.updated_at": "Cập nhật lúc",
    "xlsx.col.report_text": "Nội dung báo cáo",
    "xlsx.col.figure": "ND{n}. {label} ({unit})",
    "xlsx.col.at": "Thời gian",
    "xlsx.col.actor": "Người thực hiện",
    "xlsx.col.action": "Việc đã làm",
    "xlsx.col.entity_id": "Hồ sơ, đối tượng",
    "audit.status": "Chuyển trạng thái",
    "audit.nomination.create": "Gửi đề cử",
    "audit.proposal.create": "Gửi đề nghị",
    "audit.report.create": "Gửi báo cáo",
    "audit.nomination.update": "Sửa đề cử",
    "audit.proposal.update": "Sửa đề nghị",
    "audit.report.update": "Cập nhật báo cáo",
    "audit.member.register": "Đăng ký",
    "audit.member.role": "Đổi vai trò",
    "audit.entity.member": "Thành viên",
    "audit.entity.invite": "Mã mời",
    "audit.field.shortlist_award": "Hội đồng xét chọn",
    "audit.field.proposed_award": "hình thức đề nghị",
    "audit.field.role": "vai trò",
    "audit.field.unit": "thôn, đơn vị",
    "audit.field.channel": "kênh",
    "audit.field.expires_at": "hết hạn",
    "audit.field.category": "đối tượng",
    "audit.field.nominee": "tên",
    "audit.field.contents": "nội dung",
    "audit.field.achievements": "thành tích",
    "audit.field.answers": "số liệu, tiêu chí",
    "audit.field.flags": "lưu ý",
    "audit.field.version": "phiên bản",
    "xlsx.system": "Hệ thống",
    # -- the Word documents (Decree 30/2020 layout): headings, the list, the Tờ trình,
    #    the achievement report forms ------------------------------------------------------
    "doc.national": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "doc.motto": "Độc lập - Tự do - Hạnh phúc",
    "doc.number": "Số: ......../TTr-UBND",
    "doc.place_date": "{place}, ngày {day} tháng {month} năm {year}",
    "doc.on_behalf": "TM. ỦY BAN NHÂN DÂN",
    "doc.recipients": "Nơi nhận:",
    "doc.archive": "- Lưu: VT.",
    "doc.as_above": "- Như trên;",
    "doc.recipient": "- {name};",
    "doc.dots": "..............................................................................................",
    "doc.col.stt": "STT",
    "doc.col.nominee": "Tên tập thể, cá nhân",
    "doc.col.unit": "Thôn, đơn vị",
    "doc.col.summary": "Tóm tắt thành tích",
    "doc.col.status": "Trạng thái",
    "list.title": "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
    "list.subtitle": "Trong {campaign}",
    "list.for_council": "(Trình {council} xem xét)",
    "list.award": "{numeral}. {award}",
    "list.no_award": "Chưa chọn hình thức khen thưởng",
    "list.category": "{n}. {category} ({count})",
    "list.total": "Tổng cộng: {n} hồ sơ ({collective} tập thể, {individual} cá nhân).",
    "prop.title": "TỜ TRÌNH",
    "prop.subject": "Về việc đề nghị tặng {award} cho các tập thể, cá nhân có thành tích xuất sắc trong {campaign}",
    "prop.to": "Kính gửi: {grantor} {district}.",
    "prop.basis_law": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "prop.basis_decree": "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
    "prop.basis_plan": "Căn cứ Kế hoạch số {number} ngày {date} của {issuer} về {campaign};",
    "prop.basis_council": "Căn cứ Biên bản họp xét khen thưởng số ........ ngày ....../....../.......... của {council},",
    "prop.body": "{organiser} kính trình {grantor} {district} xem xét, tặng {award} cho {collective} tập thể và {individual} cá nhân đã có thành tích xuất sắc trong {campaign}, cụ thể như sau:",
    "prop.group": "{n}. {group_label} ({count})",
    "prop.group.collective": "Tập thể",
    "prop.group.individual": "Cá nhân",
    "prop.attached": "(Có báo cáo thành tích và Biên bản họp xét của {council} kèm theo.)",
    "prop.close": "{organiser} kính trình {grantor} {district} xem xét, quyết định./.",
    "rep.title": "BÁO CÁO THÀNH TÍCH",
    "rep.subtitle": "Đề nghị tặng {award}",
    "rep.period": "(Thành tích trong {campaign}, từ ngày {start} đến ngày {end})",
    "rep.collective.name": "Tên tập thể đề nghị: {nominee}",
    "rep.individual.name": "Họ và tên: {nominee}",
    "rep.collective.I": "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
    "rep.collective.I.1": "1. Đặc điểm, tình hình (trụ sở, quá trình thành lập và phát triển, đặc điểm chính):",
    "rep.collective.I.2": "2. Tổ chức, bộ máy:",
    "rep.individual.I": "I. SƠ LƯỢC LÝ LỊCH",
    "rep.individual.birth": "- Sinh ngày, tháng, năm: ....../....../..........   Giới tính: ..........",
    "rep.individual.home": "- Quê quán: ..........................................................................",
    "rep.individual.residence": "- Trú quán: ..........................................................................",
    "rep.individual.position": "- Chức vụ (Đảng, chính quyền, đoàn thể): ...................................................",
    "rep.individual.training": "- Trình độ chuyên môn, nghiệp vụ: .......................................................",
    "rep.unit": "- Thôn, đơn vị: {unit}",
    "rep.category": "- Đối tượng: {category} (tiêu chuẩn mục {clause} của Kế hoạch)",
    "rep.II": "II. THÀNH TÍCH ĐẠT ĐƯỢC",
    "rep.collective.II.1": "1. Chức năng, nhiệm vụ được giao:",
    "rep.individual.II.1": "1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận:",
    "rep.II.2": "2. Thành tích đạt được:",
    "rep.contents": "Nội dung thi đua: {contents}.",
    "rep.checks": "{label}: {value}.",
    "rep.figures": "Số liệu theo báo cáo của {unit} ({ref}, phiên bản {version}):",
    "rep.figure_line": "- {label}: {value} {unit}",
    "rep.collective.II.3": "3. Biện pháp, nguyên nhân đạt được thành tích:",
    "rep.III": "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
    "rep.sign.confirm": "XÁC NHẬN, ĐỀ NGHỊ",
    "rep.sign.collective": "THỦ TRƯỞNG ĐƠN VỊ",
    "rep.sign.individual": "NGƯỜI BÁO CÁO THÀNH TÍCH",
    "rep.sign.hint": "(Ký, ghi rõ họ và tên)",  # -- the digest's chart ------------------------------------------------------------------
    "chart.title": "Hồ sơ theo đơn vị — {at}",
    "chart.ylabel": "Số hồ sơ",
}

from documents.texts_council import TEXTS as _COUNCIL  # noqa: E402  (award documents)

TEXTS.update(_COUNCIL)


def t(key: str, **values: object) -> str:
    text = TEXTS.get(key)
    return catalog.t(key, **values) if text is None else text.format(**values)


def has(key: str) -> bool:
    return key in TEXTS or catalog.has(key)
