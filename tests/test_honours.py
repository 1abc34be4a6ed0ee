"""Honouring the people commended: the public page /guong-dien-hinh shows only
decided items and only the photos their submitters agreed to publish; the «Gương điển hình»
announcement reaches every member once through the outbox."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from domain import council as ops
from domain import honours
from domain.refusals import Refused
from domain.uow import UnitOfWork
from storage import members, submissions
from storage.models import CouncilItem, Evidence, Member, Outbox, Submission
from web.app import make_console
from web.console import Console

from . import seed as seeding
from .conftest import Player, rows


@pytest.fixture
def decided(db, campaign, clock, tmp_path):
    return make_decided(db, campaign, clock, tmp_path)


def make_decided(db, campaign, clock, tmp_path) -> int:
    """Two items decided (one with a photo its submitter agreed to publish, one with a photo
    not agreed), one that failed the vote; returns the staff member's id."""
    now = clock.now()
    picture = tmp_path / "media" / "ho-tu.jpg"
    picture.parent.mkdir()
    picture.write_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    with Session(db, expire_on_commit=False) as s:
        staff = seeding.console_member(s, "Lương Thị Mai", "staff", "s1", now, "VPTK")
        resident = seeding.console_member(s, "Nông Văn Sáu", "resident", "r1", now, "T01")
        voters = [seeding.console_member(s, f"Thành viên {i}", "council", f"c{i}", now) for i in range(3)]
        refs = []
        for nominee, consent, local in (
            ("Hộ ông Hoàng Văn Tư", True, str(picture)),
            ("Hộ bà Lường Thị Hoa", False, str(picture)),
            ("Hộ ông Vi Văn Bảy", True, str(picture)),
        ):
            sub = seeding.create_submission(
                s,
                kind="nomination",
                campaign_code=campaign.code,
                submitter_id=resident.id,
                now=now,
                unit_code="T01",
                category="household",
                nominee=nominee,
                contents=["c2"],
                achievements="Trồng 3 ha hồi, hiến 200 m2 đất làm đường.",
                answers={},
                flags=[],
                proposed_award="commune",
            )
            seeding.change_status(s, sub, "approved", actor_id=staff.id, reason=None, now=now, notify=None)
            seeding.change_status(
                s,
                sub,
                "shortlisted",
                actor_id=staff.id,
                reason=None,
                now=now,
                notify=None,
                fields={"shortlist_award": "commune"},
            )
            submissions.add_evidence(
                s, sub, channel="zalo", unique_id=f"u-{sub.id}", file_id=None, local_path=local, now=now
            )
            submissions.add_evidence(
                s, sub, channel="telegram", unique_id=f"t-{sub.id}", file_id=f"tg-{sub.id}", now=now
            )
            for e in s.exec(select(Evidence).where(Evidence.submission_id == sub.id)):
                e.publish_consent = consent
                s.add(e)
            refs.append(sub.ref)
        s.flush()
        uow = UnitOfWork(s, now)
        ops.open_round(uow, staff, campaign)
        for voter in voters:
            for ref, choice in zip(refs, ("agree", "agree", "disagree")):
                ops.cast_vote(uow, voter, campaign, ref, choice)
        ops.close_round(uow, staff, campaign)
        s.commit()
        before = client_for(db, campaign, clock, tmp_path).get("/guong-dien-hinh").text
        assert "Hoàng Văn Tư" not in before and "Chưa có quyết định khen thưởng nào" in before
        ops.record_decision(
            uow,
            staff,
            campaign,
            award_key="commune",
            number="125/QĐ-UBND",
            signed_on=date(2024, 11, 5),
            signer_name="Hoàng Văn Vịnh",
            signer_title="Chủ tịch UBND xã",
        )
        s.commit()
        return staff


def client_for(db, campaign, clock, tmp_path) -> TestClient:
    """The web console as bot/ serves it, signed out: the page is public."""
    console = Console(
        db=db,
        campaign=campaign,
        clock=clock,
        base_url="http://testserver",
        media_dir=tmp_path / "media",
        export_dir=tmp_path / "exports",
    )
    return TestClient(make_console(console), follow_redirects=False)


