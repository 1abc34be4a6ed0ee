"""the nominee's search key (folded: no case, no diacritics), filled for existing rows

Revision ID: i14_search
Revises: i14_tally
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "i14_search"
down_revision = "i14_tally"
branch_labels = None
depends_on = None

BATCH = 2000


def _fold(text: str) -> str:
    # messages.folding.fold as of this revision (a migration keeps its own copy: it must
    # write what it wrote, whatever the code becomes; and storage imports nothing of ours)
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def upgrade() -> None:
    op.add_column(
        "submission", sa.Column("nominee_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
    )
    conn = op.get_bind()
    last = 0
    while True:  # a batch at a time: a campaign of 100,000 never sits in memory whole
        rows = conn.execute(
            sa.text(
                "SELECT id, nominee FROM submission WHERE id > :last AND nominee IS NOT NULL "
                "ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            break
        conn.execute(
            sa.text("UPDATE submission SET nominee_key = :key WHERE id = :id"),
            [{"id": i, "key": _fold(name)[:200]} for i, name in rows],
        )
        last = rows[-1][0]


def downgrade() -> None:
    # a plain DROP COLUMN (SQLite >= 3.35): a batch copy of the table would drop the counters'
    # triggers (storage/counters.py)
    op.execute("ALTER TABLE submission DROP COLUMN nominee_key")
