"""The conversation core: one inbound event in, replies out, one transaction per turn.

Channel-neutral: it knows nothing of Telegram, Zalo or the terminal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from domain import broadcasts, roles
from domain.campaign import Campaign
from domain.clock import Clock, SystemClock
from domain.headroom import SendingTerms
from domain.refusals import Refused
from domain.submissions import deadline_text
from domain.uow import UnitOfWork
from handlers import campaign_choice, drafts
from handlers import engine as eng
from handlers.flows import install as install_flows
from handlers.outcomes import Outcome, cancelled, finished, refused
from handlers.words import match_choice as match_option
from messages.catalog import has, t
from messages.model import InboundEvent, Option, Question, Reply, Text
from storage import conversations, members
from storage.models import ConversationState, Member

log = logging.getLogger(__name__)


@dataclass
class Ctx:
    """Everything a step needs during one turn."""

    core: Core
    uow: UnitOfWork
    event: InboundEvent
    state: ConversationState
    member: Member | None
    now: datetime
    stay: list[Reply] = field(default_factory=list)
    _serving: campaign_choice.Serving | None = None

    @property
    def session(self) -> Session:
        return self.uow.session

    @property
    def serving(self) -> campaign_choice.Serving:
        """The turn's campaign and the open ones, read once a turn (handlers/campaign_choice.py)."""
        if self._serving is None:
            self._serving = campaign_choice.serving(self)
        return self._serving

    def forget_campaign(self) -> None:
        self._serving = None

    @property
    def campaign(self) -> Campaign:
        return self.serving.campaign

    @property
    def answers(self) -> dict[str, Any]:
        return self.state.data.setdefault("answers", {})

    def deadline_text(self) -> str:
        return deadline_text(self.campaign)


@dataclass(frozen=True)
class MenuItem:
    key: str  # catalog key "menu.<key>" and the value of its button
    roles: frozenset[str]  # "guest" for people not registered yet
    action: Action
    when: Callable[[Ctx], bool] | None = None  # shown only when this holds (e.g. opted out)
    label: Callable[[Ctx], str] | None = None  # its words when they depend on the person


# A menu item or a command: what it came to (a plain list of replies is taken as «asked»).
Action = Callable[[Ctx], "Outcome | list[Reply]"]
# the delivery path's: writes a turn's replies to the outbox in the turn's transaction; also
# told the person's role after the turn (None when the turn failed), for the command menu
Keep = Callable[[Session, list[Reply], datetime, "str | None"], None]
GUEST = roles.GUEST
EVERYONE = roles.EVERYONE


