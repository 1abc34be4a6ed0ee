"""The web console: one-time sign-in links and browser sessions

Revision ID: i12_web
Revises: i14_indexes
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = 'i12_web'
down_revision = 'i14_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column('unit_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('used_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['created_by'],
            ['member.id'],
        ),
        sa.ForeignKeyConstraint(
            ['member_id'],
            ['member.id'],
        ),
        sa.ForeignKeyConstraint(
            ['used_by'],
            ['member.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_table(
        'web_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('csrf', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['member_id'],
            ['member.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_member_id'), ['member_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_member_id'))

    op.drop_table('web_session')
    op.drop_table('web_link')
