"""All tables, one module per aggregate; every name is importable from here
(`from storage.models import Submission`), as when they were one module.

Times are stored as UTC and come back timezone-aware (UTCDateTime). JSON columns hold the
parts of a submission whose shape the campaign file decides (answers, figures).
"""

from .base import Table, UTCDateTime, utcnow
from .campaigns import CAMPAIGN_STATUSES, CampaignRecord
from .conversations import ConversationState, ProcessedEvent
from .council import AwardDecision, AwardDecisionItem, CouncilItem, CouncilRound, CouncilVote
from .locks import CampaignLock
from .messaging import Announcement, AuditLog, GroupLink, OaToken, Outbox, PaidSend
from .people import DISPLAY_NAME_MAX, Identity, Invite, Member
from .submissions import (
    Evidence,
    RefCounter,
    StatusChange,
    Submission,
    SubmissionSent,
    SubmissionTally,
    SubmissionVersion,
)
from .web import WebLink, WebSession

__all__ = [
    "CAMPAIGN_STATUSES",
    "DISPLAY_NAME_MAX",
    "Announcement",
    "AuditLog",
    "AwardDecision",
    "AwardDecisionItem",
    "CampaignLock",
    "CampaignRecord",
    "ConversationState",
    "CouncilItem",
    "CouncilRound",
    "CouncilVote",
    "Evidence",
    "GroupLink",
    "Identity",
    "Invite",
    "Member",
    "OaToken",
    "Outbox",
    "PaidSend",
    "ProcessedEvent",
    "RefCounter",
    "StatusChange",
    "Submission",
    "SubmissionSent",
    "SubmissionTally",
    "SubmissionVersion",
    "Table",
    "UTCDateTime",
    "WebLink",
    "WebSession",
    "utcnow",
]
