"""One photo that cannot be sent does not hide a review item. A Zalo evidence
link that has expired: staff on Telegram get the downloaded copy; and when a photo is refused
for good, the item's text and its buttons still arrive."""

from __future__ import annotations

from messages.catalog import t
from messages.model import PhotoIn

from . import seed as seeding
from .conftest import Player, register_resident
from .test_telegram import USER, TgUser, fake, tg  # noqa: F401  (fixtures)

STAFF = USER + 1
EXPIRED = "https://photo-stal-1.zdn.vn/expired/abc.jpg"


async def _review_over_telegram(tg, fake, db, clock, local_path: str) -> TgUser:
    resident = Player(tg.app.core, user_id="zu-9", channel="zalo")
    register_resident(resident)
    resident.press("nominate")
    for line in (
        "Hộ ông Hoàng Văn Tư",
        "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông của thôn.",
        "ok",
        "60 triệu",
        "khong",
    ):
        resident.say(line)
    resident.send(
        resident._event(
            kind="photo", photo=PhotoIn(unique_id="sha256:" + "a" * 64, url=EXPIRED, local_path=local_path)
        )
    )
    resident.say("1")  # the photo moved on to the summary: send
    assert "DC-0001" in resident.text
    code = seeding.invite_code(db, clock.now(), "staff", "VPTK", days=1)
    staff = TgUser(fake, tg, STAFF)
    await staff.say(f"/start {code}")
    await staff.say("Hoàng Thị Lan")
    return staff


async def test_staff_on_telegram_get_the_downloaded_copy_not_the_expired_link(tg, fake, db, clock, tmp_path):
    copy = tmp_path / "media" / "aa" / "photo.jpg"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(b"\xff\xd8\xff\xe0 jpeg bytes")
    staff = await _review_over_telegram(tg, fake, db, clock, str(copy))
    await staff.press(t("menu.review"))
    [photo] = [c for c in staff.new if c.method == "sendPhoto"]
    assert photo.files["photo"]["size"] == copy.stat().st_size  # uploaded, not the Zalo link
    assert EXPIRED not in str(photo.params)
    assert staff.button(t("rev.approve"))


async def test_a_refused_photo_does_not_stop_the_text_and_the_buttons(tg, fake, db, clock, tmp_path):
    staff = await _review_over_telegram(tg, fake, db, clock, str(tmp_path / "gone.jpg"))
    fake.fail_next("sendPhoto", status=400)  # the expired link, refused for good
    await staff.press(t("menu.review"))
    methods = [c.method for c in staff.new]
    assert "sendPhoto" in methods
    [photo] = [c for c in staff.new if c.method == "sendPhoto"]
    assert photo.params["photo"] == EXPIRED  # the copy is gone: the link was the last hope
    texts = " ".join(c.params.get("text", "") for c in staff.new)
    assert "DC-0001" in texts and "Hộ ông Hoàng Văn Tư" in texts
    assert staff.button(t("rev.approve"))  # the decision buttons arrived
