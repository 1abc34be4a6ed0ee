"""Units and people from the office's spreadsheet: the template read back, every row checked
with its problem told by sheet and row, all or nothing, the same file twice adds nothing, each
person an invite that lets them in by chat. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from documents.people_sheet import SheetError, read_rows, write_template
from domain.people_import import PEOPLE, UNITS, PeopleImported, RowsRefused, import_people
from domain.refusals import Refused
from domain.uow import UnitOfWork
from storage.models import AuditLog, Invite, Member, UnitRow

from .conftest import Player, rows
from .people_sheets import PEOPLE as PEOPLE_ROWS
from .people_sheets import filled


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, db):
    return request.getfixturevalue("pg_db") if request.param == "postgresql" else db


def run(db, clock, campaign, data: bytes, actor=None):
    with Session(db, expire_on_commit=False) as s:
        uow = UnitOfWork(s, clock.now())
        try:
            events = import_people(uow, actor, campaign, read_rows(data))
        except Refused:
            s.rollback()
            raise
        s.commit()
        return events


def test_the_template_lists_the_stored_units_and_reads_back_empty(campaign):
    data = write_template(campaign.units)
    found = read_rows(data)
    assert [u.code for u in found.units] == [u.code for u in campaign.units]
    assert found.units[0].kind == "Thôn" and found.people == ()


def test_the_template_has_a_note_headers_and_drop_down_lists(campaign):
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(write_template(campaign.units)))
    assert book.sheetnames == ["Đơn vị", "Cán bộ"]
    people = book["Cán bộ"]
    assert "Điện thoại ghi đủ 10 số" in people["A1"].value
    assert [c.value for c in people[3]] == ["Họ và tên", "Điện thoại", "Vai trò", "Đơn vị"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in people.data_validations.dataValidation}
    assert lists["C4"] == '"Trưởng thôn,Cán bộ Văn phòng,Thành viên Hội đồng,Người dân"'
    assert lists["D4"] == "'Đơn vị'!$B$4:$B$504"  # the unit names, new ones included
    kinds = book["Đơn vị"].data_validations.dataValidation[0]
    assert kinds.formula1 == '"Thôn,Cơ quan,Đoàn thể"'
    assert people.column_dimensions["B"].number_format == "@"  # text: a phone keeps its leading 0


def test_a_filled_template_is_imported_with_an_invite_each(any_db, clock, campaign):
    [done] = run(any_db, clock, campaign, filled(campaign))
    assert isinstance(done, PeopleImported)
    assert done.units_added == ("T20",) and len(done.member_ids) == 3
    assert done.already == len(campaign.units)  # the stored units, listed in the template
    people = {m.phone: m for m in rows(any_db, Member)}
    assert people["0912345678"].role == "head" and people["0912345678"].unit_code == "T20"
    assert people["0987654321"].role == "staff" and people["0987654321"].unit_code == "VPTK"
    assert people["0977111222"].role == "council" and people["0977111222"].unit_code is None
    invites = rows(any_db, Invite)
    assert sorted(i.member_id for i in invites) == sorted(done.member_ids)
    assert {i.purpose for i in invites} == {"person"}
    assert {u.code for u in rows(any_db, UnitRow)} == {*(u.code for u in campaign.units), "T20"}
    assert {a.action for a in rows(any_db, AuditLog)} == {"unit.add", "member.import"}


def test_the_same_file_twice_adds_nothing_and_says_so(any_db, clock, campaign):
    data = filled(campaign)
    run(any_db, clock, campaign, data)
    with pytest.raises(Refused) as refused:
        run(any_db, clock, campaign, data)
    assert refused.value.key == "imp.nothing_new"
    assert len(rows(any_db, Member)) == 3 and len(rows(any_db, Invite)) == 3
    # one more person in the same file: only that person is added
    more = filled(campaign, people=[*PEOPLE_ROWS, ("Vi Văn Mới", "0911000111", "Trưởng thôn", "T02")])
    [done] = run(any_db, clock, campaign, more)
    assert len(done.member_ids) == 1 and done.already == len(campaign.units) + 1 + 3


BAD_PEOPLE = [
    ("", "0912000001", "Trưởng thôn", "T01"),  # 4: no name
    ("Hoàng Văn A", "12345", "Trưởng thôn", "T01"),  # 5: bad phone
    ("Hoàng Văn B", "0912000003", "Chủ tịch", "T01"),  # 6: unknown role
    ("Hoàng Văn C", "0912000004", "Trưởng thôn", "Thôn Không Có"),  # 7: unknown unit
    ("Hoàng Văn D", "0912000005", "Trưởng thôn", "T02"),  # 8: fine
    ("Hoàng Văn E", "0912 000 005", "Người dân", "T03"),  # 9: the phone of row 8
    ("Hoàng Văn F", "0912000007", "Trưởng thôn", ""),  # 10: a head needs a unit
    ("Hoàng Văn G", "0912000008", "", "T04"),  # 11: no role
]


def test_every_wrong_row_is_told_and_nothing_is_stored(any_db, clock, campaign):
    data = filled(
        campaign,
        units=[("T21", "Thôn Mới", "Xóm"), ("T01", "Thôn Khác", "Thôn"), ("T22", "Thôn Hai Hai", "Thôn")],
        people=BAD_PEOPLE,
    )
    with pytest.raises(RowsRefused) as refused:
        run(any_db, clock, campaign, data)
    told = [(p.sheet, p.row, p.text) for p in refused.value.problems]
    first = 4 + len(campaign.units)
    assert told == [
        (UNITS, first, "Loại đơn vị «Xóm» không có; chọn Thôn, Cơ quan hoặc Đoàn thể."),
        (UNITS, first + 1, "Mã đơn vị T01 trùng với dòng 4."),  # the template lists T01 on row 4
        (PEOPLE, 4, "Thiếu họ tên."),
        (PEOPLE, 5, "Số điện thoại «12345» chưa đúng (ví dụ 0912345678)."),
        (
            PEOPLE,
            6,
            "Vai trò «Chủ tịch» không có; chọn: Trưởng thôn, Cán bộ Văn phòng, Thành viên Hội đồng, Người dân.",
        ),
        (PEOPLE, 7, "Không có đơn vị «Thôn Không Có»."),
        (PEOPLE, 9, "Số điện thoại 0912000005 trùng với dòng 8."),
        (PEOPLE, 10, "Trưởng thôn cần có đơn vị."),
        (
            PEOPLE,
            11,
            "Thiếu vai trò; chọn: Trưởng thôn, Cán bộ Văn phòng, Thành viên Hội đồng, Người dân.",
        ),
    ]
    assert rows(any_db, Member) == [] and rows(any_db, Invite) == [] and rows(any_db, UnitRow) == []


def test_a_phone_or_a_unit_code_already_someone_elses_is_refused(db, clock, campaign):
    run(db, clock, campaign, filled(campaign))
    other = filled(
        campaign,
        units=[("T01", "Thôn Khác", "Thôn")],
        people=[("Đinh Văn Khác", "0912345678", "Trưởng thôn", "T20")],
        template=write_template([]),
    )
    with pytest.raises(RowsRefused) as refused:
        run(db, clock, campaign, other)
    assert [p.text for p in refused.value.problems] == [
        "Mã T01 đã là của «Thôn 1».",
        "Số điện thoại 0912345678 đã là của Hoàng Văn Trưởng.",
    ]


def test_a_file_that_is_not_the_template_is_refused_in_words(campaign):
    with pytest.raises(SheetError) as bad:
        read_rows(b"not a workbook")
    assert "Excel" in str(bad.value)
    import io

    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    with pytest.raises(SheetError) as bad:
        read_rows(buf.getvalue())
    assert "thiếu trang «Đơn vị»" in str(bad.value)


def test_a_phone_typed_as_a_number_keeps_its_leading_zero(db, clock, campaign):
    data = filled(campaign, units=[], people=[("Hoàng Văn Số", 912888999, "Trưởng thôn", "T01")])
    assert read_rows(data).people[0].phone == "0912888999"


def test_the_imported_head_joins_by_the_printed_code_and_sees_the_new_unit(core, db, clock, campaign):
    run(db, clock, campaign, filled(campaign))
    with Session(db) as s:
        head = s.exec(Member.__table__.select().where(Member.phone == "0912345678")).one()
        code = s.exec(Invite.__table__.select().where(Invite.member_id == head.id)).one().code
    p = Player(core, "tg-head", channel="telegram")
    p.say(f"/start {code}")
    assert "Đăng ký xong: Hoàng Văn Trưởng, trưởng đơn vị — Thôn Bản Mới." in p.text, p.text
    [member] = [m for m in rows(db, Member) if m.phone == "0912345678"]
    assert member.role == "head"
    # a resident registering now is offered the new village
    r = Player(core, "res-new")
    r.say("/start")
    r.press("register")
    r.say("Nông Thị Dân")
    assert "Thôn Bản Mới" in r.text
    assert len(rows(db, Member)) == 3  # the head joined their listed row, nobody was added


def test_a_clerk_may_import_a_resident_may_not(db, clock, campaign):
    resident = Member(full_name="Người Dân", role="resident", unit_code="T01")
    with pytest.raises(Refused) as refused:
        run(db, clock, campaign, filled(campaign), actor=resident)
    assert refused.value.key == "role.denied"
