"""evidence photos kept under MEDIA_DIR are named relative to it, so a backup restored on
another machine (another MEDIA_DIR) finds them

Revision ID: evidence_relative_path
Revises: campaign_lock
"""

from __future__ import annotations

import os
import re

import sqlalchemy as sa
from alembic import op

revision = "evidence_relative_path"
down_revision = "campaign_lock"
branch_labels = None
depends_on = None

# the photo store's layout: <MEDIA_DIR>/<2 hex>/<sha256>.<ext> (bot/zalo/media.py)
STORED = re.compile(r"^.*?[/\\]([0-9a-f]{2}[/\\][0-9a-f]{64}\.[A-Za-z0-9]{1,8})$")


def relative(path: str, media_dir: str | None) -> str | None:
    """The path relative to MEDIA_DIR, or None to leave it (a file kept elsewhere)."""
    if media_dir:
        root = os.path.abspath(media_dir).rstrip("/\\") + os.sep
        if path.startswith(root):
            return path[len(root) :].replace("\\", "/")
    m = STORED.match(path)
    return m.group(1).replace("\\", "/") if m else None


def upgrade() -> None:
    conn = op.get_bind()
    media_dir = os.environ.get("MEDIA_DIR")
    rows = conn.execute(sa.text("SELECT id, local_path FROM evidence WHERE local_path IS NOT NULL")).all()
    for row_id, path in rows:
        if not os.path.isabs(path):
            continue
        new = relative(path, media_dir)
        if new is not None:
            conn.execute(
                sa.text("UPDATE evidence SET local_path = :p WHERE id = :id"), {"p": new, "id": row_id}
            )


def downgrade() -> None:
    pass  # relative names keep working wherever MEDIA_DIR is; nothing to undo
