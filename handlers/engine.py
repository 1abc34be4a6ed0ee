"""One small engine runs every flow. A flow is a list of steps declared as data.

Every step gets back ("Quay lại") and cancel ("Hủy"); the position and the answers live in the
conversation_state row, so a restarted process continues the same conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Literal, Sequence

from domain.refusals import Refused
from handlers.outcomes import Outcome, asked, cancelled, finished, refused
from messages.catalog import t
from messages.model import InboundEvent, Option, Question, Reply, Text
from handlers.textutil import (
    MoneyError,
    clean,
    fold,
    has_control,
    letters,
    match_option,
    parse_money,
    parse_numbers,
    parse_phone,
)

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx

StepKind = Literal["choice", "multi", "text", "number", "money", "date", "photo", "confirm", "phone"]

BACK, CANCEL, SKIP, DONE = "__back", "__cancel", "__skip", "__done"
_WORDS = {
    BACK: {"quay lai", "quay lui", "tro lai", "back", "ql"},
    CANCEL: {"huy", "huy bo", "cancel", "thoat", "dung", "dung lai"},
    SKIP: {"bo qua", "skip", "khong co", "ko co", "bq"},
    DONE: {"xong", "done", "het", "du roi", "ok xong"},
}


SEARCH = "?"  # the value of a typed search at a step with search=True


class Invalid(Exception):
    """An answer that cannot be used; the message is shown and the question asked again."""


@dataclass
class Step:
    key: str
    kind: StepKind
    prompt: Callable[["Ctx"], str]
    options: Callable[["Ctx"], list[Option]] | None = None
    aliases: Callable[["Ctx"], dict[str, Sequence[str]]] | None = None
    validate: Callable[["Ctx", Any], None] | None = None  # raises Invalid
    skippable: bool = False
    when: Callable[["Ctx"], bool] | None = None
    min_len: int = 1
    max_len: int | None = None
    multiline: bool = False
    max_items: int = 0  # photo steps
    # after an answer: None to go on, BACK to go one step back, or a step key to jump to
    after: Callable[["Ctx", Any], str | None] | None = None
    nav_labels: dict[str, str] = field(default_factory=dict)
    # choice steps: an answer that matches no option is kept as SEARCH + the text (a search)
    search: bool = False


class Flow:
    """Subclasses declare `name`, `steps(ctx)` and `finish(ctx)`."""

    name: str = ""

    def steps(self, ctx: "Ctx") -> list[Step]:
        raise NotImplementedError

    def refuse(self, ctx: "Ctx") -> Outcome | None:
        """Why the flow cannot start (deadline passed, not registered...), or None."""
        return None

    def initial(self, ctx: "Ctx", args: dict[str, Any]) -> dict[str, Any]:
        return dict(args)

    def finish(self, ctx: "Ctx") -> Outcome | list[Reply]:
        """After the last step. A list of replies: finished (or asked, when it asked a new
        question itself). A domain refusal raised here is told as refused."""
        raise NotImplementedError

    def title(self) -> str:
        return t(f"flow.{self.name}")


# -- running a flow -----------------------------------------------------------------------

def active_steps(ctx: "Ctx", flow: Flow) -> list[Step]:
    return [s for s in flow.steps(ctx) if s.when is None or s.when(ctx)]


def step_by_key(ctx: "Ctx", flow: Flow, key: str | None) -> Step | None:
    for s in flow.steps(ctx):
        if s.key == key:
            return s
    return None


def start(ctx: "Ctx", flow: Flow, args: dict[str, Any] | None = None,
          first: str | None = None) -> Outcome:
    refusal = flow.refuse(ctx)
    if refusal is not None:
        return refusal
    st = ctx.state
    st.flow = flow.name
    st.data = {"answers": flow.initial(ctx, args or {}), "history": []}
    steps = active_steps(ctx, flow)
    if first is not None:
        steps = [s for s in steps if s.key == first] or steps
    return asked(go_to(ctx, flow, steps[0]))


def go_to(ctx: "Ctx", flow: Flow, step: Step, before: list[Reply] | None = None) -> list[Reply]:
    ctx.state.step = step.key
    ctx.state.seq += 1
    return [*(before or []), question(ctx, step)]


def next_step(ctx: "Ctx", flow: Flow, current: Step) -> Step | None:
    steps = active_steps(ctx, flow)
    keys = [s.key for s in steps]
    if current.key in keys:
        i = keys.index(current.key)
        return steps[i + 1] if i + 1 < len(steps) else None
    # the current step is no longer active (an earlier answer changed): go to the first
    # active step not yet answered
    answered = ctx.answers
    for s in steps:
        if s.key not in answered:
            return s
    return None


def question(ctx: "Ctx", step: Step, *, edit: bool = False) -> Question:
    options = step.options(ctx) if step.options else []
    if step.kind == "multi":
        chosen = set(ctx.state.data.get("sel", []))
        options = [Option(o.value, o.label, o.value in chosen) for o in options]
    nav: list[Option] = []
    if step.kind == "multi":
        nav.append(Option(DONE, step.nav_labels.get(DONE, t("nav.done"))))
    if step.kind == "photo":
        nav.append(Option(DONE, t("nav.done")))
    if step.skippable:
        nav.append(Option(SKIP, step.nav_labels.get(SKIP, t("nav.skip"))))
    nav.append(Option(BACK, step.nav_labels.get(BACK, t("nav.back"))))
    nav.append(Option(CANCEL, step.nav_labels.get(CANCEL, t("nav.cancel"))))
    numbered = step.kind in ("choice", "multi", "confirm", "photo")
    if step.kind == "multi":
        hint = t("hint.multi")
    elif step.kind == "photo":
        hint = t("hint.photo")
    elif numbered:
        total = len(options) + len(nav)
        hint = t("hint.choice", first=1, last=total) if total > 1 else t("hint.choice_one")
    else:
        hint = t("hint.text_skip") if step.skippable else t("hint.text")
    return Question(text=step.prompt(ctx), options=options, nav=nav, multi=step.kind == "multi",
                    seq=ctx.state.seq, edit=edit, hint=hint, nav_numbered=numbered)


def _nav_of(ev: InboundEvent, step: Step, q: Question) -> str | None:
    if ev.kind == "choice" and ev.choice in (BACK, CANCEL, SKIP, DONE):
        return ev.choice
    if ev.kind != "text" or ev.text is None:
        return None
    word = fold(ev.text)
    for nav, words in _WORDS.items():
        if word in words:
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


def answer(ctx: "Ctx", flow: Flow) -> Outcome:
    """Take the person's answer to the current step of `flow`."""
    step = step_by_key(ctx, flow, ctx.state.step)
    if step is None:  # the flow changed under a saved state: start again cleanly
        return start(ctx, flow)
    ev = ctx.event
    q = question(ctx, step)
    nav = _nav_of(ev, step, q)
    if nav == CANCEL:
        return cancelled()
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
    if value is _STAY:
        return asked([question(ctx, step, edit=ev.kind == "choice")] if step.kind == "multi" else ctx.stay)
    if step.validate is not None:
        try:
            step.validate(ctx, value)
        except Invalid as exc:
            return again(ctx, step, str(exc))
    ctx.answers[step.key] = value
    ctx.state.data.pop("sel", None)
    return advance(ctx, flow, step, value)


