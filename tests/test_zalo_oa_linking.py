"""A follower of the commune's OA links it to their Telegram account with the usual linking
code; the printable invitation and the web console's people page show the OA's QR code."""

from __future__ import annotations

import re
import subprocess

import pytest

from documents.invitation import oa_link, write_invitation
from storage.models import Identity, Member

from .conftest import Player, nominate_household, register_resident, rows
from .fakes.zalo_oa_api import OA_ID
from .test_zalo_oa import fake, oa  # noqa: F401  (the fake OA API and the served channel)
from .web_helpers import people, web  # noqa: F401


async def test_an_oa_follower_links_to_their_telegram_account_with_the_link_code(oa, core, db):
    tg = Player(core, "tg-1", channel="telegram")
    register_resident(tg)
    ref = nominate_household(tg)
    tg.press("link")
    code = re.search(r"Mã liên kết của bạn: ([A-Z0-9]{8})", tg.text).group(1)

    await oa.send(oa.fake.follow("u-1"))
    done = await oa.say(f"/ma {code}")
    assert "Đã liên kết" in done and "Nguyễn Văn Bình" in done
    [member] = rows(db, Member)
    assert sorted((i.channel, i.external_id, i.member_id) for i in rows(db, Identity)) == [
        ("telegram", "tg-1", member.id),
        ("zalo_oa", "u-1", member.id),
    ]
    menu = await oa.say("menu")
    number = re.search(r"(\d+)\. Hồ sơ của tôi", menu).group(1)
    assert ref in await oa.say(number)  # the OA sees the same dossiers


def test_the_invitation_prints_the_oa_qr_code_beside_telegram(campaign, tmp_path):
    made = write_invitation(
        campaign,
        tmp_path / "moi.pdf",
        telegram_username="tranninh_thidua_bot",
        zalo_name=None,
        zalo_oa_id=OA_ID,
    )
    assert made.oa_link == f"https://zalo.me/{OA_ID}"
    text = subprocess.run(
        ["pdftotext", "-layout", str(made.path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert f"Zalo OA: zalo.me/{OA_ID}" in text and "Telegram: t.me/tranninh_thidua_bot" in text
    alone = write_invitation(
        campaign, tmp_path / "oa.png", telegram_username=None, zalo_name=None, zalo_oa_id=OA_ID
    )
    assert alone.path.read_bytes().startswith(b"\x89PNG") and alone.link is None


def test_the_people_page_shows_the_oa_qr_code_to_staff(web, people):
    c = web.signed_in(people["ids"]["staff"])
    assert "Zalo OA của xã" not in c.get("/nguoi").text
    assert c.get("/nguoi/zalo-oa.png").status_code == 404  # no OA configured
    web.console.zalo_oa_id = OA_ID
    page = c.get("/nguoi").text
    assert "Zalo OA của xã" in page and oa_link(OA_ID) in page and 'src="/nguoi/zalo-oa.png"' in page
    png = c.get("/nguoi/zalo-oa.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert web.session_for(people["ids"]["resident"]).get("/nguoi/zalo-oa.png").status_code == 403


@pytest.mark.parametrize("oa_id", ["", None])
def test_no_oa_no_link(oa_id):
    assert oa_link(oa_id) is None
