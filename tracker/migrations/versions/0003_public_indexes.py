"""public tracker at scale: the public data's version row, and indexes for the public list and timelines

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import tracker.models.types

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    data_version = op.create_table('data_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', tracker.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
    op.bulk_insert(data_version, [{'id': 1, 'version': 1, 'changed_at': datetime.now(UTC)}])
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index('ix_commitments_status_deadline', ['status', 'deadline'], unique=False)
        batch_op.create_index('ix_commitments_department_status_deadline', ['department_id', 'status', 'deadline'],
                              unique=False)

    with op.batch_alter_table('commitment_events', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_events_commitment_id_id', ['commitment_id', 'id'], unique=False)
        batch_op.create_index('ix_commitment_events_at', ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('commitment_events', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_events_at')
        batch_op.drop_index('ix_commitment_events_commitment_id_id')

    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index('ix_commitments_department_status_deadline')
        batch_op.drop_index('ix_commitments_status_deadline')

    op.drop_table('data_version')
