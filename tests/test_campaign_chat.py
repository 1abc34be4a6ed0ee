"""Chat with the commune's campaigns from the `campaign` table: one open serves as before (no
question), two open ask «Bạn tham gia đợt nào?» once and keep the answer, none open says so
and offers nothing to submit; a nomination goes to the campaign chosen."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from domain import campaigns as ops
from domain.uow import UnitOfWork
from storage.models import ConversationState, Member, Submission

from .campaign_texts import campaign_text, open_two_campaigns
from .conftest import Player, nominate_household, register_resident, rows
from .seed import console_member

WINTER = "vu-dong-2024"


def store(db, clock, *, second: bool = True, close_first: bool = False) -> None:
    open_two_campaigns(db, clock.now(), WINTER if second else "", close_first=close_first)


def count_taps(p: Player, journey) -> int:
    sent = 0
    send = p.send

    def counting(event):
        nonlocal sent
        sent += 1
        return send(event)

    p.send = counting
    try:
        journey()
    finally:
        p.send = send
    return sent


def test_one_open_campaign_in_the_table_asks_nothing(core, db, clock):
    store(db, clock, second=False)
    p = Player(core)
    p.say("/start")
    assert "Thi đua chào mừng 60 năm huyện Văn Quan" in p.text and "đợt nào" not in p.text
    register_resident(p)
    assert nominate_household(p).startswith("DC-")
    assert {s.campaign_code for s in rows(db, Submission)} == {"tran-ninh-2024"}
    assert "campaign" not in [o.value for o in p.question.options]  # nothing to switch to


def test_two_open_campaigns_ask_once_and_the_nomination_goes_to_the_one_chosen(core, db, clock):
    store(db, clock)
    p = Player(core)
    p.say("/start")
    assert "Xin chào! Đây là bot thi đua của UBND xã Trần Ninh." in p.text
    assert "Bạn tham gia đợt nào?" in p.text
    labels = [o.label for o in p.question.options]
    assert labels[0].startswith("Thi đua sản xuất vụ đông (hạn 23:59 ngày 20/12/2024)"), labels
    assert labels[1].startswith("Thi đua chào mừng 60 năm huyện Văn Quan (hạn 23:59 ngày 30/11/2024)")
    p.press(WINTER)
    assert "«Thi đua sản xuất vụ đông»" in p.text and "Bạn chưa đăng ký" in p.text
    register_resident(p)  # /start again: the choice is kept, the menu comes straight
    assert "đợt nào" not in p.text
    assert rows(db, ConversationState)[0].campaign_code == WINTER
    nominate_household(p)
    assert {s.campaign_code for s in rows(db, Submission)} == {WINTER}
    p.press("campaign")  # «Đổi đợt thi đua»
    assert "Bạn tham gia đợt nào?" in p.text
    p.press("tran-ninh-2024")
    assert "Thi đua chào mừng 60 năm huyện Văn Quan" in p.text
    nominate_household(p, nominee="Hộ bà Lý Thị Mai")
    assert sorted(s.campaign_code for s in rows(db, Submission)) == ["tran-ninh-2024", WINTER]


def test_the_second_open_campaign_costs_one_tap_once(db, campaign, clock):
    from handlers.core import Core

    def journey_taps(engine_core, user: str) -> tuple[int, int]:
        p = Player(engine_core, user_id=user)
        first = count_taps(
            p, lambda: (p.say("/start"), p.question.options and _pick(p), register_resident(p))
        )
        nominate_household(p)
        second = count_taps(p, lambda: nominate_household(p, nominee="Hộ bà Lý Thị Mai"))
        return first, second

    def _pick(p: Player) -> None:
        if "đợt nào" in p.text:
            p.press("tran-ninh-2024")

    before = journey_taps(Core(db, campaign, clock), "before")  # no campaign row yet
    store(db, clock, second=False)
    one = journey_taps(Core(db, campaign, clock), "one")  # the file's campaign, stored
    assert one == before
    with Session(db) as s:
        clerk = s.exec(select(Member).where(Member.role == "staff")).first()
        uow = UnitOfWork(s, clock.now())
        ops.save_draft(uow, clerk, campaign_text(WINTER))
        ops.open_campaign(uow, clerk, WINTER)
        s.commit()
    two = journey_taps(Core(db, campaign, clock), "two")
    assert two[0] == one[0] + 1  # the choice, once
    assert two[1] == one[1]  # the next nomination: no tap more


def test_no_open_campaign_greets_politely_and_offers_nothing_to_submit(core, db, clock):
    store(db, clock, second=False, close_first=True)
    p = Player(core)
    p.say("/start")
    assert "Hiện chưa có đợt thi đua nào đang mở nhận hồ sơ" in p.text
    values = [o.value for o in p.question.options]
    assert "nominate_new" not in values and "register" in values
    p.say("/decu")  # the campaign closed: its deadline is told
    assert "hết hạn nhận hồ sơ" in p.text and "register" in [o.value for o in p.question.options]
    with Session(db) as s:  # put away: no campaign at all
        clerk = s.exec(select(Member).where(Member.role == "staff")).first()
        ops.archive_campaign(UnitOfWork(s, clock.now()), clerk, "tran-ninh-2024")
        s.commit()
    p.say("/decu")
    assert "Hiện chưa có đợt thi đua nào đang mở nhận hồ sơ." in p.text
    assert "nominate_new" not in [o.value for o in p.question.options]
    assert rows(db, Submission) == []


@pytest.mark.parametrize("role", ["staff", "council"])
def test_staff_choose_a_campaign_past_its_deadline(core, db, clock, role):
    store(db, clock, close_first=True)  # tran-ninh-2024 closed, the winter campaign open
    with Session(db) as s:
        console_member(s, "Chị Lan", role, "lan", clock.now())
        s.commit()
    p = Player(core, user_id="lan")
    p.say("/start")
    assert "Thi đua sản xuất vụ đông" in p.text and "đợt nào" not in p.text  # one open: no question
    p.press("campaign")
    assert [o.value for o in p.question.options] == [WINTER, "tran-ninh-2024"]
    p.press("tran-ninh-2024")
    assert "Thi đua chào mừng 60 năm huyện Văn Quan" in p.text
    resident = Player(core, user_id="r1")
    resident.say("/start")  # a resident is offered the open campaign only
    assert "đợt nào" not in resident.text and "Thi đua sản xuất vụ đông" in resident.text
    assert "campaign" not in [o.value for o in resident.question.options]


def test_the_choice_is_kept_on_postgresql_too(pg_db, campaign, clock):
    from handlers.core import Core

    open_two_campaigns(pg_db, clock.now(), WINTER)
    p = Player(Core(pg_db, campaign, clock))
    p.say("/start")
    p.press(WINTER)
    register_resident(p)
    assert "đợt nào" not in p.text
    nominate_household(p)
    assert {s.campaign_code for s in rows(pg_db, Submission)} == {WINTER}
    assert rows(pg_db, ConversationState)[0].campaign_code == WINTER
