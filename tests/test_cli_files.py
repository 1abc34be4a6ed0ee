"""The command line with a file it cannot write or read: one line of Vietnamese on stderr and
exit code 2, never a traceback (an --out under a regular file, a campaign file that is not
UTF-8)."""

from __future__ import annotations

import re

import pytest

from .test_config import run_cli


def said(stderr: str) -> list[str]:
    """What the command said, apart from log lines (the database is migrated already)."""
    return [line for line in stderr.strip().splitlines() if line and not re.match(r"^\d{4}-\d\d-\d\d ", line)]


@pytest.mark.parametrize(
    "args",
    [
        ["digest", "--chart", "{blocked}/chart.png"],
        ["export", "--format", "xlsx", "--out", "{blocked}/tong-hop.xlsx"],
        ["invitation", "--out", "{blocked}/giay-moi.pdf"],
        ["backup", "--out", "{blocked}/sao-luu.tar.gz"],
    ],
    ids=["digest-chart", "export-out", "invitation-out", "backup-out"],
)
def test_an_output_path_under_a_regular_file_is_one_line_and_exit_2(tmp_path, db_path, args):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    env = {"DATABASE_URL": f"sqlite:///{db_path}", "TELEGRAM_BOT_USERNAME": "thidua_tranninh_bot"}
    out = run_cli([a.format(blocked=blocked) for a in args], tmp_path, env=env)
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 2, (out.returncode, out.stderr)
    lines = said(out.stderr)
    assert len(lines) == 1 and "Không ghi" in lines[0] and str(blocked) in lines[0], out.stderr


def test_a_campaign_file_that_is_not_utf8_is_one_line_and_exit_2(tmp_path, db_path):
    bad = tmp_path / "chien-dich.toml"
    bad.write_bytes('name = "Thi đua"\n'.encode("cp1258", errors="replace") + b"\xff\xfe\n")
    out = run_cli(
        ["digest"], tmp_path, env={"CAMPAIGN_FILE": str(bad), "DATABASE_URL": f"sqlite:///{db_path}"}
    )
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 2
    lines = said(out.stderr)
    assert len(lines) == 1 and "UTF-8" in lines[0] and "chien-dich.toml" in lines[0], out.stderr
