"""User texts of announcements, opt-out and village groups (merged into the one catalog)."""

TEXTS: dict[str, str] = {
    "announce.preview": "Sẽ gửi tới {members} người và {groups} nhóm thôn.",
    "announce.queued": "Thông báo số {id} đã vào hàng gửi: {members} người, {groups} nhóm thôn.",
}
