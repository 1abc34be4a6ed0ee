"""Photos kept under MEDIA_DIR are recorded relative to it: a backup restored on another
machine (another MEDIA_DIR) serves every photo; rows written with the old machine's absolute
paths are made relative by the migration."""

from __future__ import annotations

import hashlib

from alembic import command
from sqlmodel import Session, select

from storage.db import alembic_config, make_engine
from storage.models import Evidence, Submission

from . import seed
from .conftest import nominate_household, register_resident
from .test_cli_ranges import run_bot
from .web_helpers import Web

JPEG = b"\xff\xd8\xff\xe0 a photo of the road"
NAME = hashlib.sha256(JPEG).hexdigest()


def _staff(db, clock) -> int:
    with Session(db) as s:
        m = seed.console_member(s, "Lê Thị Văn Phòng", "staff", "staff-x", clock.now(), "VPTK")
        s.commit()
        return m.id


def _photo(db, clock, local_path: str) -> int:
    from storage import submissions

    with Session(db) as s:
        sub = s.exec(select(Submission)).first()
        unique = "sha256:" + hashlib.sha256(local_path.encode()).hexdigest()
        submissions.add_evidence(
            s, sub, channel="zalo", unique_id=unique, file_id=None, local_path=local_path, now=clock.now()
        )
        s.commit()
        return s.exec(select(Evidence.id).where(Evidence.unique_id == unique)).one()


def test_a_backup_restored_with_another_media_dir_serves_the_photos(
    db_path, player, campaign, clock, tmp_path
):
    register_resident(player)
    nominate_household(player)
    old_media = tmp_path / "old-machine" / "media"
    (old_media / NAME[:2]).mkdir(parents=True)
    (old_media / NAME[:2] / f"{NAME}.jpg").write_bytes(JPEG)
    db = make_engine(f"sqlite:///{db_path}")
    photo_id = _photo(db, clock, f"{NAME[:2]}/{NAME}.jpg")
    staff = _staff(db, clock)
    db.dispose()
    done = run_bot(
        tmp_path,
        "backup",
        "--out",
        str(tmp_path / "b.tar.gz"),
        DATABASE_URL=f"sqlite:///{db_path}",
        MEDIA_DIR=str(old_media),
    )
    assert done.returncode == 0, done.stderr
    new_media = tmp_path / "new-machine" / "data" / "media"
    restored = tmp_path / "new-machine" / "thidua.db"
    done = run_bot(
        tmp_path,
        "restore",
        str(tmp_path / "b.tar.gz"),
        DATABASE_URL=f"sqlite:///{restored}",
        MEDIA_DIR=str(new_media),
    )
    assert done.returncode == 0, done.stderr
    again = make_engine(f"sqlite:///{restored}")
    web = Web(None, again, campaign, clock, tmp_path / "new-machine")
    web.console.media_dir = new_media
    got = web.session_for(staff).get(f"/anh/{photo_id}")
    assert got.status_code == 200 and got.content == JPEG
    again.dispose()


def test_the_migration_makes_the_old_absolute_paths_relative(db_path, player, clock, monkeypatch):
    register_resident(player)
    nominate_household(player)
    db = make_engine(f"sqlite:///{db_path}")
    stored = _photo(db, clock, f"/srv/thidua/data/media/{NAME[:2]}/{NAME}.jpg")
    under_setting = _photo(db, clock, "/opt/bot/anh/zalo/x.png")
    elsewhere = _photo(db, clock, "/home/someone/Pictures/road.jpg")  # a console demo's own file
    monkeypatch.setenv("MEDIA_DIR", "/opt/bot/anh")
    cfg = alembic_config(f"sqlite:///{db_path}")
    command.downgrade(cfg, "campaign_lock")
    command.upgrade(cfg, "head")
    with Session(db) as s:
        paths = {e.id: e.local_path for e in s.exec(select(Evidence))}
    assert paths[stored] == f"{NAME[:2]}/{NAME}.jpg"
    assert paths[under_setting] == "zalo/x.png"
    assert paths[elsewhere] == "/home/someone/Pictures/road.jpg"
    db.dispose()


def test_telegram_opens_a_stored_photo_by_its_name_under_media_dir(tmp_path):
    from bot.telegram.outbound import _in_media

    (tmp_path / NAME[:2]).mkdir()
    (tmp_path / NAME[:2] / f"{NAME}.jpg").write_bytes(JPEG)
    assert _in_media(tmp_path, f"{NAME[:2]}/{NAME}.jpg") == str(tmp_path / NAME[:2] / f"{NAME}.jpg")
    # a Telegram file id, a link, an absolute path: as they are
    for ref in ("AgACAgIAAxkBAAIB", "https://example.org/a.jpg", "/srv/x.jpg"):
        assert _in_media(tmp_path, ref) == ref
