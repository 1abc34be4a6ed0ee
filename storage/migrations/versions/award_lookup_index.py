"""a unit's submissions by status: the awards a unit received over the years (Tra cứu)

Revision ID: award_lookup_index
Revises: conversation_campaign
"""

from alembic import op

revision = "award_lookup_index"
down_revision = "commune_units"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_submission_unit_status", "submission", ["unit_code", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_submission_unit_status", table_name="submission")
