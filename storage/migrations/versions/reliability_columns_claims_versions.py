"""reliability: columns as wide as the platforms send; outbox claims; state versions

Revision ID: i11_reliability
Revises: i15_council
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = "i11_reliability"
down_revision = "i15_council"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("identity", schema=None) as b:
        b.alter_column(
            "external_id", existing_type=_S(length=64), type_=_S(length=128), existing_nullable=False
        )
        b.alter_column("chat_id", existing_type=_S(length=64), type_=_S(length=128), existing_nullable=False)
        b.alter_column(
            "display_name", existing_type=_S(length=120), type_=_S(length=256), existing_nullable=True
        )
    with op.batch_alter_table("evidence", schema=None) as b:
        b.alter_column("url", existing_type=_S(length=1000), type_=sa.Text(), existing_nullable=True)
        b.alter_column("caption", existing_type=_S(length=1000), type_=sa.Text(), existing_nullable=True)
    with op.batch_alter_table("conversation_state", schema=None) as b:
        b.alter_column("user_id", existing_type=_S(length=64), type_=_S(length=128), existing_nullable=False)
        b.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("outbox", schema=None) as b:
        b.alter_column("chat_id", existing_type=_S(length=64), type_=_S(length=128), existing_nullable=True)
        b.add_column(sa.Column("claimed_by", _S(length=64), nullable=True))
        b.add_column(sa.Column("claimed_until", storage.models.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as b:
        b.drop_column("claimed_until")
        b.drop_column("claimed_by")
        b.alter_column("chat_id", existing_type=_S(length=128), type_=_S(length=64), existing_nullable=True)
    with op.batch_alter_table("conversation_state", schema=None) as b:
        b.drop_column("version")
        b.alter_column("user_id", existing_type=_S(length=128), type_=_S(length=64), existing_nullable=False)
    with op.batch_alter_table("evidence", schema=None) as b:
        b.alter_column("caption", existing_type=sa.Text(), type_=_S(length=1000), existing_nullable=True)
        b.alter_column("url", existing_type=sa.Text(), type_=_S(length=1000), existing_nullable=True)
    with op.batch_alter_table("identity", schema=None) as b:
        b.alter_column(
            "display_name", existing_type=_S(length=256), type_=_S(length=120), existing_nullable=True
        )
        b.alter_column("chat_id", existing_type=_S(length=128), type_=_S(length=64), existing_nullable=False)
        b.alter_column(
            "external_id", existing_type=_S(length=128), type_=_S(length=64), existing_nullable=False
        )
