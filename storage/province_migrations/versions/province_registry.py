"""the province registry: communes, the shared bot's chat routes, province administrators and
their web sign-in

Revision ID: province_registry
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "province_registry"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "province_commune",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("web_host", sa.String(length=253), nullable=True),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("web_host"),
        sa.UniqueConstraint("scope"),
    )
    op.create_table(
        "province_chat_route",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("bot_key", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["province_commune.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "bot_key", "external_id", name="uq_province_chat_route_user"),
    )
    op.create_index("ix_province_chat_route_commune_id", "province_chat_route", ["commune_id"])
    op.create_table(
        "province_admin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("phone"),
    )
    for name, extra in (
        ("province_web_link", [sa.Column("used_at", UTCDateTime(timezone=True), nullable=True)]),
        (
            "province_web_session",
            [
                sa.Column("csrf", sa.String(length=64), nullable=False),
                sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
            ],
        ),
    ):
        op.create_table(
            name,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("token_hash", sa.String(length=64), nullable=False),
            sa.Column("admin_id", sa.Integer(), nullable=False),
            sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
            *extra,
            sa.ForeignKeyConstraint(["admin_id"], ["province_admin.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("token_hash"),
        )
        op.create_index(f"ix_{name}_admin_id", name, ["admin_id"])


def downgrade() -> None:
    for name in ("province_web_session", "province_web_link"):
        op.drop_index(f"ix_{name}_admin_id", table_name=name)
        op.drop_table(name)
    op.drop_table("province_admin")
    op.drop_index("ix_province_chat_route_commune_id", table_name="province_chat_route")
    op.drop_table("province_chat_route")
    op.drop_table("province_commune")
