"""One achievement is rewarded once (Law art. 5.2): when the campaign file sets
`[rules] repeat_award_years`, staff reviewing a nomination see the nominee's earlier awards
within that window, in chat and on the web dossier, and still decide; without the rule nothing
is looked for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from domain.clock import ManualClock
from handlers.core import Core
from storage import submissions

from . import seed
from .conftest import Player
from .lookup_seed import store_campaigns, two_years, with_rules
from .web_helpers import Web

NOW = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)  # 01/03/2025 10:00 in Hà Nội
WARNED_2024 = (
    "⚠ Đã được khen: Giấy khen của Chủ tịch UBND xã theo QĐ số 125/QĐ-UBND ngày 05/11/2024 "
    "(Thi đua chào mừng 60 năm huyện Văn Quan)."
)


@pytest.fixture
def world(db):
    """The awards of 2023 and 2024, and a new nomination of Hoàng Văn Tư's household (Thôn 1)
    waiting for review."""
    with Session(db, expire_on_commit=False) as s:
        people = two_years(s, NOW)
        sub = seed.create_submission(
            s,
            kind="nomination",
            campaign_code="tran-ninh-2024",
            submitter_id=people["other"].id,
            now=NOW,
            unit_code="T01",
            category="household",
            nominee="Hộ ông Hoàng Văn Tư",
            contents=["c2"],
            achievements="Trồng 3 ha hồi, hiến 200 m2 đất làm đường bê tông của thôn.",
            answers={},
            flags=[],
            proposed_award="commune",
        )
        s.commit()
    return people, sub.ref


def review(db, campaign) -> Player:
    staff = Player(Core(db, campaign, ManualClock(NOW)), "s1")
    staff.say("/thamdinh")
    return staff


def test_staff_see_the_earlier_awards_within_the_window_and_still_decide(db, campaign, world):
    _, ref = world
    staff = review(db, with_rules(campaign, repeat_award_years=2))
    text = staff.text
    assert ref in text and len(staff.last) == 1
    assert WARNED_2024 in text
    assert "⚠ Đã được khen: Giấy khen của Chủ tịch UBND xã theo QĐ số 88/QĐ-UBND ngày 20/11/2023" in text
    assert "310/QĐ-UBND" not in text  # a namesake of Thôn 3: another person
    staff.press("approve")  # a warning, not a refusal
    with Session(db) as s:
        assert submissions.submission_by_ref(s, ref).status == "approved"


def test_a_shorter_window_and_no_rule(db, campaign, world):
    one = review(db, with_rules(campaign, repeat_award_years=1)).text
    assert WARNED_2024 in one and "88/QĐ-UBND" not in one  # 20/11/2023 is before 01/03/2024
    assert "Đã được khen" not in review(db, campaign).text  # no [rules]: nothing looked for


def test_the_rule_read_from_the_campaign_stored_in_the_table(db, campaign, world):
    """The campaign the nomination belongs to says the window, as its stored file sets it."""
    people, ref = world
    during = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)  # the 2024 campaign still open
    with Session(db) as s:
        store_campaigns(s, during, s.merge(people["staff"]), rules=2)
        s.commit()
    staff = Player(Core(db, campaign, ManualClock(during)), "s1")  # the file without [rules]
    staff.say("/thamdinh")
    assert ref in staff.text and WARNED_2024 in staff.text and "88/QĐ-UBND ngày 20/11/2023" in staff.text


def test_the_web_dossier_shows_them_to_staff(db, campaign, world, tmp_path):
    people, ref = world
    web = Web(None, db, with_rules(campaign, repeat_award_years=2), ManualClock(NOW), tmp_path)
    page = web.signed_in(people["staff"].id).get(f"/ho-so/{ref}").text
    assert WARNED_2024 in page
    assert "QĐ số 88/QĐ-UBND ngày 20/11/2023 (tran-ninh-2023)" in page  # no campaign table: its code
    plain = Web(None, db, campaign, ManualClock(NOW), tmp_path).signed_in(people["staff"].id)
    assert "Đã được khen" not in plain.get(f"/ho-so/{ref}").text
