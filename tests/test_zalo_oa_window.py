"""The OA's 48-hour window: an announcement to followers inside and outside it ends with every
row sent, templated, rerouted or kept «ngoài khung 48 giờ» (counted on the figures), none
sent free-form outside the window; a kept row goes as soon as the person writes again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session

from bot.outbox_dispatcher import OutboxDispatcher
from domain import broadcasts as bc
from domain.broadcasts import Audience
from domain.uow import UnitOfWork
from storage.models import Identity, Outbox

from .conftest import Player, rows
from .seed import create_member
from .test_zalo_oa import fake, serve_oa  # noqa: F401  (the fake OA API fixture)
from .web_helpers import Web, make_staff

TEMPLATES = {"announcement": {"id": "310003", "params": {"ten": "name", "noi_dung": "text"}}}


def follower(s, clock, fake, user: str, name: str, *, hours_ago: float, phone: str | None = None) -> int:
    m = create_member(
        s,
        full_name=name,
        role="resident",
        unit_code="T01",
        phone=phone,
        channel="zalo_oa",
        external_id=user,
        chat_id=user,
        display_name=None,
        now=clock.now(),
    )
    last = clock.now() - timedelta(hours=hours_ago)
    s.exec(update(Identity).where(Identity.external_id == user).values(last_inbound_at=last))
    fake.followers.add(user)
    fake.last_inbound[user] = last
    return m.id


@pytest.fixture
async def oa(fake, db, campaign, clock, tmp_path):
    served, stop = await serve_oa(fake, db, campaign, clock, tmp_path, zalo_oa_templates=TEMPLATES)
    yield served
    await stop()


async def test_an_announcement_outside_the_window_is_templated_rerouted_or_kept_never_dropped(
    oa, fake, db, campaign, clock, core, tmp_path
):
    with Session(db) as s:
        follower(s, clock, fake, "in", "Nguyen Van An", hours_ago=2)
        follower(s, clock, fake, "tpl", "Le Thi Binh", hours_ago=72, phone="0912345678")
        both = follower(s, clock, fake, "both", "Pham Van Cuong", hours_ago=72)
        s.add(
            Identity(
                member_id=both, channel="telegram", external_id="555", chat_id="555", created_at=clock.now()
            )
        )
        follower(s, clock, fake, "out", "Do Thi Dung", hours_ago=49)
        s.commit()
        [done] = bc.announce(
            UnitOfWork(s, clock.now()), None, campaign, Audience("all"), "Họp thôn lúc 19 giờ.", channel="cli"
        )
        s.commit()
        ann_id = done.announcement_id
    dispatcher = OutboxDispatcher(db, oa.channel, clock)
    await dispatcher.run_once()

    assert fake.texts("in") == ["Họp thôn lúc 19 giờ."]
    [zns] = fake.zns()
    assert zns.body["phone"] == "84912345678" and zns.body["template_id"] == "310003"
    assert zns.body["template_data"] == {"ten": "Le Thi Binh", "noi_dung": "Họp thôn lúc 19 giờ."}
    assert not any(c.path.endswith("!window") for c in fake.calls)  # never free-form outside
    by_chat = {r.chat_id: r for r in rows(db, Outbox)}
    assert by_chat["in"].status == "sent" and by_chat["tpl"].status == "templated"
    assert by_chat["both"].status == "rerouted" and by_chat["555"].status == "pending"  # Telegram's
    assert by_chat["out"].status == "window" and by_chat["out"].last_error == "ngoài khung 48 giờ"
    with Session(db) as s:
        f = bc.figures(s, ann_id)
    assert (f.sent, f.templated, f.rerouted, f.outside_window, f.queued) == (1, 1, 1, 1, 1)
    with Session(db) as s:
        create_member(
            s,
            full_name="Cán bộ Văn phòng",
            role="staff",
            unit_code=None,
            phone=None,
            channel="telegram",
            external_id="st",
            chat_id="st",
            display_name=None,
            now=clock.now(),
        )
        s.commit()
    staff = Player(core, "st", channel="telegram")
    staff.say("/start")
    staff.press("ann_figures")  # what the office reads in chat
    assert "Zalo OA: gửi theo mẫu 1, chuyển sang kênh khác 1, chờ vì ngoài khung 48 giờ 1" in staff.text
    console = Web(core, db, campaign, clock, tmp_path).signed_in(make_staff(db, clock))
    page = console.get("/thong-bao").text  # and on the web console
    assert "ngoài khung 48 giờ" in page and "1 / 1 / 1" in page

    await oa.say("xin chao", "out")  # the person writes: their window opens again
    await dispatcher.run_once()
    assert "Họp thôn lúc 19 giờ." in fake.texts("out")
    with Session(db) as s:
        f = bc.figures(s, ann_id)
    assert (f.sent, f.outside_window) == (2, 0)


async def test_a_message_only_for_the_oa_goes_on_the_other_channel_and_quota_falls_back(
    oa, fake, db, campaign, clock
):
    fake.quota["template"] = 0  # the month's ZNS quota is used up
    with Session(db) as s:
        both = follower(s, clock, fake, "both", "Pham Van Cuong", hours_ago=100, phone="0912345678")
        s.add(
            Identity(
                member_id=both, channel="telegram", external_id="555", chat_id="555", created_at=clock.now()
            )
        )
        lone = follower(s, clock, fake, "lone", "Vu Van Em", hours_ago=100, phone="0987654321")
        from storage import outbox

        for member, chat in ((both, "both"), (lone, "lone")):
            outbox.enqueue(
                s,
                member_id=member,
                channel="zalo_oa",
                chat_id=chat,
                payload={"kind": "text", "text": "Hồ sơ DC-0001 đã được duyệt."},
                now=clock.now(),
                dedupe_key=f"decision:{member}",
            )
        s.commit()
    await OutboxDispatcher(db, oa.channel, clock).run_once()
    moved = rows(db, Outbox, Outbox.channel == "telegram")
    assert [(r.chat_id, r.payload["text"], r.dedupe_key) for r in moved] == [
        ("555", "Hồ sơ DC-0001 đã được duyệt.", f"decision:{both}|telegram")
    ]
    [kept] = rows(db, Outbox, Outbox.chat_id == "lone")
    assert kept.status == "window" and fake.zns() == []
