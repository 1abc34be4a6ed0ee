"""Start-up stays light: building the app the way `make run` does (settings, database,
campaign, core with every flow, the Telegram and Zalo channels, the CLI) loads none of the
heavy libraries; they load when a chart or a file is first asked for."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from storage.db import alembic_config, at_head, heads, make_engine

from .conftest import CAMPAIGN_FILE, ROOT

HEAVY = ("matplotlib", "docx", "openpyxl", "xlsxwriter", "lxml", "numpy", "PIL")

SCRIPT = """
import json, sys
import bot.__main__, bot.cli, bot.serve
from bot.settings import Settings
from bot.bootstrap import build, build_services
app = build(Settings())
channels = build_services(app).channels
before = sorted(m for m in {heavy!r} if m in sys.modules)
import documents
documents.write_workbook, documents.write_list  # first use loads them
after = sorted(m for m in {heavy!r} if m in sys.modules)
print(json.dumps({{"channels": [c.name for c in channels], "before": before, "after": after}}))
"""


def start(tmp_path, db: str, heavy=HEAVY) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_"))}
    env.update({"TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35, "ZALO_BOT_TOKEN": "4242:zalo-secret",
                "DATABASE_URL": db, "CAMPAIGN_FILE": str(CAMPAIGN_FILE), "PYTHONPATH": str(ROOT)})
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(heavy=heavy)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_heavy_libraries_load_when_first_needed_not_at_start(tmp_path):
    seen = start(tmp_path, f"sqlite:///{tmp_path}/start.db")
    assert seen["channels"] == ["telegram", "zalo"]
    assert seen["before"] == []
    assert {"docx", "xlsxwriter"} <= set(seen["after"])


def test_a_restart_on_a_migrated_database_does_not_load_alembic(tmp_path, db_path):
    assert at_head(make_engine(f"sqlite:///{db_path}"))
    seen = start(tmp_path, f"sqlite:///{db_path}", heavy=("alembic", "mako"))
    assert seen["before"] == []
    fresh = start(tmp_path, f"sqlite:///{tmp_path}/fresh.db", heavy=("alembic",))
    assert fresh["before"] == ["alembic"]  # a new database is migrated by Alembic


def test_the_heads_read_from_the_files_are_alembics_heads():
    from alembic.script import ScriptDirectory

    assert heads() == set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
