"""The domain operations called directly (no chat): the rules, the rows they write, the events
they return, and the same rows as the chat writes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from domain import members as people
from domain import review, shortlist
from domain import submissions as filing
from domain import uow as uow_module
from domain.events import (
    Amended,
    Decided,
    MemberRegistered,
    StatusMoved,
    Submitted,
    Withdrawn,
)
from domain.lifecycle import next_ref
from domain.members import Account
from domain.refusals import Refused, StaleDecision
from domain.uow import HandlersNotWired, UnitOfWork
from storage import members as member_rows
from storage import submissions as submission_rows
from storage.db import alembic_config, make_engine
from storage.models import AuditLog, Member, Outbox, RefCounter, StatusChange

from . import seed as seeding
from .conftest import Player, nominate_household, register_resident
from .review_helpers import join, member_id

NOMINATION = dict(
    category="household",
    nominee="Hộ ông Hoàng Văn Tư",
    unit_code="T01",
    contents=["c2"],
    achievements="Trồng 3 ha hồi, hiến 200 m2 đất làm đường.",
    answers={},
    flags=[],
    proposed_award="commune",
)


def person(db, now, name: str, role: str, unit: str | None = "T01") -> Member:
    with UnitOfWork.begin(db, now) as uow:
        member, _ = people.enrol(
            uow, Account("console", name, name), full_name=name, role=role, unit_code=unit, phone=None
        )
        uow.commit()
        return member


def nominate(db, now, actor: Member, campaign, **fields) -> str:
    with UnitOfWork.begin(db, now) as uow:
        [event] = filing.submit(
            uow, actor, campaign, kind="nomination", channel="console", **{**NOMINATION, **fields}
        )
        uow.commit()
        return event.ref


def test_first_report_is_bc_0001_after_two_nominations(db, campaign, clock):
    now = clock.now()
    resident, head = person(db, now, "Dân", "resident"), person(db, now, "Trưởng thôn", "head")
    assert [nominate(db, now, resident, campaign) for _ in range(2)] == ["DC-0001", "DC-0002"]
    with UnitOfWork.begin(db, now) as uow:
        [report] = filing.report(
            uow,
            head,
            campaign,
            channel="console",
            contents=["c2"],
            achievements="Báo cáo.",
            answers={"figures": {}},
        )
        [proposal] = filing.submit(uow, head, campaign, kind="proposal", channel="console", **NOMINATION)
        uow.commit()
    assert isinstance(report, Submitted) and (report.ref, proposal.ref) == ("BC-0001", "DN-0001")
    with UnitOfWork.begin(db, now) as uow:  # a later report of the unit is a new version
        [again] = filing.report(uow, head, campaign, channel="console", achievements="Bản hai.")
        uow.commit()
    assert isinstance(again, Amended) and (again.ref, again.version) == ("BC-0001", 2)


def test_a_counter_starts_after_refs_already_stored(db, clock):
    with Session(db) as s:
        submission_rows.insert_submission(
            s,
            kind="nomination",
            ref="DC-0041",
            campaign_code="x",
            submitter_id=person(db, clock.now(), "A", "resident").id,
            now=clock.now(),
        )
        assert next_ref(s, "nomination") == "DC-0042"
        assert next_ref(s, "report") == "BC-0001"


def test_the_migration_keeps_existing_refs_and_counts_on(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(url), "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO member (id, full_name, role, created_at, updated_at) "
                "VALUES (1, 'A', 'resident', '2024-11-05', '2024-11-05')"
            )
        )
        for i, ref in enumerate(["DC-0001", "DC-0002", "BC-0003"], 1):
            conn.execute(
                text(
                    "INSERT INTO submission (id, ref, kind, campaign_code, submitter_id, status, "
                    "version, contents, answers, flags, created_at, updated_at) VALUES (:i, :r, 'x', 'c', 1, "
                    "'submitted', 1, '[]', '{}', '[]', '2024-11-05', '2024-11-05')"
                ),
                {"i": i, "r": ref},
            )
    command.upgrade(alembic_config(url), "head")
    with Session(engine) as s:
        assert {c.prefix: c.value for c in s.exec(select(RefCounter))} == {"BC": 3, "DC": 2}
        assert next_ref(s, "report") == "BC-0004" and next_ref(s, "proposal") == "DN-0001"
    engine.dispose()


@pytest.mark.parametrize("which", ["db", "pg_db"])
def test_concurrent_submissions_get_distinct_numbers(request, which):
    engine = request.getfixturevalue(which)
    numbers: list[str] = []
    barrier = threading.Barrier(4)

    def take() -> None:
        with Session(engine) as s:
            barrier.wait()
            numbers.append(next_ref(s, "nomination"))
            s.commit()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(numbers) == ["DC-0001", "DC-0002", "DC-0003", "DC-0004"]


def rows_of(db, ref: str) -> dict:
    """What an approve leaves behind, with the reference taken out."""
    with Session(db) as s:
        sub = submission_rows.submission_by_ref(s, ref)
        history = [
            (c.from_status, c.to_status, c.actor_id, c.reason)
            for c in s.exec(
                select(StatusChange).where(StatusChange.submission_id == sub.id).order_by(StatusChange.id)
            )
        ]
        audit = [
            (a.action, a.actor_id, a.before, a.after, a.reason)
            for a in s.exec(
                select(AuditLog)
                .where(AuditLog.entity_id == ref, AuditLog.action == "status")
                .order_by(AuditLog.id)
            )
        ]
        notes = [
            (o.member_id, o.channel, o.payload["text"].replace(ref, "REF"))
            for o in s.exec(select(Outbox).where(Outbox.member_id == sub.submitter_id).order_by(Outbox.id))
            if ref in o.payload["text"]
        ]
        return {"status": sub.status, "history": history, "audit": audit, "outbox": notes}


def test_an_approve_from_chat_and_from_the_operation_write_the_same_rows(core, db, clock):
    resident = Player(core, "r1")
    register_resident(resident)
    direct_ref = nominate_household(resident)
    chat_ref = nominate_household(resident)
    staff_player = join(core, db, clock, "s1", "staff", "VPTK", name="Cán Bộ Văn Phòng")
    with UnitOfWork.begin(db, clock.now()) as uow:
        staff = uow.session.get(Member, member_id(core, staff_player))
        events = review.decide(uow, staff, direct_ref, "approved", seen_status="submitted")
        uow.commit()
    assert [type(e) for e in events] == [Decided]
    staff_player.press("review")
    assert chat_ref in staff_player.text
    staff_player.press("Đạt")
    assert f"{chat_ref}: Đạt" in staff_player.text
    direct, chat = rows_of(db, direct_ref), rows_of(db, chat_ref)
    assert direct == chat
    assert direct["status"] == "approved" and len(direct["outbox"]) == 1  # the decision only


def test_a_decision_on_stale_information_is_refused_with_who_and_when(db, campaign, clock):
    now = clock.now()
    resident = person(db, now, "Dân", "resident")
    first, second = person(db, now, "Cán bộ Một", "staff"), person(db, now, "Cán bộ Hai", "staff")
    ref = nominate(db, now, resident, campaign)
    with UnitOfWork.begin(db, now) as uow:
        review.take_for_review(uow, first, ref)
        uow.commit()
    later = now + timedelta(minutes=5)
    with UnitOfWork.begin(db, later) as uow:
        review.decide(uow, second, ref, "rejected", "Không đủ tiêu chí.", seen_status="under_review")
        uow.commit()
    with UnitOfWork.begin(db, later + timedelta(minutes=1)) as uow:
        with pytest.raises(StaleDecision) as refused:
            review.decide(uow, first, ref, "approved", seen_status="under_review")
        with pytest.raises(StaleDecision):
            review.decide(uow, first, ref, "needs_info", "Thêm ảnh.", seen_version=0)
    stale = refused.value
    assert (stale.by_id, stale.by_name, stale.at, stale.key) == (second.id, "Cán bộ Hai", later, "rev.moved")
    assert rows_of(db, ref)["status"] == "rejected"


def test_operations_refuse_by_role_deadline_and_status(db, campaign, clock):
    now = clock.now()
    resident, staff = person(db, now, "Dân", "resident"), person(db, now, "Cán bộ", "staff")
    ref = nominate(db, now, resident, campaign)
    headless = person(db, now, "Trưởng thôn không có thôn", "head", unit=None)
    with UnitOfWork.begin(db, now) as uow:
        with pytest.raises(Refused) as no:
            review.decide(uow, resident, ref, "approved")
        assert no.value.key == "role.denied"
        review.take_for_review(uow, staff, ref)
        with pytest.raises(Refused) as no:
            filing.withdraw(uow, resident, ref)
        assert (no.value.key, no.value.values) == ("mine.cannot_withdraw", {"ref": ref})
        with pytest.raises(Refused) as no:
            filing.submit(uow, headless, campaign, kind="report", channel="console")
        assert no.value.key == "role.denied"
        uow.commit()
    after = campaign.closes_at + timedelta(minutes=1)
    with UnitOfWork.begin(db, after) as uow:
        with pytest.raises(Refused) as no:
            filing.submit(uow, resident, campaign, kind="nomination", channel="console", **NOMINATION)
        assert no.value.key == "nom.closed"


def test_withdraw_by_the_submitter_tells_nobody(db, campaign, clock):
    now = clock.now()
    resident = person(db, now, "Dân", "resident")
    ref = nominate(db, now, resident, campaign)
    with UnitOfWork.begin(db, now) as uow:
        [event] = filing.withdraw(uow, resident, ref)
        uow.commit()
    assert isinstance(event, Withdrawn) and event.to_status == "withdrawn"
    assert rows_of(db, ref)["outbox"] == []


def test_a_notification_rolls_back_with_its_decision(db, campaign, clock):
    now = clock.now()
    resident, staff = person(db, now, "Dân", "resident"), person(db, now, "Cán bộ", "staff")
    ref = nominate(db, now, resident, campaign)
    with UnitOfWork.begin(db, now) as uow:
        review.decide(uow, staff, ref, "approved")
        assert len(list(uow.session.exec(select(Outbox)))) == 1
        uow.rollback()
    assert rows_of(db, ref) == {**rows_of(db, ref), "status": "submitted", "outbox": []}


def test_the_shortlist_quota_is_a_refusal_carrying_the_event(db, campaign, clock):
    now = clock.now()
    staff = person(db, now, "Cán bộ", "staff")
    award = next(a for a in campaign.awards if a.quota.get("individual"))
    cap = award.quota["individual"].max
    category = next(c.key for c in campaign.categories if c.quota_group == "individual")
    refs = []
    with Session(db) as s:
        for i in range(cap + 1):
            sub = seeding.create_submission(
                s,
                kind="nomination",
                campaign_code=campaign.code,
                submitter_id=staff.id,
                now=now,
                category=category,
                nominee=f"Người số {i}",
                unit_code="T01",
            )
            seeding.change_status(s, sub, "approved", actor_id=staff.id, reason=None, now=now)
            refs.append(sub.ref)
        s.commit()
    with UnitOfWork.begin(db, now) as uow:
        for ref in refs[:cap]:
            shortlist.shortlist(uow, staff, campaign, ref, award.key)
        with pytest.raises(Refused) as full:
            shortlist.shortlist(uow, staff, campaign, refs[cap], award.key)
        uow.commit()
    assert full.value.key == "sl.quota" and full.value.event.maximum == cap


def test_register_and_invites_audit_and_return_events(db, clock):
    now = clock.now()
    account = Account("console", "x1", "x1", "X")
    with UnitOfWork.begin(db, now) as uow:
        [registered] = people.register(uow, account, full_name="Nguyễn Văn A", unit_code="T01", phone=None)
        with pytest.raises(Refused):
            people.register(uow, account, full_name="Nguyễn Văn A", unit_code="T01", phone=None)
        [issued] = people.issue_invite(uow, None, role="head", unit_code="T02", ttl=timedelta(days=1))
        member = member_rows.member_by_identity(uow.session, "console", "x1")
        events = people.redeem_invite(uow, member, account, issued.code)
        uow.commit()
    assert isinstance(registered, MemberRegistered)
    assert [type(e).__name__ for e in events] == ["RoleChanged", "InviteRedeemed"]
    with Session(db) as s:
        assert s.get(Member, registered.member_id).role == "head"
        actions = [a.action for a in s.exec(select(AuditLog).order_by(AuditLog.id))]
    assert actions == ["member.register", "invite.create.role", "member.role", "invite.use.role"]


def test_command_menu_by_role(core):
    assert [c for c, _ in core.command_menu("resident")] == ["start", "decu", "hoso", "huy", "trogiup"]
    assert [c for c, _ in core.command_menu("head")][-2:] == ["baocao", "denghi"]
    staff = dict(core.command_menu("staff"))
    assert staff["thamdinh"] == "Thẩm định hồ sơ" and "baocao" not in staff
    assert core.command_menu("admin") == core.command_menu("staff")


def test_a_refusal_reads_from_the_catalog():
    from handlers.outcomes import refused

    outcome = refused(Refused("mine.cannot_amend", ref="DC-0001"))
    assert outcome.kind == "refused" and outcome.replies[0].text == "Hồ sơ DC-0001 hiện không cần bổ sung."


def test_an_event_runs_the_handlers_of_its_own_class_or_else_its_nearest_base(db, clock):
    now = clock.now()
    seen: list[str] = []
    handlers = {
        StatusMoved: (lambda uow, ev: seen.append(f"moved {ev.ref}"),),
        Withdrawn: (lambda uow, ev: seen.append(f"withdrawn {ev.ref}"),),
    }
    moved = dict(at=now, actor_id=1, submitter_id=2, nominee=None, from_status="submitted", reason=None)
    with Session(db) as s:
        uow = UnitOfWork(s, now, handlers)
        uow.record(
            [
                Withdrawn(ref="DC-0001", to_status="withdrawn", **moved),
                Decided(ref="DC-0002", to_status="approved", **moved),
                Amended(at=now, actor_id=1, ref="DC-0003", version=2),  # nothing listed for it
            ]
        )
    assert seen == ["withdrawn DC-0001", "moved DC-0002"]
    assert [type(e) for e in uow.events] == [Withdrawn, Decided, Amended]


def test_an_event_recorded_where_no_handlers_were_wired_fails_rather_than_tell_nobody(db, clock, monkeypatch):
    monkeypatch.setattr(uow_module, "_wired", None)
    with Session(db) as s:
        uow = UnitOfWork(s, clock.now())
        with pytest.raises(HandlersNotWired):
            uow.record([Amended(at=clock.now(), actor_id=1, ref="DC-0001", version=2)])
