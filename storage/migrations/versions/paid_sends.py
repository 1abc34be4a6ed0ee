"""messages sent above the free limit (paid broadcast), counted per channel and minute

Revision ID: paid_sends
Revises: outbox_lane
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "paid_sends"
down_revision = "outbox_lane"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paid_send",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("minute", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sends", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("channel", "minute"),
    )


def downgrade() -> None:
    op.drop_table("paid_send")
