"""Submitting, amending and withdrawing: the submitter's operations on a submission."""

from __future__ import annotations

from typing import Any

from messages.catalog import t
from messages.folding import fold
from storage import audit, submissions
from storage import campaigns as campaign_rows
from storage.models import Member, Submission

from .campaign import Campaign
from .events import Amended, Event, Resubmitted, Submitted, Withdrawn
from .lifecycle import KINDS, WITHDRAWABLE, move, next_ref
from .refusals import Refused
from .roles import HEAD, is_own, require, require_member
from .uow import UnitOfWork


def deadline_text(campaign: Campaign) -> str:
    return campaign.deadline_local.strftime("%H:%M ngày %d/%m/%Y")


def require_open(uow: UnitOfWork, campaign: Campaign) -> None:
    """Submissions are taken while the campaign is open (not before, not after the deadline);
    a campaign of the commune's table, while its row says so too."""
    status = campaign_rows.status_of(uow.session, campaign.code)
    if status == "draft":
        raise Refused("nom.not_open", opens=campaign.campaign.opens_on.strftime("%d/%m/%Y"))
    if not campaign.is_open(uow.now) or status not in (None, "open"):
        raise Refused("nom.closed", deadline=deadline_text(campaign))
    if uow.now < campaign.opens_at:
        raise Refused("nom.not_open", opens=campaign.campaign.opens_on.strftime("%d/%m/%Y"))


def find(uow: UnitOfWork, ref: str) -> Submission:
    sub = submissions.submission_by_ref(uow.session, ref)
    if sub is None:
        raise Refused("err.choice")
    return sub


def attach_evidence(
    uow: UnitOfWork, sub: Submission, channel: str, photos: list[dict[str, Any]] | None
) -> None:
    """Keep the photos (and voice notes, kind "voice") a person sent as the submission's
    evidence, each once."""
    for p in photos or []:
        submissions.add_evidence(
            uow.session,
            sub,
            channel=channel,
            unique_id=p["unique_id"],
            file_id=p.get("file_id"),
            url=p.get("url"),
            local_path=p.get("local_path"),
            caption=p.get("caption"),
            now=uow.now,
            kind=p.get("kind", "photo"),
            publish_consent=bool(p.get("publish")),
        )


def submit(
    uow: UnitOfWork,
    actor: Member | None,
    campaign: Campaign,
    *,
    kind: str,
    channel: str,
    photos: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> list[Event]:
    """A new nomination, proposal or report, «submitted», with its reference number."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    actor = require(actor, HEAD) if kind in ("proposal", "report") else require_member(actor)
    if kind in ("proposal", "report"):
        fields["unit_code"] = actor.unit_code
    require_open(uow, campaign)
    sub, submitted = file(uow, kind=kind, campaign_code=campaign.code, submitter_id=actor.id, **fields)
    attach_evidence(uow, sub, channel, photos)
    return [submitted]


def keyed(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields with the nominee's search key beside the nominee (what a search matches)."""
    if "nominee" in fields:
        return {**fields, "nominee_key": fold(fields["nominee"]) if fields["nominee"] else None}
    return fields


def file(
    uow: UnitOfWork, *, kind: str, campaign_code: str, submitter_id: int, **fields: Any
) -> tuple[Submission, Submitted]:
    """Write a submission as «submitted» with its next reference (audit and history rows).
    The rules are the caller's: `submit` checks them first; imports and tests seed with it."""
    s = uow.session
    sub = submissions.insert_submission(
        s,
        kind=kind,
        ref=next_ref(s, kind),
        campaign_code=campaign_code,
        submitter_id=submitter_id,
        now=uow.now,
        **keyed(fields),
    )
    audit.audit(
        s,
        actor_id=submitter_id,
        action=f"{kind}.create",
        entity="submission",
        entity_id=sub.ref,
        after=submissions.snapshot(sub),
        now=uow.now,
    )
    submitted = move(uow, sub, "submitted", actor_id=submitter_id, reason=None, event=Submitted, kind=kind)
    assert isinstance(submitted, Submitted)  # move makes the event of the class it is given
    sub.submitted_at = uow.now
    return sub, submitted


def revise(uow: UnitOfWork, actor: Member, sub: Submission, **fields: Any) -> Amended:
    """Keep the current content as a version, then replace it (audited before/after)."""
    before = submissions.snapshot(sub)
    submissions.save_version(uow.session, sub, now=uow.now, **keyed(fields))
    audit.audit(
        uow.session,
        actor_id=actor.id,
        action=f"{sub.kind}.update",
        entity="submission",
        entity_id=sub.ref,
        before=before,
        after=submissions.snapshot(sub),
        now=uow.now,
    )
    return uow.record([Amended(at=uow.now, actor_id=actor.id, ref=sub.ref, version=sub.version)])[0]


def report(
    uow: UnitOfWork,
    actor: Member | None,
    campaign: Campaign,
    *,
    channel: str,
    photos: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> list[Event]:
    """A unit head's report: the first one is submitted, a later one updates it (a version)."""
    actor = require(actor, HEAD)
    require_open(uow, campaign)
    sub = submissions.unit_report(uow.session, campaign_code=campaign.code, unit_code=actor.unit_code or "")
    if sub is None:
        return submit(uow, actor, campaign, kind="report", channel=channel, photos=photos, **fields)
    amended = revise(uow, actor, sub, **fields)
    attach_evidence(uow, sub, channel, photos)
    return [amended]


AMENDABLE = ("nominee", "category", "unit_code", "contents", "achievements", "answers", "flags")


def amend(
    uow: UnitOfWork,
    actor: Member | None,
    ref: str,
    *,
    channel: str,
    photos: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> list[Event]:
    """The submitter changes what staff asked about (any field the form asked: `AMENDABLE`; None
    keeps a field) and may add photos: a new version, and back to the queue."""
    sub = find(uow, ref)
    if not is_own(actor, sub):
        raise Refused("role.denied")
    if sub.status != "needs_info":
        raise Refused("mine.cannot_amend", ref=sub.ref)
    unknown = set(fields) - set(AMENDABLE)
    if unknown:
        raise ValueError(f"not amendable: {sorted(unknown)}")
    changed = {k: v for k, v in fields.items() if v is not None and v != getattr(sub, k)}
    if not changed and not photos:
        raise Refused("mine.amend_nothing", ref=sub.ref)
    amended = revise(uow, actor, sub, **(changed or {"achievements": sub.achievements}))
    attach_evidence(uow, sub, channel, photos)
    back = move(uow, sub, "under_review", actor_id=actor.id, reason=t("mine.amend_reason"), event=Resubmitted)
    return [amended, back]


def withdraw(uow: UnitOfWork, actor: Member | None, ref: str) -> list[Event]:
    sub = find(uow, ref)
    if not is_own(actor, sub):
        raise Refused("role.denied")
    if sub.status not in WITHDRAWABLE:
        raise Refused("mine.cannot_withdraw", ref=sub.ref)
    return [move(uow, sub, "withdrawn", actor_id=actor.id, reason=None, event=Withdrawn)]
