"""ballots: an index on (poll, choice), so a poll's live tally is counted from the index alone

The tally is pushed up to four times a second during a vote, each time counted from the stored
ballots; with the unique (poll, device) index alone SQLite read every ballot row to group them by
choice (hundreds of ms at 60,000 ballots, holding the worker), with this one it reads the index.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 03:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index('ix_ballots_poll_id_choice', ['poll_id', 'choice'], unique=False)


def downgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index('ix_ballots_poll_id_choice')
