"""The OA's tokens: renewed before they expire and after an "expired" answer, one renewal at a
time across processes (SQLite and PostgreSQL), a renewal killed between the platform's answer
and its commit, and `python -m bot zalo-oa token --check`."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.cli import main as cli_main
from bot.zalo_oa import OaClient, OaTokens, TokenError
from storage import zalo_oa as oa_store
from storage.models import OaToken

from .conftest import rows
from .fakes.zalo_oa_api import APP_ID, APP_SECRET, OA_ID, FakeZaloOa
from .test_zalo_oa import register, serve_oa


@pytest.fixture
async def fake(clock):
    f = FakeZaloOa(now=clock.now)
    await f.start()
    yield f
    await f.stop()


def keeper(db, clock, fake, tmp_path, seed=None) -> OaTokens:
    client = OaClient(fake.base_url, fake.base_url, fake.base_url)
    return OaTokens(
        db,
        clock,
        client,
        oa_id=OA_ID,
        app_id=APP_ID,
        app_secret=APP_SECRET,
        journal=tmp_path / "zalo_oa_renewal.json",
        seed=seed,
        wait_step=0.01,
    )


def stored(db) -> OaToken:
    [row] = rows(db, OaToken)
    return row


async def test_an_expired_answer_renews_once_and_the_message_still_goes(fake, db, campaign, clock, tmp_path):
    oa, stop = await serve_oa(fake, db, campaign, clock, tmp_path)
    try:
        await register(oa)
        fake.expire_all()  # the platform says -216 to the token in hand
        got = await oa.say("xin chao")
        assert "Đề cử gương điển hình" in got
        assert fake.renewals == 1 and any(c.path.endswith("!expired") for c in fake.calls)
        row = stored(db)
        assert row.version == 1 and row.renewals == 1 and row.refresh_token in fake.refresh
        assert row.access_expires_at == clock.now() + timedelta(seconds=90000)
    finally:
        await stop()


async def test_the_token_is_renewed_before_it_expires(fake, db, campaign, clock, tmp_path):
    oa, stop = await serve_oa(fake, db, campaign, clock, tmp_path)
    try:
        await register(oa)
        await oa.say("xin chao")  # renews the seeded pair (its age is unknown) once
        renewed = fake.renewals
        clock.advance(hours=24, minutes=30)  # 30 minutes left, under the hour of notice
        await oa.say("xin chao")
        assert fake.renewals == renewed + 1
        assert not any(c.path.endswith("!expired") for c in fake.calls)  # never sent with an old one
    finally:
        await stop()


async def _one_renewal_for_two(db, clock, fake, tmp_path) -> None:
    access, refresh = fake.issue()
    a = keeper(db, clock, fake, tmp_path, seed=(access, refresh))
    b = keeper(db, clock, fake, tmp_path)
    a.read()
    got = await asyncio.gather(a.renew(0), b.renew(0), a.renew(0), b.renew(0))
    assert fake.renewals == 1  # the others waited for it, none spent the refresh token again
    assert len({g.token for g in got}) == 1 and got[0].version == 1
    with Session(db) as s:
        row = oa_store.get(s, OA_ID)
        assert row.refresh_token in fake.refresh and row.renewing_by is None


async def test_two_processes_renew_at_once_and_one_renewal_happens_sqlite(db, clock, fake, tmp_path):
    await _one_renewal_for_two(db, clock, fake, tmp_path)


async def test_two_processes_renew_at_once_and_one_renewal_happens_postgres(pg_db, clock, fake, tmp_path):
    await _one_renewal_for_two(pg_db, clock, fake, tmp_path)


async def _killed_renewal(db, db_path, clock, fake, tmp_path) -> tuple[str, OaTokens]:
    access, refresh = fake.issue()
    k = keeper(db, clock, fake, tmp_path, seed=(access, refresh))
    k.read()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.oa_renewal_child",
        f"sqlite:///{db_path}",
        fake.base_url,
        str(tmp_path / "zalo_oa_renewal.json"),
    )
    assert await asyncio.wait_for(proc.wait(), 60) == -9  # killed after the answer
    assert fake.renewals == 1 and refresh not in fake.refresh  # the old refresh token is spent
    row = stored(db)
    assert row.version == 0 and row.refresh_token == refresh  # its commit never happened
    return refresh, keeper(db, clock, fake, tmp_path)


async def test_a_renewal_killed_before_its_commit_does_not_strand_the_oa(db, db_path, clock, fake, tmp_path):
    old, restarted = await _killed_renewal(db, db_path, clock, fake, tmp_path)
    assert (tmp_path / "zalo_oa_renewal.json").exists()  # the answer, kept before the commit
    now = restarted.read()  # the restart stores it
    row = stored(db)
    assert row.version == 1 and row.refresh_token != old and row.refresh_token in fake.refresh
    assert now.token == row.access_token and fake._token_ok(now.token)
    assert not (tmp_path / "zalo_oa_renewal.json").exists()
    again = await restarted.renew(now.version)  # and the next renewal works
    assert again.version == 2 and fake.renewals == 2


async def test_without_the_journal_the_killed_renewal_would_strand_it(db, db_path, clock, fake, tmp_path):
    _, restarted = await _killed_renewal(db, db_path, clock, fake, tmp_path)
    (tmp_path / "zalo_oa_renewal.json").unlink()
    with pytest.raises(TokenError):
        await restarted.renew(0)  # the stored refresh token was spent: -14020


def test_token_check_says_how_long_is_left(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    for key, value in {
        "DATABASE_URL": f"sqlite:///{tmp_path}/oa.db",
        "ZALO_OA_APP_ID": APP_ID,
        "ZALO_OA_APP_SECRET": APP_SECRET,
        "ZALO_OA_SECRET_KEY": "oa-secret",
        "ZALO_OA_ID": OA_ID,
        "ZALO_OA_ACCESS_TOKEN": "first-access",
        "ZALO_OA_REFRESH_TOKEN": "first-refresh",
        "MEDIA_DIR": str(tmp_path / "data" / "media"),
    }.items():
        monkeypatch.setenv(key, value)
    from .conftest import CAMPAIGN_FILE

    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    assert cli_main(["zalo-oa", "token", "--check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Access token của Zalo OA còn 11 giờ 59 phút") or "còn 12 giờ 0 phút" in out
    monkeypatch.setenv("ZALO_OA_ID", "")
    assert cli_main(["zalo-oa", "token", "--check"]) == 2
    assert "ZALO_OA_ID" in capsys.readouterr().err


async def test_no_token_or_secret_reaches_the_log(fake, db, campaign, clock, tmp_path, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    oa, stop = await serve_oa(fake, db, campaign, clock, tmp_path)
    try:
        await register(oa)
        fake.expire_all()
        await oa.say("xin chao")
    finally:
        await stop()
    logged = caplog.text
    assert fake.renewals == 1 and "renewed" in logged
    for secret in [*fake.access, *fake.refresh, APP_SECRET, stored(db).refresh_token]:
        assert secret not in logged


async def test_token_renew_from_the_command_line(fake, monkeypatch, tmp_path, capsys):
    from .conftest import CAMPAIGN_FILE

    access, refresh = fake.issue()
    for key, value in {
        "DATABASE_URL": f"sqlite:///{tmp_path}/oa.db",
        "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
        "ZALO_OA_APP_ID": APP_ID,
        "ZALO_OA_APP_SECRET": APP_SECRET,
        "ZALO_OA_SECRET_KEY": "oa-secret",
        "ZALO_OA_ID": OA_ID,
        "ZALO_OA_ACCESS_TOKEN": access,
        "ZALO_OA_REFRESH_TOKEN": refresh,
        "ZALO_OA_OAUTH_URL": fake.base_url,
        "MEDIA_DIR": str(tmp_path / "data" / "media"),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    assert await asyncio.to_thread(cli_main, ["zalo-oa", "token", "--renew"]) == 0
    assert fake.renewals == 1 and refresh not in fake.refresh
    assert "đã gia hạn 1 lần" in capsys.readouterr().out
    fake.refresh.clear()  # the refresh token lost (three months off): one line, no traceback
    assert await asyncio.to_thread(cli_main, ["zalo-oa", "token", "--renew"]) == 1
    out = capsys.readouterr().out
    assert "Không gia hạn được token của Zalo OA" in out and "Traceback" not in out
