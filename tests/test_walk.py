"""Every step of every flow, walked on the console channel as each role: a question always has an
answer that moves on (an option, or a text of the kind it asks for) and a way back («quay lại»
understood, going one step back or out of the flow). The flows come from the engine's registry;
the walk must reach every one of them."""

from __future__ import annotations

import sys
from datetime import timedelta

from sqlmodel import Session, col, select

from domain import broadcasts
from domain.broadcasts import Audience
from domain.uow import UnitOfWork
from messages.catalog import t
from messages.model import Question
from storage import announcements, members
from storage.models import ConversationState, Outbox

from .campaign_texts import open_two_campaigns
from .conftest import ACHIEVEMENTS, Player, nominate_household, register_resident
from .review_helpers import join
from .seed import create_invite
from .test_council import shortlist, vote_through

MAX_STEPS = 14
# what a typed step may ask for, tried in this order until one is taken
TYPED = (
    ACHIEVEMENTS,
    "Nguyễn Văn Bình",
    "12",
    "60 triệu",
    "hôm nay",
    "0912345678",
    ", ".join(["1"] * 11),
)


def state(db, user: str) -> ConversationState | None:
    with Session(db) as s:
        return s.exec(select(ConversationState).where(ConversationState.user_id == user)).first()


def where(db, user: str) -> tuple[str | None, str | None, int]:
    st = state(db, user)
    return (st.flow, st.step, st.seq) if st else (None, None, 0)


def missed(db, user: str) -> bool:
    st = state(db, user)
    return bool(st and (st.data or {}).get("missed"))


def question_of(p: Player) -> Question | None:
    qs = [r for r in p.last if isinstance(r, Question)]
    return qs[-1] if qs else None


def answers_for(q: Question) -> list[tuple[str, str]]:
    """What to try at a question: ("say", text) or ("photo", id)."""
    if q.options:
        return [("say", str(i)) for i in range(1, len(q.options) + 1)]
    if q.hint == t("hint.photo_one"):
        return [("photo", "walk-photo")]
    return [("say", text) for text in TYPED]


def act(p: Player, how: str, what: str) -> None:
    p.photo(what) if how == "photo" else p.say(what)


def open_item(p: Player, key: str, path: list[tuple[str, str]]) -> None:
    if where(p.core_db, p.user_id)[0] is not None:
        p.say("huy")
    p.say("/menu")
    if key not in [o.value for o in p.question.options]:
        return  # the walk changed the person's role (a guest who nominated is a resident)
    p.press(key)
    for how, what in path:
        act(p, how, what)


def forward(p: Player, db) -> tuple[str, str] | None:
    """Answer the current question with the first answer that moves on; None if none does."""
    flow, step, seq = where(db, p.user_id)
    q = question_of(p)
    for how, what in answers_for(q):
        before = (step, seq)
        act(p, how, what)
        now_flow, now_step, now_seq = where(db, p.user_id)
        if now_flow != flow or (not missed(db, p.user_id) and (now_step, now_seq) != before):
            return how, what
        if now_flow == flow and not missed(db, p.user_id):
            return how, what  # taken, same step (a list page, a multi toggle)
    return None


def walk(p: Player, db, key: str, reached: set[str], problems: list[str], opener=open_item) -> None:
    """Walk the menu item `key`: at each step, check the way back, then go on."""
    path: list[tuple[str, str]] = []
    seen: dict[tuple, int] = {}
    open_item = opener
    open_item(p, key, path)
    for _ in range(MAX_STEPS):
        flow, step, _seq = where(db, p.user_id)
        q = question_of(p)
        if flow is None or q is None:
            return  # finished, refused or a plain answer: the menu follows
        reached.add(flow)
        seen[(flow, step)] = seen.get((flow, step), 0) + 1
        if seen[(flow, step)] > 2:
            return  # a queue or a list going round: its steps were checked
        # the way back: «quay lại» is understood and goes one step back (or out of the flow)
        p.say("quay lai")
        if missed(db, p.user_id):
            problems.append(f"{p.user_id} {key} {flow}.{step}: «quay lại» not understood")
        if any(t("cancelled") in getattr(r, "text", "") for r in p.last) and flow in ("mine",):
            problems.append(f"{p.user_id} {key} {flow}.{step}: leaving a list reads «Đã hủy»")
        open_item(p, key, path)  # back where the walk was
        if where(db, p.user_id)[:2] != (flow, step):
            return  # the flow moved on meanwhile (an item of a queue was decided): stop here
        taken = forward(p, db)
        if taken is None:
            problems.append(f"{p.user_id} {key} {flow}.{step}: no answer moves on: {q.text[:80]!r}")
            return
        path.append(taken)