def test_the_public_page_shows_decided_items_and_consented_photos_only(
    db, campaign, clock, decided, tmp_path
):
    client = client_for(db, campaign, clock, tmp_path)
    page = client.get("/guong-dien-hinh")
    assert page.status_code == 200 and "default-src" in page.headers["content-security-policy"]
    body = page.text
    assert "Hộ ông Hoàng Văn Tư" in body and "Hộ bà Lường Thị Hoa" in body
    assert "Hộ ông Vi Văn Bảy" not in body  # failed the vote: never decided
    assert "<h2>Giấy khen của Chủ tịch UBND xã</h2>" in body
    assert "Quyết định số 125/QĐ-UBND ngày 05/11/2024" in body
    assert "Nông Văn Sáu" not in body  # the submitter is personal data: not shown
    with Session(db) as s:
        photos = {e.submission_id: e for e in s.exec(select(Evidence).where(Evidence.channel == "zalo"))}
        subs = {x.nominee: x.id for x in s.exec(select(Submission))}
    shown, hidden = photos[subs["Hộ ông Hoàng Văn Tư"]], photos[subs["Hộ bà Lường Thị Hoa"]]
    assert f"/guong-dien-hinh/anh/{shown.id}" in body and f"/guong-dien-hinh/anh/{hidden.id}" not in body
    assert "tg-" not in body  # a Telegram file id is not a public picture
    assert client.get(f"/guong-dien-hinh/anh/{shown.id}").content == b"\xff\xd8\xff\xe0 a jpeg"
    assert client.get(f"/guong-dien-hinh/anh/{hidden.id}").status_code == 404
    failed = photos[subs["Hộ ông Vi Văn Bảy"]]
    assert client.get(f"/guong-dien-hinh/anh/{failed.id}").status_code == 404


def test_a_withdrawn_decision_leaves_the_page(db, campaign, clock, decided, tmp_path):
    with Session(db) as s:
        uow, staff = UnitOfWork(s, clock.now()), s.merge(decided)
        dec = ops.rows.decisions(s, campaign.code, active=True)[0]
        with pytest.raises(Refused):
            ops.withdraw_decision(uow, staff, campaign, dec.id, " ")
        ops.withdraw_decision(uow, staff, campaign, dec.id, "Sai số quyết định")
        s.commit()
    body = client_for(db, campaign, clock, tmp_path).get("/guong-dien-hinh").text
    assert "Hoàng Văn Tư" not in body and "Chưa có quyết định khen thưởng nào" in body


def test_the_announcement_reaches_every_member_once(core, db, campaign, clock, decided):
    from storage import announcements

    with Session(db) as s:  # one member chose «Dừng nhận tin», one chat blocked the bot
        people = s.exec(select(Member).where(Member.role != "staff").order_by(Member.id)).all()
        assert len(people) >= 2
        announcements.set_opt_out(s, people[0], True, clock.now())
        blocked = members.identities_of(s, people[1].id)[0]
        announcements.mark_unreachable(s, blocked.channel, blocked.chat_id, clock.now())
        s.commit()
    staff = Player(core, "s1")
    staff.say("/guongdienhinh")
    assert "GƯƠNG ĐIỂN HÌNH" in staff.text
    assert "1. Hộ ông Hoàng Văn Tư (Thôn 1): Trồng 3 ha hồi" in staff.text
    assert "QĐ số 125/QĐ-UBND" in staff.text
    staff.press("Gửi cho mọi thành viên")
    assert "Đã xếp 3 tin vào hàng gửi" in staff.text  # 5 members, one identity each, 2 left out
    sent = [o for o in rows(db, Outbox) if (o.dedupe_key or "").startswith("honours|")]
    assert len(sent) == 3 and all("Hộ bà Lường Thị Hoa" in o.payload["text"] for o in sent)
    with Session(db) as s:  # a second announcement of the same decisions adds nothing
        events = honours.announce(UnitOfWork(s, clock.now()), s.merge(decided), campaign, {"text": "x"})
        assert events[0].recipients == 0


def test_the_award_step_on_postgresql(pg_db, campaign, clock, tmp_path):
    make_decided(pg_db, campaign, clock, tmp_path)
    body = client_for(pg_db, campaign, clock, tmp_path).get("/guong-dien-hinh").text
    assert "Hộ ông Hoàng Văn Tư" in body and "Hộ ông Vi Văn Bảy" not in body
    with Session(pg_db) as s:
        assert [i.result for i in s.exec(select(CouncilItem).order_by(CouncilItem.id))] == [
            "passed",
            "passed",
            "failed",
        ]
        assert [x.status for x in s.exec(select(Submission).order_by(Submission.id))] == [
            "awarded",
            "awarded",
            "not_recommended",  # the item the vote failed left the council's list
        ]


