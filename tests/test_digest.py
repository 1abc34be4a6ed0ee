"""The staff digest: figures against the database, the chart, what each channel gets, the
daily slot and asking for it in chat."""

from __future__ import annotations

from pathlib import Path

from matplotlib import image as mpimg
from sqlmodel import Session

from documents import chart as charts
from domain import digest
from handlers import digest as dg
from messages.catalog import t
from messages.model import Photo, Question, Text, reply_from_dict
from scheduler.jobs import SlotRunner
from scheduler.plan import digest_slot_at
from storage import submissions
from storage.models import Outbox, Submission

from . import seed as seeding
from .conftest import Player, nominate_household, register_resident, rows
from .test_scheduler import add_member, add_report, local

PNG = b"\x89PNG\r\n\x1a\n"


def seed(core, db, clock):
    """Two household nominations from Thôn 1 (one under review), a report from Thôn 2, a
    withdrawn one from Thôn 3."""
    p = Player(core, "resident1")
    register_resident(p)
    ref1 = nominate_household(p)
    nominate_household(p, nominee="Hộ bà Hoàng Thị Lan")
    head2 = add_member(db, clock.now(), name="Trưởng thôn Hai", role="head", unit="T02")
    add_report(db, clock.now(), head2, "T02")
    head3 = add_member(db, clock.now(), name="Trưởng thôn Ba", role="head", unit="T03")
    gone = add_report(db, clock.now(), head3, "T03")
    with Session(db) as s:
        seeding.change_status(
            s,
            submissions.submission_by_ref(s, ref1),
            "under_review",
            actor_id=None,
            reason=None,
            now=clock.now(),
            notify=None,
        )
        seeding.change_status(
            s,
            s.get(Submission, gone.id),
            "withdrawn",
            actor_id=head3.id,
            reason=None,
            now=clock.now(),
            notify=None,
        )
        s.commit()


def test_digest_numbers_match_the_database(core, db, campaign, clock):
    seed(core, db, clock)
    with Session(db) as s:
        d = digest.compute(s, campaign, clock.now())
    subs = rows(db, Submission)
    live = [x for x in subs if x.status != "withdrawn"]
    assert d.total == len(live) == 3
    assert d.new == 3  # no digest yet: new since the window opened
    # what «Thẩm định hồ sơ» opens: nominations and proposals; unit reports are counted apart
    assert (
        d.waiting
        == len([x for x in subs if x.status in ("submitted", "under_review") and x.kind != "report"])
        == 2
    )
    assert d.reports == 1
    # the statuses of the entries: the reports (one received, one withdrawn) are the line above
    assert d.by_status == {"submitted": 1, "under_review": 1}
    assert d.by_category == {"household": 2}
    per_unit = {u.code: u.total for u in d.by_unit}
    assert per_unit["T01"] == 2 and per_unit["T02"] == 1 and per_unit["T03"] == 0
    assert sum(per_unit.values()) == 3 and len(d.by_unit) == len(campaign.units)
    assert "Thôn 1" not in d.empty_units and "Thôn 3" in d.empty_units
    assert "Văn phòng - Thống kê" not in d.empty_units  # the office sends no unit report
    assert len(d.empty_units) == len(campaign.units) - 3
    table = dg.text_table(campaign, d)
    assert "Tổng: 3 hồ sơ" in table and "Chờ thẩm định: 2." in table
    assert "Báo cáo đơn vị đã nhận: 1." in table
    assert "Thôn 1: 2/2" in table and "• Hộ gia đình, nông dân, người lao động: 2" in table


