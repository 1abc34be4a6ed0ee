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
from collections.abc import AsyncIterator


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
