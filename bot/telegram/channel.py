"""The Telegram channel: python-telegram-bot 22's Application between the Bot API and the core.

Update -> InboundEvent (inbound.py) -> the core's turn, committed by the turn writer's thread
(bot/turn_writer.py, with other people's turns when busy) -> the delivery path
(bot/delivery.py) -> Bot API calls (outbound.py); then the chat's command menu (commands.py).
No flow logic lives here. Chats are served side by side, one person's turns in order
(bot/turn_order.py); an update is confirmed (polling) or answered (webhook) once its turn has
committed, while its replies go out at the chat's own pace.

Long polling by default; a webhook route (POST /telegram, secret header checked in constant
time) when WEBHOOK_BASE_URL is set; a commune's own bot at /telegram/<commune code>.

Which commune's Core answers a turn is the door's to say (bot/reception.py): the bot of one
commune hands it every turn; a bot shared by several communes finds the person's commune, or
asks for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import traceback
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from messages.catalog import t
from messages.model import InboundEvent, Reply, Text

from ..cancel_task import cancel
from ..channel import StartupError
from ..delivery import Delivery, Turn, send_reply
from ..pacing import PaidAllowance
from ..paid_tally import PaidTally
from ..reception import Door, OneCommune, send_at_the_door
from ..settings import SettingsError
from ..turn_order import TurnOrder
from .buttons import Keyboards
from .commands import CommandMenus
from .inbound import CHANNEL, to_event
from .outbound import OVERALL_RATE, Masker, TelegramSender, TurnContext

if TYPE_CHECKING:  # Starlette loads with the HTTP server (webhook mode, or the web console)
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute

log = logging.getLogger("bot.telegram")

PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
CONCURRENT_UPDATES = 256  # PTB's own fetcher's bound (unused: _poll and the webhook hand updates in)


def paid_allowance(settings: Any) -> PaidAllowance | None:
    """Paid broadcast's places above the free limit, when the office turned it on."""
    if not settings.telegram_paid_broadcast:
        return None
    return PaidAllowance(settings.telegram_paid_after_seconds, settings.telegram_paid_max_per_second)


