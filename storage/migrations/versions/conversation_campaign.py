"""the campaign a person chose in their conversation, when more than one is open

Revision ID: conversation_campaign
Revises: campaign_table
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "conversation_campaign"
down_revision = "campaign_table"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ALTER TABLE on both databases (no batch copy of the table)
    op.add_column("conversation_state", sa.Column("campaign_code", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_state") as batch:
        batch.drop_column("campaign_code")
