"""What waits for the office is one set, counted alike everywhere: the overview («chờ thẩm định»
and its list), the digest (figures and chat text), chat «Thẩm định hồ sơ» («còn N hồ sơ chờ»)
and the web list «Chờ thẩm định». Nominations and proposals sent or under review wait; a unit
report never does (the office receives it as sent), whatever its status."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from domain import digest
from domain.lifecycle import KINDS, STATUSES
from handlers.digest import text_table
from storage.models import Identity

from .review_helpers import join, member_id, moved
from .web_helpers import Web, web_only_clerk

# a way to each status from «submitted»
PATHS = {
    "submitted": [],
    "under_review": ["under_review"],
    "needs_info": ["needs_info"],
    "approved": ["approved"],
    "rejected": ["rejected"],
    "withdrawn": ["withdrawn"],
    "shortlisted": ["approved", "shortlisted"],
    "awarded": ["approved", "shortlisted", "awarded"],
    "not_recommended": ["approved", "shortlisted", "not_recommended"],
}
WAITS = {("nomination", "submitted"), ("nomination", "under_review")}
WAITS |= {("proposal", "submitted"), ("proposal", "under_review")}


def test_paths_cover_every_status():
    assert set(PATHS) == set(STATUSES)


def add(db, clock, submitter_id: int, kind: str, status: str, n: int) -> None:
    entry = kind != "report"
    moved(
        db,
        clock,
        PATHS[status],
        submitter_id=submitter_id,
        kind=kind,
        nominee=f"Hộ ông Số {n}" if entry else None,
        category="household" if entry else None,
    )


def number(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not in {text[:3000]!r}"
    return int(m.group(1).replace(".", ""))


def counts(web: Web, client, staff, db, campaign, clock) -> dict[str, int]:
    overview = client.get("/").text
    listed = client.get("/ho-so?status=waiting").text
    staff.say("/thamdinh")
    asked = staff.text
    chat = 0 if "Không còn hồ sơ chờ thẩm định" in asked else number(r"còn (\d+) hồ sơ chờ", asked)
    staff.say("/huy")
    with Session(db) as s:
        d = digest.compute(s, campaign, clock.now())
    table = text_table(campaign, d)
    staff.say("/tonghop")
    said = staff.text
    return {
        "overview figure": number(
            r"<b>([\d.]+)</b><span><a href=\"/ho-so\?status=waiting\">chờ thẩm định", overview
        ),
        "overview list": number(r"Chờ thẩm định \(([\d.]+)\)", overview),
        "digest": d.waiting,
        "digest text": number(r"Chờ thẩm định: (\d+)", table),
        "digest in chat": number(r"Chờ thẩm định: (\d+)", said),
        # the digest's statuses that read «waiting» add up to the same number
        "digest statuses": d.by_status.get("submitted", 0) + d.by_status.get("under_review", 0),
        "chat queue": chat,
        "web list": number(r"Hồ sơ <small>\(([\d.]+)\)</small>", listed),
    }


def test_the_four_counters_agree_for_every_kind_and_status(core, db, campaign, clock, tmp_path):
    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Cán Bộ Văn Phòng")
    sid = member_id(core, staff)
    web = Web(core, db, campaign, clock, tmp_path)
    client = web.signed_in(sid)
    expected = 0
    assert set(counts(web, client, staff, db, campaign, clock).values()) == {0}
    for n, (kind, status) in enumerate((k, st) for k in KINDS for st in STATUSES):
        clock.advance(minutes=1)
        add(db, clock, sid, kind, status, n)
        expected += (kind, status) in WAITS
        seen = counts(web, client, staff, db, campaign, clock)
        assert set(seen.values()) == {expected}, (kind, status, seen)
    assert expected == 4


def test_a_report_reads_received_not_waiting(core, db, campaign, clock, tmp_path):
    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Cán Bộ Văn Phòng")
    sid = member_id(core, staff)
    add(db, clock, sid, "report", "submitted", 1)
    client = Web(core, db, campaign, clock, tmp_path).signed_in(sid)
    listed = client.get("/ho-so?kind=report").text
    assert "Văn phòng đã nhận" in listed and "chờ thẩm định" not in listed.split("<table")[1]
    page = client.get("/ho-so/BC-0001").text
    assert "Văn phòng đã nhận" in page and "Đã gửi, chờ thẩm định" not in page
    overview = client.get("/").text
    assert "Không có hồ sơ nào đang chờ." in overview
    assert "<b>1</b><span>báo cáo đơn vị đã nhận</span>" in overview


@pytest.mark.parametrize("with_chat", [True, False])
def test_the_blocked_count_leaves_out_members_with_no_chat(core, db, campaign, clock, tmp_path, with_chat):
    """«người đã chặn bot» counts accounts that refused delivery, not a web-only clerk."""

    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Cán Bộ Văn Phòng")
    sid = member_id(core, staff)
    with Session(db) as s:
        web_only_clerk(s, clock.now())  # no chat account
        if with_chat:  # the staff member's one chat blocked the bot
            [account] = s.exec(select(Identity).where(Identity.member_id == sid)).all()
            account.unreachable_at = clock.now()
        s.commit()
    page = Web(core, db, campaign, clock, tmp_path).signed_in(sid).get("/thong-bao").text
    if with_chat:
        assert number(r"<b>(\d+)</b> người đã chặn bot", page) == 1
    else:  # nobody: said in words, not «0 người đã chặn bot; họ nhận lại tin…»
        assert "Chưa có ai chặn bot" in page and "người đã chặn bot" not in page
