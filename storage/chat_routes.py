"""The shared bot's chat routes (province registry): which commune a person belongs to on a
bot several communes share, keyed by (channel, bot, the person's id on that platform)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from .models.province import ProvinceChatRoute


def _where(channel: str, bot_key: str, external_id: str) -> list[object]:
    return [
        col(ProvinceChatRoute.channel) == channel,
        col(ProvinceChatRoute.bot_key) == bot_key,
        col(ProvinceChatRoute.external_id) == external_id,
    ]


def commune_id_of(s: Session, channel: str, bot_key: str, external_id: str) -> int | None:
    found = s.exec(
        select(ProvinceChatRoute.commune_id).where(*_where(channel, bot_key, external_id))  # type: ignore[arg-type]
    ).first()
    return int(found) if found is not None else None


def set_route(
    s: Session, channel: str, bot_key: str, external_id: str, commune_id: int, now: datetime
) -> None:
    """The person's commune from now on (a second route of the same person replaces the first;
    two processes routing them at once: the unique key keeps one row, the later write wins)."""
    for _ in range(2):
        row = s.exec(select(ProvinceChatRoute).where(*_where(channel, bot_key, external_id))).first()  # type: ignore[arg-type]
        if row is not None:
            row.commune_id, row.updated_at = commune_id, now
            s.add(row)
            s.flush()
            return
        try:
            with s.begin_nested():
                s.add(
                    ProvinceChatRoute(
                        channel=channel,
                        bot_key=bot_key,
                        external_id=external_id,
                        commune_id=commune_id,
                        created_at=now,
                        updated_at=now,
                    )
                )
            return
        except IntegrityError:
            continue  # inserted by another process meanwhile: update that row
