"""The province console's texts: its sign-in links and their refusals, adding a province
administrator on the command line, and what «Thêm xã» refuses."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # sign-in pages of the province console (a new link comes from the server's operator)
    "province_web.link_unknown": "Liên kết này không đúng. Xin người quản trị máy chủ tạo liên kết mới.",
    "province_web.link_used": "Mỗi liên kết chỉ dùng được một lần. Xin người quản trị máy chủ tạo liên kết mới.",
    "province_web.link_expired": "Liên kết chỉ dùng được trong 24 giờ. Xin người quản trị máy chủ tạo liên kết mới.",
    # python -m bot province admin add "<name>"
    "province_web.admin_added": "Đã thêm quản trị viên cấp tỉnh: {name} (số {id}).",
    "province_web.admin_link": "Trang của tỉnh (liên kết dùng một lần, trong 24 giờ):\n{link}",
    "province_web.no_host": "PROVINCE_HOST: chưa đặt địa chỉ trang của tỉnh trong .env (ví dụ tinh.thidua.example).",
    "province_web.no_admin": "Không có quản trị viên cấp tỉnh số {id}.",
    "province_web.name_bad": "Xin ghi họ và tên (2 đến 120 ký tự, ít nhất 2 chữ cái).",
    "province_web.phone_bad": "Số điện thoại gồm 9 đến 15 chữ số.",
    "province_web.phone_taken": "Số điện thoại {phone} đã là của một quản trị viên cấp tỉnh.",
    # «Thêm xã»
    "province_web.host_needed": "Xin ghi địa chỉ trang quản lý của xã (ví dụ: tranninh.thidua.example).",
    "province_web.host_is_province": "«{host}» là địa chỉ trang của tỉnh. Xin chọn địa chỉ khác cho xã.",
}
