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
