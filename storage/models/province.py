"""The province registry: the communes one deployment serves, the shared bot's chat routes, the
province's administrators and their web sign-in. These tables live only where DATABASE_URL
points (PostgreSQL: its current schema, `public`; SQLite: its file), on their own metadata and
their own Alembic chain (storage/province_migrations/, version table `province_version`), so a
commune's schema or file never holds them and the commune chain never sees them."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict
from sqlalchemy import MetaData, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from .base import _ts

PROVINCE_REGISTRY = registry(metadata=MetaData())
PROVINCE_METADATA = PROVINCE_REGISTRY.metadata


class ProvinceTable(SQLModel, registry=PROVINCE_REGISTRY):
    """The registry tables' base: SQLModel on a metadata of its own (not SQLModel.metadata)."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


class ProvinceCommune(ProvinceTable, table=True):
    """A commune served by the deployment. `scope` says where its data lives: a PostgreSQL
    schema, or an SQLite file's name beside the DATABASE_URL file. The first commune is the
    data that was there before the registry (the current schema, or the DATABASE_URL file)."""

    __tablename__ = "province_commune"
    id: int = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    web_host: str | None = Field(default=None, max_length=253, unique=True)
    scope: str = Field(max_length=200, unique=True)
    # new: registered, its schema or file being made and migrated; active: serving
    status: str = Field(default="new", max_length=16)
    created_at: datetime = _ts()


class ProvinceChatRoute(ProvinceTable, table=True):
    """Which commune a person of the shared bot belongs to: (channel, bot, user) -> commune."""

    __tablename__ = "province_chat_route"
    __table_args__ = (
        UniqueConstraint("channel", "bot_key", "external_id", name="uq_province_chat_route_user"),
    )
    id: int = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    bot_key: str = Field(max_length=64)
    external_id: str = Field(max_length=128)
    commune_id: int = Field(foreign_key="province_commune.id", index=True)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class ProvinceAdmin(ProvinceTable, table=True):
    """A person of the province office who adds and oversees communes."""

    __tablename__ = "province_admin"
    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    phone: str | None = Field(default=None, max_length=20, unique=True)
    created_at: datetime = _ts()


class ProvinceWebLink(ProvinceTable, table=True):
    """A one-time sign-in link to the province's web pages (only its SHA-256 is kept)."""

    __tablename__ = "province_web_link"
    id: int = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    admin_id: int = Field(foreign_key="province_admin.id", index=True)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)


class ProvinceWebSession(ProvinceTable, table=True):
    """A province administrator's signed-in browser: the token's SHA-256, the CSRF secret, its end."""

    __tablename__ = "province_web_session"
    id: int = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    admin_id: int = Field(foreign_key="province_admin.id", index=True)
    csrf: str = Field(max_length=64)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    revoked_at: datetime | None = _ts(nullable=True)