def advance(ctx: "Ctx", flow: Flow, step: Step, value: Any) -> Outcome:
    history: list[str] = ctx.state.data.setdefault("history", [])
    target = step.after(ctx, value) if step.after else None
    if target == BACK:
        return back(ctx, flow)
    history.append(step.key)
    if target is not None:
        nxt = step_by_key(ctx, flow, target)
    else:
        nxt = next_step(ctx, flow, step)
    if nxt is None:
        return end(ctx, flow)
    return asked(go_to(ctx, flow, nxt))


def end(ctx: "Ctx", flow: Flow) -> Outcome:
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


def back(ctx: "Ctx", flow: Flow) -> Outcome:
    history: list[str] = ctx.state.data.setdefault("history", [])
    ctx.state.data.pop("sel", None)
    while history:
        key = history.pop()
        step = step_by_key(ctx, flow, key)
        if step is not None and (step.when is None or step.when(ctx)):
            if step.kind == "multi":
                ctx.state.data["sel"] = list(ctx.answers.get(step.key) or [])
            return asked(go_to(ctx, flow, step))
    return cancelled()  # back from the first question leaves the flow


def again(ctx: "Ctx", step: Step, error: str) -> Outcome:
    """The same question again, after a short explanation. Nothing is stored."""
    return asked([Text(error), question(ctx, step)])


_STAY = object()


# -- reading answers ----------------------------------------------------------------------

