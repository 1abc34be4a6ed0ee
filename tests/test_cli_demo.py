"""The README's commands as written: `chat`, `digest` and `remind` on the demo database and
campaign with --demo; `chat` on a campaign past its deadline does not offer what it would
refuse; a first start says «database ready» once, without Alembic's chatter."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from bot.bootstrap import build
from bot.cli import main
from bot.console import run_console
from bot.settings import load_settings
from messages.catalog import t

from .conftest import CAMPAIGN_FILE, ROOT


@pytest.fixture
def demo_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/real.db")
    monkeypatch.setenv("DEMO_DATABASE_URL", f"sqlite:///{tmp_path}/demo.db")
    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    for key in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "CAMPAIGN_DEADLINE"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


def test_digest_and_remind_take_demo(demo_env, capsys):
    assert main(["digest", "--demo"]) == 0
    assert "TỔNG HỢP HỒ SƠ THI ĐUA" in capsys.readouterr().out
    assert main(["remind", "--dry-run", "--demo"]) == 0
    assert capsys.readouterr().out.strip()
    assert (demo_env / "demo.db").exists() and not (demo_env / "real.db").exists()


def test_chat_past_the_deadline_does_not_offer_a_nomination(demo_env):
    app = build(load_settings())  # the bundled 2024 campaign: its deadline has passed
    out = io.StringIO()
    run_console(app.core, "u1", "Người thử", stdin=io.StringIO("/decu\n"), stdout=out)
    text = out.getvalue()
    assert t("menu.nominate_new") not in text and "hết hạn nhận hồ sơ" in text
    demo = build(load_settings(), demo=True)  # --demo: the deadline 14 days ahead
    out = io.StringIO()
    run_console(demo.core, "u1", "Người thử", stdin=io.StringIO(""), stdout=out)
    assert t("menu.nominate_new") in out.getvalue()


def test_a_first_start_logs_database_ready_once_without_migration_chatter(demo_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_"))}
    env.update(PYTHONPATH=str(ROOT), LOG_LEVEL="INFO")  # a fresh process: Alembic not imported yet
    done = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=demo_env,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert log.count("database ready") == 1 and "alembic" not in log, log
