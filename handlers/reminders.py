"""What a reminder says (channel-neutral): the reasons, the days left and the person's current
question; and what the drafts left at the deadline are told.

scheduler/ decides *when* a slot runs; domain/reminders.py decides *who* and *why*; this module
decides *what*; bot/ sends.

A reminder never changes anyone's conversation: it carries the question the person is on
(the menu, or the step of an unfinished draft) with that question's seq, so a button press
or a typed number answers exactly what the core expects, and a reminder left unanswered while
the person moved on is just a stale button ("Câu hỏi này đã qua."), never a broken flow.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from domain.campaign import Campaign
from domain.reminders import (
    DRAFT,
    STALE_REPORT,
    Reason,
    Target,
    days_left,
    draft_reason,
    draft_states,
    guest_draft_states,
    guest_drafts,
    guest_target,
)
from handlers import engine as eng
from messages.catalog import has, t
from messages.model import InboundEvent, Question, Reply, Text, reply_to_dict
from storage import conversations, members
from storage.models import ConversationState, Identity, Member

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core

# The menu key of the unit report flow (built in the review area); used when installed.
REPORT_MENU_KEY = "report"
RESUME_MENU_KEY = "resume"  # a draft kept aside (handlers/drafts.py)


def flow_label(flow: str | None) -> str:
    key = f"flow.{flow}"
    return t(key) if flow and has(key) else t("flow.nomination")


def deadline_text(campaign: Campaign) -> str:
    return campaign.deadline_local.strftime("%H:%M ngày %d/%m/%Y")


def reason_text(campaign: Campaign, r: Reason, *, short: bool = False) -> str:
    """A reason in words: the line of the reminder, or (`short`) the dry run's few words."""
    if r.kind == DRAFT and r.item and not short:  # the item named: «đề cử Hộ ông Hoàng Văn Tư»
        return t("remind.draft_item", flow=flow_label(r.flow), item=r.item[:60])
    if r.kind == DRAFT:
        return t("remind.why.draft" if short else "remind.draft", flow=flow_label(r.flow), step=r.step)
    if r.kind == STALE_REPORT:
        updated = campaign.local(r.updated).strftime("%d/%m/%Y") if r.updated else ""
        return t("remind.why.stale_report" if short else "remind.stale_report", unit=r.unit, updated=updated)
    return t("remind.why.no_report" if short else "remind.no_report", unit=r.unit)


def why(campaign: Campaign, target: Target) -> str:
    """One line for the dry run: the reasons, in Vietnamese."""
    return "; ".join(reason_text(campaign, r, short=True) for r in target.reasons)


def reminder_lines(campaign: Campaign, target: Target, at: datetime) -> list[str]:
    left = days_left(campaign, at)
    deadline = deadline_text(campaign)
    lines = [
        t("remind.days_left", days=left, deadline=deadline)
        if left > 0
        else t("remind.last_day", deadline=deadline)
    ]
    return lines + [reason_text(campaign, r) for r in target.reasons]


def _probe_ctx(
    core: Core,
    s: Session,
    member: Member | None,
    ident: Identity,
    state: ConversationState | None,
    at: datetime,
):
    """A read-only context for building the person's current question: a detached copy of the
    state, so nothing of the real conversation is changed or saved."""
    from domain.uow import UnitOfWork
    from handlers.core import Ctx

    probe = ConversationState(
        channel=ident.channel,
        user_id=ident.external_id,
        member_id=member.id if member is not None else None,
        flow=state.flow if state else None,
        step=state.step if state else None,
        seq=state.seq if state else 0,
        data=copy.deepcopy(state.data) if state else {},
        campaign_code=state.campaign_code if state else None,
    )
    event = InboundEvent(
        channel=ident.channel,
        user_id=ident.external_id,
        chat_id=ident.chat_id,
        key="reminder-probe",
        kind="text",
        text="",
    )
    return Ctx(core=core, uow=UnitOfWork(s, at), event=event, state=probe, member=member, now=at)


