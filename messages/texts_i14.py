"""Texts of the paged lists: one phone screen a page, and a search by typing."""

TEXTS: dict[str, str] = {
    "page.where": "Trang {page}/{pages}.",
    "page.search_hint": "Gõ tên, mã hồ sơ hoặc tên đơn vị để tìm.",
    "page.found": "Tìm «{q}»: {n} hồ sơ.",
    "page.next": "Trang sau ▶",
    "page.prev": "◀ Trang trước",
    "page.all": "Xem lại tất cả",
    "page.more_on_list": "… và {n} hồ sơ khác trong danh sách.",
}
