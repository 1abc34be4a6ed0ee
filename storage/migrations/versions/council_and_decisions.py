"""the award step: council rounds, items and votes; award decisions and their items;
photo publication consent on evidence

Revision ID: i15_council
Revises: i12_web
Create Date: 2026-11-25 23:49:20.846932
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = 'i15_council'
down_revision = 'i12_web'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'council_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('members', sa.JSON(), nullable=False),
        sa.Column('opened_by', sa.Integer(), nullable=True),
        sa.Column('opened_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('closed_by', sa.Integer(), nullable=True),
        sa.Column('closed_at', storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('quorum_met', sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ['closed_by'],
            ['member.id'],
        ),
        sa.ForeignKeyConstraint(
            ['opened_by'],
            ['member.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('council_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_round_campaign_code'), ['campaign_code'], unique=False)

    op.create_table(
        'award_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('award_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('signed_on', sa.Date(), nullable=False),
        sa.Column('signer_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('signer_title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=True),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.Column('recorded_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('withdrawn', sa.Boolean(), nullable=False),
        sa.Column('withdrawn_by', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ['recorded_by'],
            ['member.id'],
        ),
        sa.ForeignKeyConstraint(
            ['round_id'],
            ['council_round.id'],
        ),
        sa.ForeignKeyConstraint(
            ['withdrawn_by'],
            ['member.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('award_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_decision_campaign_code'), ['campaign_code'], unique=False)

    op.create_table(
        'council_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('award_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('result', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column('agree', sa.Integer(), nullable=False),
        sa.Column('disagree', sa.Integer(), nullable=False),
        sa.Column('more_info', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['round_id'],
            ['council_round.id'],
        ),
        sa.ForeignKeyConstraint(
            ['submission_id'],
            ['submission.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('round_id', 'submission_id', name='uq_council_item'),
    )
    with op.batch_alter_table('council_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_item_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_item_submission_id'), ['submission_id'], unique=False)

    op.create_table(
        'award_decision_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['decision_id'],
            ['award_decision.id'],
        ),
        sa.ForeignKeyConstraint(
            ['submission_id'],
            ['submission.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('decision_id', 'submission_id', name='uq_decision_item'),
    )
    with op.batch_alter_table('award_decision_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_decision_item_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_award_decision_item_submission_id'), ['submission_id'], unique=False
        )

    op.create_table(
        'council_vote',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('choice', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('cast_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('changed_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['item_id'],
            ['council_item.id'],
        ),
        sa.ForeignKeyConstraint(
            ['member_id'],
            ['member.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('item_id', 'member_id', name='uq_council_vote'),
    )
    with op.batch_alter_table('council_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_vote_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_vote_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('publish_consent', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('publish_consent')

    with op.batch_alter_table('council_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_vote_member_id'))
        batch_op.drop_index(batch_op.f('ix_council_vote_item_id'))

    op.drop_table('council_vote')
    with op.batch_alter_table('award_decision_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_decision_item_submission_id'))
        batch_op.drop_index(batch_op.f('ix_award_decision_item_decision_id'))

    op.drop_table('award_decision_item')
    with op.batch_alter_table('council_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_item_submission_id'))
        batch_op.drop_index(batch_op.f('ix_council_item_round_id'))

    op.drop_table('council_item')
    with op.batch_alter_table('award_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_decision_campaign_code'))

    op.drop_table('award_decision')
    with op.batch_alter_table('council_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_round_campaign_code'))

    op.drop_table('council_round')
