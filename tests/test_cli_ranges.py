"""Extreme settings and command-line values end in one line naming them and an
exit code, never a traceback (python -m bot as its own process)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import CAMPAIGN_FILE, ROOT


def run_bot(tmp_path, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_"))
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
            "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
            "MEDIA_DIR": str(tmp_path / "media"),
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args, env, code, line",
    [
        (
            ["migrate"],
            {"CAMPAIGN_DEADLINE": "9999-12-31"},
            2,
            "CAMPAIGN_DEADLINE: a date between 2000 and 2100",
        ),
        (
            ["invite", "--unit", "T01", "--role", "head", "--days", "3000000"],
            {},
            2,
            "--days: between 1 and 365 days, not 3000000",
        ),
        (
            ["invite", "--unit", "T01", "--role", "head", "--days", "0"],
            {},
            2,
            "--days: between 1 and 365 days, not 0",
        ),
        (
            ["remind", "--dry-run", "--at", "0001-01-01T00:00"],
            {},
            2,
            "--at: a date between 2000 and 2100, not 0001-01-01T00:00:00",
        ),
        (["digest", "--at", "9999-12-31T23:59"], {}, 2, "--at: a date between 2000 and 2100"),
        (
            ["migrate"],
            {"DATABASE_URL": "postgresql://thidua:pw-never-shown@127.0.0.1:1/x"},
            1,
            "DATABASE_URL: the database cannot be used (connection failed",
        ),
        (["migrate"], {"DATABASE_URL": "mysql-ish://x"}, 1, "DATABASE_URL: the database cannot be used"),
        (["migrate"], {"ZALO_RATE": "1e9"}, 2, "ZALO_RATE: "),
        (
            ["migrate"],
            {"WEBHOOK_BASE_URL": "bot.example.vn", "WEBHOOK_SECRET": "s" * 12},
            2,
            "WEBHOOK_BASE_URL: an http(s):// URL",
        ),
    ],
)
def test_one_line_naming_the_value_and_no_traceback(tmp_path, args, env, code, line):
    done = run_bot(tmp_path, *args, **env)
    err = done.stderr.strip().splitlines()
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert len(err) == 1 and err[0].startswith(line), err
    assert "pw-never-shown" not in done.stderr
