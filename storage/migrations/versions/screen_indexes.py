"""indexes for the staff and head screens

Revision ID: i14_indexes
Revises: domain_refs
"""

from alembic import op

revision = "i14_indexes"
down_revision = "domain_refs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_submission_queue", "submission", ["campaign_code", "status", "kind", "submitted_at", "id"]
    )
    op.create_index(
        "ix_submission_summary",
        "submission",
        ["campaign_code", "unit_code", "category", "status", "kind", "submitted_at", "id"],
    )
    op.create_index(
        "ix_submission_new", "submission", ["campaign_code", "submitted_at", "unit_code", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_submission_new", table_name="submission")
    op.drop_index("ix_submission_summary", table_name="submission")
    op.drop_index("ix_submission_queue", table_name="submission")
