"""A commune's figures for the province console: how many members, units, campaigns, dossiers
by status, and when something was last done. Counts and one moment only: never a person's
name or a dossier. Read through the commune's own engine (its scope), a few small statements
(the dossiers from the counters, storage/counters.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from .models import AuditLog, CampaignRecord, Member, SubmissionTally, UnitRow


@dataclass(frozen=True)
class Figures:
    members: int
    units: int
    campaigns: int
    by_status: dict[str, int] = field(default_factory=dict)
    last_activity: datetime | None = None

    @property
    def submissions(self) -> int:
        """Dossiers sent and not withdrawn (as `commune list` counts them)."""
        return sum(n for status, n in self.by_status.items() if status != "withdrawn")


def figures(s: Session) -> Figures:
    """The commune's figures, read through a session of its own engine."""
    members = int(s.exec(select(func.count()).select_from(Member)).one())
    by_status = {
        str(status): int(n)
        for status, n in s.exec(
            select(SubmissionTally.status, func.sum(SubmissionTally.n))
            .where(col(SubmissionTally.status) != "draft")  # a draft is its author's, not yet sent
            .group_by(col(SubmissionTally.status))
            .having(func.sum(SubmissionTally.n) > 0)
        ).all()
    }
    # the commune's own lists of units and campaigns; while they are empty (a commune whose
    # first start has not stored them yet), the units its members belong to and the campaigns
    # its dossiers were sent to
    units = int(s.exec(select(func.count()).select_from(UnitRow)).one()) or int(
        s.exec(select(func.count(func.distinct(Member.unit_code)))).one()
    )
    campaigns = int(s.exec(select(func.count()).select_from(CampaignRecord)).one()) or int(
        s.exec(
            select(func.count(func.distinct(SubmissionTally.campaign_code))).where(SubmissionTally.n > 0)
        ).one()
    )
    last = s.exec(select(func.max(AuditLog.at))).one()
    return Figures(members=members, units=units, campaigns=campaigns, by_status=by_status, last_activity=last)
