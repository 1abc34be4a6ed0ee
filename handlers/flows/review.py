"""Thẩm định (staff): the queue of nominations and proposals, oldest first, one at a time with
its fields, flags and evidence; approve, ask for more information, reject (with a reason) or
skip. Every move is a domain operation (domain/review.py): recorded, and the submitter told.

Unit reports are not in the queue: they are updated until the deadline and back a unit's
proposal; staff read them under «Báo cáo các đơn vị»."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import review
from domain.lifecycle import STATUSES, WAITING_KINDS, WAITING_STATUSES, status_label
from domain.refusals import StaleDecision
from handlers import engine as eng
from handlers.access import STAFF, guard, is_staff
from handlers.describe import full_detail
from handlers.engine import Flow, Step
from handlers.flows import lookup as commended
from handlers.flows.browse import Browse
from handlers.outcomes import Outcome, denied, refused
from messages.catalog import t
from messages.model import Option, Photo, Reply, Text, Voice
from storage import pages, submissions
from storage.models import Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx

QUEUE_KINDS = WAITING_KINDS
QUEUE_STATUSES = WAITING_STATUSES
DECISIONS = {"approve": "approved", "needs_info": "needs_info", "reject": "rejected"}


def next_in_queue(ctx: Ctx, skipped: list[str]) -> tuple[Submission | None, int]:
    """The oldest waiting item and how many wait: a few index seeks, whatever the queue's size."""
    return pages.next_waiting(
        ctx.session,
        campaign_code=ctx.campaign.code,
        kinds=QUEUE_KINDS,
        statuses=QUEUE_STATUSES,
        exclude=skipped,
    )


def photos(ctx: Ctx, sub: Submission) -> list[Reply]:
    """The evidence as photos this channel can show (its own file ids, or a URL / file)."""
    evidence = submissions.evidence_of(ctx.session, sub.id)
    out: list[Reply] = []
    for i, e in enumerate(evidence, 1):
        # this channel's own file id; else the downloaded copy (a Zalo link expires), with
        # the link beside it for a channel that cannot upload a file
        if e.channel == ctx.event.channel and e.file_id:
            ref, alt = e.file_id, ""
        elif e.local_path:
            ref, alt = e.local_path, e.url or ""
        else:
            ref, alt = e.url or "", ""
        if e.kind == "voice":  # staff listen to the recording in chat
            out.append(Voice(ref=ref or "", caption=f"{sub.ref} — {e.caption}"))
        elif ref:
            out.append(Photo(ref=ref, alt=alt, caption=t("rev.photo", ref=sub.ref, i=i, n=len(evidence))))
    return out


def take_next(ctx: Ctx, skipped: list[str] | None = None, before: list[Reply] | None = None) -> Outcome:
    """Show the oldest waiting item, or say the queue is empty. Showing it changes nothing and
    tells nobody: the item moves only on a decision, made on the status and version shown."""
    before = before or []
    if not is_staff(ctx):
        return denied().after(before)
    skipped = list(skipped or [])
    sub, waiting = next_in_queue(ctx, skipped)
    if sub is None:
        text = t("rev.empty_skipped", n=len(skipped)) if skipped else t("rev.empty")
        return refused(text).after(before)
    ctx.__dict__.setdefault("_items", {})[sub.ref] = sub  # what Review.item reads this turn
    seen = {"seen_status": sub.status, "seen_version": sub.version}
    started = eng.start(
        ctx, ctx.core.flows["review"], {"ref": sub.ref, "skipped": skipped, "waiting": waiting, **seen}
    )
    return started.after([*before, *photos(ctx, sub)])


class Review(Flow):
    name = "review"

    def title(self) -> str:
        return t("flow.review")

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return None if is_staff(ctx) else denied()

    def item(self, ctx: Ctx) -> Submission | None:
        ref = ctx.answers.get("ref")
        if not ref or not is_staff(ctx):
            return None
        cache = ctx.__dict__.setdefault("_items", {})  # read once per turn (the same ORM row)
        if ref not in cache:
            cache[ref] = submissions.submission_by_ref(ctx.session, ref)
        return cache[ref]

    def _detail(self, ctx: Ctx) -> str:
        """The dossier, and the nominee's earlier awards within the campaign file's window."""
        sub = self.item(ctx)
        if sub is None:
            return t("role.denied")
        return full_detail(ctx, sub, ctx.answers.get("waiting")) + commended.repeat_lines(ctx, sub)

    def steps(self, ctx: Ctx) -> list[Step]:
        return [
            Step(
                "decide",
                "choice",
                self._detail,
                options=lambda c: (
                    [Option(k, t(f"rev.{k}")) for k in (*DECISIONS, "skip")]
                    if self.item(c) is not None
                    else []
                ),
            ),
            Step(
                "reason",
                "text",
                lambda c: t(f"rev.reason_{c.answers['decide']}"),
                min_len=5,
                max_len=500,
                multiline=True,
                when=lambda c: c.answers.get("decide") in ("needs_info", "reject"),
            ),
        ]

    def finish(self, ctx: Ctx) -> Outcome:
        """The decision, made on the item as shown (its status and version): when another staff
        member decided meanwhile or the submitter changed it, the operation refuses and the next
        item comes."""
        if not is_staff(ctx):  # checked again on the last turn: the role may have changed
            return denied()
        a = ctx.answers
        ref = a["ref"]
        skipped = list(a.get("skipped") or [])
        if a["decide"] == "skip":
            review.skip(ctx.uow, ctx.member, ref)
            return take_next(ctx, [*skipped, ref], [Text(t("rev.skipped", ref=ref))])
        to = DECISIONS[a["decide"]]
        try:
            review.decide(
                ctx.uow,
                ctx.member,
                ref,
                to,
                a.get("reason"),
                seen_status=a.get("seen_status"),
                seen_version=a.get("seen_version"),
            )
        except StaleDecision as stale:
            return take_next(ctx, skipped, [Text(t(stale.key, **stale.values))])
        return take_next(ctx, skipped, [Text(t("rev.decided", ref=ref, status=status_label(to)))])


def unit_reports(ctx: Ctx):
    """The unit reports received (a withdrawn one is not): what the digest counts."""
    return pages.listing(
        campaign_code=ctx.campaign.code, kinds=("report",), statuses=sorted(set(STATUSES) - {"withdrawn"})
    )


def install(core: Core) -> None:
    core.add_flow(Review())
    core.add_flow(Browse("reports", STAFF, unit_reports))
    start = guard(STAFF, lambda ctx: take_next(ctx))
    core.add_menu("review", STAFF, start)
    core.add_command("thamdinh", start)
    core.add_menu("reports", STAFF, guard(STAFF, core.start_flow("reports")))
