"""submission counters kept by triggers, indexes for paged screens

The counter tables (submission_tally, submission_sent), filled from the rows already there and
kept by the triggers of storage/counters.py (read there why, and what a migration that rebuilds
`submission` on SQLite must do).

Revision ID: i14_tally
Revises: i16_broadcasts
"""

import sqlalchemy as sa
from alembic import op

from storage.counters import SENT_KEY, TALLY_KEY, backfill, create_triggers, drop_triggers

revision = "i14_tally"
down_revision = "i16_broadcasts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # no write may fall between the backfill and the triggers
        op.execute("LOCK TABLE submission IN SHARE ROW EXCLUSIVE MODE")
    op.create_table(
        "submission_tally",
        sa.Column("campaign_code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("unit_code", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("shortlist_award", sa.String(32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*TALLY_KEY),
        sqlite_with_rowid=False,  # SQLite: the rows in key order, a GROUP BY reads no other table
    )
    op.create_table(
        "submission_sent",
        sa.Column("campaign_code", sa.String(40), nullable=False),
        sa.Column("span", sa.String(8), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("unit_code", sa.String(16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*SENT_KEY),
        sqlite_with_rowid=False,
    )
    backfill(bind)
    create_triggers(bind)
    op.drop_index("ix_submission_campaign_status", table_name="submission")
    op.create_index("ix_submission_status_id", "submission", ["campaign_code", "status", "id"])
    op.create_index("ix_submission_award", "submission", ["campaign_code", "shortlist_award", "id"])
    op.drop_index("ix_submission_unit_code", table_name="submission")
    op.create_index("ix_submission_unit_kind", "submission", ["unit_code", "kind", "id"])
    op.drop_index("ix_submission_submitter_id", table_name="submission")
    op.create_index("ix_submission_submitter", "submission", ["submitter_id", "id"])
    op.create_index("ix_audit_log_entity_action_at", "audit_log", ["entity", "action", "at", "id"])


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_index("ix_audit_log_entity_action_at", table_name="audit_log")
    op.drop_index("ix_submission_submitter", table_name="submission")
    op.create_index("ix_submission_submitter_id", "submission", ["submitter_id"])
    op.drop_index("ix_submission_unit_kind", table_name="submission")
    op.create_index("ix_submission_unit_code", "submission", ["unit_code"])
    op.drop_index("ix_submission_award", table_name="submission")
    op.drop_index("ix_submission_status_id", table_name="submission")
    op.create_index("ix_submission_campaign_status", "submission", ["campaign_code", "status"])
    drop_triggers(bind)
    op.drop_table("submission_sent")
    op.drop_table("submission_tally")
