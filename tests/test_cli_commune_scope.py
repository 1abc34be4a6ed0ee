"""The command line works on one commune: `--commune <code>` (default: the first). Every export
the command line offers (read from its own parser) of one commune carries nothing of another
commune that runs the same campaign with the same units; digest and remind count and name only
that commune's; an invite is that commune's; an unknown code is one line and exit 2. The
second commune's campaign comes from CAMPAIGN_FILE__<CODE>, as a deployment sets it."""

from __future__ import annotations

import argparse
import zipfile

import pytest
from sqlmodel import Session, select

from bot import cli
from bot.bootstrap import build
from bot.cli.scope import start_param
from bot.settings import load_settings
from documents.invitation import telegram_link
from domain.clock import ManualClock
from storage.db import make_engine
from storage.models import Invite

from . import seed as seeding
from .ceremony import _nominate, ceremony
from .conftest import CAMPAIGN_FILE, IN_CAMPAIGN
from .province_fixtures import register
from .test_commune_isolation import MARK

A, B = "tran-ninh", "yen-phuc"


@pytest.fixture
def deployment(tmp_path, db_path, monkeypatch):
    """Trần Ninh (the data in place) and Yên Phúc at the same ceremony (tests/ceremony.py: the
    same people, dossiers, round and decisions) and the same head of Thôn 1; Yên Phúc has one
    dossier more and a head of Thôn 2, named with MARK. The command line reads this environment."""
    monkeypatch.chdir(tmp_path)  # no .env of the repository
    env = {
        "DATABASE_URL": f"sqlite:///{db_path}",
        "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
        "CAMPAIGN_FILE__YEN_PHUC": str(CAMPAIGN_FILE),
        "MEDIA_DIR": str(tmp_path / "media"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "TELEGRAM_BOT_USERNAME"):
        monkeypatch.delenv(name, raising=False)
    register(make_engine(env["DATABASE_URL"]), {B: "Xã Yên Phúc"}).dispose()
    app = build(load_settings(), clock=ManualClock(IN_CAMPAIGN), environ=env)
    assert list(app.tenants) == [A, B]
    clock = ManualClock(IN_CAMPAIGN)
    campaign = app.tenants[A].campaign
    with Session(app.tenants[B].db) as s:  # Yên Phúc's own dossier, on its council's list
        marked = seeding.console_member(s, f"Khổng Văn {MARK}", "resident", "yp", clock.now(), "T01")
        _nominate(s, campaign, marked, clock.now(), f"Hộ ông Khổng {MARK}", "T01", "household", "commune")
        seeding.console_member(s, f"Khổng Thị {MARK}", "head", "yp-head", clock.now(), "T02")
        s.commit()
    for code in (A, B):  # the same ceremony in both: the same names, units, references
        ceremony(app.tenants[code].db, campaign, clock)
        with Session(app.tenants[code].db) as s:  # a head without a unit report: reminded
            seeding.console_member(s, "Nguyễn Văn Trưởng", "head", "head", clock.now(), "T01")
            s.commit()
    return app


def exports() -> list[list[str]]:
    """Every export the command line offers: xlsx, and docx of each --kind (from its parser)."""
    sub = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    export = sub.choices["export"]
    kinds = next(a for a in export._actions if a.dest == "kind").choices
    formats = next(a for a in export._actions if a.dest == "format").choices
    assert set(formats) == {"xlsx", "docx"}
    every = ["--status", *next(a for a in export._actions if a.dest == "status").choices]
    return [["--format", "xlsx", *every], *(["--format", "docx", "--kind", k] for k in kinds)]


def words(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def test_every_export_of_a_commune_carries_nothing_of_another(deployment, tmp_path, capsys):
    made = 0
    for n, args in enumerate(exports()):
        out = tmp_path / f"a-{n}.{args[1]}"
        if args[-1] == "list":  # every dossier, whatever its status
            args = [*args, *exports()[0][2:]]
        code = cli.main(["export", *args, "--out", str(out), "--commune", A])
        said = capsys.readouterr()
        assert MARK not in said.out + said.err
        assert code == 0, (args, said.err)
        assert MARK not in words(out), args
        made += 1
    assert made == 7
    assert cli.main(["export", "--format", "xlsx", "--out", str(tmp_path / "a.xlsx")]) == 0  # the first
    assert cli.main(["export", "--format", "xlsx", "--out", str(tmp_path / "b.xlsx"), "--commune", B]) == 0
    assert MARK not in words(tmp_path / "a.xlsx") and "Hoàng Văn Tư" in words(tmp_path / "a.xlsx")
    b_list = ["export", "--format", "docx", "--kind", "list", "--out", str(tmp_path / "b.docx")]
    assert cli.main([*b_list, "--commune", B, *exports()[0][2:]]) == 0
    assert MARK in words(tmp_path / "b.docx")
    assert MARK in words(tmp_path / "b.xlsx")


def test_digest_and_remind_of_a_commune_count_and_name_its_own(deployment, capsys):
    assert cli.main(["digest", "--at", "2024-11-05T10:00", "--commune", A]) == 0
    mine = capsys.readouterr().out
    assert cli.main(["digest", "--at", "2024-11-05T10:00", "--commune", B]) == 0
    theirs = capsys.readouterr().out
    assert mine != theirs  # Yên Phúc counts one dossier more
    assert cli.main(["remind", "--dry-run", "--at", "2024-11-27T08:00", "--commune", A]) == 0
    reminded = capsys.readouterr().out
    assert "Nguyễn Văn Trưởng" in reminded
    assert MARK not in mine + reminded
    assert cli.main(["remind", "--dry-run", "--at", "2024-11-27T08:00", "--commune", B]) == 0
    assert MARK in capsys.readouterr().out


def test_an_invite_is_made_in_the_communes_scope_and_an_unknown_code_is_one_line(deployment, capsys):
    assert cli.main(["invite", "--role", "head", "--unit", "T02", "--commune", B]) == 0
    assert "Thôn 2" in capsys.readouterr().out
    with Session(deployment.tenants[B].db) as s:
        assert [(i.role, i.unit_code) for i in s.exec(select(Invite)).all()] == [("head", "T02")]
    with Session(deployment.tenants[A].db) as s:
        assert s.exec(select(Invite)).all() == []
    assert cli.main(["digest", "--commune", "khong-co"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["--commune: không có xã 'khong-co'; các xã: tran-ninh, yen-phuc."]


def test_a_shared_bots_links_name_the_commune(deployment):
    b = deployment.for_commune(B)
    assert start_param(b) == "c-yen-phuc"
    assert start_param(b, "ABC234") == "c-yen-phuc-ABC234"
    assert telegram_link("thidua_bot", start_param(b)) == "https://t.me/thidua_bot?start=c-yen-phuc"
    # a deployment of one commune keeps its plain links
    one = build(load_settings(), demo=True)
    assert start_param(one, "ABC234") == "ABC234"