def test_the_command_line_makes_the_decision_and_certificates(
    decided, monkeypatch, db_path, tmp_path, capsys
):
    from bot.cli import main as cli_main

    from .conftest import CAMPAIGN_FILE

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    for kind in ("minutes", "decision", "certificates"):
        out = tmp_path / f"{kind}.docx"
        assert (
            cli_main(
                [
                    "export",
                    "--format",
                    "docx",
                    "--kind",
                    kind,
                    "--ref",
                    "125" if kind != "minutes" else "1",
                    "--out",
                    str(out),
                ]
            )
            == 0
        ), capsys.readouterr().err
        assert out.stat().st_size > 0
    assert (
        cli_main(
            [
                "export",
                "--format",
                "docx",
                "--kind",
                "decision",
                "--ref",
                "999",
                "--out",
                str(tmp_path / "x.docx"),
            ]
        )
        == 1
    )
    assert "Không có quyết định khen thưởng số 999 còn hiệu lực." in capsys.readouterr().err


def test_a_district_decision_is_recorded_but_makes_no_commune_certificate(
    db, campaign, clock, decided, tmp_path
):
    from documents import ExportError
    from documents.certificates import write_certificates

    with Session(db) as s:
        for ref in ("DC-0003",):
            row = submissions.submission_by_ref(s, ref)
            row.shortlist_award = "district"  # as if the council had recommended it for the district
            row.status = "shortlisted"  # (its vote failed: it had left the list)
            s.add(row)
        item = s.exec(select(CouncilItem).where(CouncilItem.submission_id == row.id)).one()
        item.result = "passed"
        s.add(item)
        ops.record_decision(
            UnitOfWork(s, clock.now()),
            s.merge(decided),
            campaign,
            award_key="district",
            number="88/QĐ-UBND",
            signed_on=date(2024, 11, 5),
            signer_name="Chủ tịch huyện",
            signer_title="Chủ tịch UBND huyện",
        )
        s.commit()
        assert row.status == "awarded"
        assert write_certificates(s, campaign, tmp_path / "gk.docx") == 2  # the commune's 125 only
        with pytest.raises(ExportError):
            write_certificates(s, campaign, tmp_path / "gk.docx", number="88")


def test_sending_a_nomination_with_photos_says_whether_they_may_be_published(core, db):
    """One tap at sending, no extra message: with photos the send button carries the consent;
    without photos nothing is asked."""
    from .conftest import nominate_household, register_resident

    p = Player(core, "consent")
    register_resident(p)
    agreed = nominate_household(p, photos=1)  # «1»: send, agreeing to publish
    p.press("nominate")
    for answer in (
        "Hộ bà Lường Thị Hoa",
        "Nuôi 200 con gà, thu nhập cao, giúp 5 hộ nghèo.",
        "2",
        "70 triệu",
        "khong",
    ):
        p.say(answer)
    p.photo("private-1")  # on to the summary
    assert [o.label for o in p.question.options][:2] == [
        "Gửi đề cử, đồng ý công bố ảnh",
        "Gửi đề cử, không công bố ảnh",
    ]
    p.press("Gửi đề cử, không công bố ảnh")
    assert "DC-0002" in p.text
    nominate_household(p, nominee="Hộ ông Vi Văn Bảy")  # no photos: the one button as before
    with Session(db) as s:
        consent = {
            sub.ref: [
                e.publish_consent for e in s.exec(select(Evidence).where(Evidence.submission_id == sub.id))
            ]
            for sub in s.exec(select(Submission))
        }
    assert consent == {agreed: [True], "DC-0002": [False], "DC-0003": []}


def test_a_public_photo_is_checked_on_every_request_and_gone_once_withdrawn(
    db, campaign, clock, decided, tmp_path
):
    client = client_for(db, campaign, clock, tmp_path)
    with Session(db) as s:
        shown = next(
            e
            for e in s.exec(select(Evidence).where(Evidence.channel == "zalo"))
            if s.get(Submission, e.submission_id).nominee == "Hộ ông Hoàng Văn Tư"
        )
    first = client.get(f"/guong-dien-hinh/anh/{shown.id}")
    # no browser or proxy keeps it for an hour: each view asks the server again
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
    with Session(db) as s:
        dec = ops.rows.decisions(s, campaign.code, active=True)[0]
        ops.withdraw_decision(UnitOfWork(s, clock.now()), s.merge(decided), campaign, dec.id, "Sai số")
        s.commit()
    assert client.get(f"/guong-dien-hinh/anh/{shown.id}").status_code == 404
