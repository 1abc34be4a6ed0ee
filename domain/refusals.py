"""Why an operation said no: a catalog key and its values, for whoever shows it (chat, web)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .events import Event


class Refused(Exception):
    """An operation refused; nothing was written. `key` names the text in messages/catalog."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
        # what the refusal says happened, for the caller to record (a quota reached)
        self.event: Event | None = None

    def with_event(self, event: Event) -> Refused:
        self.event = event
        return self


class StaleDecision(Refused):
    """Someone else decided while this decision was being made: who, when, and to what."""

    def __init__(
        self, ref: str, status: str, by_id: int | None, by_name: str | None, at: datetime | None
    ) -> None:
        super().__init__("rev.moved", ref=ref, status=status)
        self.ref, self.status, self.by_id, self.by_name, self.at = ref, status, by_id, by_name, at