def reminder_reply(
    core: Core, s: Session, target: Target, ident: Identity, at: datetime, campaign: Campaign | None = None
) -> Reply:
    """The reminder for one channel identity (of `campaign`, by default the core's), ending with
    the person's current question."""
    lines = reminder_lines(campaign or core.campaign, target, at)
    state = conversations.get_state(s, ident.channel, ident.external_id)
    ctx = _probe_ctx(core, s, target.member, ident, state, at)
    flow = core.flows.get(ctx.state.flow or "")
    if flow is not None:
        step = eng.step_by_key(ctx, flow, ctx.state.step)
        if step is None:
            return Text("\n".join([*lines, t("remind.how_menu_plain")]))
        q = eng.question(ctx, step)
        # the choices stay answerable; a long question (the 11 figures) is not repeated whole
        short = q.text if len(q.text.splitlines()) <= 3 else step.reprompt(ctx) if step.reprompt else ""
        how = [t("remind.how_flow"), short] if short else [t("remind.how_flow_long")]
        return Question(
            text="\n".join([*lines, "", *how]),
            options=q.options,
            nav=q.nav,
            multi=q.multi,
            seq=ctx.state.seq,
            hint=q.hint,
        )
    # At the menu: the menu itself (same numbers as the core reads), pointing at the item.
    items = core.menu_items(ctx)
    # a draft kept aside: its «Tiếp tục…»; else the report owed, or a nomination
    wanted = RESUME_MENU_KEY if any(m.key == RESUME_MENU_KEY for m in items) else None
    wanted = wanted or (REPORT_MENU_KEY if target.owes_report else "nominate")
    item = next((m for m in items if m.key == wanted), None)
    if item is None:
        return Text("\n".join([*lines, t("remind.how_menu_plain")]))
    options = [core.menu_option(ctx, m) for m in items]
    return Question(
        text="\n".join([*lines, t("remind.how_menu", label=core.menu_option(ctx, item).label)]),
        options=options,
        seq=ctx.state.seq,
        hint=t("hint.choice", first=1, last=len(options)),
    )


def reminder_items(
    core: Core,
    s: Session,
    found: Iterable[Target],
    slot_id: str,
    at: datetime,
    campaign: Campaign | None = None,
    takes_part: Callable[[str | None], bool] | None = None,
) -> list[dict]:
    """Outbox items (one per channel identity) for a reminder slot, keyed per (slot, member):
    "remind:2024-11-23T08:00:42" (the Outbox adds "|channel"). Of `campaign` (by default the
    core's); a guest's draft only when their conversation takes part in it (`takes_part`)."""
    campaign = campaign or core.campaign
    items = []
    for target in found:
        for ident in members.identities_of(s, target.member.id):
            if ident.unreachable_at is not None:  # the chat blocked the bot
                continue
            items.append(
                dict(
                    member_id=target.member.id,
                    channel=ident.channel,
                    chat_id=ident.chat_id,
                    payload=reply_to_dict(reminder_reply(core, s, target, ident, at, campaign)),
                    dedupe_key=f"{slot_id}:{target.member.id}",
                )
            )
    for st in guest_drafts(s, campaign, at):  # not registered yet: their channel account
        if takes_part is not None and not takes_part(st.campaign_code):
            continue
        ident = guest_identity(st)
        items.append(
            dict(
                member_id=None,
                channel=st.channel,
                chat_id=ident.chat_id,
                payload=reply_to_dict(reminder_reply(core, s, guest_target(st), ident, at, campaign)),
                dedupe_key=f"{slot_id}:guest:{st.id}",
            )
        )
    return items


def guest_identity(st: ConversationState) -> Identity:
    """The channel account of a conversation with no member yet (a private chat: its chat is
    the person's own id). Not stored: the member and their identity come with registration."""
    # member_id 0: no member row yet (the row is never added to the session)
    return Identity(member_id=0, channel=st.channel, external_id=st.user_id, chat_id=st.user_id)


def closed_items(
    core: Core,
    s: Session,
    key: str,
    campaign: Campaign | None = None,
    takes_part: Callable[[str | None], bool] | None = None,
) -> list[dict]:
    """At the deadline: everyone with an unfinished draft is told, once, it cannot be sent
    (`key` names this deadline: an extended deadline tells them again when it passes). Of
    `campaign` (by default the core's): the drafts of conversations taking part in it."""
    items = []
    deadline = deadline_text(campaign or core.campaign)
    for st in [*draft_states(s), *guest_draft_states(s)]:
        if takes_part is not None and not takes_part(st.campaign_code):
            continue
        ident = members.identity(s, st.channel, st.user_id) if st.member_id else guest_identity(st)
        if ident is None or ident.unreachable_at is not None:
            continue
        flow = draft_reason(st).flow
        text = t("remind.closed_draft", deadline=deadline, flow=flow_label(flow).capitalize())
        items.append(
            dict(
                member_id=st.member_id,
                channel=ident.channel,
                chat_id=ident.chat_id,
                payload=reply_to_dict(Text(text)),
                dedupe_key=f"{key}:{st.member_id or f'guest:{st.id}'}",
            )
        )
    return items
