"""Drafts kept aside: a nomination, proposal or report the person left half way to look at
something else. Its answers, its history and the question it stopped at are kept in the
conversation state's data under "drafts" (one per flow), so the menu and «Hồ sơ của tôi» offer
to go on with it, and the reminders still find it. Starting the same flow again resumes it."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from domain.reminders import DRAFT_FLOWS
from handlers import engine as eng
from handlers.outcomes import Outcome, asked
from messages.catalog import t
from messages.model import Option, Reply, Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx

KEY = eng.DRAFTS
PREFIX = "draft:"  # the value of a draft's option in «Hồ sơ của tôi»


def kept(data: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The drafts kept aside in a conversation's data, by flow."""
    return (data or {}).get(KEY) or {}


def item(flow: str, answers: dict[str, Any]) -> str:
    """What the draft is about, as typed («Hộ ông Hoàng Văn Tư»); empty before it is asked."""
    return str(answers.get("nominee") or "")[:60] if flow != "report" else ""


def label(flow: str, draft: dict[str, Any]) -> str:
    """«Đề cử đang soạn: Hộ ông Hoàng Văn Tư — Tiếp tục»."""
    what = item(flow, (draft.get("data") or {}).get("answers") or {})
    title = t(f"flow.{flow}").capitalize()
    return t("draft.item", flow=title, item=what) if what else t("draft.item_plain", flow=title)


def options(ctx: Ctx) -> list[Option]:
    if not has_draft(ctx):
        return []
    return [Option(PREFIX + flow, label(flow, d)) for flow, d in kept(ctx.state.data).items()]


def is_draft_flow(ctx: Ctx) -> bool:
    """The person is in a draft flow and has answered at least one of its questions."""
    return ctx.state.flow in DRAFT_FLOWS and bool((ctx.state.data or {}).get("history"))


def suspend(ctx: Ctx) -> list[Reply]:
    """Keep the draft the person is on aside (they are leaving it for another item); the
    words that tell them so."""
    st = ctx.state
    flow = st.flow or ""
    data = {k: v for k, v in (st.data or {}).items() if k not in (KEY, "missed", "sel")}
    drafts = {**kept(st.data), flow: {"step": st.step, "data": copy.deepcopy(data)}}
    st.flow, st.step = None, "menu"
    st.data = {KEY: drafts}
    what = item(flow, data.get("answers") or {})
    return [Text(t("draft.kept", flow=t(f"flow.{flow}"), item=f" «{what}»" if what else ""))]


def resume(ctx: Ctx, flow_name: str) -> Outcome | None:
    """Go on with the draft of `flow_name` at the question it stopped at (None: no such draft)."""
    st = ctx.state
    drafts = dict(kept(st.data))
    draft = drafts.pop(flow_name, None)
    flow = ctx.core.flows.get(flow_name)
    if draft is None or flow is None:
        return None
    refusal = flow.refuse(ctx)  # the deadline passed meanwhile: said, and the draft stays
    if refusal is not None:
        return refusal
    st.flow = flow_name
    st.data = {**copy.deepcopy(draft.get("data") or {}), **({KEY: drafts} if drafts else {})}
    step = eng.step_by_key(ctx, flow, draft.get("step"))
    if step is None or (step.when is not None and not step.when(ctx)):
        step = eng.first_unanswered(ctx, flow)  # the flow changed meanwhile
    if step is None:
        return eng.end(ctx, flow)
    what = item(flow_name, ctx.answers)
    note = t("draft.resumed", flow=t(f"flow.{flow_name}"), item=f" «{what}»" if what else "")
    return asked(eng.go_to(ctx, flow, step, [Text(note)]))


def latest(ctx: Ctx) -> str | None:
    """The flow of the draft kept aside last (the menu's «Tiếp tục…»)."""
    drafts = kept(ctx.state.data)
    return list(drafts)[-1] if drafts else None


def menu_label(ctx: Ctx) -> str:
    """«Tiếp tục đề cử đang soạn: Hộ ông Hoàng Văn Tư»."""
    flow = latest(ctx)
    if flow is None:
        return t("menu.resume")
    what = item(flow, (kept(ctx.state.data)[flow].get("data") or {}).get("answers") or {})
    title = t(f"flow.{flow}")
    return t("draft.menu", flow=title, item=what) if what else t("draft.menu_plain", flow=title)


def resume_latest(ctx: Ctx) -> Outcome | list[Reply]:
    flow = latest(ctx)
    outcome = resume(ctx, flow) if flow else None
    return outcome if outcome is not None else ctx.core.show_menu(ctx)


def has_draft(ctx: Ctx) -> bool:
    """A draft kept aside that can still be sent (after the deadline it is only told of)."""
    return bool(kept(ctx.state.data)) and ctx.serving.taking(ctx)
