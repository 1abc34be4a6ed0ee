"""The province's operations on its registry of communes (storage/communes.py): adding a
commune, and the list the province office reads. Called by the command line (`commune add`,
`commune list`) and the province's web pages alike. The actor is a province administrator, or
None for the server's operator at the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage import members, views
from storage.communes import Commune, CommuneRefused, Communes
from storage.db import session
from storage.models import ProvinceAdmin

from .events import Event
from .refusals import Refused


@dataclass(frozen=True)
class CommuneCreated(Event):
    commune_id: int
    code: str
    name: str
    web_host: str | None


@dataclass(frozen=True)
class CommuneRow:
    """One line of the province's list: the commune and its size."""

    commune: Commune
    members: int
    submissions: int  # sent, withdrawn ones and drafts left out


def create_commune(
    registry: Communes,
    actor: ProvinceAdmin | None,
    code: str,
    name: str,
    *,
    web_host: str | None = None,
    now: datetime,
) -> list[Event]:
    """A new commune with its own schema or file, migrated and ready; Refused (a taken or
    wrong code or host, a name too short or long) before anything is made."""
    try:
        commune = registry.create(code.strip(), name, web_host, now=now)
    except CommuneRefused as exc:
        raise Refused(exc.key, **exc.values) from None
    return [
        CommuneCreated(
            at=now,
            actor_id=actor.id if actor is not None else None,
            commune_id=commune.id,
            code=commune.code,
            name=commune.name,
            web_host=commune.web_host,
        )
    ]


def commune_rows(registry: Communes) -> list[CommuneRow]:
    """Every commune with its members and submissions, read from its own scope (the
    submissions from the trigger-kept counters: a few rows whatever the commune's size)."""
    found = []
    for commune in registry.all():
        with session(registry.engine_of(commune)) as s:
            sent = views.count(s, live=True) - views.count(s, statuses=["draft"])
            found.append(CommuneRow(commune, members.count_members(s), sent))
    return found
