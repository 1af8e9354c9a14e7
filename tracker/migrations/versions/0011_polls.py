"""the audience vote: polls (with their final tally) and ballots

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 23:50:00

"""
import sqlalchemy as sa
from alembic import op

import tracker.models.types

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OPEN = sa.text("closed_at IS NULL")


def upgrade():
    op.create_table('polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('code_mode', sa.Enum('off', 'rotating', 'studio', name='codemode', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('opened_at', tracker.models.types.UTCDateTime(), nullable=False),
    sa.Column('closes_at', tracker.models.types.UTCDateTime(), nullable=True),
    sa.Column('closed_at', tracker.models.types.UTCDateTime(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('final_satisfied', sa.Integer(), nullable=True),
    sa.Column('final_basically_satisfied', sa.Integer(), nullable=True),
    sa.Column('final_unsatisfied', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_polls_case_id_cases')),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_polls_episode_id_episodes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['rundown_items.id'], name=op.f('fk_polls_item_id_rundown_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_polls_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_polls'))
    )
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_polls_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_polls_episode_id'), ['episode_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_polls_item_id'), ['item_id'], unique=False)
        batch_op.create_index('uq_polls_one_open', ['episode_id'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)

    op.create_table('ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('device', sa.String(length=64), nullable=False),
    sa.Column('choice', sa.Enum('satisfied', 'basically_satisfied', 'unsatisfied', name='choice', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('updated_at', tracker.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_ballots_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('poll_id', 'device', name=op.f('uq_ballots_poll_id'))
    )


def downgrade():
    op.drop_table('ballots')
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_index('uq_polls_one_open', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_index(batch_op.f('ix_polls_item_id'))
        batch_op.drop_index(batch_op.f('ix_polls_episode_id'))
        batch_op.drop_index(batch_op.f('ix_polls_case_id'))
    op.drop_table('polls')
