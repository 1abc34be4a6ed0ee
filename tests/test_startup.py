"""Start-up stays light: building the app the way `make run` does (settings, database,
campaign, core with every flow, the Telegram and Zalo channels, the CLI) loads none of the
heavy libraries; they load when a chart or a file is first asked for."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import CAMPAIGN_FILE, ROOT

HEAVY = ("matplotlib", "docx", "openpyxl", "xlsxwriter", "lxml", "numpy", "PIL")

SCRIPT = """
import json, sys
import bot.__main__, bot.cli, bot.serve
from bot.settings import Settings
from bot.app import build
from bot.serve import make_channels
app = build(Settings())
channels = make_channels(app)
before = sorted(m for m in {heavy!r} if m in sys.modules)
import documents
documents.write_workbook, documents.write_list  # first use loads them
after = sorted(m for m in {heavy!r} if m in sys.modules)
print(json.dumps({{"channels": [c.name for c in channels], "before": before, "after": after}}))
"""


def test_heavy_libraries_load_when_first_needed_not_at_start(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_"))}
    env.update({"TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35, "ZALO_BOT_TOKEN": "4242:zalo-secret",
                "DATABASE_URL": f"sqlite:///{tmp_path}/start.db", "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
                "PYTHONPATH": str(ROOT)})
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(heavy=HEAVY)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["channels"] == ["telegram", "zalo"]
    assert seen["before"] == []
    assert {"docx", "xlsxwriter"} <= set(seen["after"])
