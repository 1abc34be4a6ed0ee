"""One person's turns in order, everyone else's side by side (every channel).

A person's turns commit one at a time, in the order they arrived, and their replies go out in
that same order; but a turn does not hold the person's commit lock while it waits to send.
Each turn takes its place in the person's send chain while it holds the commit lock (so the
chains' order is the commits' order), lets the lock go once committed, then waits only for
the previous turn's sends:

    ticket = order.ticket(user_id)
    try:
        async with ticket.committing():   # this person's turns commit one at a time
            ...commit...
        async with ticket.sending():      # after this person's previous turn is sent
            ...send...
    finally:
        ticket.done()                     # the next turn may send (also on an error)

So a person who sends 15 messages at once gets their 15 turns committed at once (the channel
can confirm them to the platform) while the replies go out at that chat's own pace, and no
other chat waits for either.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

Stored = TypeVar("Stored")


class _Person:
    __slots__ = ("lock", "last_sent", "tickets")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.last_sent: asyncio.Future | None = None  # the latest turn's sends done
        self.tickets = 0  # turns in hand


class Ticket:
    __slots__ = ("_order", "_key", "_person", "_before", "_mine", "_done")

    def __init__(self, order: TurnOrder, key: str, person: _Person) -> None:
        self._order, self._key, self._person = order, key, person
        self._before: asyncio.Future | None = None
        self._mine: asyncio.Future | None = None
        self._done = False

    @contextlib.asynccontextmanager
    async def committing(self) -> AsyncIterator[None]:
        person = self._person
        async with person.lock:
            self._before, self._mine = person.last_sent, asyncio.get_running_loop().create_future()
            person.last_sent = self._mine
            yield

    @contextlib.asynccontextmanager
    async def sending(self) -> AsyncIterator[None]:
        before = self._before
        if before is not None and not before.done():
            await asyncio.wait({before})  # not `await before`: a cancelled waiter must not cancel it
        yield

    def done(self) -> None:
        """This turn's sends are over (or it ended early): the next turn's may start."""
        if self._done:
            return
        self._done = True
        if self._mine is not None and not self._mine.done():
            self._mine.set_result(None)
        self._order._leave(self._key, self._person)


class TurnOrder:
    def __init__(self) -> None:
        self._people: dict[str, _Person] = {}

    def ticket(self, key: str) -> Ticket:
        person = self._people.get(key)
        if person is None:
            person = self._people[key] = _Person()
        person.tickets += 1
        return Ticket(self, key, person)

    def _leave(self, key: str, person: _Person) -> None:
        person.tickets -= 1
        if person.tickets == 0 and self._people.get(key) is person:
            del self._people[key]  # nothing kept for people with no turn in hand

    def __len__(self) -> int:
        return len(self._people)


async def one_turn(
    order: TurnOrder,
    key: str,
    commit: Callable[[], Awaitable[Stored | None]],
    send: Callable[[Stored], Awaitable[object]],
    committed: Callable[[], None] | None = None,
    gate: contextlib.AbstractAsyncContextManager | None = None,
) -> None:
    """One turn of the person `key`, by the ticket above: `commit` (inside `gate`, taken before
    the person's commit lock) stores it, `committed()` says so, then `send` sends what it stored
    (nothing when it stored nothing) once the person's previous turn is sent."""
    ticket = order.ticket(key)
    try:
        async with gate if gate is not None else contextlib.nullcontext():
            async with ticket.committing():
                stored = await commit()
        if committed is not None:
            committed()
        if stored is not None:
            async with ticket.sending():
                await send(stored)
    finally:
        ticket.done()


async def answer_once_stored(
    tasks: set[asyncio.Task], handle: Callable[[Callable[[], None]], Awaitable[None]]
) -> None:
    """A webhook's call: `handle(stored)` runs as a task of its own (kept in `tasks`) and this
    returns as soon as it calls `stored()` (the turn is in the database) or ends, so the platform
    is answered then and the replies follow at the chat's pace."""
    committed = asyncio.get_running_loop().create_future()

    def stored() -> None:
        if not committed.done():
            committed.set_result(None)

    task = asyncio.ensure_future(handle(stored))
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    task.add_done_callback(lambda _t: stored())  # ignored, or failed before storing
    await asyncio.wait({committed})
