"""The office's citation («Trích yếu thành tích») on the dossier page: pre-filled with the
suggestion, saved by staff through domain.citation.set_citation (length-checked, audited, safe
against two people saving at once), shown in the council's list; the photo consent shown."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from domain import citation
from domain.refusals import Refused
from domain.uow import UnitOfWork
from storage import submissions
from storage.models import AuditLog, Member

from . import seed
from .conftest import Player, nominate_household, register_resident
from .review_helpers import join, member_id, moved
from .web_helpers import csrf_of, field, people, web  # noqa: F401  (fixtures)

WRITTEN = "Trồng 3 ha hồi và hiến 200 m² đất làm đường bê tông của thôn."


def save(client, ref: str, text: str, page: str | None = None):
    page = page or client.get(f"/ho-so/{ref}").text
    return client.post(
        f"/ho-so/{ref}/trich-yeu",
        data={"csrf": csrf_of(page), "seen_citation": field(page, "seen_citation"), "citation": text},
    )


def stored(db, ref: str):
    with Session(db) as s:
        return submissions.submission_by_ref(s, ref).citation


def test_staff_save_the_suggested_citation_edited(web, people):
    c = web.signed_in(people["ids"]["staff"])
    page = c.get("/ho-so/DC-0001").text
    # the suggestion: the resident's words without the income («thu nhập cao» dropped)
    assert ">Trồng 3 ha hồi, hiến 200 m² đất làm đường bê tông của thôn.</textarea>" in page
    assert "thu nhập" not in page.split('id="citation"')[1].split("</textarea>")[0]
    assert "(gợi ý, chưa lưu)" in page
    r = save(c, "DC-0001", WRITTEN, page)
    assert r.status_code == 303 and r.headers["location"] == "/ho-so/DC-0001?xong=trich-yeu"
    after = c.get(r.headers["location"]).text
    assert "Đã lưu trích yếu thành tích." in after and "(gợi ý, chưa lưu)" not in after
    assert stored(web.db, "DC-0001") == WRITTEN
    with Session(web.db) as s:
        [row] = s.exec(select(AuditLog).where(AuditLog.action == "citation")).all()
    assert row.actor_id == people["ids"]["staff"] and row.after == {"citation": WRITTEN}
    assert row.before == {"citation": None} and row.entity_id == "DC-0001"
    assert "Sửa trích yếu thành tích" in after  # the trail names it in Vietnamese


def test_a_citation_too_short_is_asked_again_with_nothing_stored(web, people):
    c = web.signed_in(people["ids"]["staff"])
    r = save(c, "DC-0001", "  Tốt.  ")
    assert r.status_code == 400
    assert "cần từ 10 đến 500 ký tự" in r.text
    assert ">Tốt.</textarea>" in r.text  # the typed text kept to correct it, not the suggestion
    assert stored(web.db, "DC-0001") is None
    long = save(c, "DC-0001", "Thành tích " * 60)
    assert long.status_code == 400 and stored(web.db, "DC-0001") is None


def test_a_citation_saved_on_a_stale_page_is_refused(web, people):
    staff, admin = web.signed_in(people["ids"]["staff"]), web.signed_in(people["ids"]["admin"])
    stale = admin.get("/ho-so/DC-0001").text
    assert save(staff, "DC-0001", WRITTEN).status_code == 303
    r = save(admin, "DC-0001", "Một câu khác của người thứ hai.", stale)
    assert r.status_code == 409 and "vừa được người khác sửa" in r.text
    assert stored(web.db, "DC-0001") == WRITTEN


def test_only_staff_write_a_citation(web, people, core, db, clock):
    council = web.signed_in(member_id(core, join(core, db, clock, "m1", "council", None, name="Vi Văn Sơn")))
    token = csrf_of(council.get("/bo-phieu").text)
    r = council.post("/ho-so/DC-0001/trich-yeu", data={"csrf": token, "citation": WRITTEN})
    assert r.status_code == 403 and stored(db, "DC-0001") is None
    with Session(db) as s, pytest.raises(Refused):
        member = s.get(Member, people["ids"]["resident"])
        citation.set_citation(UnitOfWork(s, clock.now()), member, "DC-0001", WRITTEN)


def test_the_council_list_shows_the_citation(web, people, core, db, clock):
    sid = people["ids"]["staff"]
    ref = moved(
        db,
        clock,
        ["approved", "shortlisted"],
        submitter_id=sid,
        nominee="Hộ bà Lò Thị Mai",
        category="household",
    )
    c = web.signed_in(sid)
    assert save(c, ref, WRITTEN).status_code == 303
    council = c.get("/hoi-dong").text
    assert WRITTEN in council
    assert "individual" not in council and "collective" not in council


def test_the_dossier_shows_whether_photos_may_be_published(web, core, db, clock):
    resident = Player(core, "r1")
    register_resident(resident)
    ref = nominate_household(resident, photos=1)  # «1»: send and agree to publish the photos
    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Cán Bộ Văn Phòng")
    c = web.signed_in(member_id(core, staff))
    assert "Người gửi đồng ý đăng ảnh công khai" in c.get(f"/ho-so/{ref}").text
    with Session(db) as s:
        for e in submissions.evidence_of(s, submissions.submission_by_ref(s, ref).id):
            e.publish_consent = False
            s.add(e)
        s.commit()
    assert "Người gửi không đồng ý đăng ảnh công khai" in c.get(f"/ho-so/{ref}").text


def two_writers(engine, clock, ref: str, staff_id: int) -> list[bool]:
    """Two staff save a citation on the same page at once: the second writes nothing."""
    first_wrote, results = threading.Event(), {}

    def write(name: str, text: str, wait: threading.Event | None) -> None:
        with Session(engine) as s:
            uow = UnitOfWork(s, clock.now())
            try:
                if wait is not None:
                    wait.wait(5)
                citation.set_citation(uow, s.get(Member, staff_id), ref, text, seen="")
                if wait is None:  # written, not committed: the other finds the row held or changed
                    first_wrote.set()
                s.commit()
                results[name] = True
            except Refused:
                s.rollback()
                results[name] = False

    a = threading.Thread(target=write, args=("a", WRITTEN, None))
    b = threading.Thread(target=write, args=("b", "Một câu khác của người thứ hai.", first_wrote))
    a.start(), b.start()
    a.join(), b.join()
    return [results["a"], results["b"]]


@pytest.mark.parametrize("engine_name", ["db", "pg_db"])
def test_two_saving_at_once_keep_one_citation(request, campaign, clock, engine_name):
    engine = request.getfixturevalue(engine_name)
    with Session(engine) as s:
        staff = seed.create_member(
            s,
            full_name="Cán bộ Một",
            role="staff",
            unit_code="VPTK",
            phone=None,
            channel="console",
            external_id="s1",
            chat_id="s1",
            display_name=None,
            now=clock.now(),
        )
        s.commit()
        sid = staff.id
    ref = moved(engine, clock, [], submitter_id=sid, nominee="Hộ ông Hoàng Văn Tư", category="household")
    assert two_writers(engine, clock, ref, sid) == [True, False]
    assert stored(engine, ref) == WRITTEN
    with Session(engine) as s:
        assert len(s.exec(select(AuditLog).where(AuditLog.action == "citation")).all()) == 1
