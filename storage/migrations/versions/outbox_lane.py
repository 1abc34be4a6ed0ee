"""the outbox's delivery lane (storage.outbox.LANE_*): a queued message keeps its place under
the platform's limit across a restart

Revision ID: outbox_lane
Revises: console_scale
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "outbox_lane"
down_revision = "console_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN on both databases; rows queued before: a notice's lane (2)
    op.add_column("outbox", sa.Column("lane", sa.Integer(), nullable=False, server_default="2"))


def downgrade() -> None:
    op.execute("ALTER TABLE outbox DROP COLUMN lane")