def fail_one_announcement(db, clock, core) -> None:
    """An announcement to the resident's village whose delivery failed."""
    with Session(db) as s:
        staff = members.member_by_identity(s, "console", "s1")
        [done] = broadcasts.announce(
            UnitOfWork(s, clock.now()),
            staff,
            core.campaign,
            Audience("unit", ("T01",)),
            "Nhắc nộp hồ sơ.",
            channel="console",
        )
        prefix = announcements.delivery_prefix(done.announcement_id)
        row = s.exec(select(Outbox).where(col(Outbox.dedupe_key).startswith(prefix))).first()
        row.status = "failed"
        s.add(row)
        s.commit()


def test_every_step_of_every_flow_has_an_answer_and_a_way_back(core, db, clock, monkeypatch):
    resident = Player(core, "r1")
    register_resident(resident)
    first = nominate_household(resident)
    second = nominate_household(resident, nominee="Hộ bà Nông Thị Hoa")
    head = join(core, db, clock, "h1", "head", "T01", name="Lục Văn Sơn")
    staff = join(core, db, clock, "s1", "staff", "VPTK", name="Hoàng Thị Lan")
    council = join(core, db, clock, "c1", "council", None, name="Nông Văn Hải")
    admin = join(core, db, clock, "a1", "admin", "VPTK", name="Lý Văn Tâm")
    amend_me = nominate_household(resident, nominee="Hộ ông Lò Văn Sơn")
    staff.say("/thamdinh")
    while amend_me not in staff.question.text:
        staff.press("Để sau")
    staff.press("Cần bổ sung")  # one nomination awaits the resident's amendment
    staff.say("Xin ghi rõ họ tên có dấu.")
    staff.say("huy")
    reporter = join(core, db, clock, "h2", "head", "T02", name="Vi Văn Sơn")  # a unit report to read
    reporter.press("report")
    reporter.say(", ".join(["2"] * 11))
    reporter.say(ACHIEVEMENTS)
    reporter.say("bo qua")
    reporter.press("send")
    # a round closed with its item recommended (for the decision), another open (for the vote)
    voter = join(core, db, clock, "c2", "council", None, name="Lộc Thị Hạnh")
    shortlist(db, clock, first)
    staff.say("/hoidong")
    staff.press(t("council.open"))
    vote_through(voter, t("council.choice.agree"))
    vote_through(council, t("council.choice.agree"))
    staff.say("/hoidong")
    staff.press(t("council.close"))
    staff.press(t("council.close"))
    shortlist(db, clock, second)
    staff.say("/hoidong")
    staff.press(t("council.open"))
    staff.say("huy")

    with Session(db) as s:  # an invite code, for the step that asks for one
        code = create_invite(s, role="head", unit_code="T02", now=clock.now(), ttl=timedelta(days=7)).code
        s.commit()
    monkeypatch.setattr(sys.modules[__name__], "TYPED", (*TYPED, code))
    fail_one_announcement(db, clock, core)  # «Kết quả gửi thông báo» then asks to send it again
    reached: set[str] = set()
    problems: list[str] = []
    guests = iter(range(1, 100))
    for p in (None, resident, head, council, staff, admin):
        if p is not None and where(db, p.user_id)[0] is not None:
            p.say("huy")
        menu = p or Player(core, "g0")
        menu.say("/menu")
        for key in [o.value for o in menu.question.options]:
            who = p or Player(core, f"g{next(guests)}")  # a guest walks each item as a newcomer
            who.core_db = db
            walk(who, db, key, reached, problems)
    assert problems == [], "\n".join(problems)

    # the amend flow opens from a dossier: «Hồ sơ của tôi», the dossier, «Bổ sung hồ sơ»
    def amending(p: Player, key: str, path: list[tuple[str, str]]) -> None:
        if where(db, p.user_id)[0] is not None:
            p.say("huy")
        p.say("/hoso")
        p.say(amend_me)
        p.press(t("mine.amend"))
        for how, what in path:
            act(p, how, what)

    walk(resident, db, "amend", reached, problems, opener=amending)
    # «Đổi đợt thi đua» is offered once a second campaign is open and the person has chosen one
    open_two_campaigns(db, clock.now())
    if where(db, staff.user_id)[0] is not None:
        staff.say("huy")
    staff.say("/menu")
    staff.press("tran-ninh-2024")
    walk(staff, db, "campaign", reached, problems)
    assert problems == [], "\n".join(problems)
    assert set(core.flows) - reached == set(), sorted(set(core.flows) - reached)
