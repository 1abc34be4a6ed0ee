"""The flows, and where they appear: menu items by role and slash commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core


def install(core: Core) -> None:
    from domain.roles import EVERYONE, GUEST
    from handlers import drafts
    from handlers.flows import amend, mine, nomination, registration
    from handlers.outcomes import finished

    core.add_flow(registration.Registration())
    core.add_flow(registration.InviteFlow())
    core.add_flow(nomination.Nomination())
    core.add_flow(mine.Mine())
    core.add_flow(amend.Amend())

    core.menu_order = MENU_ORDER
    core.add_menu("register", {GUEST}, core.start_flow("registration"))
    core.add_menu("invite", {GUEST}, core.start_flow("invite"))
    # offered while the campaign takes submissions (/decu still says why not, after the deadline)
    taking = nomination.taking_submissions
    core.add_menu("nominate_new", {GUEST}, core.start_flow("nomination"), when=taking)  # no sign-up first
    core.add_menu("nominate", EVERYONE, core.start_flow("nomination"), when=taking)
    core.add_menu("mine", EVERYONE, core.start_flow("mine"))
    # a draft left half way for another item: offered first, named
    core.add_menu(
        "resume", {GUEST, *EVERYONE}, drafts.resume_latest, when=drafts.has_draft, label=drafts.menu_label
    )
    core.add_menu("help", {GUEST, *EVERYONE}, core.help)

    core.add_command("start", registration.start_command)
    core.add_command("menu", lambda ctx: finished())
    core.add_command("decu", core.start_flow("nomination"))
    core.add_command("hoso", core.start_flow("mine"))
    core.add_command("dangky", core.start_flow("registration"))
    core.add_command("ma", registration.code_command)
    from handlers import campaign_choice

    campaign_choice.install(core)  # «Bạn tham gia đợt nào?» when several campaigns are open
    from handlers import digest
    from handlers.flows import (
        announce,
        console_link,
        export,
        link,
        proposal,
        report,
        review,
        shortlist,
        stats,
    )

    report.install(core)  # unit reports (heads)
    proposal.install(core)  # unit proposals, nominations about a unit (heads)
    review.install(core)  # appraisal queue, unit reports (staff)
    shortlist.install(core)  # council shortlist with the quota, final lists (staff)
    stats.install(core)  # statistics (staff)
    link.install(core)  # one member on Telegram and Zalo
    digest.install(core)  # the staff digest
    export.install(core)  # Xuất tài liệu, /xuat
    console_link.install(core)  # «Mở trang quản lý», /web: a sign-in link to the web console
    announce.install(core)  # announcements, their figures, opt-out, village groups
    from handlers.flows import award, council  # the council's vote, the decision, the honours

    council.install(core)
    award.install(core)


# What a person sees first: their own role's work, then what everyone can do, help last.
MENU_ORDER = [
    "resume",  # a draft left half way
    "nominate_new",
    "register",
    "invite",  # not registered yet
    "review",
    "shortlist",
    "round",
    "decision",
    "honours",  # office staff
    "vote",
    "council",
    "dossiers",  # council members (staff see "council" too)
    "reports",
    "stats",
    "digest",
    "export",
    "web",
    "announce",
    "ann_figures",  # office staff
    "report",
    "propose",
    "unit_noms",  # unit heads
    "nominate",
    "mine",
    "link",
    "optout",
    "optin",
    "campaign",  # the campaign one takes part in, when there is a choice
    "help",  # everyone
]
