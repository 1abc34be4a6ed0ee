"""The unit of work: one Session, one transaction, and the events recorded in it.

Every event an operation records is handled at once by the event handlers the app was wired
with (bot/bootstrap.py hands over domain/notifications.HANDLERS), inside the same transaction:
the outbox row commits or rolls back with the change that caused it. The conversation core runs
a whole turn in one unit of work: event key, state, rows, audit, outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from .events import Event

# A handler takes the unit of work and one event of the type it is listed under.
EventHandler = Callable[["UnitOfWork", Any], None]
EventHandlers = Mapping[type[Event], Sequence[EventHandler]]
E = TypeVar("E", bound=Event)

_wired: EventHandlers | None = None


def handle_events_with(handlers: EventHandlers) -> None:
    """Where the app is wired (bot/bootstrap.py, the tests' conftest), the domain's event handlers
    are handed to every unit of work made afterwards. The domain does not find them itself: the
    handlers import the units of work they write through, so the two would import each other."""
    global _wired
    _wired = handlers


class HandlersNotWired(RuntimeError):
    """An event was recorded in a process that never wired its handlers: its notifications
    would be lost without a word, so the operation fails instead."""


class UnitOfWork:
    def __init__(self, session: Session, now: datetime, handlers: EventHandlers | None = None) -> None:
        self.session = session
        self.now = now
        self.events: list[Event] = []
        self.handlers = handlers if handlers is not None else _wired

    @classmethod
    @contextmanager
    def begin(cls, engine: Engine, now: datetime) -> Iterator[UnitOfWork]:
        """A fresh session for one transaction; rolled back unless committed."""
        with Session(engine, expire_on_commit=False) as s:
            uow = cls(s, now)
            try:
                yield uow
            finally:
                s.rollback()

    def handlers_of(self, event: Event) -> Sequence[EventHandler]:
        """The handlers listed under the event's own class or, failing that, its nearest base
        (an `Awarded` has its own; a `Decided` is told as any `StatusMoved`)."""
        if self.handlers is None:
            raise HandlersNotWired(type(event).__name__)
        for cls in type(event).__mro__:
            if cls in self.handlers:
                return self.handlers[cls]
        return ()

    def record(self, events: Iterable[E]) -> list[E]:
        recorded = list(events)
        for event in recorded:
            self.events.append(event)
            for handler in self.handlers_of(event):
                handler(self, event)
        return recorded

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
