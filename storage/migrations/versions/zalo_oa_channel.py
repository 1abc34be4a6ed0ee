"""the Zalo Official Account channel: its token pair (renewed in place, one renewal at a time)
and each account's last inbound time (the OA's free-form messaging window)

Revision ID: zalo_oa_channel
Revises: evidence_relative_path
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = "zalo_oa_channel"
down_revision = "evidence_relative_path"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oa_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oa_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("access_expires_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("renewed_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("renewals", sa.Integer(), nullable=False),
        sa.Column("renewing_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("renewing_until", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("oa_id"),
    )
    with op.batch_alter_table("identity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_inbound_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("identity", schema=None) as batch_op:
        batch_op.drop_column("last_inbound_at")
    op.drop_table("oa_token")
