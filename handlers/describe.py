"""How a stored submission reads in chat: for its submitter, its unit head and staff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.campaign import Campaign, Figure
from domain.lifecycle import status_label
from messages.catalog import t
from messages.format import answered_checks, format_figure, shorten
from storage import submissions
from storage.models import Member, Submission

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Ctx


def short(text: str | None, limit: int = 160) -> str:
    return shorten(text, limit)


def figure_value(fig: Figure, value: int) -> str:
    return format_figure(fig.kind, fig.unit, value)


def figures_text(c: Campaign, figures: dict) -> str:
    """One line per content that has figures: «Content: label value; label value»."""
    lines = []
    for content in c.contents:
        values = figures.get(content.key) or {}
        parts = [f"{f.label}: {figure_value(f, values[f.key])}" for f in content.figures if f.key in values]
        if parts:
            lines.append(t("rep.line", content=content.label, figures="; ".join(parts)))
    return "".join(lines) or t("rep.no_figures")


def checks_text(c: Campaign, sub: Submission) -> str:
    return "".join(
        t("nom.summary_check", label=label, value=shown)
        for label, shown in answered_checks(c, sub.category, sub.answers or {})
    )


def unit_name(c: Campaign, code: str | None) -> str:
    return c.unit_name(code, "—")


def extra_lines(ctx: Ctx, sub: Submission) -> str:
    """What a report or a proposal adds to the short detail of «Hồ sơ của tôi»."""
    c = ctx.campaign
    if sub.kind == "report":
        at = c.local(sub.updated_at).strftime("%H:%M %d/%m/%Y")
        return t(
            "rep.detail",
            version=sub.version,
            at=at,
            figures=figures_text(c, (sub.answers or {}).get("figures", {})),
            narrative=short(sub.achievements),
            photos=len(submissions.evidence_of(ctx.session, sub.id)),
        )
    if sub.kind == "proposal":
        return t("prop.detail_vote", vote=short((sub.answers or {}).get("vote_note")))
    return ""


def full_detail(ctx: Ctx, sub: Submission, waiting: int | None = None) -> str:
    """The whole submission (for staff, and read-only for its unit head): fields, flags,
    evidence count; `waiting` is the length of the appraisal queue."""
    c = ctx.campaign
    if sub.kind == "report":
        return t(
            "rep.view",
            ref=sub.ref,
            unit=unit_name(c, sub.unit_code),
            status=status_label(sub.status, sub.kind),
        ) + extra_lines(ctx, sub)
    submitter = ctx.session.get(Member, sub.submitter_id)
    cat = c.category(sub.category) if sub.category else None
    flags = "".join(t("rev.flag", flag=f) for f in sub.flags or []) or t("rev.no_flags")
    vote = (sub.answers or {}).get("vote_note")
    return t(
        "rev.detail",
        ref=sub.ref,
        kind=t(f"kind.{sub.kind}"),
        waiting=t("rev.waiting", n=waiting) if waiting is not None else "",
        status=status_label(sub.status),
        category=cat.label if cat else "—",
        nominee=sub.nominee or "—",
        unit=unit_name(c, sub.unit_code),
        contents="; ".join(c.content(k).label for k in sub.contents or []) or "—",
        achievements=short(sub.achievements, 600),
        checks=checks_text(c, sub),
        vote=t("rev.vote", vote=short(vote, 300)) if vote else "",
        award=c.award(sub.proposed_award).label if sub.proposed_award else "—",
        submitter=submitter.full_name if submitter else "—",
        at=c.local(sub.submitted_at or sub.created_at).strftime("%d/%m/%Y"),
        photos=len(submissions.evidence_of(ctx.session, sub.id)),
        version=sub.version,
        flags=flags,
    )
