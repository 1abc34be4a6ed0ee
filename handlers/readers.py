"""Reading a person's answer to one step: choices (numbers, words, texted forms), several
choices, text, numbers and money in digits or words, dates, phones, photos and voice notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from handlers.textutil import MoneyError, clean, has_control, letters, parse_numbers, parse_phone
from handlers.words import match_choice, read_count, read_date, read_money
from handlers.words import yes_no as yes_no_word
from messages.catalog import t
from messages.model import Question

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx
    from handlers.engine import Step

BACK, CANCEL, SKIP, DONE = "__back", "__cancel", "__skip", "__done"
STAY = object()  # the answer is taken but the same step stays (a multi-select toggle)
SEARCH = "?"  # the value of a typed search at a step with search=True


class Invalid(Exception):
    """An answer that cannot be used; the message is shown and the question asked again."""


def read(ctx: Ctx, step: Step, q: Question, nav: str | None) -> Any:
    ev = ctx.event
    if step.kind == "photo":
        return _read_photo(ctx, step, nav)
    if ev.kind == "photo":
        raise Invalid(t("err.need_text"))
    if ev.kind == "voice" and step.kind == "text":
        return _read_voice(ctx, step)
    if ev.kind == "voice":
        raise Invalid(t("err.voice_here"))
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
            return read_money(raw)
        except MoneyError as exc:
            raise Invalid(
                t({"unclear": "err.money_unclear", "too_big": "err.money_too_big"}.get(str(exc), "err.money"))
            ) from None
    if step.kind == "number" and step.read is not None:  # a number with its own form («125/QĐ-UBND»)
        return step.read(ctx, raw)
    if step.kind == "number":
        value = read_count(raw)
        if value is None:
            raise Invalid(t("err.number"))
        return value
    if step.kind == "figures" and step.read is not None:
        return step.read(ctx, raw)
    if step.kind == "date":
        day = read_date(raw, ctx.campaign.local(ctx.now).date())
        if day is None:
            raise Invalid(t("err.date"))
        return day.isoformat()
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


def _read_choice(ctx: Ctx, step: Step, q: Question) -> str:
    ev = ctx.event
    if ev.kind == "choice":
        if ev.choice is not None and any(o.value == ev.choice for o in q.options):
            return ev.choice  # a button: the value is checked against today's options
        raise Invalid(t("err.choice"))
    opt = match_choice(ev.text or "", q.options, step.aliases(ctx) if step.aliases else None)
    if opt is None and step.search and (ev.text or "").strip():
        return SEARCH + ev.text.strip()[:60]
    if opt is None:
        raise Invalid(_what_is_accepted(q) if (ev.text or "").strip() else t("err.empty"))
    return opt.value


def _what_is_accepted(q: Question) -> str:
    """A misunderstood choice: what is accepted, with an example from this question."""
    if {"yes", "no"} <= {o.value for o in q.options}:
        return f"{t('err.choice')} {t('err.yes_no')}"
    if not q.options:
        return t("err.choice")
    return f"{t('err.choice')} {t('err.choice_example', example=q.options[0].label)}"


def _read_multi(ctx: Ctx, step: Step, q: Question, nav: str | None) -> Any:
    ev = ctx.event
    values = [o.value for o in q.options]
    sel: list[str] = list(ctx.state.data.get("sel", []))
    if nav is None and ev.kind == "text" and yes_no_word(ev.text or "") is not None:
        nav = DONE  # "ok", "dc", "đúng": the choice shown is right (none chosen: said so)
    if nav == DONE:
        if not sel:
            raise Invalid(t("err.multi_empty"))
        return [v for v in values if v in sel]
    if ev.kind == "choice":  # a toggle button: flip it and redraw the same question
        if ev.choice not in values:
            raise Invalid(t("err.choice"))
        sel = [v for v in sel if v != ev.choice] if ev.choice in sel else [*sel, ev.choice]
        ctx.state.data["sel"] = sel
        return STAY
    numbers = parse_numbers(ev.text or "")
    if numbers is not None:
        if any(n < 1 or n > len(values) for n in numbers):
            raise Invalid(t("err.choice"))
        return [values[n - 1] for n in sorted(set(numbers))]
    opt = match_choice(ev.text or "", q.options)
    if opt is None:
        raise Invalid(t("err.choice") if (ev.text or "").strip() else t("err.empty"))
    return [opt.value]


def _read_photo(ctx: Ctx, step: Step, nav: str | None) -> Any:
    """A photo answers the step and the flow moves on (more photos are taken at the summary)."""
    ev = ctx.event
    if nav == DONE:
        return list(ctx.answers.get(step.key) or [])
    if ev.kind != "photo" or ev.photo is None:
        raise Invalid(t("err.need_photo"))
    return add_photo(ctx, step)


def add_photo(ctx: Ctx, step: Step) -> list[dict]:
    photos: list[dict] = list(ctx.answers.get(step.key) or [])
    p = ctx.event.photo
    if any(x["unique_id"] == p.unique_id for x in photos):
        return photos  # the same picture twice is kept once
    if len(photos) >= step.max_items:
        raise Invalid(t("err.photo_limit", max=step.max_items))
    photos = [
        *photos,
        {
            "unique_id": p.unique_id,
            "file_id": p.file_id,
            "url": p.url,
            "local_path": p.local_path,
            "caption": clean(p.caption)[:500] if p.caption else None,
        },
    ]
    ctx.answers[step.key] = photos
    return photos


def _read_voice(ctx: Ctx, step: Step) -> str:
    """A voice note at a text step is the answer: «[ghi âm 0:42]», the recording kept as evidence."""
    v = ctx.event.voice
    label = t("voice.label", duration=f"{v.duration // 60}:{v.duration % 60:02d}")
    voices = [x for x in ctx.answers.get("voices") or [] if x["step"] != step.key]
    voices.append(
        {
            "step": step.key,
            "unique_id": v.unique_id,
            "file_id": v.file_id,
            "url": v.url,
            "local_path": v.local_path,
            "duration": v.duration,
            "caption": label,
        }
    )
    ctx.answers["voices"] = voices
    return label
