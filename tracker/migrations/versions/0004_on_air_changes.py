"""on air, nothing wrong: the strap's program and preview, auto-out, withdrawn commitments

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 14:30:00

"""
import sqlalchemy as sa
from alembic import op

import tracker.models.types

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


EPISODE_COLUMNS = ('graphic_item_id', 'graphic_taken_at', 'graphic_out_at', 'preview_kind', 'preview_id')


def upgrade():
    # Plain ADD COLUMN (no table copy): other tables hold foreign keys to these rows.
    op.add_column('episodes', sa.Column('graphic_item_id', sa.Integer(), nullable=True))
    op.add_column('episodes', sa.Column('graphic_taken_at', tracker.models.types.UTCDateTime(), nullable=True))
    op.add_column('episodes', sa.Column('graphic_out_at', tracker.models.types.UTCDateTime(), nullable=True))
    op.add_column('episodes', sa.Column('preview_kind', sa.String(length=20), nullable=True))
    op.add_column('episodes', sa.Column('preview_id', sa.Integer(), nullable=True))
    op.add_column('commitments', sa.Column('withdrawn_at', tracker.models.types.UTCDateTime(), nullable=True))


def downgrade():
    # SQLite (3.35+) drops a column in place, without copying a table others refer to.
    op.drop_column('commitments', 'withdrawn_at')
    for column in reversed(EPISODE_COLUMNS):
        op.drop_column('episodes', column)
