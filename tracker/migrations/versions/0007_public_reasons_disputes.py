"""public reasons beside internal notes on commitment events; followers' disputes of a verification

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 00:00:00

"""
import sqlalchemy as sa
from alembic import op

import tracker.models.types

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Adding a column with a default needs no table rebuild on SQLite.
    op.add_column('commitment_events', sa.Column('public_reason', sa.Text(), nullable=False, server_default=''))
    op.create_table('commitment_disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('follow_id', sa.Integer(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('public_statement', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'reopened', 'answered', name='disputestatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', tracker.models.types.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', tracker.models.types.UTCDateTime(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_commitment_disputes_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_commitment_disputes_decided_by_id_users')),
    sa.ForeignKeyConstraint(['follow_id'], ['follows.id'], name=op.f('fk_commitment_disputes_follow_id_follows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_disputes'))
    )
    with op.batch_alter_table('commitment_disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_disputes_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_disputes_follow_id'), ['follow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_disputes_status'), ['status'], unique=False)
        batch_op.create_index('uq_commitment_disputes_open', ['follow_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))


def downgrade():
    with op.batch_alter_table('commitment_disputes', schema=None) as batch_op:
        batch_op.drop_index('uq_commitment_disputes_open', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_commitment_disputes_status'))
        batch_op.drop_index(batch_op.f('ix_commitment_disputes_follow_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_disputes_commitment_id'))
    op.drop_table('commitment_disputes')
    # Not in batch mode: SQLite (3.35 on) drops a column in place, without rebuilding the table.
    op.drop_column('commitment_events', 'public_reason')