def read(ctx: "Ctx", step: Step, q: Question, nav: str | None) -> Any:
    ev = ctx.event
    if step.kind == "photo":
        return _read_photo(ctx, step, nav)
    if ev.kind == "photo":
        raise Invalid(t("err.need_text"))
    if step.kind == "phone" and ev.kind == "contact" and ev.phone:
        phone = parse_phone(ev.phone)
        if phone is None:
            raise Invalid(t("err.phone"))
        return phone
    if step.kind in ("choice", "confirm"):
        return _read_choice(ctx, step, q)
    if step.kind == "multi":
        return _read_multi(ctx, step, q, nav)
    if ev.kind == "choice":  # a button where text is expected
        raise Invalid(t("err.choice"))
    raw = ev.text or ""
    if not raw.strip():
        raise Invalid(t("err.empty"))
    if has_control(raw.replace("\n", "").replace("\t", "")):
        raise Invalid(t("err.control"))
    if step.kind == "money":
        try:
            return parse_money(raw)
        except MoneyError as exc:
            raise Invalid(t({"unclear": "err.money_unclear", "too_big": "err.money_too_big"}
                            .get(str(exc), "err.money"))) from None
    if step.kind == "number":
        digits = re.sub(r"[\s.,]", "", raw)
        if not digits.isdigit() or len(digits) > 12:
            raise Invalid(t("err.number"))
        return int(digits)
    if step.kind == "date":
        return _read_date(raw).isoformat()
    if step.kind == "phone":
        phone = parse_phone(raw)
        if phone is None:
            raise Invalid(t("err.phone"))
        return phone
    # text
    limit = step.max_len or ctx.campaign.forms.text_max_chars
    if len(raw) > limit * 2:  # well past the limit: refuse before any work on it
        raise Invalid(t("err.too_long", max=limit))
    text = clean(raw, multiline=step.multiline)
    if len(text) > limit:
        raise Invalid(t("err.too_long", max=limit))
    if letters(text) == 0:
        raise Invalid(t("err.no_letters"))
    if len(text) < step.min_len:
        raise Invalid(t("err.too_short", min=step.min_len))
    return text


def _read_choice(ctx: "Ctx", step: Step, q: Question) -> str:
    ev = ctx.event
    if ev.kind == "choice":
        if any(o.value == ev.choice for o in q.options):
            return ev.choice  # a button: the value is checked against today's options
        raise Invalid(t("err.choice"))
    opt = match_option(ev.text or "", q.options, step.aliases(ctx) if step.aliases else None)
    if opt is None and step.search and (ev.text or "").strip():
        return SEARCH + ev.text.strip()[:60]
    if opt is None:
        raise Invalid(t("err.choice") if (ev.text or "").strip() else t("err.empty"))
    return opt.value


def _read_multi(ctx: "Ctx", step: Step, q: Question, nav: str | None) -> Any:
    ev = ctx.event
    values = [o.value for o in q.options]
    sel: list[str] = list(ctx.state.data.get("sel", []))
    if nav == DONE:
        if not sel:
            raise Invalid(t("err.multi_empty"))
        return [v for v in values if v in sel]
    if ev.kind == "choice":  # a toggle button: flip it and redraw the same question
        if ev.choice not in values:
            raise Invalid(t("err.choice"))
        sel = [v for v in sel if v != ev.choice] if ev.choice in sel else [*sel, ev.choice]
        ctx.state.data["sel"] = sel
        return _STAY
    numbers = parse_numbers(ev.text or "")
    if numbers is not None:
        if any(n < 1 or n > len(values) for n in numbers):
            raise Invalid(t("err.choice"))
        return [values[n - 1] for n in sorted(set(numbers))]
    opt = match_option(ev.text or "", q.options)
    if opt is None:
        raise Invalid(t("err.choice") if (ev.text or "").strip() else t("err.empty"))
    return [opt.value]


def _read_photo(ctx: "Ctx", step: Step, nav: str | None) -> Any:
    ev = ctx.event
    photos: list[dict] = list(ctx.answers.get(step.key) or [])
    if nav == DONE:
        return photos
    if ev.kind != "photo" or ev.photo is None:
        raise Invalid(t("err.need_photo"))
    if any(p["unique_id"] == ev.photo.unique_id for p in photos):
        photos_now = photos  # the same picture twice is kept once
    else:
        if len(photos) >= step.max_items:
            raise Invalid(t("err.photo_limit", max=step.max_items))
        p = ev.photo
        photos_now = [*photos, {"unique_id": p.unique_id, "file_id": p.file_id, "url": p.url,
                                "local_path": p.local_path,
                                "caption": clean(p.caption)[:500] if p.caption else None}]
    ctx.answers[step.key] = photos_now
    if len(photos_now) >= step.max_items:
        return photos_now
    ctx.stay = [Text(t("nom.photo_got", n=len(photos_now), max=step.max_items)), question(ctx, step)]
    return _STAY


def _read_date(raw: str) -> date:
    m = re.fullmatch(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*", raw)
    if not m:
        raise Invalid(t("err.date"))
    d, mth, y = (int(x) for x in m.groups())
    try:
        return date(y, mth, d)
    except ValueError:
        raise Invalid(t("err.date")) from None


def yes_no(ctx: "Ctx") -> list[Option]:
    return [Option("yes", t("yes")), Option("no", t("no"))]

