"""`--campaign CODE` of the commands that work on one campaign (export): the campaign named,
else the only open one; with none open, the one whose deadline passed last (its decision and
certificates are made after it); with several open, the command asks which."""

from __future__ import annotations

from domain import campaigns
from domain.campaign import Campaign
from domain.uow import UnitOfWork
from messages.catalog import t

from ..bootstrap import App


class CampaignOptionError(Exception):
    """The campaign cannot be told: the message says why and what to write."""


def add_option(parser) -> None:
    parser.add_argument("--campaign", metavar="CODE", help="mã đợt thi đua (mặc định: đợt đang mở)")


def campaign_of(app: App, code: str | None) -> Campaign:
    own = app.campaign
    with UnitOfWork.begin(app.db, app.clock.now()) as uow:
        current = campaigns.current(uow)
        if code is not None and code != own.code:
            found = campaigns.campaign_by_code(uow, code)
            if found is None:
                raise CampaignOptionError(t("campaign.cli_unknown", code=code))
            return found
    if code is not None or not current.stored:
        return own  # the deployment's own, with the deadline it was started with
    if len(current.open) > 1:
        codes = ", ".join(c.code for c in current.open)
        raise CampaignOptionError(t("campaign.cli_pick", codes=codes))
    found = (current.open or current.after_deadline or (own,))[0]
    return own if found.code == own.code else found
