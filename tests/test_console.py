"""The console channel: numbered choices in a terminal, photos from files, queued messages."""

from __future__ import annotations

import io

from sqlmodel import Session

from bot.console import run_console
from messages.model import Text, reply_to_dict
from storage import members, outbox
from storage.models import Evidence, Outbox, Submission

from .conftest import rows


def test_a_console_user_nominates_with_a_photo_file(core, db, tmp_path):
    picture = tmp_path / "nha-van-hoa.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0 fake jpeg bytes")
    lines = [
        "2",
        "Nguyễn Văn Bình",
        "1",
        "0912 345 678",
        "1",
        "Hộ ông Hoàng Văn Tư",
        "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông.",
        "1,3",
        "60.000.000",
        "2",
        f"/anh {picture}",
        f"/anh {picture}",
        "1",
    ]
    out = io.StringIO()
    run_console(core, "bình", "Bình", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out)
    text = out.getvalue()
    assert "2. Đăng ký (người dân)" in text
    # the photo moves on to the summary; the same picture again is kept once
    assert "Ảnh: 1" in text and text.count("Đã nhận 1/5 ảnh") == 1
    assert "Đã gửi đề cử, mã hồ sơ DC-0001" in text and text.rstrip().endswith("Tạm biệt!")
    [sub] = rows(db, Submission)
    assert sub.contents == ["c1", "c3"] and sub.proposed_award == "commune"
    [ev] = rows(db, Evidence)
    assert ev.local_path == str(picture.resolve()) and ev.unique_id.startswith("sha256:")


def test_queued_messages_reach_the_console_user(core, db, clock):
    out = io.StringIO()
    run_console(core, "lan", "Lan", stdin=io.StringIO("2\nHoàng Thị Lan\n2\nbo qua\n"), stdout=out)
    with Session(db) as s:
        member = members.member_by_identity(s, "console", "lan")
        outbox.enqueue(
            s, member_id=member.id, payload=reply_to_dict(Text("Hồ sơ DC-0009: Đạt.")), now=clock.now()
        )
        s.commit()
    out = io.StringIO()
    run_console(core, "lan", "Lan", stdin=io.StringIO("/hoso\n"), stdout=out)
    assert "Hồ sơ DC-0009: Đạt." in out.getvalue()
    [row] = rows(db, Outbox)
    assert row.status == "sent" and row.sent_at is not None
