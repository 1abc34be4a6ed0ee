"""Campaign texts for tests: the bundled campaign file, and other campaigns made from it with
their own code, titles and dates (a second campaign of the same commune)."""

from __future__ import annotations

from pathlib import Path

CAMPAIGN_FILE = Path(__file__).resolve().parent.parent / "campaigns" / "tran-ninh-2024.toml"


def file_text() -> str:
    return CAMPAIGN_FILE.read_text(encoding="utf-8")


def campaign_text(
    code: str,
    *,
    short_title: str = "Thi đua sản xuất vụ đông",
    opens_on: str = "2024-10-01",
    deadline_on: str = "2024-12-20",
) -> str:
    """Another campaign of the same commune: the bundled one under another code, short title
    and window."""
    text = file_text()
    replaced = (
        text.replace('code = "tran-ninh-2024"', f'code = "{code}"', 1)
        .replace(
            'short_title = "Thi đua chào mừng 60 năm huyện Văn Quan"', f'short_title = "{short_title}"', 1
        )
        .replace("opens_on = 2024-02-28", f"opens_on = {opens_on}", 1)
        .replace("deadline_on = 2024-11-30", f"deadline_on = {deadline_on}", 1)
    )
    assert replaced.count(code) >= 1 and f"deadline_on = {deadline_on}" in replaced
    return replaced


def open_two_campaigns(db, now, second: str = "vu-dong-2024", *, close_first: bool = False) -> None:
    """The file's campaign stored as the commune's first (open), and `second` made from it and
    opened after it; with close_first, the first then closed (past its deadline)."""
    from sqlmodel import Session

    from domain import campaigns as ops
    from domain.campaign import parse_campaign_text
    from domain.uow import UnitOfWork

    from .seed import console_member

    with Session(db) as s:
        uow = UnitOfWork(s, now)
        ops.store_file_campaign(uow, parse_campaign_text(file_text()), file_text())
        clerk = console_member(s, "Cán bộ Văn phòng", "staff", "staff-campaigns", now)
        if second:
            ops.save_draft(uow, clerk, campaign_text(second))
            ops.open_campaign(uow, clerk, second)
        if close_first:
            ops.close_campaign(uow, clerk, "tran-ninh-2024")
        s.commit()
