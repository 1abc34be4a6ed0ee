"""the office's citation («Trích yếu thành tích») of a submission

Revision ID: submission_citation
Revises: i14_search
"""

from __future__ import annotations

from alembic import op

revision = "submission_citation"
down_revision = "i14_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: a SQLite batch copy of `submission` would drop the counters' triggers
    op.execute("ALTER TABLE submission ADD COLUMN citation TEXT")


def downgrade() -> None:
    op.execute("ALTER TABLE submission DROP COLUMN citation")
