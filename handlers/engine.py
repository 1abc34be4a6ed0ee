"""One small engine runs every flow. A flow is a list of steps declared as data.

Every step gets back ("Quay lại") and cancel ("Hủy"); the position and the answers live in the
conversation_state row, so a restarted process continues the same conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from domain.refusals import Refused
from domain.reminders import KEPT
from handlers.outcomes import Outcome, asked, cancelled, finished, refused
from handlers.readers import BACK, CANCEL, DONE, SEARCH, SKIP, STAY, Invalid, add_photo, read  # noqa: F401
from handlers.textutil import fold
from messages.catalog import t
from messages.model import InboundEvent, Option, Question, Reply, Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx

StepKind = Literal[
    "choice", "multi", "text", "number", "money", "date", "photo", "confirm", "phone", "figures"
]

_WORDS = {
    BACK: {"quay lai", "quay lui", "tro lai", "back", "ql"},
    CANCEL: {"huy", "huy bo", "cancel", "thoat", "dung", "dung lai"},
    SKIP: {"bo qua", "skip", "khong co", "ko co", "bq"},
    DONE: {"xong", "done", "het", "du roi", "ok xong"},
}
END = "end:"  # a step's `after` that ends the flow there (its finish says what follows)
SKIP_WORDS = frozenset(_WORDS[SKIP])  # for a step that cannot be skipped, to refuse them as an answer


@dataclass
class Step:
    key: str
    kind: StepKind
    prompt: Callable[[Ctx], str]
    options: Callable[[Ctx], list[Option]] | None = None
    aliases: Callable[[Ctx], dict[str, Sequence[str]]] | None = None
    validate: Callable[[Ctx, Any], None] | None = None  # raises Invalid
    skippable: bool = False
    when: Callable[[Ctx], bool] | None = None
    min_len: int = 1
    max_len: int | None = None
    multiline: bool = False
    max_items: int = 0  # photo steps
    # after an answer: None to go on, BACK to go one step back, END to finish, or a step key
    after: Callable[[Ctx, Any], str | None] | None = None
    nav_labels: dict[str, str] = field(default_factory=dict)
    # a multi step: the options chosen in advance (a suggestion the person confirms in one tap)
    preset: Callable[[Ctx], list[str]] | None = None
    # a figures step: reads several figures from one message (handlers/figures.py); a number
    # step: reads a number written its own way (a decision's «125/QĐ-UBND»)
    read: Callable[[Ctx, str], Any] | None = None
    # choice steps: an answer that matches no option is kept as SEARCH + the text (a search)
    search: bool = False
    # the question asked again after a misunderstood answer, when the full one is long
    reprompt: Callable[[Ctx], str] | None = None
    # False on a screen one only looks at (a list, a dossier): its way out is «Quay lại» alone
    cancel: bool = True


class Flow:
    """Subclasses declare `name`, `steps(ctx)` and `finish(ctx)`."""

    name: str = ""

    def steps(self, ctx: Ctx) -> list[Step]:
        raise NotImplementedError

    def refuse(self, ctx: Ctx) -> Outcome | None:
        """Why the flow cannot start (deadline passed, not registered...), or None."""
        return None

    def initial(self, ctx: Ctx, args: dict[str, Any]) -> dict[str, Any]:
        return dict(args)

    def finish(self, ctx: Ctx) -> Outcome | list[Reply]:
        """After the last step. A list of replies: finished (or asked, when it asked a new
        question itself). A domain refusal raised here is told as refused."""
        raise NotImplementedError

    def title(self) -> str:
        return t(f"flow.{self.name}")

    def typed(self, ctx: Ctx) -> bool:
        """Whether leaving now throws away something the person typed (then they are told so);
        a flow one only browses says False until something is typed."""
        return True


# -- running a flow -----------------------------------------------------------------------


DRAFTS = KEPT  # the conversation data's drafts kept aside (handlers/drafts.py)


def carry(data: dict[str, Any] | None) -> dict[str, Any]:
    """What of a conversation's data outlives the flow it is on: the drafts kept aside."""
    kept = (data or {}).get(DRAFTS)
    return {DRAFTS: kept} if kept else {}


def active_steps(ctx: Ctx, flow: Flow) -> list[Step]:
    return [s for s in flow.steps(ctx) if s.when is None or s.when(ctx)]


def step_by_key(ctx: Ctx, flow: Flow, key: str | None) -> Step | None:
    for s in flow.steps(ctx):
        if s.key == key:
            return s
    return None


