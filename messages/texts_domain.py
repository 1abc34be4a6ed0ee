"""Texts of the domain's refusals that the chat did not have before."""

TEXTS: dict[str, str] = {
    "rev.reason_needed": "Xin ghi lý do (để người gửi biết cần làm gì).",
}
