"""Appraisal on the OA: a staff member follows the commune's OA and decides with its buttons;
the submitter, also on the OA, is told free-form inside their window and by the registered
decision template once the window has passed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session

from bot.outbox_dispatcher import OutboxDispatcher
from messages.catalog import t
from storage.models import Member, Outbox, Submission

from . import seed as seeding
from .conftest import Player, nominate_household, register_resident, rows
from .test_zalo_oa import Oa, buttons, fake, serve_oa  # noqa: F401  (the fake OA API fixture)

TEMPLATES = {"decision": {"id": "310002", "params": {"ten": "name", "noi_dung": "text"}}}


@pytest.fixture
async def oa(fake, db, campaign, clock, tmp_path):
    served, stop = await serve_oa(fake, db, campaign, clock, tmp_path, zalo_oa_templates=TEMPLATES)
    yield served
    await stop()


async def press(oa: Oa, user: str, label: str) -> str:
    """Press an OA button of the last message (its payload comes back as the person's text),
    or, where the choices were too many for buttons, type its number."""
    [last] = oa.fake.sent(user)[-1:]
    for b in buttons(last):
        if b["title"] == label:
            return await oa.say(b["payload"], user)
    found = re.search(rf"^(\d+)\. {re.escape(label)}$", last.body["message"]["text"], re.M)
    assert found, f"no {label!r} in {last.body['message']['text']}"
    return await oa.say(found.group(1), user)


async def test_staff_decide_on_the_oa_and_the_submitter_is_told_inside_and_outside_the_window(
    oa, fake, db, campaign, clock
):
    resident = Player(oa.app.core, user_id="u-res", channel="zalo_oa")
    register_resident(resident)
    ref = nominate_household(resident)
    with Session(db) as s:
        s.exec(update(Member).where(Member.full_name == "Nguyễn Văn Bình").values(phone="0912345678"))
        code = seeding.create_invite(
            s, role="staff", unit_code="VPTK", now=clock.now(), ttl=timedelta(days=1)
        ).code
        s.commit()
    await oa.say("menu", "u-res")  # the resident wrote to the OA: their window is open

    await oa.say(f"/start {code}", "u-staff")
    assert "cán bộ Văn phòng" in await oa.say("Hoàng Thị Lan", "u-staff")
    queue = await press(oa, "u-staff", t("menu.review"))
    assert f"{ref} — Đề cử" in queue and "Hộ ông Hoàng Văn Tư" in queue
    await press(oa, "u-staff", t("rev.needs_info"))
    done = await oa.say("Xin gửi thêm ảnh vườn hồi và xác nhận của thôn.", "u-staff")
    assert f"{ref}: Cần bổ sung. Đã báo người gửi." in done

    dispatcher = OutboxDispatcher(db, oa.channel, clock)
    await dispatcher.run_once()
    told = [x for x in fake.texts("u-res") if ref in x]
    # opening the dossier told nobody (only a decision does): one notice, the request
    assert len(told) == 1 and "Cần bổ sung" in told[0] and "ảnh vườn hồi" in told[0]

    resident.say("/hoso")
    resident.say("1")
    resident.press(t("mine.amend"))  # the summary as it was sent, with its changes
    resident.press("Sửa thành tích")
    resident.say("Đã trồng thêm 1 ha hồi; thôn xác nhận bằng văn bản ngày 10/11/2024.")
    resident.photo("vuon-hoi")  # sent at the summary: kept with the others
    resident.press("Gửi bổ sung, không công bố ảnh")
    assert f"Đã gửi bổ sung cho {ref}" in resident.text

    clock.advance(hours=49)  # the resident's window has passed; the staff member writes now
    await press(oa, "u-staff", t("menu.review"))
    await press(oa, "u-staff", t("rev.approve"))
    assert rows(db, Submission)[0].status == "approved"
    await dispatcher.run_once()
    [zns] = fake.zns()
    assert zns.body["template_id"] == "310002" and zns.body["phone"] == "84912345678"
    assert (
        ref in zns.body["template_data"]["noi_dung"] and zns.body["template_data"]["ten"] == "Nguyễn Văn Bình"
    )
    assert not any(c.path.endswith("!window") for c in fake.calls)
    assert {r.status for r in rows(db, Outbox, Outbox.chat_id == "u-res")} <= {"sent", "templated"}
