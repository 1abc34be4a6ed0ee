"""The unit of work: one Session, one transaction, and the events recorded in it.

Every event an operation records is handled at once by the notification handlers, inside the
same transaction (the outbox row commits or rolls back with the change that caused it). The
conversation core runs a whole turn in one unit of work: event key, state, rows, audit, outbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from .events import Event


class UnitOfWork:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.events: list[Event] = []

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

    def record(self, events: Iterable[Event]) -> list[Event]:
        from .notifications import handle

        recorded = list(events)
        for event in recorded:
            self.events.append(event)
            handle(self, event)
        return recorded

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
