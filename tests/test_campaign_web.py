"""The web console per campaign: with two open campaigns the header offers both, the newest
open is shown first, `?dot=<code>` chooses (kept in a cookie); the overview, the dossier list,
a dossier and the workbook each read the chosen campaign only."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from domain.campaign import parse_campaign_text
from web.campaign_choice import COOKIE as DOT

from .campaign_texts import campaign_text, open_two_campaigns
from .test_exports import SHEETS, Seed
from .web_helpers import csrf_of, make_staff, web  # noqa: F401  (web: the fixture)

WINTER = "vu-dong-2024"


def two_campaigns_with_a_dossier_each(web, db, campaign, clock):
    open_two_campaigns(db, clock.now(), WINTER)
    mine = Seed(db, campaign, clock.now()).sub("Hộ ông Một")
    winter = Seed(db, parse_campaign_text(campaign_text(WINTER)), clock.now()).sub("Hộ ông Hai")
    return mine, winter, web.signed_in(make_staff(db, clock))


def test_each_page_shows_the_chosen_campaigns_own_dossiers(web, db, campaign, clock):
    mine, winter, c = two_campaigns_with_a_dossier_each(web, db, campaign, clock)
    home = c.get("/")
    assert home.status_code == 200
    assert 'aria-label="Đợt thi đua"' in home.text
    assert 'href="/?dot=vu-dong-2024" class="on"' in home.text  # the newest open by default
    assert 'href="/?dot=tran-ninh-2024">Thi đua chào mừng 60 năm huyện Văn Quan</a>' in home.text
    assert "20/12/2024" in home.text  # the winter campaign's deadline, in the footer
    listed = c.get("/ho-so").text
    assert "Hộ ông Hai" in listed and "Hộ ông Một" not in listed
    assert c.get(f"/ho-so/{winter}").status_code == 200
    assert c.get(f"/ho-so/{mine}").status_code == 404
    chosen = c.get("/?dot=tran-ninh-2024")
    assert chosen.cookies.get(DOT) == "tran-ninh-2024"
    assert 'href="/?dot=tran-ninh-2024" class="on"' in chosen.text and "30/11/2024" in chosen.text
    listed = c.get("/ho-so").text  # the cookie keeps the choice
    assert "Hộ ông Một" in listed and "Hộ ông Hai" not in listed
    assert c.get(f"/ho-so/{mine}").status_code == 200
    assert c.get(f"/ho-so/{winter}").status_code == 404
    form = c.get("/xuat").text
    assert 'name="dot" value="tran-ninh-2024"' in form  # the form carries its page's campaign
    c.get("/?dot=vu-dong-2024")  # another tab chooses the other campaign meanwhile
    made = c.post("/xuat", data={"csrf": csrf_of(form), "dot": "tran-ninh-2024", "what": "xlsx"})
    assert made.status_code == 200, made.text
    sheet = load_workbook(io.BytesIO(made.content))[SHEETS[0]]
    names = {
        str(x.value) for row in sheet.iter_rows() for x in row if str(x.value or "").startswith("Hộ ông")
    }
    assert names == {"Hộ ông Một"}
    assert c.get("/?dot=khong-co").cookies.get(DOT) is None  # an unknown code changes nothing
    assert "Hộ ông Hai" in c.get("/ho-so").text  # the other tab's choice


def test_one_campaign_shows_no_chooser(web, db, campaign, clock):
    open_two_campaigns(db, clock.now(), "")
    c = web.signed_in(make_staff(db, clock))
    assert 'aria-label="Đợt thi đua"' not in c.get("/").text
