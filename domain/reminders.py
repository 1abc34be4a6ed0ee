"""Who is reminded before the deadline, and why: heads of units without a unit report (or,
on the slots that say so, with one not updated for `stale_days`), and people with an
unfinished draft. What the reminder says is for handlers/reminders.py; when a slot runs is for
scheduler/."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from domain.campaign import Campaign
from storage import conversations, members, views
from storage.models import ConversationState, Member

# Flows whose unfinished state is a draft of something to send.
DRAFT_FLOWS = ("nomination", "proposal", "report")
NO_REPORT, STALE_REPORT, DRAFT = "no_report", "stale_report", "draft"


@dataclass(frozen=True)
class Reason:
    kind: str  # NO_REPORT | STALE_REPORT | DRAFT
    unit: str = ""  # the unit's name (report reasons)
    updated: datetime | None = None  # when the report was last updated (STALE_REPORT)
    flow: str | None = None  # the draft's flow and step (DRAFT)
    step: str | None = None
    item: str | None = None  # what the draft is about, as typed («Hộ ông Hoàng Văn Tư»)


@dataclass
class Target:
    member: Member
    reasons: list[Reason] = field(default_factory=list)

    @property
    def owes_report(self) -> bool:
        return any(r.kind != DRAFT for r in self.reasons)


def days_left(campaign: Campaign, at: datetime) -> int:
    """Whole local days from `at` to the deadline (0 on the last day)."""
    return (campaign.deadline_local.date() - campaign.local(at).date()).days


def targets(s: Session, campaign: Campaign, at: datetime, *, stale: bool) -> list[Target]:
    """People to remind at `at`, by member id: nobody once the campaign is closed, nor anyone
    who chose «Dừng nhận tin»."""
    if not campaign.is_open(at):
        return []
    out: dict[int, Target] = {}

    def add(member: Member, reason: Reason) -> None:
        if member.opted_out_at is not None:  # «Dừng nhận tin»: no reminders
            return
        out.setdefault(member.id, Target(member)).reasons.append(reason)

    reports = views.report_updates(s, campaign.code)
    limit = at - timedelta(days=campaign.reminders.stale_days)
    for m in members.members(s, role="head"):
        if not m.unit_code or not campaign.has_unit(m.unit_code):
            continue
        unit = campaign.unit(m.unit_code).name
        updated = reports.get(m.unit_code)
        if updated is None:
            add(m, Reason(NO_REPORT, unit=unit))
        elif stale and updated < limit:
            add(m, Reason(STALE_REPORT, unit=unit, updated=updated))
    for st in draft_states(s):
        member = s.get(Member, st.member_id)
        if member is not None and not any(
            r.kind == DRAFT for r in out.get(member.id, Target(member)).reasons
        ):
            add(member, draft_reason(st))
    for target in out.values():  # a report being written says it all: not «no report» as well
        if any(r.kind == DRAFT and r.flow == "report" for r in target.reasons):
            target.reasons = [r for r in target.reasons if r.kind == DRAFT]
    return sorted(out.values(), key=lambda x: x.member.id)


def guest_drafts(s: Session, campaign: Campaign, at: datetime) -> list[ConversationState]:
    """Drafts of people not registered yet (a first nomination stopped half way, kept in the
    conversation from its first answer): reminded on the channel account they wrote from."""
    return guest_draft_states(s) if campaign.is_open(at) else []


def guest_draft_states(s: Session) -> list[ConversationState]:
    return [st for st in _with_draft(s) if st.member_id is None]


def guest_target(st: ConversationState) -> Target:
    return Target(None, [draft_reason(st)])  # type: ignore[arg-type]


def draft_states(s: Session) -> list[ConversationState]:
    """Conversations in the middle of a draft of something to send, or holding one kept aside
    while the person looked at something else (told at the deadline)."""
    return [st for st in _with_draft(s) if st.member_id is not None]


# the conversation data's drafts kept aside, by flow: {"step": …, "data": {"answers": …}}
# (handlers/drafts.py keeps them there)
KEPT = "drafts"


def _in_draft(st: ConversationState) -> bool:
    return st.flow in DRAFT_FLOWS and st.step is not None


def _with_draft(s: Session) -> list[ConversationState]:
    return [
        st
        for st in conversations.states_with_drafts(s, DRAFT_FLOWS, KEPT)
        if _in_draft(st) or (st.data or {}).get(KEPT)
    ]


def draft_reason(st: ConversationState) -> Reason:
    """The draft the person is on, else the last one kept aside, with what it is about."""
    if _in_draft(st):
        flow, step, data = st.flow, st.step, st.data or {}
    else:
        flow, kept = list((st.data or {})[KEPT].items())[-1]
        step, data = kept.get("step"), kept.get("data") or {}
    return Reason(DRAFT, flow=flow, step=step, item=(data.get("answers") or {}).get("nominee"))