class Core:
    def __init__(
        self,
        db: Engine,
        campaign: Campaign,
        clock: Clock | None = None,
        *,
        demo: bool = False,
        console_url: str = "http://127.0.0.1:8080",
        sending: SendingTerms | None = None,
    ) -> None:
        self.db = db
        self.sending = sending or SendingTerms()  # the free limit and paid broadcast, for previews
        self.console_url = console_url  # the web console's address, for its sign-in links
        self.campaign = campaign
        self.clock = clock or SystemClock()
        self.demo = demo
        self.flows: dict[str, eng.Flow] = {}
        self.menu: list[MenuItem] = []
        # the menu's order by key (the person's own work first, help last); set by the flows
        self.menu_order: list[str] = []
        self.commands: dict[str, Action] = {}
        self.group_commands: dict[str, Callable[[Ctx], list[Reply]]] = {}
        install_flows(self)  # the flows register their menu items and commands

    # -- registration of flows, menu items and commands -------------------------------------
    def add_flow(self, flow: eng.Flow) -> None:
        self.flows[flow.name] = flow

    def add_menu(
        self,
        key: str,
        roles: set[str] | frozenset[str],
        action: Action,
        when: Callable[[Ctx], bool] | None = None,
        label: Callable[[Ctx], str] | None = None,
    ) -> None:
        self.menu.append(MenuItem(key, frozenset(roles), action, when, label))

    def add_group_command(self, name: str, action: Callable[[Ctx], list[Reply]]) -> None:
        """A command answered in a group chat (no personal questions there)."""
        self.group_commands[name] = action

    def add_command(self, name: str, action: Action) -> None:
        self.commands[name] = action

    def start_flow(self, name: str, args: dict[str, Any] | None = None, first: str | None = None) -> Action:
        """Start the flow `name`; a draft of it kept aside is resumed instead."""

        def action(ctx: Ctx) -> Outcome:
            resumed = drafts.resume(ctx, name) if not args and first is None else None
            return resumed if resumed is not None else eng.start(ctx, self.flows[name], args, first)

        action.starts = name  # the flow it opens
        return action

    def command_menu(self, role: str) -> list[tuple[str, str]]:
        """The commands a role sees in a channel's command list: (name without slash, text)."""
        return [
            (name, t(f"tg.cmd.{name}"))
            for name in roles.commands_for(role)
            if (name in self.commands or name in roles.BUILT_IN) and has(f"tg.cmd.{name}")
        ]

    # -- a turn -----------------------------------------------------------------------------
    def handle(self, event: InboundEvent, keep: Keep | None = None) -> list[Reply]:
        """Process one event exactly once; a redelivered event key returns nothing.

        `keep` (the delivery path's) writes the turn's replies to the outbox in the turn's own
        transaction, so a process killed after the commit loses none of them."""
        now = self.clock.now()
        key = event.dedupe_key
        with Session(self.db, expire_on_commit=False) as s:
            uow = UnitOfWork(s, now)
            if conversations.seen_event(s, key):
                log.info("duplicate event %s ignored", key)
                return []
            try:
                replies, role = self._turn_on_fresh_state(uow, event)
                self._record(s, key, now, keep, replies, role)
                s.commit()
                return replies
            except IntegrityError:
                s.rollback()
                if conversations.seen_event(s, key):  # a concurrent delivery of the same event won
                    return []
                log.exception("integrity error on event %s", key)
            except Exception:
                s.rollback()
                log.exception("error on event %s (%s)", key, event.kind)
            # Remember the event so a redelivery does not fail again the same way; the
            # conversation state is untouched (the turn was rolled back).
            apology: list[Reply] = [Text(t("error_apology"))]
            try:
                self._record(s, key, now, keep, apology, None)
                s.commit()
            except Exception:
                s.rollback()
            return apology

    def handle_many(self, turns: list[tuple[InboundEvent, Keep | None]]) -> list[list[Reply]]:
        """Several events (of different people), each processed exactly once and each its
        own turn, committed together: one commit (one fsync) for the lot. Each turn runs in a
        savepoint, so one that fails is rolled back alone and answered with the apology, as
        `handle` does; the replies are the ones `handle` would give one by one, in order.
        The caller tells nobody anything before this returns (the commit is the promise).
        If the group cannot commit, each turn is played again on its own."""
        if len(turns) <= 1:
            return [self.handle(event, keep) for event, keep in turns]
        now = self.clock.now()
        with Session(self.db, expire_on_commit=False) as s:
            try:
                if self.db.dialect.name == "sqlite":
                    # the transaction opens here with the write lock: the turns read what they
                    # write on, and no savepoint below can become a transaction of its own
                    s.connection().exec_driver_sql("BEGIN IMMEDIATE")
                out = [self._grouped_turn(s, event, keep, now) for event, keep in turns]
                s.commit()
                return out
            except Exception:
                s.rollback()
                log.exception("a group of %d turns did not commit; each on its own", len(turns))
        return [self.handle(event, keep) for event, keep in turns]

    def _grouped_turn(self, s: Session, event: InboundEvent, keep: Keep | None, now: datetime) -> list[Reply]:
        key = event.dedupe_key
        if conversations.seen_event(s, key):
            log.info("duplicate event %s ignored", key)
            return []
        uow = UnitOfWork(s, now)
        try:
            with s.begin_nested():  # the whole turn, or nothing of it
                try:
                    with s.begin_nested():
                        replies, role = self._turn(uow, event)
                        s.flush()
                except (StaleDataError, IntegrityError) as exc:  # as in _turn_on_fresh_state
                    if isinstance(exc, IntegrityError) and not conversations.lost_race(exc):
                        raise
                    uow.events.clear()
                    log.info(
                        "conversation %s:%s moved on meanwhile; turn played again",
                        event.channel,
                        event.user_id,
                    )
                    replies, role = self._turn(uow, event)
                self._record(s, key, now, keep, replies, role)
                s.flush()
            return replies
        except IntegrityError:
            if conversations.seen_event(s, key):  # a concurrent delivery of the same event won
                return []
            log.exception("integrity error on event %s", key)
        except Exception:
            log.exception("error on event %s (%s)", key, event.kind)
        apology: list[Reply] = [Text(t("error_apology"))]
        with s.begin_nested():  # remembered, so a redelivery does not fail again the same way
            self._record(s, key, now, keep, apology, None)
        return apology

    @staticmethod
    def _record(
        s: Session, key: str, now: datetime, keep: Keep | None, replies: list[Reply], role: str | None
    ) -> None:
        """The event key (processed once) and the turn's replies, in the turn's transaction."""
        conversations.mark_event(s, key, now)
        if keep is not None:
            keep(s, replies, now, role)

    def _turn_on_fresh_state(self, uow: UnitOfWork, event: InboundEvent) -> tuple[list[Reply], str]:
        """The turn. If another process moved this person's conversation on while it ran (a
        double tap reaching two processes), saving the state raises StaleDataError (the state's
        version column): everything is rolled back and the turn is played once more on the
        fresh state, where the repeated tap is stale. A newcomer's tap registers them: there the
        other process's identity row (uq_identity_channel_user) is what collides, and the turn
        is played again the same way."""
        try:
            turn = self._turn(uow, event)
            uow.session.flush()
            return turn
        except (StaleDataError, IntegrityError) as exc:
            if isinstance(exc, IntegrityError) and not conversations.lost_race(exc):
                raise
            uow.session.rollback()
            uow.events.clear()
            log.info("conversation %s:%s moved on meanwhile; turn played again", event.channel, event.user_id)
            return self._turn(uow, event)

    def _turn(self, uow: UnitOfWork, event: InboundEvent) -> tuple[list[Reply], str]:
        """The turn's replies, and the person's role after it (for a channel's command menu)."""
        s, now = uow.session, uow.now
        state = conversations.get_state(s, event.channel, event.user_id)
        if state is None:
            state = ConversationState(channel=event.channel, user_id=event.user_id, data={}, updated_at=now)
        ident = members.identity(s, event.channel, event.user_id)  # read once a turn
        member = s.get(Member, ident.member_id) if ident is not None else None
        if member is not None and state.member_id != member.id:
            state.member_id = member.id
        ctx = Ctx(core=self, uow=uow, event=event, state=state, member=member, now=now)
        if event.chat_type != "private":
            replies = self._group(ctx)
        else:
            broadcasts.reachable_again(uow, ident)  # it had blocked the bot
            replies = self._dispatch(ctx)
        conversations.save_state(s, state, now)
        return replies, self.role(ctx)

    def _group(self, ctx: Ctx) -> list[Reply]:
        if ctx.event.kind != "command":
            return []
        if ctx.event.command == "start":
            return [Text(t("private_only"))]
        action = self.group_commands.get(ctx.event.command or "")
        return action(ctx) if action is not None else []

    def _dispatch(self, ctx: Ctx) -> list[Reply]:
        ev, st = ctx.event, ctx.state
        if ev.kind == "choice" and ev.seq is not None and ev.seq != st.seq:
            return [Text(t("stale"), toast=True)]
        flow = self.flows.get(st.flow or "")
        if ev.kind == "command":
            return self._command(ctx, flow)
        if ev.kind == "unsupported":  # the channel may say why (e.g. an image it could not keep)
            return [Text(ev.text or t("unsupported")), *self.current_question(ctx)]
        if flow is not None:
            return self.run(ctx, lambda c: eng.answer(c, flow))
        return self._menu_answer(ctx)

    def _command(self, ctx: Ctx, flow: eng.Flow | None) -> list[Reply]:
        name = ctx.event.command or ""
        if name in ("huy", "cancel"):
            return self.settle(ctx, cancelled() if flow is not None else finished())
        if name in ("trogiup", "help"):
            return [Text(self.help_text(ctx)), *self.current_question(ctx)]
        if flow is not None and not flow.typed(ctx):
            # only looking (a list, a dossier): the command runs, nothing typed is lost (drafts
            # kept aside stay kept)
            ctx.state.flow, ctx.state.step = None, "menu"
            ctx.state.data = {k: v for k, v in (ctx.state.data or {}).items() if k == drafts.KEY}
            flow = None
        action = self.commands.get(name)
        if flow is not None:
            if (
                action is None
                or getattr(action, "starts", None) == flow.name
                or not drafts.is_draft_flow(ctx)
            ):
                return [Text(t("in_flow_command", flow=flow.title())), *self.current_question(ctx)]
            kept = drafts.suspend(ctx)  # leaving a draft for another item: it is kept aside
            return [*kept, *self.run(ctx, action)]
        if action is None:
            return [Text(t("unknown_command", command=name[:32])), *self.show_menu(ctx, greet=False)]
        return self.run(ctx, action)

    # -- menu -------------------------------------------------------------------------------
    def role(self, ctx: Ctx) -> str:
        return roles.role_of(ctx.member)

    def menu_items(self, ctx: Ctx) -> list[MenuItem]:
        role = self.role(ctx)
        order = self.menu_order
        unlisted = len(order)  # items not in the order come after the listed ones

        def rank(item: MenuItem) -> int:
            return order.index(item.key) if item.key in order else unlisted

        return sorted((m for m in self.menu if role in m.roles and (m.when is None or m.when(ctx))), key=rank)

    def menu_option(self, ctx: Ctx, item: MenuItem) -> Option:
        return Option(item.key, item.label(ctx) if item.label is not None else t(f"menu.{item.key}"))

    def help_text(self, ctx: Ctx) -> str:
        role = self.role(ctx)
        extra = {"head": "help.head", "staff": "help.staff", "admin": "help.staff"}.get(role)
        return t("help") + (f"\n{t(extra)}" if extra else "")

    def greeting(self, ctx: Ctx) -> str:
        demo = t("demo_badge") if self.demo else ""
        if ctx.serving.none_open:
            return campaign_choice.none_open_greeting(ctx, demo)
        org, title = ctx.campaign.organiser.short_name, ctx.campaign.campaign.short_title
        if ctx.member is None:
            return t("greet_new", demo=demo, organiser=org, campaign=title, deadline=ctx.deadline_text())
        return t(
            "greet_member",
            demo=demo,
            name=ctx.member.full_name,
            organiser=org,
            campaign=title,
            deadline=ctx.deadline_text(),
        )

    def show_menu(self, ctx: Ctx, *, greet: bool = False, text: str | None = None) -> list[Reply]:
        if ctx.serving.pending:  # several campaigns open: which one, before the menu
            return campaign_choice.ask(ctx)
        st = ctx.state
        st.flow, st.step = None, "menu"
        st.data = eng.carry(st.data)  # the drafts kept aside stay
        st.seq += 1
        items = self.menu_items(ctx)
        prompt = text or (self.greeting(ctx) if greet else t("menu_again"))
        options = [self.menu_option(ctx, m) for m in items]
        return [
            Question(
                text=prompt, options=options, seq=st.seq, hint=t("hint.choice", first=1, last=len(options))
            )
        ]

    def _menu_answer(self, ctx: Ctx) -> list[Reply]:
        ev = ctx.event
        items = self.menu_items(ctx)
        chosen: MenuItem | None = None
        if ev.kind == "choice":  # a button of the role shown earlier still runs: it says why not now
            role = self.role(ctx)
            chosen = next((m for m in self.menu if m.key == ev.choice and role in m.roles), None)
        elif ev.kind == "text" and ev.text:
            opt = match_option(ev.text, [self.menu_option(ctx, m) for m in items])
            chosen = next((m for m in items if opt and m.key == opt.value), None)
        if chosen is None:
            first_contact = ctx.state.id is None
            return self.show_menu(ctx, greet=first_contact, text=None if first_contact else t("menu_unclear"))
        return self.run(ctx, chosen.action)

    def current_question(self, ctx: Ctx) -> list[Reply]:
        """The question the person is on, asked again (the menu when no flow runs)."""
        flow = self.flows.get(ctx.state.flow or "")
        if flow is None:
            return self.show_menu(ctx)
        step = eng.step_by_key(ctx, flow, ctx.state.step)
        if step is None:
            return self.settle(ctx, eng.start(ctx, flow))
        return [eng.question(ctx, step)]

    # -- what comes next ----------------------------------------------------------------------
    def run(self, ctx: Ctx, action: Action) -> list[Reply]:
        """A menu item or a command; a domain refusal it raises is told, then the menu."""
        try:
            result = action(ctx)
        except Refused as refusal:
            result = refused(refusal)
        return self.settle(ctx, result)

    def settle(self, ctx: Ctx, result: Outcome | list[Reply]) -> list[Reply]:
        """The core decides what follows an outcome: nothing after a question, the menu after
        the rest. A plain list of replies is sent as it is."""
        if isinstance(result, list):
            return result
        if result.kind == "asked":
            return list(result.replies)
        if result.kind == "cancelled":
            return [*result.replies, Text(t("cancelled")), *self.show_menu(ctx)]
        return [*result.replies, *self.show_menu(ctx, greet=result.greet)]

    def help(self, ctx: Ctx) -> Outcome:
        return finished(Text(self.help_text(ctx)))

    def refresh_member(self, ctx: Ctx) -> None:
        ctx.member = members.member_by_identity(ctx.session, ctx.event.channel, ctx.event.user_id)
        if ctx.member is not None:
            ctx.state.member_id = ctx.member.id
