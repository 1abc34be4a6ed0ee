"""What a platform can send fits the columns on PostgreSQL too (SQLite ignores
VARCHAR lengths, so these run on PostgreSQL)."""

from __future__ import annotations

from handlers.core import Core
from storage.models import Evidence, Identity, Submission

from .conftest import Player, rows


def test_a_129_character_telegram_name_and_a_1500_character_zalo_photo_link(pg_db, campaign, clock):
    tg = Player(
        Core(pg_db, campaign, clock), user_id="7" * 19, channel="telegram", name="Đ" * 64 + " " + "N" * 64
    )  # first and last name at Telegram's limit
    tg.say("/start")
    tg.press("register")
    tg.say("Nguyễn Văn Bình")
    tg.say("1")
    tg.say("bo qua")
    assert "Đăng ký xong" in tg.text, tg.text
    [ident] = rows(pg_db, Identity)
    assert len(ident.display_name) == 129

    zalo = Player(Core(pg_db, campaign, clock), user_id="z" * 100, channel="zalo", name="x" * 400)
    zalo.say("/start")
    zalo.press("register")
    zalo.say("Trần Thị Mai")
    zalo.say("1")
    zalo.say("bo qua")
    assert "Đăng ký xong" in zalo.text, zalo.text
    assert len(rows(pg_db, Identity, Identity.channel == "zalo")[0].display_name) == 256  # shortened

    url = "https://photo-stal-1.zdn.vn/" + "a" * 1500 + ".jpg"
    zalo.press("nominate")
    zalo.say("Hộ ông Hoàng Văn Tư")
    zalo.say("Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn.")
    zalo.say("ok")
    zalo.say("60 triệu")
    zalo.say("khong")
    zalo.photo("sha256:" + "b" * 64, url=url, caption="c" * 1024)  # on to the summary
    zalo.say("1")
    assert "DC-" in zalo.text, zalo.text
    [ev] = rows(pg_db, Evidence)
    assert ev.url == url and ev.caption.startswith("ccc")
    assert len(rows(pg_db, Submission)) == 1