def start(ctx: Ctx, flow: Flow, args: dict[str, Any] | None = None, first: str | None = None) -> Outcome:
    refusal = flow.refuse(ctx)
    if refusal is not None:
        return refusal
    st = ctx.state
    st.flow = flow.name
    st.data = {"answers": flow.initial(ctx, args or {}), "history": [], **carry(st.data)}
    steps = active_steps(ctx, flow)
    if first is not None:
        steps = [s for s in steps if s.key == first] or steps
    return asked(go_to(ctx, flow, steps[0]))


def go_to(ctx: Ctx, flow: Flow, step: Step, before: list[Reply] | None = None) -> list[Reply]:
    ctx.state.step = step.key
    ctx.state.seq += 1
    ctx.state.data.pop("missed", None)
    if step.kind == "multi" and step.preset is not None and "sel" not in ctx.state.data:
        ctx.state.data["sel"] = list(ctx.answers.get(step.key) or step.preset(ctx))
    return [*(before or []), question(ctx, step)]


def next_step(ctx: Ctx, flow: Flow, current: Step) -> Step | None:
    steps = active_steps(ctx, flow)
    keys = [s.key for s in steps]
    if current.key in keys:
        i = keys.index(current.key)
        return steps[i + 1] if i + 1 < len(steps) else None
    # the current step is no longer active (an earlier answer changed): go to the first
    # active step not yet answered
    return first_unanswered(ctx, flow)


def first_unanswered(ctx: Ctx, flow: Flow) -> Step | None:
    answered = ctx.answers
    return next((s for s in active_steps(ctx, flow) if s.key not in answered), None)


def question(ctx: Ctx, step: Step, *, edit: bool = False) -> Question:
    options = step.options(ctx) if step.options else []
    chosen: set[str] = set()
    if step.kind == "multi":
        chosen = set(ctx.state.data.get("sel", []))
        options = [Option(o.value, o.label, o.value in chosen) for o in options]
    nav: list[Option] = []
    if step.kind == "multi":
        nav.append(Option(DONE, step.nav_labels.get(DONE, t("nav.done"))))
    if step.kind == "photo" and ctx.answers.get(step.key):
        nav.append(Option(DONE, t("nav.done")))
    if step.skippable:
        nav.append(Option(SKIP, step.nav_labels.get(SKIP, t("nav.skip"))))
    # back and cancel: shown on a flow's first question and after a misunderstood answer (they
    # are understood as words, and as buttons pressed earlier, on every step)
    full = not ctx.state.data.get("history") or bool(ctx.state.data.get("missed"))
    if full or step.kind == "confirm" or not step.cancel:
        nav.append(Option(BACK, step.nav_labels.get(BACK, t("nav.back"))))
        if step.cancel:
            nav.append(Option(CANCEL, step.nav_labels.get(CANCEL, t("nav.cancel"))))
    # skipping is a numbered option wherever a number is not itself the answer
    numbered = step.kind in ("choice", "multi", "confirm", "photo") or (
        step.skippable and step.kind in ("text", "phone")
    )
    if step.kind == "multi":
        hint = t("hint.multi_preset") if step.preset is not None and chosen else t("hint.multi")
    elif step.kind == "photo":
        hint = t("hint.photo_one")
    elif numbered:
        total = len(options) + len(nav)
        hint = t("hint.choice", first=1, last=total) if total > 1 else t("hint.choice_one")
    else:
        hint = t("hint.text") if full else ""
    again = step.reprompt if ctx.state.data.get("missed") else None
    return Question(
        text=again(ctx) if again is not None else step.prompt(ctx),
        options=options,
        nav=nav,
        multi=step.kind == "multi",
        seq=ctx.state.seq,
        edit=edit,
        hint=hint,
        nav_numbered=numbered,
    )


def _nav_of(ev: InboundEvent, step: Step, q: Question) -> str | None:
    if ev.kind == "choice" and ev.choice in (BACK, CANCEL, SKIP, DONE):
        return ev.choice
    if ev.kind != "text" or ev.text is None:
        return None
    word = fold(ev.text)
    for nav, words in _WORDS.items():
        if word in words and not (nav == SKIP and not step.skippable):  # "ko co" is a "no" there
            return nav
    for o in q.nav:  # the nav labels as typed, with or without diacritics
        if word == fold(o.label):
            return o.value
    raw = ev.text.strip().rstrip(".")
    if q.nav and q.nav_numbered and raw.isdigit():  # numbered channels: nav continues the option numbers
        i = int(raw) - len(q.options)
        if 1 <= i <= len(q.nav):
            return q.nav[i - 1].value
    return None


