"""Announcements: audiences resolve to the right people, each delivery is queued once, opted-out
and unreachable members are skipped, linked village groups hear their unit, the launch once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from domain import broadcasts as bc
from domain.broadcasts import Audience, AudienceError
from domain.uow import UnitOfWork
from storage import announcements, members
from storage.models import AuditLog, ConversationState, Member, Outbox, Submission

from .conftest import IN_CAMPAIGN
from .test_telegram import fake, tg  # noqa: F401  (fixtures)


def member(s, i, *, role="resident", unit="T01", channels=("telegram",)):
    m = members.create_member(
        s,
        full_name=f"Người {i}",
        role=role,
        unit_code=unit,
        phone=None,
        channel=channels[0],
        external_id=f"{channels[0]}-{i}",
        chat_id=f"{channels[0]}-{i}",
        display_name=None,
        now=IN_CAMPAIGN,
    )
    for ch in channels[1:]:
        members.attach_identity(
            s, m, channel=ch, external_id=f"{ch}-{i}", chat_id=f"{ch}-{i}", display_name=None, now=IN_CAMPAIGN
        )
    return m


@pytest.fixture
def seeded(db, campaign):
    """Two villages: residents, a head each, staff; one draft, one submitter, one opted out,
    one unreachable, one on two channels."""
    with Session(db) as s:
        people = {
            "r1": member(s, 1),
            "r2": member(s, 2, channels=("telegram", "zalo")),
            "r3": member(s, 3, unit="T02"),
            "h1": member(s, 4, role="head"),
            "h2": member(s, 5, role="head", unit="T02"),
            "staff": member(s, 6, role="staff", unit="VPTK"),
            "out": member(s, 7),
            "gone": member(s, 8, unit="T02"),
        }
        bc.set_opt_out(UnitOfWork(s, IN_CAMPAIGN), people["out"], True)
        announcements.mark_unreachable(s, "telegram", "telegram-8", IN_CAMPAIGN)
        s.add(
            ConversationState(
                channel="telegram",
                user_id="telegram-3",
                member_id=people["r3"].id,
                flow="nomination",
                step="nominee",
                data={},
                updated_at=IN_CAMPAIGN,
            )
        )
        s.add(
            Submission(
                kind="nomination",
                campaign_code=campaign.code,
                submitter_id=people["r1"].id,
                status="submitted",
                ref="DC-0001",
                created_at=IN_CAMPAIGN,
                updated_at=IN_CAMPAIGN,
            )
        )
        s.commit()
        return {k: v.id for k, v in people.items()}


def announce(s, campaign, audience, text, *, now=IN_CAMPAIGN, actor_id=None, channel="cli", photo=None):
    actor = s.get(Member, actor_id) if actor_id else None
    [done] = bc.announce(UnitOfWork(s, now), actor, campaign, audience, text, channel=channel, photo=photo)
    return done


def resolved(db, campaign, spec):
    with Session(db) as s:
        q = Audience.parse(spec, campaign).members(s, campaign)
        ids = set(s.exec(q).all())
        return ids


def test_audiences_resolve_to_the_right_people(db, campaign, seeded):
    p = seeded
    everyone = {p[k] for k in ("r1", "r2", "r3", "h1", "h2", "staff", "gone")}
    assert resolved(db, campaign, "all") == everyone  # the opted-out member is not there
    assert resolved(db, campaign, "heads") == {p["h1"], p["h2"]}
    assert resolved(db, campaign, "unit:T01") == {p["r1"], p["r2"], p["h1"]}
    assert resolved(db, campaign, "unit:t01,T02") == {p["r1"], p["r2"], p["h1"], p["r3"], p["h2"], p["gone"]}
    assert resolved(db, campaign, "residents:T02") == {p["r3"], p["gone"]}
    assert resolved(db, campaign, "drafts") == {p["r3"]}
    assert resolved(db, campaign, "no-submission") == {p["r2"], p["r3"], p["h1"], p["h2"], p["gone"]}
    with Session(db) as s:  # the unreachable member is counted out of the preview
        assert bc.preview(s, campaign, Audience.parse("all", campaign)) == bc.Preview(6, 0)


@pytest.mark.parametrize("spec", ["everyone", "unit:", "unit:X99", "heads:T01", "residents"])
def test_a_bad_audience_is_refused_with_what_is_accepted(campaign, spec):
    with pytest.raises(AudienceError):
        Audience.parse(spec, campaign)


def test_an_announcement_is_queued_once_per_channel_account_and_audited(db, campaign, seeded):
    with Session(db) as s:
        done = announce(
            s,
            campaign,
            Audience.parse("unit:T01", campaign),
            "Họp thôn 19h tối nay.",
            now=IN_CAMPAIGN,
            actor_id=seeded["staff"],
            channel="telegram",
        )
        s.commit()
    assert (done.members, done.groups, done.rows) == (3, 0, 4)  # r2 has Telegram and Zalo
    with Session(db) as s:
        rows = s.exec(
            select(Outbox).where(Outbox.dedupe_key.startswith(f"ann:{done.announcement_id}:"))
        ).all()
        assert sorted(r.chat_id for r in rows) == ["telegram-1", "telegram-2", "telegram-4", "zalo-2"]
        assert all(
            r.payload == {"kind": "text", "text": "Họp thôn 19h tối nay.", "toast": False} for r in rows
        )
        log = s.exec(select(AuditLog).where(AuditLog.action == "announce.send")).one()
        assert log.actor_id == seeded["staff"] and log.after["members"] == 3
        f = bc.figures(s, done.announcement_id)
        assert (f.members, f.groups, f.queued, f.sent, f.failed, f.unreachable) == (3, 0, 4, 0, 0, 0)


def test_two_thousand_members_queued_once_with_unique_keys(db, campaign):
    with Session(db) as s:
        for i in range(2000):
            member(s, 1000 + i, unit="T0" + str(1 + i % 5))
        s.commit()
    with Session(db) as s:
        done = announce(
            s,
            campaign,
            Audience("all"),
            "Phát động phong trào.",
            now=IN_CAMPAIGN,
            actor_id=None,
            channel="cli",
        )
        s.commit()
    with Session(db) as s:
        keys = s.exec(select(Outbox.dedupe_key).where(Outbox.dedupe_key.startswith("ann:"))).all()
    assert done.rows == len(keys) == 2000 and len(set(keys)) == 2000


def test_the_launch_goes_out_once_at_the_opening(db, core, campaign, clock, seeded):
    from scheduler.apscheduler_jobs import build_scheduler
    from scheduler.jobs import SlotRunner
    from scheduler.plan import launch_slot, past_slots

    slot = launch_slot(campaign)
    assert slot.id == "launch:2024-02-28T08:00"
    clock.set(slot.at - timedelta(days=1))
    runner = SlotRunner(core)
    job = build_scheduler(runner, now=clock.now()).get_job(slot.id)
    assert job.trigger.run_date == slot.at  # scheduled like the reminders
    assert slot not in past_slots(campaign, clock.now())
    clock.set(slot.at + timedelta(seconds=3))
    first = runner.run_sync(slot)
    assert (first.status, first.people, first.queued) == ("ran", 6, 7)  # one member on two channels
    assert runner.run_sync(slot).status == "already"  # a restart: nothing more
    with Session(db) as s:  # even a second path to the launch queues nothing
        assert bc.launch_items(s, campaign, now=clock.now()) is None
        texts = Counter(r.payload["text"] for r in s.exec(select(Outbox)).all())
    [(text, n)] = texts.items()
    assert n == 7
    assert "Thi đua chào mừng 60 năm huyện Văn Quan" in text and "23:59 ngày 30/11/2024" in text
    assert "Hộ gia đình" in text


def test_a_linked_village_group_hears_its_unit_and_everyone_but_not_personal_audiences(db, campaign, seeded):
    with Session(db) as s:
        bc.link_group(
            UnitOfWork(s, IN_CAMPAIGN),
            s.get(Member, seeded["h1"]),
            campaign,
            channel="telegram",
            chat_id="-100777",
            title="Thôn 1",
        )
        unit = announce(
            s,
            campaign,
            Audience.parse("unit:T01", campaign),
            "A",
            now=IN_CAMPAIGN,
            actor_id=None,
            channel="cli",
        )
        other = announce(
            s,
            campaign,
            Audience.parse("unit:T02", campaign),
            "B",
            now=IN_CAMPAIGN,
            actor_id=None,
            channel="cli",
        )
        heads = announce(
            s, campaign, Audience.parse("heads", campaign), "C", now=IN_CAMPAIGN, actor_id=None, channel="cli"
        )
        s.commit()
        group_rows = s.exec(select(Outbox).where(Outbox.chat_id == "-100777")).all()
    assert (unit.groups, other.groups, heads.groups) == (1, 0, 0)
    assert [r.payload["text"] for r in group_rows] == ["A"]


def test_a_photo_with_a_long_text_goes_as_photo_then_text(db, campaign, seeded, tmp_path):
    long_text = "Thông báo. " * 150
    with Session(db) as s:
        done = announce(
            s,
            campaign,
            Audience.parse("residents:T02", campaign),
            long_text,
            now=IN_CAMPAIGN,
            actor_id=None,
            channel="cli",
            photo=str(tmp_path / "a.jpg"),
        )
        s.commit()
        rows = s.exec(select(Outbox).where(Outbox.member_id == seeded["r3"]).order_by(Outbox.id)).all()
    assert done.members == 1  # "gone" blocked the bot
    assert [r.payload["kind"] for r in rows] == ["photo", "text"]


def test_failed_deliveries_can_be_retried_and_blocked_chats_are_counted(db, campaign, seeded):
    with Session(db) as s:
        done = announce(
            s,
            campaign,
            Audience.parse("unit:T02", campaign),
            "Nhắc",
            now=IN_CAMPAIGN,
            actor_id=None,
            channel="cli",
        )
        rows = s.exec(select(Outbox).where(Outbox.dedupe_key.startswith("ann:"))).all()
        rows[0].status = "failed"
        s.add(rows[0])
        announcements.mark_unreachable(s, rows[1].channel, rows[1].chat_id, IN_CAMPAIGN)
        s.commit()
    with Session(db) as s:
        f = bc.figures(s, done.announcement_id)
        assert (f.failed, f.unreachable) == (1, 1)
        [retried] = bc.retry(UnitOfWork(s, IN_CAMPAIGN), None, done.announcement_id)
        assert retried.rows == 1
        s.commit()
        assert bc.figures(s, done.announcement_id).queued == done.rows - 1
        assert announcements.count_unreachable_members(s) == 2


def test_opted_out_members_get_no_reminders_and_blocked_chats_are_not_reminded(db, core, campaign, seeded):
    from domain import reminders
    from handlers.reminders import reminder_items

    with Session(db) as s:
        h2 = s.get(Member, seeded["h2"])
        bc.set_opt_out(
            UnitOfWork(s, IN_CAMPAIGN), h2, True
        )  # a head without a report who said «Dừng nhận tin»
        s.commit()
        found = reminders.targets(s, campaign, IN_CAMPAIGN, stale=False)
        assert [x.member.id for x in found] == [seeded["r3"], seeded["h1"]]  # a draft, a missing report
        announcements.mark_unreachable(s, "telegram", "telegram-4", IN_CAMPAIGN)  # h1 blocks the bot
        assert reminder_items(core, s, found[1:], "remind:x", IN_CAMPAIGN) == []
        bc.set_opt_out(UnitOfWork(s, IN_CAMPAIGN), h2, False)  # «Nhận lại tin»
        assert [x.member.id for x in reminders.targets(s, campaign, IN_CAMPAIGN, stale=False)] == [
            seeded["r3"],
            seeded["h1"],
            seeded["h2"],
        ]


# -- the command line -------------------------------------------------------------------------


def cli(tmp_path, *args, env=None):
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    environ = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "MEDIA_DIR": str(tmp_path / "media"),
        "TELEGRAM_BOT_TOKEN": "",
        "ZALO_BOT_TOKEN": "",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_announce_dry_run_counts_and_sends_nothing_then_sends(tmp_path):
    from storage.db import make_engine

    dry = cli(tmp_path, "announce", "--audience", "heads", "--text", "Họp trưởng thôn", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip() == "Sẽ gửi tới 0 người và 0 nhóm thôn."
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with Session(engine) as s:
        member(s, 1, role="head")
        s.commit()
    dry = cli(tmp_path, "announce", "--audience", "heads", "--text", "Họp trưởng thôn", "--dry-run")
    assert dry.stdout.strip() == "Sẽ gửi tới 1 người và 0 nhóm thôn."
    with Session(engine) as s:
        assert s.exec(select(Outbox)).all() == []
    photo = tmp_path / "hop.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    sent = cli(
        tmp_path, "announce", "--audience", "heads", "--text", "Họp trưởng thôn", "--photo", str(photo)
    )
    assert sent.returncode == 0, sent.stderr
    assert "1 người" in sent.stdout
    with Session(engine) as s:
        [row] = s.exec(select(Outbox)).all()
    assert row.payload["kind"] == "photo" and row.payload["caption"] == "Họp trưởng thôn"
    assert row.payload["ref"].startswith(str(tmp_path / "media" / "announcements"))
    engine.dispose()


@pytest.mark.parametrize(
    "args, says",
    [
        (["--audience", "moi nguoi", "--text", "x"], "--audience: unknown audience"),
        (["--audience", "unit:X9", "--text", "x"], "--audience: unknown unit X9"),
        (["--audience", "all", "--text", "x", "--photo", "/nonexistent.jpg"], "--photo:"),
    ],
)
def test_cli_announce_refuses_bad_values_in_one_line(tmp_path, args, says):
    done = cli(tmp_path, "announce", *args)
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr


def test_cli_invitation_writes_a_pdf_and_a_png_with_the_qr_code(tmp_path):
    env = {"TELEGRAM_BOT_USERNAME": "tranninh_thidua_bot", "ZALO_BOT_NAME": "Thi đua Trần Ninh"}
    pdf = cli(tmp_path, "invitation", "--out", str(tmp_path / "moi.pdf"), env=env)
    png = cli(tmp_path, "invitation", "--out", str(tmp_path / "moi.png"), env=env)
    assert pdf.returncode == 0 and png.returncode == 0, pdf.stderr + png.stderr
    assert (tmp_path / "moi.pdf").read_bytes().startswith(b"%PDF")
    import matplotlib.image as mpimg

    pixels = mpimg.imread(tmp_path / "moi.png")
    assert pixels.shape[0] > pixels.shape[1] > 1000  # an A5 page at 200 dpi
    none = cli(tmp_path, "invitation", "--out", str(tmp_path / "x.pdf"))
    assert none.returncode == 2 and "TELEGRAM_BOT_USERNAME" in none.stderr


def test_the_qr_code_encodes_the_telegram_link():
    from documents.invitation import qr_matrix, telegram_link

    link = telegram_link("@tranninh_thidua_bot")
    assert link == "https://t.me/tranninh_thidua_bot"
    matrix = qr_matrix(link)
    assert len(matrix) == len(matrix[0]) >= 21 and any(any(row) for row in matrix)


# -- a chat that blocked the bot, on the real Telegram channel -------------------------------


async def test_a_telegram_403_marks_the_person_unreachable_and_nothing_is_retried(
    tg, fake, db, campaign, clock
):
    from bot.outbox_dispatcher import OutboxDispatcher
    from storage.models import Identity

    with Session(db) as s:
        blocked = members.create_member(
            s,
            full_name="Lộc Văn Tư",
            role="resident",
            unit_code="T01",
            phone=None,
            channel="telegram",
            external_id="501",
            chat_id="501",
            display_name=None,
            now=clock.now(),
        )
        members.create_member(
            s,
            full_name="Hoàng Thị Mai",
            role="resident",
            unit_code="T01",
            phone=None,
            channel="telegram",
            external_id="502",
            chat_id="502",
            display_name=None,
            now=clock.now(),
        )
        done = announce(
            s,
            campaign,
            Audience.parse("unit:T01", campaign),
            "Họp thôn tối nay.",
            now=clock.now(),
            actor_id=None,
            channel="cli",
        )
        s.commit()
        blocked_id = blocked.id
    fake.fail_next("sendMessage", 1, status=403)  # the first person blocked the bot
    dispatcher = OutboxDispatcher(db, tg, clock)
    assert await dispatcher.run_once() == (1, 1)
    assert await dispatcher.run_once() == (0, 0)  # nothing is retried for the blocked chat
    assert [c.params["chat_id"] for c in fake.of("sendMessage")] == [502]
    with Session(db) as s:
        ident = s.exec(select(Identity).where(Identity.member_id == blocked_id)).one()
        assert ident.unreachable_at is not None
        f = bc.figures(s, done.announcement_id)
        assert (f.sent, f.unreachable, f.failed, f.queued) == (1, 1, 0, 0)
        assert announcements.count_unreachable_members(s) == 1
        # the next announcement leaves them out
        again = announce(
            s,
            campaign,
            Audience.parse("unit:T01", campaign),
            "Nhắc lại.",
            now=clock.now(),
            actor_id=None,
            channel="cli",
        )
    assert again.members == 1
