"""two staff at once: the campaign's lock rows; one open council round per campaign and its
number unique

Revision ID: campaign_lock
Revises: submission_citation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "campaign_lock"
down_revision = "submission_citation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_lock",
        sa.Column("campaign_code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=48), nullable=False),
        sa.Column("taken_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("campaign_code", "name"),
    )
    # plain CREATE INDEX (no batch copy of council_round): a unique index serves as the
    # constraint on both databases
    op.create_index("uq_council_round_number", "council_round", ["campaign_code", "number"], unique=True)
    op.create_index(
        "uq_council_round_open",
        "council_round",
        ["campaign_code"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("uq_council_round_open", table_name="council_round")
    op.drop_index("uq_council_round_number", table_name="council_round")
    op.drop_table("campaign_lock")
