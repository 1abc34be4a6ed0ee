"""The flow engine through the core: back, cancel, restart, duplicates, bad input, deadline."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from handlers.core import Core
from messages.model import Question
from storage.models import ConversationState, Member, ProcessedEvent, Submission

from .conftest import Player, nominate_household, register_resident, rows

WHO = "Bạn muốn đề cử ai?"
ACH = "Trồng 3 ha hồi, thu nhập cao, hiến 200 m2 đất làm đường bê tông."


def start_nomination(p: Player) -> None:
    register_resident(p)
    p.press("nominate")
    assert WHO in p.text


def state_of(db, user="u1") -> ConversationState:
    [st] = rows(db, ConversationState, ConversationState.user_id == user)
    return st


def test_back_returns_to_the_previous_question_keeping_answers(player, db):
    start_nomination(player)
    player.say("Ông Lục Văn Sơn")  # not telling which category: asked
    assert "«Ông Lục Văn Sơn» thuộc đối tượng nào?" in player.text
    player.say("quay lai")
    assert WHO in player.text
    player.say("Hộ ông Hoàng Văn Tư")  # a household: no category question
    # the household's criteria, without the plan's clause code (residents do not read the plan)
    assert "Tiêu chí: Sản xuất giỏi" in player.text and "V.2.c" not in player.text
    player.say("quay lai")
    assert WHO in player.text
    player.say("Chi hội Phụ nữ thôn 1")
    player.say("tap the")  # "Tập thể (cơ quan, đơn vị, thôn)" typed without diacritics
    assert "Tiêu chí: Tổ chức phong trào" in player.text and "V.2.a" not in player.text
    assert state_of(db).data["answers"]["category"] == "collective"


def test_cancel_anywhere_stores_nothing_and_shows_the_menu(player, db):
    start_nomination(player)
    player.say("Thôn 1")
    player.say("Hủy")
    assert "Đã hủy" in player.text and "Bạn muốn làm gì?" in player.text
    assert rows(db, Submission) == []
    st = state_of(db)
    assert st.flow is None and st.data == {}
    # /huy works as a command too
    player.press("nominate")
    player.say("/huy")
    assert "Đã hủy" in player.text


def test_back_from_the_first_question_leaves_the_flow(player, db):
    start_nomination(player)
    player.say("quay lai")
    assert "Bạn muốn làm gì?" in player.text
    assert state_of(db).flow is None


def test_a_restarted_process_continues_the_same_conversation(db_path, campaign, clock):
    from storage.db import make_engine

    e1 = make_engine(f"sqlite:///{db_path}")
    p1 = Player(Core(e1, campaign, clock))
    start_nomination(p1)
    p1.say("Hộ bà Lường Thị Mai")
    e1.dispose()

    e2 = make_engine(f"sqlite:///{db_path}")  # a new process: new engine, new core, same file
    p2 = Player(Core(e2, campaign, clock))
    p2.say("Tổ chức 5 buổi tuyên truyền, vận động 12 hộ thoát nghèo trong năm 2024.")
    assert "Nội dung thi đua (gợi ý" in p2.text
    p2.say("1 2")
    p2.say("80tr")
    p2.say("khong")
    p2.say("bo qua")
    p2.say("1")
    assert "DC-0001" in p2.text
    [sub] = rows(e2, Submission)
    assert sub.nominee == "Hộ bà Lường Thị Mai" and sub.answers["annual_income"] == 80_000_000
    e2.dispose()


def test_the_same_event_key_twice_is_processed_once(player, db):
    register_resident(player)
    player.press("nominate")
    first = player.say("Ông Lục Văn Sơn", key="evt-42")
    assert first and "thuộc đối tượng nào" in first[-1].text
    again = player.say("Ông Lục Văn Sơn", key="evt-42")
    assert again == []
    assert state_of(db).step == "category"
    assert len(rows(db, ProcessedEvent, ProcessedEvent.key == "console:evt-42")) == 1


def test_a_stale_button_changes_nothing(player, db):
    register_resident(player)
    player.press("nominate")
    player.say("Ông Lục Văn Sơn")
    old = player.question
    player.press("Tập thể (cơ quan, đơn vị, thôn)")
    step_before = state_of(db).step
    from messages.model import InboundEvent

    replies = player.send(
        InboundEvent(
            channel="console",
            user_id="u1",
            chat_id="u1",
            key="stale-1",
            kind="choice",
            choice="household",
            seq=old.seq,
        )
    )
    assert [r.text for r in replies] == ["Câu hỏi này đã qua."] and replies[0].toast
    assert state_of(db).step == step_before
    assert state_of(db).data["answers"]["category"] == "collective"


def test_a_forged_button_value_is_refused(player, db):
    register_resident(player)
    player.press("nominate")
    player.say("Ông Lục Văn Sơn")
    from messages.model import InboundEvent

    q = player.question
    player.send(
        InboundEvent(
            channel="console",
            user_id="u1",
            chat_id="u1",
            key="forged",
            kind="choice",
            choice="secret-category",
            seq=q.seq,
        )
    )
    assert "Lựa chọn chưa đúng." in player.text and "thuộc đối tượng nào?" in player.text
    assert "category" not in state_of(db).data["answers"]


BAD_TEXT = [
    ("", "Bạn chưa nhập gì."),
    ("   ", "Bạn chưa nhập gì."),
    ("a" * 10_000, "Nội dung quá dài"),
    ("😀😀😀", "Xin nhập bằng chữ."),
    ("Nguyễn\x07 Văn\x1b A", "ký tự không hợp lệ"),
    ("'; DROP TABLE member; --", "Tên chỉ gồm chữ cái"),
    ("Robert'); DELETE FROM submission;--", "Tên chỉ gồm chữ cái"),
    ("12345", "Xin nhập bằng chữ."),
]


@pytest.mark.parametrize("text,message", BAD_TEXT)
def test_bad_input_at_the_name_step_explains_and_asks_again(player, db, text, message):
    player.say("/start")
    player.press("register")
    player.say(text)
    assert message in player.text
    assert player.question.text == "Họ và tên của bạn?"
    assert rows(db, Member) == []
    assert state_of(db).step == "name"
    assert set(inspect(db).get_table_names()) >= {"member", "submission"}


def test_bad_input_inside_a_nomination(player, db):
    start_nomination(player)
    player.say("Bà Hà Thị Lan")
    player.say("9")  # no such option (5 categories + back + cancel)
    assert "Lựa chọn chưa đúng." in player.text and "thuộc đối tượng nào" in player.text
    # after a misunderstood answer, back and cancel are offered again
    assert "6. Quay lại" in player.text and "7. Hủy" in player.text
    player.photo("p-early")  # a photo where a choice is expected
    assert "cần trả lời bằng chữ" in player.text and "thuộc đối tượng nào" in player.text
    player.say("/decu")  # a command in the middle of a flow
    assert "Bạn đang điền dở «đề cử»" in player.text and "thuộc đối tượng nào" in player.text
    player.say("/khongco")  # an unknown command
    assert "Bạn đang điền dở" in player.text
    player.say("ho gia dinh")
    player.say("ngắn quá")
    assert "ít nhất 30 ký tự" in player.text
    player.say("Tham gia 20 ngày công làm đường bê tông, hiến đất mở rộng ngõ xóm.")
    player.say("12")  # contents out of range (5 contents + done, back, cancel)
    assert "Lựa chọn chưa đúng." in player.text and "Nội dung thi đua" in player.text
    player.say("3")
    for wrong in ("nhiều lắm", "60", "60 con bò"):
        player.say(wrong)
        assert "số tiền" in player.text.lower() or "Số tiền" in player.text, wrong
        assert "Thu nhập của hộ" in player.question.text
    player.say("60 triệu")
    assert "kỷ luật" in player.text
    assert rows(db, Submission) == []


def test_unknown_command_when_idle_shows_the_menu(player):
    player.say("/start")
    player.say("/xyz")
    assert "Lệnh /xyz không có" in player.text and "Đăng ký (người dân)" in player.text


def test_income_under_the_threshold_is_told_plainly_and_can_be_fixed(player, db):
    start_nomination(player)
    for answer in (
        "Hộ ông Vi Văn Sáu",
        "Chăn nuôi 30 con lợn, trồng 2 ha quế, giúp 3 hộ nghèo giống cây.",
        "2",
    ):
        player.say(answer)
    player.say("30 triệu")
    assert "Tiêu chí: thu nhập từ 50 triệu đồng/năm trở lên" in player.text and "V.2.c" not in player.text
    assert "(30 triệu đồng) chưa đạt" in player.text
    player.press("Sửa thu nhập")
    assert "Thu nhập của hộ" in player.question.text
    player.say("45 triệu")
    player.press("Vẫn gửi")
    player.say("co")  # under discipline: flagged to staff
    player.say("bo qua")
    player.say("1")
    [sub] = rows(db, Submission)
    assert sub.answers["annual_income"] == 45_000_000
    assert sub.flags == [
        "Thu nhập/năm: 45 triệu đồng < 50 triệu đồng (V.2.c)",
        "Đang bị kỷ luật hoặc điều tra (Nghị định 98/2023, Điều 4)",
    ]


def test_photos_are_capped_and_the_same_photo_is_kept_once(player, db):
    start_nomination(player)
    for answer in ("Hộ ông Hoàng Văn Tư", ACH, "ok", "60tr", "khong"):
        player.say(answer)
    player.photo("a")  # a photo answers the photo step: on to the summary
    assert "Kiểm tra lại đề cử" in player.text and "Ảnh: 1" in player.text
    player.photo("a")  # the same picture again (an album's repeat): kept once
    assert "Đã nhận 1/5 ảnh" in player.text
    for uid in "bcde":
        player.photo(uid)  # the rest of an album, at the summary
    assert "Đã nhận 5/5 ảnh" in player.text and "Ảnh: 5" in player.text
    player.photo("f")
    assert "Đã đủ 5 ảnh" in player.text
    player.say("1")
    [sub] = rows(db, Submission)
    from storage.models import Evidence

    assert [e.unique_id for e in rows(db, Evidence)] == ["a", "b", "c", "d", "e"]


def test_after_the_deadline_new_nominations_are_refused(player, db, clock):
    register_resident(player)
    clock.set(datetime(2024, 11, 30, 16, 59, tzinfo=UTC))  # 23:59 on 30/11 in Hà Nội
    player.press("nominate")
    assert WHO in player.text
    player.say("/huy")
    clock.set(datetime(2024, 11, 30, 17, 0, tzinfo=UTC))  # 00:00 on 01/12
    player.press("nominate")
    assert "Đợt thi đua đã hết hạn nhận hồ sơ (23:59 ngày 30/11/2024)" in player.text
    assert rows(db, Submission) == []


def test_the_deadline_passing_while_typing_refuses_at_the_end(player, db, clock):
    register_resident(player)
    clock.set(datetime(2024, 11, 30, 16, 0, tzinfo=UTC))
    player.press("nominate")
    for answer in ("Hộ ông Hoàng Văn Tư", ACH, "ok", "60tr", "khong", "bo qua"):
        player.say(answer)
    clock.advance(hours=2)
    player.say("1")
    assert "hết hạn nhận hồ sơ" in player.text
    assert rows(db, Submission) == []


def test_an_extended_deadline_moves_the_refusal(db, campaign, clock):
    extended = campaign.with_deadline(datetime(2024, 12, 5).date())
    p = Player(Core(db, extended, clock))
    register_resident(p)
    clock.set(datetime(2024, 12, 3, 3, 0, tzinfo=UTC))
    nominate_household(p)
    clock.set(datetime(2024, 12, 5, 17, 0, tzinfo=UTC))
    p.press("nominate")
    assert "(23:59 ngày 05/12/2024)" in p.text


def test_an_error_inside_a_turn_reaches_the_user_as_an_apology(player, db, monkeypatch, caplog):
    register_resident(player)
    player.press("nominate")
    from handlers.flows import nomination

    def boom(self, ctx):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(nomination.Nomination, "intro_steps", boom)
    with caplog.at_level(logging.ERROR):
        replies = player.say("Chi hội Phụ nữ thôn 1")
    assert [r.text for r in replies] == [
        "Xin lỗi, bot gặp lỗi khi xử lý. Bạn thử lại sau ít phút nhé. Thông tin đã nhập vẫn được giữ."
    ]
    assert "disk on fire" in caplog.text and "Traceback" in caplog.text
    assert state_of(db).step == "nominee"  # unchanged
    monkeypatch.undo()
    player.say("Chi hội Phụ nữ thôn 1")
    assert "thuộc đối tượng nào" in player.text


def test_every_question_carries_its_sequence(player):
    player.say("/start")
    q1 = player.question
    player.press("register")
    q2 = player.question
    assert isinstance(q2, Question) and q2.seq == q1.seq + 1


def test_number_date_and_confirm_steps_of_a_declared_flow(core, db):
    """The engine runs any flow declared as steps: here a small one with a number, a date,
    a skippable text and a confirm, registered the way campaign flows are."""
    from handlers.engine import Flow, Step
    from messages.model import Option, Text

    done = {}

    class Meeting(Flow):
        name = "meeting"

        def steps(self, ctx):
            return [
                Step("people", "number", lambda c: "Bao nhiêu người dự?"),
                Step("day", "date", lambda c: "Họp ngày nào?"),
                Step("note", "text", lambda c: "Ghi chú?", skippable=True),
                Step("ok", "confirm", lambda c: "Lưu?", options=lambda c: [Option("save", "Lưu")]),
            ]

        def finish(self, ctx):
            done.update(ctx.answers)
            return [Text("Đã lưu.")]

        def title(self):
            return "họp"

    core.add_flow(Meeting())
    core.add_command("hop", core.start_flow("meeting"))
    p = Player(core)
    p.say("/hop")
    p.say("nhiều")
    assert "Xin nhập một số" in p.text and p.question.text == "Bao nhiêu người dự?"
    p.say("1.200")
    p.say("31/11/2024")
    assert "Ngày chưa đúng" in p.text
    p.say("5/11/2024")
    p.say("bo qua")
    p.say("Lưu")
    assert "Đã lưu." in p.text and "Bạn muốn làm gì?" in p.text
    assert done == {"people": 1200, "day": "2024-11-05", "ok": "save"}


def test_a_command_while_only_looking_runs_it(player, db):
    """In «Hồ sơ của tôi» nothing is being filled in: /start opens the menu at once, with no
    «Bạn đang điền dở» and no list asked again."""
    register_resident(player)
    nominate_household(player)
    player.press("mine")
    assert "Hồ sơ của bạn (1)" in player.text, player.text
    player.say("/start")
    assert "điền dở" not in player.text, player.text
    assert "Bạn muốn làm gì?" in player.text and "Đề cử gương điển hình" in player.text, player.text
