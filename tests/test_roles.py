"""The role matrix, server side: every menu key, command and forged button value against every
role (guest, resident, head of T01, head of T02, staff, a council member). Nobody sees or changes what is not
theirs: asserted on the replies and on the stored rows."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from storage import members, submissions
from storage.models import AuditLog, Evidence, Outbox, StatusChange, Submission, SubmissionVersion

from . import seed as seeding
from .conftest import Player, nominate_household, register_resident, rows
from .review_helpers import join, member_id
from .test_review import FIGURES_1, send_report

ROLES = ("guest", "resident", "head1", "head2", "staff", "council")
HEADS = {"head1", "head2"}
MEMBERS = {"resident", "head1", "head2", "staff", "council"}
STAFF = {"staff"}
COUNCIL = {"council"}  # read-only: the lists and their dossiers, and their own vote
# who may use each menu item (the label is the button; the key is its value)
MENU = {
    "register": {"guest"},
    "invite": {"guest"},
    "help": {"guest", *MEMBERS},
    "nominate": MEMBERS,
    "mine": MEMBERS,
    "report": HEADS,
    "propose": HEADS,
    "unit_noms": HEADS,
    "review": STAFF,
    "reports": STAFF,
    "shortlist": STAFF,
    "council": STAFF | COUNCIL,
    "stats": STAFF,
    "round": STAFF,
    "decision": STAFF,
    "honours": STAFF,
    "export": STAFF,
    "vote": COUNCIL,
    "dossiers": COUNCIL,
    "lookup": STAFF | HEADS | COUNCIL,
}
COMMANDS = {
    "baocao": HEADS,
    "denghi": HEADS,
    "thamdinh": STAFF,
    "danhsach": STAFF,
    "thongke": STAFF,
    "xuat": STAFF,
    "hoidong": STAFF,
    "quyetdinh": STAFF,
    "guongdienhinh": STAFF,
    "bophieu": COUNCIL,
}
REF = re.compile(r"\b(?:DC|DN|BC)-\d{4}\b")


@pytest.fixture
def world(core, db, clock):
    """r1 (Thôn 1) nominates DC-0001 about Thôn 1; r2 nominates DC-0002 about Thôn 1; the head of
    Thôn 1 reports BC-0001 and proposes DN-0001; the head of Thôn 2 reports BC-0002."""
    people = {"guest": Player(core, "g1"), "resident": Player(core, "r1")}
    people["guest"].say("/start")
    register_resident(people["resident"])
    nominate_household(people["resident"])
    other = Player(core, "r2")
    register_resident(other, name="Lộc Văn Nam", village="2")
    nominate_household(other, nominee="Hộ bà Nông Thị Hoa", unit="Thôn 1")
    people["head1"] = join(core, db, clock, "h1", "head", "T01", name="Trưởng Thôn Một")
    people["head2"] = join(core, db, clock, "h2", "head", "T02", name="Trưởng Thôn Hai")
    send_report(people["head1"], FIGURES_1, "Thôn vận động 120 lượt người làm 350 m đường bê tông.")
    with Session(db) as s:
        seeding.create_submission(
            s,
            kind="proposal",
            campaign_code="tran-ninh-2024",
            submitter_id=member_id(core, people["head1"]),
            now=clock.now(),
            unit_code="T01",
            category="collective",
            nominee="Chi hội Phụ nữ thôn 1",
            contents=["c1"],
            achievements="Vận động hội viên làm đường, trồng cây.",
            answers={"vote_note": "Họp"},
            flags=[],
            proposed_award="commune",
        )
        s.commit()
    send_report(
        people["head2"], FIGURES_1, "Thôn 2 tổ chức ngày hội đại đoàn kết, làm 200 m đường.", unit="Thôn 2"
    )
    assert "BC-0002" in people["head2"].text
    people["staff"] = join(core, db, clock, "s1", "staff", "VPTK", name="Cán Bộ Văn Phòng")
    people["council"] = join(core, db, clock, "c1", "council", None, name="Thành Viên Hội Đồng")
    for p in people.values():
        p.say("/menu")
    return people


VISIBLE = {  # what each role may ever read
    "guest": set(),
    "resident": {"DC-0001"},
    "head1": {"DC-0001", "DC-0002", "BC-0001", "DN-0001"},  # own unit's reports, proposals, nominations
    "head2": {"BC-0002"},
    "staff": {"DC-0001", "DC-0002", "BC-0001", "DN-0001", "BC-0002"},
    "council": set(),  # nothing is on the council's lists yet
}
IN_MINE = {
    "resident": ["DC-0001"],
    "head1": ["BC-0001", "DN-0001"],
    "head2": ["BC-0002"],
    "staff": [],
    "council": [],
}


def snapshot(db):
    subs = sorted(
        (s.ref, s.status, s.version, s.achievements, s.shortlist_award) for s in rows(db, Submission)
    )
    return subs, *(len(rows(db, m)) for m in (StatusChange, Outbox, AuditLog, SubmissionVersion, Evidence))


def refs_in(p: Player) -> set[str]:
    return set(REF.findall(p.text))


def forge(p: Player, value: str):
    """A button value the person was never offered, sent on the current question."""
    return p.send(p._event(kind="choice", choice=value, seq=p.question.seq))


def check_table(p: Player, db, role: str, table: dict[str, set[str]], act, refusal: str) -> None:
    """Each entry of `table` tried by `role`: allowed ones work, others get `refusal`; no reply
    ever shows a reference the role may not read; nothing stored changes (but for staff, whose
    taking an item from the queue is a real change)."""
    for name, allowed in table.items():
        p.say("/huy")
        before = snapshot(db)
        act(p, name)
        if role in allowed:
            assert "chưa hiểu" not in p.text and "không dành cho bạn" not in p.text, (role, name, p.text)
        else:
            assert refusal in p.text, (role, name, p.text)
        assert refs_in(p) <= VISIBLE[role], (role, name, p.text)
        if role != "staff":
            assert snapshot(db) == before, (role, name)


@pytest.mark.parametrize("role", ROLES)
def test_menu_items_by_role(world, db, role):
    """Menu keys pressed as button values, offered to the role or not."""
    check_table(world[role], db, role, MENU, lambda p, key: forge(p, key), "Xin lỗi, tôi chưa hiểu")


@pytest.mark.parametrize("role", ROLES)
def test_commands_by_role(world, db, role):
    check_table(
        world[role],
        db,
        role,
        COMMANDS,
        lambda p, command: p.say(f"/{command}"),
        "Xin lỗi, mục này không dành cho bạn.",
    )


@pytest.mark.parametrize("role", ["resident", "head1", "head2", "staff", "council"])
def test_mine_lists_only_what_the_role_allows_and_refuses_forged_refs(world, db, role):
    p = world[role]
    p.press("mine")
    if not IN_MINE[role]:
        assert "Bạn chưa có hồ sơ nào" in p.text
        return
    assert sorted(o.value for o in p.question.options) == IN_MINE[role]
    before = snapshot(db)
    for ref in sorted(VISIBLE["staff"] - set(IN_MINE[role])):
        forge(p, ref)
        assert "Lựa chọn chưa đúng" in p.text and ref not in p.text, (role, ref, p.text)
    # staff values, and amending an item nobody asked to amend, are refused
    p.say("1")
    for value in ("approve", "reject", "add:DC-0001", "amend"):  # none offered here
        forge(p, value)
        assert "Lựa chọn chưa đúng" in p.text, (role, value, p.text)
    assert snapshot(db) == before


def test_head_reads_their_units_nominations_but_cannot_change_them(world, db):
    head1, head2 = world["head1"], world["head2"]
    head1.press("unit_noms")
    assert sorted(o.value for o in head1.question.options) == ["DC-0001", "DC-0002"]
    before = snapshot(db)
    head1.say("1")
    for value in ("withdraw", "amend", "approve", "yes"):
        forge(head1, value)
        assert "Lựa chọn chưa đúng" in head1.text
    head2.press("unit_noms")
    assert "Chưa có đề cử nào" in head2.text
    head2.say("/menu")
    head2.press("mine")
    forge(head2, "DC-0001")
    assert "Lựa chọn chưa đúng" in head2.text and "DC-0001" not in head2.text
    assert snapshot(db) == before


def test_forged_values_in_staff_flows_change_nothing(world, db):
    staff = world["staff"]
    staff.press("shortlist")
    staff.press("Giấy khen của Chủ tịch UBND huyện")
    before = snapshot(db)
    for value in ("add:DC-0001", "add:BC-0001", "del:DC-0002", "add:XX-9999"):  # none is approved
        forge(staff, value)
        assert "Lựa chọn chưa đúng" in staff.text, (value, staff.text)
    assert snapshot(db) == before
    # a resident replaying a staff decision value at their own menu
    resident = world["resident"]
    resident.say("/menu")
    for value in ("approve", "needs_info", "review", "add:DC-0001"):
        forge(resident, value)
        assert "Xin lỗi, tôi chưa hiểu" in resident.text
    assert snapshot(db) == before


def test_role_change_is_checked_on_the_next_turn(world, db, core, clock):
    """A staff member demoted while deciding cannot finish the decision."""
    staff = world["staff"]
    staff.press("review")
    ref = REF.search(staff.question.text).group(0)
    with Session(db) as s:
        member = members.member_by_identity(s, "console", "s1")
        seeding.set_role(s, member, role="resident", unit_code="T01", actor_id=None, now=clock.now())
        s.commit()
    staff.send(staff._event(kind="choice", choice="approve", seq=staff.question.seq))
    assert "Lựa chọn chưa đúng" in staff.text or "không dành cho bạn" in staff.text
    assert [s.status for s in rows(db, Submission) if s.ref == ref] == ["submitted"]  # as shown


def test_every_flow_has_a_title(core):
    assert all(flow.title() for flow in core.flows.values())


def test_council_reads_the_lists_and_dossiers_only(world, db, clock):
    """On the council's list, an item is readable by the council, read-only; the rest is not."""
    with Session(db) as s:
        row = submissions.submission_by_ref(s, "DC-0001")
        for to, fields in (("approved", None), ("shortlisted", {"shortlist_award": "commune"})):
            seeding.change_status(
                s, row, to, actor_id=None, reason=None, now=clock.now(), notify=None, fields=fields
            )
        s.commit()
    member = world["council"]
    member.say("/menu")
    member.press("dossiers")
    assert [o.value for o in member.question.options] == ["DC-0001"]
    member.say("1")
    assert "Hộ ông Hoàng Văn Tư" in member.text
    before = snapshot(db)
    for value in ("approve", "reject", "needs_info", "add:DC-0002", "del:DC-0001", "withdraw", "DC-0002"):
        forge(member, value)
        assert "Lựa chọn chưa đúng" in member.text and "DC-0002" not in member.text, (value, member.text)
    member.say("/huy")
    member.press("mine")
    assert "Bạn chưa có hồ sơ nào" in member.text
    assert snapshot(db) == before