class TelegramChannel:
    name = CHANNEL

    START_DELAYS = (1, 2, 4, 8, 15, 30, 60)  # seconds (times `backoff`): about two minutes

    def __init__(
        self,
        app: Any,
        *,
        delivery: Delivery | None = None,
        send_retries: int = 3,
        backoff: float = 1.0,
        rate_limiter: AIORateLimiter | None = None,
        poll_timeout: float = 10.0,
        chat_rate: float = 1.0,
        chat_burst: float = 5.0,
        overall_rate: float = OVERALL_RATE,
        door: Door | None = None,
        path: str = PATH,
    ) -> None:
        s = app.settings
        if s.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.app = app
        self.core = app.core
        self.settings = s
        self.delivery = delivery or Delivery(app.db, app.clock, app.outbox_bell, writer=app.turns)
        # whose turn it is: the app's commune, unless several communes share this bot
        self.door = door or OneCommune(dataclasses.replace(app.tenant, delivery=self.delivery))
        self.path = path
        self.webhook = bool(s.webhook_base_url)
        self.backoff = backoff
        self.poll_timeout = poll_timeout
        limiter = rate_limiter or AIORateLimiter(
            overall_max_rate=30, overall_time_period=1, group_max_rate=20, group_time_period=60, max_retries=3
        )
        token = s.telegram_bot_token.get_secret_value()
        builder = (
            ApplicationBuilder()
            .token(token)
            .base_url(s.telegram_base_url)
            .base_file_url(s.telegram_base_file_url)
            .rate_limiter(limiter)
            .job_queue(None)  # timing belongs to scheduler/, not to PTB
            # chats are served side by side; one person's turns in order (_order)
            .concurrent_updates(CONCURRENT_UPDATES)
        )
        # no PTB Updater: it confirms updates when it fetches them; our poll loop confirms
        # an update only once its turn has committed (_poll)
        builder = builder.updater(None)
        self.application: Application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.mask = Masker(token)
        self.keyboards = Keyboards()
        self.paid = PaidTally(app.db, app.clock, CHANNEL)
        self.sender = TelegramSender(
            self.bot,
            self.keyboards,
            self.mask,
            send_retries=send_retries,
            backoff=backoff,
            chat_rate=chat_rate,
            chat_burst=chat_burst,
            overall_rate=overall_rate,
            media_dir=app.settings.media_dir,
            paid=paid_allowance(s),
            on_paid=self.paid.add,
        )
        self.menus = CommandMenus(self.core, self.bot, self.mask)
        self.username: str | None = None
        # the last update ids this process finished (bounded; tests wait on it)
        self.processed: deque[int] = deque(maxlen=10_000)
        self._order = TurnOrder()  # one person's turns in order (commits, then sends)
        # update id -> its turn committed (a webhook may bring the same update twice at once)
        self._committing: dict[int, list[asyncio.Future]] = {}
        self._poll_task: asyncio.Task | None = None
        self._menu_task: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()  # updates in hand
        self._unconfirmed: int | None = None  # the offset past the last batch committed
        # set once the first updates fetched are answered (or there were none): the serving
        # process starts its scheduler and web console after that (bot/serve.py)
        self.first_batch = asyncio.Event()

    @property
    def bot(self):
        return self.application.bot

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        # the machine may come up before its network: retry, then stop with one clear line
        for attempt, delay in enumerate((*self.START_DELAYS, None), start=1):
            try:
                await self.application.initialize()  # getMe
                break
            except InvalidToken:
                raise SettingsError("TELEGRAM_BOT_TOKEN: refused by the Bot API (getMe)") from None
            except NetworkError as exc:  # TimedOut is one too
                if delay is None:
                    raise StartupError(
                        f"TELEGRAM_BASE_URL: the Bot API did not answer after {attempt} "
                        f"tries ({self.mask(str(exc))})"
                    ) from None
                log.warning(
                    "telegram: Bot API not reachable (%s), trying again in %ss",
                    self.mask(str(exc)),
                    delay * self.backoff,
                )
                await asyncio.sleep(delay * self.backoff)
        self.username = self.bot.username
        # everyone's command menu once the first answers are out (one Bot API round trip less
        # in front of them; a person's own menu is set after their turn anyway)
        self._menu_task = asyncio.create_task(self._everyones_menu(), name="telegram-menu")
        if self.webhook:
            url = self.settings.webhook_base_url.rstrip("/") + self.path
            secret = self.settings.webhook_secret
            await self.bot.set_webhook(
                url,
                secret_token=secret.get_secret_value() if secret else None,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
            )
        await self.application.start()
        if not self.webhook:
            # getUpdates does not work while a webhook is set (pending updates are kept)
            await self.bot.delete_webhook(drop_pending_updates=False)
            self._poll_task = asyncio.create_task(self._poll(), name="telegram-poll")
        else:
            self.first_batch.set()
        log.info("telegram: @%s ready (%s)", self.username, "webhook" if self.webhook else "polling")

    async def _everyones_menu(self) -> None:
        await self.first_batch.wait()
        await self.menus.set_everyones()

    async def stop(self) -> None:
        await cancel(self._menu_task)
        await cancel(self._poll_task)
        self._poll_task = None
        if self._tasks:  # let updates in hand finish (their replies go out or stay queued)
            await asyncio.wait(set(self._tasks), timeout=10.0)
        if self._unconfirmed is not None and not self._committing:
            try:  # confirm what was handled, so a restart does not fetch it again
                await self.bot.get_updates(offset=self._unconfirmed, timeout=0, limit=1)
            except TelegramError as exc:
                log.info("telegram: last confirmation failed: %s", self.mask(str(exc)))
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.paid.close()

    def routes(self) -> Sequence[BaseRoute]:
        if not self.webhook:
            return []
        from starlette.routing import Route

        return [Route(self.path, self._webhook, methods=["POST"])]

    async def _webhook(self, request: Request) -> Response:
        from starlette.responses import PlainTextResponse, Response

        from ..webhook_server import BodyError, read_json, secret_ok, unauthorized

        secret = self.settings.webhook_secret
        if secret is None or not secret_ok(request.headers.get(SECRET_HEADER), secret.get_secret_value()):
            return unauthorized()
        try:
            update = Update.de_json(await read_json(request), self.bot)  # size and depth limited
        except BodyError as exc:
            return exc.response()
        except (ValueError, TypeError, KeyError, AttributeError):
            return PlainTextResponse("bad request", status_code=400)
        await asyncio.wait({self._hand_in(update)})  # answered once committed, not once sent
        return Response(status_code=200)

    # -- long polling: confirm an update only after its turn committed ----------------------
    async def _poll(self) -> None:
        """getUpdates, handle the batch (chats side by side), and ask for the next batch with
        an offset past it only when every turn of the batch has committed (their replies are
        in the outbox by then; sending goes on meanwhile). A process killed mid-batch gets the
        batch again after restart; the turns already committed are skipped by their event key."""
        offset: int | None = None
        failures = 0
        first = True  # the first call does not wait: what is pending, or nothing (first_batch)
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset,
                    timeout=0 if first else self.poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                    read_timeout=self.poll_timeout + 10,
                )
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                delay = min(60.0, self.backoff * 2 ** min(failures, 6))
                failures += 1
                log.warning(
                    "telegram: getUpdates failed (%s); next try in %.1f s", self.mask(str(exc)), delay
                )
                self.first_batch.set()
                await asyncio.sleep(delay)
                continue
            if first:
                first = False
                if not updates:
                    self.first_batch.set()
            if not updates:
                continue
            waits = [self._hand_in(update) for update in updates]
            if not self.first_batch.is_set():
                self._settle_after(list(self._tasks))
            offset = max(u.update_id for u in updates) + 1
            await asyncio.wait(waits)
            self._unconfirmed = offset

    def _hand_in(self, update: Update) -> asyncio.Future:
        """Start handling an update; the future is done once its turn has committed (its
        replies may still be going out, at their chat's pace)."""
        done = asyncio.get_running_loop().create_future()
        self._committing.setdefault(update.update_id, []).append(done)
        task = asyncio.create_task(self.application.process_update(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        uid = update.update_id
        task.add_done_callback(lambda _t: self._handled(uid))
        return done

    def _settle_after(self, tasks: list[asyncio.Task]) -> None:
        """first_batch is set when these (the first batch's updates) are all answered."""
        left = set(tasks)

        def done(task: asyncio.Task) -> None:
            left.discard(task)
            if not left:
                self.first_batch.set()

        for task in tasks:
            task.add_done_callback(done)

    def _handled(self, update_id: int) -> None:
        for done in self._committing.pop(update_id, ()):
            if not done.done():
                done.set_result(None)

    # -- one update --------------------------------------------------------------------------
    def to_event(self, update: Update) -> InboundEvent | None:
        return to_event(update, self.username, self.keyboards)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        cq = update.callback_query
        answered = False
        try:
            event = self.to_event(update)
            if event is None:
                return
            # one person's turns commit in order, and their replies go out in that order; a
            # turn commits while the ones before it are still being sent (so polling can
            # confirm it: its replies are in the outbox), and waits to send without holding
            # the person's commit lock (bot/turn_order.py)
            ticket = self._order.ticket(event.user_id)
            try:
                async with ticket.committing():
                    entry = await self.door.enter(event)  # the person's commune, or a question
                    tenant, event = entry.tenant, entry.event
                    if tenant is not None:
                        turn = self._turn(event, cq)
                        kept = tenant.delivery.keeper(self.sender, turn)  # stored with the turn
                        replies = await tenant.turns.handle(event, kept)  # committed
                self._handled(update.update_id)  # committed: polling may confirm it now
                async with ticket.sending():
                    if cq is not None:  # stop the button's spinner first; a toast rides on it
                        shown = entry.replies if tenant is None else replies
                        toasts = [r.text for r in shown if isinstance(r, Text) and r.toast]
                        answered = True
                        await self._answer(cq, toasts[0] if toasts else None)
                    if tenant is None:  # asked at the door: nothing stored in any commune
                        await send_at_the_door(self.sender, event.chat_id, entry.replies)
                        return
                    replies = [r for r in replies if not (isinstance(r, Text) and r.toast)]
                    await tenant.delivery.send_turn(self.sender, turn, replies, kept)
                    if event.chat_type == "private":
                        await self.menus.after_turn(event, kept.role)
            finally:
                ticket.done()
        finally:
            if cq is not None and not answered:
                await self._answer(cq, None)
            self._handled(update.update_id)
            self.processed.append(update.update_id)

    def _turn(self, event: InboundEvent, cq: CallbackQuery | None) -> Turn:
        pressed = cq.message.message_id if cq is not None and isinstance(cq.message, Message) else None
        markup = None
        if event.chat_type != "private" and event.command == "start" and self.username:
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton(t("tg.open_private"), url=f"https://t.me/{self.username}?start=")]]
            )
        return Turn(
            CHANNEL,
            event.chat_id,
            event.user_id,
            event.key,
            TurnContext(pressed_message_id=pressed, last_markup=markup),
        )

    async def _answer(self, cq: CallbackQuery, text: str | None) -> None:
        """Always answer a pressed button (errors here only cost the spinner)."""
        try:
            await cq.answer(text=text)
        except TelegramError as exc:
            log.info("telegram: answerCallbackQuery failed: %s", self.mask(str(exc)))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        err = context.error
        uid = update.update_id if isinstance(update, Update) else None
        trace = "".join(traceback.format_exception(err)) if err is not None else ""
        log.error("telegram: update %s failed: %s", uid, self.mask(trace or repr(err)))
        if (
            isinstance(update, Update)
            and update.effective_chat is not None
            and update.effective_chat.type == "private"
        ):
            try:
                await self.sender.send_piece(str(update.effective_chat.id), Text(t("error_apology")))
            except Exception as exc:
                log.warning("telegram: apology not sent: %s", self.mask(str(exc)))

    # -- the outbox dispatcher's entry -------------------------------------------------------
    def ready(self, chat_id: str) -> bool:
        """Whether a message to the chat would go now (its own pace allows it)."""
        return self.sender.ready(chat_id)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """One reply to one chat; raises SendError."""
        await send_reply(self.sender, chat_id, reply)
