"""Settings and the campaign file: a bad value is refused with its name."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from datetime import UTC, datetime

import pytest

from bot.settings import SettingsError, load_settings
from domain.campaign import CampaignError, load_campaign, parse_campaign

from .conftest import CAMPAIGN_FILE, ROOT


def test_the_campaign_file_holds_the_plan():
    c = load_campaign(CAMPAIGN_FILE)
    assert c.organiser.short_name == "UBND xã Trần Ninh"
    assert c.parent_plan.number == "71/KH-UBND"
    assert c.campaign.theme.startswith("Đảng bộ, chính quyền, quân và dân các dân tộc huyện Văn Quan")
    assert len(c.contents) == 5 and len(c.categories) == 5
    assert c.category("household").checks[0].min == 50_000_000
    district = c.award("district").quota
    assert (district["collective"].min, district["collective"].max) == (1, 2)
    assert (district["individual"].min, district["individual"].max) == (3, 4)
    # the end of 30/11/2024 in Hà Nội is 17:00 UTC
    assert c.closes_at == datetime(2024, 11, 30, 17, 0, tzinfo=UTC)
    assert c.deadline_local.strftime("%H:%M %d/%m/%Y") == "23:59 30/11/2024"
    assert c.reminders.days_before == (7, 3, 1)
    assert c.rules.repeat_award_years is None  # no [rules]: earlier awards are not looked for
    ruled = parse_campaign(_broken(lambda d: d.__setitem__("rules", {"repeat_award_years": 3})))
    assert ruled.rules.repeat_award_years == 3


def _broken(mutate) -> dict:
    data = tomllib.loads(CAMPAIGN_FILE.read_text(encoding="utf-8"))
    mutate(data)
    return data


@pytest.mark.parametrize(
    "mutate,key",
    [
        (lambda d: d["campaign"].pop("deadline_on"), "campaign.deadline_on"),
        (lambda d: d["campaign"].__setitem__("timezone", "Mars/Olympus"), "campaign.timezone"),
        (lambda d: d["categories"][3]["checks"][0].pop("min"), "categories.3.checks.0"),
        (lambda d: d["awards"][1]["quota"]["collective"].__setitem__("min", 5), "awards.1.quota.collective"),
        (lambda d: d["units"].append(dict(d["units"][0])), "units.13.code: Mã «T01» bị trùng"),
        (lambda d: d["units"][0].__setitem__("kind", "city"), "units.0.kind"),
        (lambda d: d["campaign"].__setitem__("colour", "red"), "campaign.colour"),
        (lambda d: d.__setitem__("rules", {"repeat_award_years": 0}), "rules.repeat_award_years"),
        (lambda d: d.__setitem__("rules", {"repeat_award_years": "ba"}), "rules.repeat_award_years"),
        (lambda d: d.__setitem__("rules", {"repeat_years": 3}), "rules.repeat_years"),
    ],
)
def test_an_invalid_campaign_is_refused_with_the_key(mutate, key):
    with pytest.raises(CampaignError) as err:
        parse_campaign(_broken(mutate), "x.toml")
    assert key in str(err.value)


def test_settings_defaults_and_deadline_override(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for k in list(os.environ):
        if k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_")):
            monkeypatch.delenv(k)
    s = load_settings()
    assert s.database_url == "sqlite:///data/thidua.db" and not s.has_channel
    monkeypatch.setenv("CAMPAIGN_DEADLINE", "2024-12-05")
    assert str(load_settings().campaign_deadline) == "2024-12-05"


@pytest.mark.parametrize(
    "env,name",
    [
        ({"PORT": "http"}, "PORT"),
        ({"TELEGRAM_BOT_TOKEN": "no-colon"}, "TELEGRAM_BOT_TOKEN"),
        ({"CAMPAIGN_DEADLINE": "30/11/2024"}, "CAMPAIGN_DEADLINE"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"WEBHOOK_BASE_URL": "https://x.example", "WEBHOOK_SECRET": ""}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "short"}, "WEBHOOK_SECRET"),
    ],
)
def test_an_invalid_setting_stops_with_its_name(monkeypatch, tmp_path, env, name):
    monkeypatch.chdir(tmp_path)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert err.value.message.startswith(f"{name}:") and err.value.code == 2


def run_cli(args, tmp_path, env=None, stdin=""):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_"))
    }
    full_env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
            "DEMO_DATABASE_URL": f"sqlite:///{tmp_path}/demo.db",
            "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
            "PYTHONPATH": str(ROOT),
        }
    )
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=tmp_path,
        timeout=120,
    )


def test_the_program_exits_2_naming_a_bad_setting(tmp_path):
    out = run_cli(["migrate"], tmp_path, env={"PORT": "nope"})
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [out.stderr.strip()] and out.stderr.startswith("PORT:")
    out = run_cli(["migrate"], tmp_path, env={"CAMPAIGN_FILE": str(tmp_path / "missing.toml")})
    assert out.returncode == 2 and "CAMPAIGN_FILE" in out.stderr and "Traceback" not in out.stderr


def test_cli_invite_prints_a_code_that_registers_a_head(tmp_path):
    out = run_cli(["invite", "--unit", "T04", "--role", "head"], tmp_path)
    assert out.returncode == 0, out.stderr
    code = out.stdout.split("Mã mời: ")[1].split()[0]
    assert len(code) == 8 and "Thôn 4" in out.stdout and "Hết hạn:" in out.stdout
    bad = run_cli(["invite", "--unit", "NOPE", "--role", "head"], tmp_path)
    assert bad.returncode == 2 and "không có đơn vị" in bad.stderr
    chat = run_cli(
        ["chat", "--user", "u7", "--name", "Hùng"], tmp_path, stdin=f"/start {code}\nLộc Văn Hùng\n"
    )
    assert "Đăng ký xong: Lộc Văn Hùng, trưởng đơn vị — Thôn 4." in chat.stdout, chat.stdout + chat.stderr


def test_make_run_without_a_token_opens_the_console_demo(tmp_path):
    # the README's transcript: a newcomer nominates straight away (name and village on the way)
    script = "\n".join(
        [
            "1",
            "nguyen van binh",
            "1",
            "Hộ ông Hoàng Văn Tư",
            "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn.",
            "ok",
            "60 triệu",
            "ko",
            "bo qua",
            "1",
            "2",
            "",
        ]
    )
    out = run_cli(["run"], tmp_path, stdin=script)
    assert out.returncode == 0, out.stderr
    assert "[DEMO] Xin chào!" in out.stdout
    assert "Đã gửi đề cử, mã hồ sơ DC-0001" in out.stdout
    assert "DC-0001 · Hộ ông Hoàng Văn Tư · Đã gửi, chờ thẩm định" in out.stdout
    assert (tmp_path / "demo.db").exists() and not (tmp_path / "cli.db").exists()
    assert "Traceback" not in out.stdout + out.stderr