def answer(ctx: Ctx, flow: Flow) -> Outcome:
    """Take the person's answer to the current step of `flow`."""
    step = step_by_key(ctx, flow, ctx.state.step)
    if step is None:  # the flow changed under a saved state: start again cleanly
        return start(ctx, flow)
    ev = ctx.event
    q = question(ctx, step)
    if ev.kind == "photo" and step.kind == "confirm":
        return _photo_at_confirm(ctx, flow, step)
    nav = _nav_of(ev, step, q)
    if nav == CANCEL:
        return leave(ctx, flow)
    if nav == BACK:
        return back(ctx, flow)
    if nav == SKIP and step.skippable:
        ctx.answers.pop(step.key, None)
        ctx.state.data.pop("sel", None)
        return advance(ctx, flow, step, None)
    if nav == SKIP or (nav == DONE and step.kind not in ("multi", "photo")):
        return again(ctx, step, t("err.choice"))
    try:
        value = read(ctx, step, q, nav)
    except Invalid as exc:
        return again(ctx, step, str(exc))
    if value is STAY:
        return asked([question(ctx, step, edit=ev.kind == "choice")] if step.kind == "multi" else ctx.stay)
    if step.validate is not None:
        try:
            step.validate(ctx, value)
        except Invalid as exc:
            return again(ctx, step, str(exc))
    ctx.answers[step.key] = value
    ctx.state.data.pop("sel", None)
    return advance(ctx, flow, step, value)


def advance(ctx: Ctx, flow: Flow, step: Step, value: Any) -> Outcome:
    history: list[str] = ctx.state.data.setdefault("history", [])
    target = step.after(ctx, value) if step.after else None
    if target == BACK:
        return back(ctx, flow)
    if target != step.key:  # a screen asked again (refreshed, or an action refused) is no new step
        history.append(step.key)
    if target == END:
        return end(ctx, flow)
    if target is not None:
        nxt = step_by_key(ctx, flow, target)
    else:
        nxt = next_step(ctx, flow, step)
    if nxt is None:
        return end(ctx, flow)
    return asked(go_to(ctx, flow, nxt))


def end(ctx: Ctx, flow: Flow) -> Outcome:
    """The flow's last step was answered: its finish says what it came to."""
    seq = ctx.state.seq
    try:
        result = flow.finish(ctx)
    except Refused as refusal:
        return refused(refusal)
    if isinstance(result, Outcome):
        return result
    # finish may have asked a new question itself (another flow, or the same flow on the
    # next item): then the conversation goes on from there
    return asked(result) if ctx.state.seq != seq else finished(*result)


def back(ctx: Ctx, flow: Flow) -> Outcome:
    history: list[str] = ctx.state.data.setdefault("history", [])
    ctx.state.data.pop("sel", None)
    while history:
        key = history.pop()
        step = step_by_key(ctx, flow, key)
        if step is not None and (step.when is None or step.when(ctx)):
            if step.kind == "multi":
                ctx.state.data["sel"] = list(ctx.answers.get(step.key) or [])
            return asked(go_to(ctx, flow, step))
    return leave(ctx, flow)  # back from the first question leaves the flow


def leave(ctx: Ctx, flow: Flow) -> Outcome:
    """The person leaves the flow: «Đã hủy» when typed answers are thrown away; back to the menu
    without a word when they only looked."""
    return cancelled() if flow.typed(ctx) else finished()


def again(ctx: Ctx, step: Step, error: str) -> Outcome:
    """The same question again, after a short explanation of what is accepted, with back and
    cancel shown. Nothing is stored."""
    ctx.state.data["missed"] = True
    return asked([Text(error), question(ctx, step)])


def _photo_at_confirm(ctx: Ctx, flow: Flow, step: Step) -> Outcome:
    """A photo sent at the summary (the rest of an album, or one more): kept with the others."""
    photo_step = next((s for s in active_steps(ctx, flow) if s.kind == "photo"), None)
    if photo_step is None:
        return again(ctx, step, t("err.choice"))
    try:
        photos = add_photo(ctx, photo_step)
    except Invalid as exc:
        return again(ctx, step, str(exc))
    return asked([Text(t("nom.photo_added", n=len(photos), max=photo_step.max_items)), question(ctx, step)])


def yes_no(ctx: Ctx) -> list[Option]:
    return [Option("yes", t("yes")), Option("no", t("no"))]
