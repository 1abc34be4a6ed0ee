"""`python -m bot export --campaign CODE`: the campaign named, by default the only open one; with
two open the command asks which; each campaign's workbook holds its own dossiers."""

from __future__ import annotations

from openpyxl import load_workbook

from bot.cli import main as cli_main
from domain.campaign import parse_campaign_text

from .campaign_texts import campaign_text, open_two_campaigns
from .test_exports import SHEETS, Seed, cli_env  # noqa: F401  (cli_env: the fixture)

WINTER = "vu-dong-2024"


def names_in(path) -> set[str]:
    sheet = load_workbook(path)[SHEETS[0]]
    return {
        str(c.value)
        for row in sheet.iter_rows()
        for c in row
        if c.value and str(c.value).startswith("Hộ ông")
    }


def test_export_asks_which_campaign_when_two_are_open_and_exports_each(
    cli_env, db, campaign, clock, tmp_path, capsys
):
    open_two_campaigns(db, clock.now(), WINTER)
    Seed(db, campaign, clock.now()).sub("Hộ ông Một")
    Seed(db, parse_campaign_text(campaign_text(WINTER)), clock.now()).sub("Hộ ông Hai")
    out = tmp_path / "th.xlsx"
    assert cli_main(["export", "--format", "xlsx", "--out", str(out)]) == 2
    assert "đang mở nhiều đợt, vui lòng chọn một: vu-dong-2024, tran-ninh-2024" in capsys.readouterr().err
    assert not out.exists()
    assert cli_main(["export", "--format", "xlsx", "--campaign", WINTER, "--out", str(out)]) == 0
    assert names_in(out) == {"Hộ ông Hai"}
    assert cli_main(["export", "--format", "xlsx", "--campaign", "tran-ninh-2024", "--out", str(out)]) == 0
    assert names_in(out) == {"Hộ ông Một"}
    assert cli_main(["export", "--format", "xlsx", "--campaign", "khong-co", "--out", str(out)]) == 2
    assert "không có đợt thi đua mã «khong-co»" in capsys.readouterr().err


def test_export_defaults_to_the_only_open_campaign(cli_env, db, campaign, clock, tmp_path):
    open_two_campaigns(db, clock.now(), WINTER, close_first=True)
    Seed(db, campaign, clock.now()).sub("Hộ ông Một")
    Seed(db, parse_campaign_text(campaign_text(WINTER)), clock.now()).sub("Hộ ông Hai")
    out = tmp_path / "th.xlsx"
    assert cli_main(["export", "--format", "xlsx", "--out", str(out)]) == 0
    assert names_in(out) == {"Hộ ông Hai"}