def test_digest_counts_equal_what_staff_can_open_for_every_kind(core, db, campaign, clock):
    seed(core, db, clock)
    head1 = add_member(db, clock.now(), name="Trưởng thôn Một", role="head", unit="T01")
    with Session(db) as s:  # a proposal waits for appraisal too
        seeding.create_submission(
            s,
            kind="proposal",
            campaign_code=campaign.code,
            submitter_id=head1.id,
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
    add_member(db, clock.now(), name="Cán bộ", role="staff", unit="VPTK", uid="staff1")
    staff = Player(core, "staff1")
    staff.say("/tonghop")
    assert "Chờ thẩm định: 3." in staff.text and "Báo cáo đơn vị đã nhận: 1." in staff.text
    assert "Văn phòng - Thống kê" not in staff.text.split("Chưa gửi gì")[1]
    staff.press("reports")
    assert "Báo cáo các đơn vị (1)" in staff.text  # the withdrawn one is not listed
    staff.say("/huy")
    staff.say("/thamdinh")
    assert "(còn 3 hồ sơ chờ)" in staff.text  # nominations and the proposal, no unit report
    kinds = []
    while "Không còn hồ sơ" not in staff.text and "Hết hồ sơ" not in staff.text:
        kinds.append(staff.text.split(" — ")[1].split("(")[0].split("\n")[0].strip())
        staff.press("skip")
    assert sorted(kinds) == ["Đề cử", "Đề cử", "Đề nghị khen thưởng"]


def test_new_counts_since_the_last_digest(core, db, campaign, clock):
    add_member(db, clock.now(), name="Cán bộ", role="staff", unit="VPTK", uid="staff1")
    seed(core, db, clock)
    clock.set(local(campaign, 2024, 11, 5, 17))
    runner = SlotRunner(core)
    assert runner.run_sync(digest_slot_at(campaign, clock.now())).status == "ran"
    clock.advance(hours=20)
    p = Player(core, "resident1")
    p.say("/menu")
    nominate_household(p, nominee="Hộ ông Lộc Văn Chín")
    with Session(db) as s:
        d = digest.compute(s, campaign, clock.now())
    assert (d.total, d.new) == (4, 1)
    assert d.since == local(campaign, 2024, 11, 5, 17)


def test_chart_is_a_png_with_one_bar_per_unit(db, campaign, clock, tmp_path, core):
    seed(core, db, clock)
    with Session(db) as s:
        d = digest.compute(s, campaign, clock.now())
    c = charts.chart(campaign, d, tmp_path / "chart.png")
    data = c.path.read_bytes()
    assert data[:8] == PNG
    img = mpimg.imread(c.path)
    assert img.shape[0] == 450 and img.shape[1] == 800
    assert c.bars == len(campaign.units) == len(c.labels)
    assert dict(zip(c.labels, c.values))["T01"] == 2


def test_matplotlib_is_loaded_only_when_a_chart_is_drawn():
    """The serving process imports the digest, the chart and the jobs; matplotlib (slow to
    import, heavy in memory) waits for the first chart."""
    import subprocess
    import sys

    code = (
        "import sys, documents.chart, handlers.digest, scheduler.jobs, scheduler.startup, "
        "bot.cli.reminders_and_digest; print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_digest_slot_sends_photo_and_text_on_telegram_a_table_elsewhere(core, db, campaign, clock, tmp_path):
    tg = add_member(
        db, clock.now(), name="Cán bộ Một", role="staff", unit="VPTK", channel="telegram", uid="111"
    )
    zl = add_member(db, clock.now(), name="Cán bộ Hai", role="admin", unit="VPTK", channel="zalo", uid="zz2")
    add_member(db, clock.now(), name="Người dân", role="resident", unit="T01", uid="r9")
    clock.set(local(campaign, 2024, 11, 6, 17))
    slot = digest_slot_at(campaign, clock.now())
    assert slot.id == "digest:2024-11-06T17:00"
    runner = SlotRunner(core, chart_dir=tmp_path)
    assert runner.run_sync(slot).people == 2
    assert runner.run_sync(slot).status == "already"
    out = rows(db, Outbox)
    by_member = {}
    for r in out:
        by_member.setdefault(r.member_id, []).append(reply_from_dict(r.payload))
    assert set(by_member) == {tg.id, zl.id}
    photo, text = by_member[tg.id]
    assert isinstance(photo, Photo) and Path(photo.ref).read_bytes()[:8] == PNG
    assert isinstance(text, Text) and "Thôn 1:" not in text.text and "TỔNG HỢP" in text.text
    [table] = by_member[zl.id]
    # no submission yet: no rows of zeros, every unit named once under «Chưa gửi gì»
    assert isinstance(table, Text) and "0/0" not in table.text and "Chưa gửi gì (12): Thôn 1" in table.text
    assert {r.channel for r in out if r.member_id == zl.id} == {"zalo"}


def test_staff_ask_for_the_digest_in_chat_residents_cannot(core, db, clock):
    seed(core, db, clock)
    add_member(db, clock.now(), name="Cán bộ Văn phòng", role="staff", unit="VPTK", uid="staff9")
    staff = Player(core, "staff9")
    staff.say("/start")
    staff.press("digest")
    assert "TỔNG HỢP HỒ SƠ THI ĐUA" in staff.text and "Thôn 1: 2/2" in staff.text
    assert isinstance(staff.last[-1], Question)  # back at the menu
    staff.say("/tonghop")
    assert "Tổng: 3 hồ sơ" in staff.text
    resident = Player(core, "resident1")
    resident.say("/tonghop")
    assert t("role.denied") in resident.text and "Tổng:" not in resident.text
    resident.say("/menu")
    assert "digest" not in [o.value for o in resident.question.options]


def test_digest_command_prints_the_table(db, db_path, core, clock, monkeypatch, capsys, tmp_path):
    from .conftest import CAMPAIGN_FILE

    seed(core, db, clock)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CAMPAIGN_FILE", str(CAMPAIGN_FILE))
    from bot.cli import main

    assert main(["digest", "--at", "2024-11-06T17:00", "--chart", str(tmp_path / "c.png")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("TỔNG HỢP HỒ SƠ THI ĐUA — 17:00 06/11/2024")
    assert "Thôn 1: 2/2" in out and (tmp_path / "c.png").read_bytes()[:8] == PNG
    assert main(["digest", "--at", "2024-12-02T08:00"]) == 0
    assert "TỔNG HỢP CUỐI" in capsys.readouterr().out
    assert rows(db, Outbox) == []
